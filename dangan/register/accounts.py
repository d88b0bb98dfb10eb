"""The counter's own records: staff accounts, visits (查档登记), access log, certified copies.

SQLAlchemy, so a larger archive can point `[web] database` at PostgreSQL; SQLite in the data
dir by default. Nothing here is ever deleted by the application: the register is evidence.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    create_engine,
    func,
    select,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from dangan import clock

ROLES = ("staff", "admin")
# A login is typed on the counter's keyboard and shown in logs: letters, digits, _ . -
USERNAME = re.compile(r"[A-Za-z0-9_.\-]{2,64}")
RELATIONSHIPS = ("本人", "亲属", "代理")
PURPOSES = ("工龄认定", "退休核定", "继承", "其他")
OUTCOMES = ("查到", "未查到")


def now() -> dt.datetime:
    """The archive's time (dangan/clock.py), as every register time is stored."""
    return clock.now()


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16), default="staff")
    # The real name printed as 经办人 on papers (a login is not a name a pension office knows).
    full_name: Mapped[str] = mapped_column(String(64), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    # Sessions carry the version they were made under: logging out, a new password or
    # disabling the account bumps it, and every older session cookie stops working.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return self.active and check_password_hash(self.password_hash, password)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class Visit(Base):
    """One citizen at the window (查档登记): who asked, why, what was found and copied."""

    __tablename__ = "visits"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    requester_name: Mapped[str] = mapped_column(String(64))
    id_number: Mapped[str] = mapped_column(String(18))
    relation: Mapped[str] = mapped_column("relationship", String(8))  # 本人 / 亲属 / 代理
    # Whose records are sought (the requester's own for 本人) and a number to call back.
    subject_name: Mapped[str] = mapped_column(String(64), default="", server_default="")
    phone: Mapped[str] = mapped_column(String(32), default="", server_default="")
    purpose: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    staff_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(8), nullable=True)
    # Typed into the closing form by releases before issue 27; kept as it was written. What
    # was copied is now derived from the issued papers and the access log (dangan/register.py).
    copied: Mapped[str] = mapped_column(Text, default="")
    # Who closed it (the holder or an admin); `ended_at` says when.
    closed_by: Mapped[int | None] = mapped_column(Integer, nullable=True)  # users.id
    staff: Mapped[User] = relationship()


class VisitEvent(Base):
    """A visit changing hands: `handover` by its holder, `takeover` by an admin. Either ends
    every clearance granted on the visit so far (those with id <= clearance_cutoff)."""

    __tablename__ = "visit_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))  # who acted
    action: Mapped[str] = mapped_column(String(16))  # handover | takeover
    to_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))  # the new holder
    clearance_cutoff: Mapped[int] = mapped_column(Integer, default=0)


class Access(Base):
    """Every page view, restricted view, search and copy, tied to a visit where there is one."""

    __tablename__ = "access_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"), nullable=True)
    # The remote request (异地查档) being worked on, when the view is for one rather than a visit.
    request_number: Mapped[str | None] = mapped_column(String(40), nullable=True)
    action: Mapped[str] = mapped_column(String(24))  # view | view_restricted | copy | search
    path: Mapped[str] = mapped_column(Text, default="")
    page: Mapped[int | None] = mapped_column(Integer, nullable=True)
    detail: Mapped[str] = mapped_column(Text, default="")
    # The page's identity (page store page_ids.id): never reused, unlike path and page.
    page_uid: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # The hash chain of releases before issue 27; entries are now chained in audit_chain
    # (dangan/register/chain.py) and these stay empty.
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    hash: Mapped[str] = mapped_column(String(64), default="")
    user: Mapped[User] = relationship()


class Clearance(Base):
    """An admin's approval to open one restricted document, for one visit or one request (or
    one reply), with the reason: never for a login session, never for the next visitor."""

    __tablename__ = "clearances"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    document: Mapped[str] = mapped_column(Text)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"), nullable=True)
    request_number: Mapped[str | None] = mapped_column(String(40), nullable=True)
    purpose: Mapped[str] = mapped_column(String(16), default="view")  # view | reply
    reason: Mapped[str] = mapped_column(Text)


class VisitCorrection(Base):
    """A correction to a closed visit: a new entry that references it, never an edit."""

    __tablename__ = "visit_corrections"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"))
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text)


class IssuedPaper(Base):
    """A certified copy or reply as handed out: what the public verification page shows."""

    __tablename__ = "issued_papers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    kind: Mapped[str] = mapped_column(String(16))  # 档案复制件 / 档案查询结果告知书 / 查无档案证明
    number: Mapped[str] = mapped_column(String(40))  # 查档登记号 or 申请编号
    pages: Mapped[int] = mapped_column(Integer)  # archive pages certified
    titles: Mapped[str] = mapped_column(Text, default="")  # 档号 and page of each, one a line
    sha256: Mapped[str] = mapped_column(String(64))
    signed: Mapped[bool] = mapped_column(Boolean, default=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


def database_url(cfg) -> str:
    """The records database of a configuration: `[web] database`, else SQLite in the data dir."""
    return cfg.database_url or f"sqlite:///{cfg.data_dir / 'dangan.sqlite3'}"


class Database:
    def __init__(self, url: str, evidence_dir: Path | None = None, *, migrate: bool = False):
        """`evidence_dir`: where the audit chain's key and head file live (the data dir;
        default: beside a SQLite file). See dangan/register/chain.py. `migrate`: bring an
        existing register that is behind to this release's schema (only `serve` and `db
        upgrade` pass it); without it such a register raises migrate.RegisterBehind and is
        left as it is. A new, empty database is created."""
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        self.engine = create_engine(url, future=True)
        from . import chain, dossiers, requests, tokens  # noqa: F401  (their tables: Base)
        from .migrate import prepare

        chain.attach(self.engine, evidence_dir)
        # The schema is Alembic's (dangan/register/migrations): never create_all, which would
        # make new tables but leave old ones behind the models.
        self.schema_change = prepare(self.engine, migrate=migrate)

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    # -- users (also used by the CLI) --------------------------------------------------
    def add_user(self, username: str, password: str, role: str = "staff",
                 full_name: str = "") -> User:
        if role not in ROLES:
            raise ValueError(f"角色应为 {' 或 '.join(ROLES)} / role must be one of {ROLES}")
        if not USERNAME.fullmatch(username or ""):
            raise ValueError("用户名应为 2–64 位字母、数字或 _ . - / username: 2–64 letters, "
                             "digits, _ . -")
        if len(password) < 8:
            raise ValueError("密码至少 8 位 / password needs at least 8 characters")
        with self.session() as s:
            if s.scalar(select(User).where(User.username == username)):
                raise ValueError(f"用户已存在 / user exists: {username}")
            user = User(username=username, role=role, full_name=full_name.strip()[:64])
            user.set_password(password)
            s.add(user)
            s.commit()
            return user

    def user(self, username: str) -> User | None:
        with self.session() as s:
            return s.scalar(select(User).where(User.username == username))

    def users(self) -> list[User]:
        with self.session() as s:
            return list(s.scalars(select(User).order_by(User.username)))

    def update_user(self, username: str, *, password: str | None = None,
                    active: bool | None = None, full_name: str | None = None) -> None:
        with self.session() as s:
            user = s.scalar(select(User).where(User.username == username))
            if user is None:
                raise ValueError(f"无此用户 / no such user: {username}")
            if password is not None:
                if len(password) < 8:
                    raise ValueError("密码至少 8 位 / password needs at least 8 characters")
                user.set_password(password)
            if active is False and user.is_admin and user.active and not s.scalar(
                    select(func.count(User.id)).where(User.role == "admin", User.active,
                                                      User.id != user.id)):
                raise ValueError("不能停用唯一可用的管理员账号 / cannot disable the only "
                                 "active admin")
            if active is not None:
                user.active = active
            if full_name is not None:
                user.full_name = full_name.strip()[:64]
            if password is not None or active is False:
                user.session_version = (user.session_version or 0) + 1  # end every session
            s.commit()

    def last_logins(self) -> dict[int, dt.datetime]:
        """Each account's latest login, as the access log recorded it (not a copy kept on
        the account, which could disagree with the log)."""
        with self.session() as s:
            return dict(s.execute(select(Access.user_id, func.max(Access.at))
                                  .where(Access.action == "login").group_by(Access.user_id)).all())

    def end_sessions(self, user_id: int) -> None:
        """Every session of this user stops working (logout ends copied cookies too)."""
        with self.session() as s:
            user = s.get(User, user_id)
            if user is not None:
                user.session_version = (user.session_version or 0) + 1
                s.commit()

