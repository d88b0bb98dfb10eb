"""The register's audit chain: one keyed hash chain over everything the register records.

Every row added to an evidence table (the access log, visits and their closing, hand-overs,
corrections, clearances, issued papers, request steps, dossier decisions) gets an entry in
`audit_chain`, in the same transaction: the row's digest (SHA-256 of its fields, frozen here
per kind), the previous entry's MAC and an HMAC-SHA256 over both, keyed with `audit_key` in
the data dir (never in the database, like the session secret). Without the key nobody can
write an entry that verifies; with the database alone nobody can rewrite history unseen.

Nothing has to be called: a SQLAlchemy flush hook chains every new row of a registered table
(and a visit's closing) automatically, so no route can forget it. Other code that wants its
own rows chained calls `register_kind(kind, table, fields)` once at import; the rows are then
chained whenever they are added through a Database session. See README "The register is
evidence".

Appends are serialised in the database, not by a thread lock: each takes the single row of
`audit_lock` FOR UPDATE (an UPDATE: a row lock on PostgreSQL, the write lock on SQLite) before
reading the head, so several `dangan serve` processes on one register keep one line.

After each commit the new head (`chain id, sequence, MAC`) is appended to `audit_head` in the
data dir (one line per entry, O_APPEND). `dangan backup` copies the data dir, head file
included. A truncated chain (its last entries deleted) or one recomputed after an edit no
longer matches the head file; `verify` reports each kind of tampering by its first entry.

The chain starts with a genesis entry that records, per table, the last row that existed
before it (rows of a register older than the chain) and a digest over those rows; every row
after that must have its own entry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import DateTime, Engine, Integer, String, Text, event, insert, select, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Mapped, Session, mapped_column

from .accounts import Base, now

KEY_FILE = "audit_key"
HEAD_FILE = "audit_head"


class AuditEntry(Base):
    __tablename__ = "audit_chain"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)  # sequence
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    kind: Mapped[str] = mapped_column(String(32))
    row_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    digest: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")
    prev: Mapped[str] = mapped_column(String(64), default="")
    mac: Mapped[str] = mapped_column(String(64))


class AuditLock(Base):
    """One row; taken FOR UPDATE by every append (the database serialises the chain)."""

    __tablename__ = "audit_lock"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)


@dataclass(frozen=True)
class Kind:
    table: str
    fields: tuple[str, ...]  # column names; frozen: a later column is not part of the digest
    # A row of this kind exists once `when` (a column) is set; None: from its insertion.
    when: str | None = None


KINDS: dict[str, Kind] = {}


def register_kind(kind: str, table: str, fields: Iterable[str], when: str | None = None) -> None:
    """Chain every new row of `table` (and, with `when`, the moment that column is first set).
    The fields are what the digest covers; never change them once rows are chained."""
    KINDS[kind] = Kind(table, tuple(fields), when)


register_kind("access_log", "access_log", ("id", "at", "user_id", "visit_id", "request_number",
                                           "action", "path", "page", "detail", "page_uid"))
register_kind("visits", "visits", ("id", "number", "requester_name", "id_number",
                                   "relationship", "purpose", "note", "staff_id", "started_at"))
register_kind("visit_close", "visits", ("id", "ended_at", "outcome", "closed_by"),
              when="ended_at")
register_kind("visit_events", "visit_events", ("id", "at", "visit_id", "user_id", "action",
                                               "to_user_id", "clearance_cutoff"))
register_kind("visit_corrections", "visit_corrections", ("id", "visit_id", "at", "user_id",
                                                         "note"))
register_kind("clearances", "clearances", ("id", "at", "user_id", "document", "visit_id",
                                           "request_number", "purpose", "reason"))
register_kind("issued_papers", "issued_papers", ("id", "code", "at", "kind", "number", "pages",
                                                 "titles", "sha256", "signed", "user_id"))
register_kind("request_events", "request_events", ("id", "request_id", "at", "actor", "user_id",
                                                   "from_status", "to_status", "note"))
register_kind("dossier_decisions", "dossier_decisions", ("id", "at", "user_id", "visit_id",
                                                         "name", "action", "records", "note"))

# The database refuses to rewrite or delete these (migration 0006 and earlier); `verify`
# reports any that is missing. PostgreSQL also refuses TRUNCATE.
APPEND_ONLY = ("access_log", "clearances", "visit_corrections", "issued_papers",
               "dossier_decisions", "visit_events", "request_events", "audit_chain")
SQLITE_TRIGGERS = (*(f"{t}_no_{op}" for t in APPEND_ONLY for op in ("update", "delete")),
                   "visits_no_delete", "visits_closed_once", "visits_fixed_fields")
PG_TRIGGERS = (*(f"{t}_{op}" for t in APPEND_ONLY for op in ("no_change", "no_truncate")),
               "visits_no_delete", "visits_guard", "visits_no_truncate")


# -- digests and MACs ------------------------------------------------------------------

def _value(v):
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, bool):
        return int(v)
    return v


def row_digest(kind: str, row: Mapping) -> str:
    body = json.dumps([kind, *[_value(row.get(f)) for f in KINDS[kind].fields]],
                      ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def entry_mac(key: bytes, seq: int, prev: str, kind: str, row_id: int | None, digest: str,
              note: str) -> str:
    body = json.dumps([seq, prev, kind, row_id, digest, note], ensure_ascii=False,
                      separators=(",", ":"))
    return hmac.new(key, body.encode("utf-8"), hashlib.sha256).hexdigest()


# -- where the key and the head file live ----------------------------------------------

@dataclass
class Anchor:
    folder: Path | None

    def key(self) -> bytes:
        if self.folder is None:
            raise RuntimeError("审计链密钥位置未配置（Database(url, evidence_dir=数据目录)）")
        path = self.folder / KEY_FILE
        if not path.exists():
            self.folder.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                return path.read_bytes()
            with os.fdopen(fd, "wb") as f:
                f.write(os.urandom(32))
        return path.read_bytes()

    @property
    def head_path(self) -> Path | None:
        return self.folder / HEAD_FILE if self.folder is not None else None

    def append_heads(self, lines: list[str]) -> None:
        if self.head_path is None or not lines:
            return
        fd = os.open(self.head_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.write(fd, "".join(lines).encode("ascii"))  # one write: whole lines, in order
        finally:
            os.close(fd)


_ANCHORS: dict[int, Anchor] = {}


def attach(engine: Engine, folder: Path | None) -> None:
    """Chain this engine's evidence rows, with the key and head file in `folder`."""
    if folder is None and engine.dialect.name == "sqlite" and engine.url.database not in (
            None, "", ":memory:"):
        folder = Path(engine.url.database).resolve().parent
    _ANCHORS[id(engine)] = Anchor(folder)


def anchor_of(engine: Engine) -> Anchor:
    return _ANCHORS.get(id(engine)) or Anchor(None)


# -- appending ---------------------------------------------------------------------------

def _table(name: str):
    return Base.metadata.tables[name]


def _kinds_of(table: str) -> list[str]:
    return [k for k, spec in KINDS.items() if spec.table == table]


def _pending(session: Session) -> list[tuple[str, int]]:
    """(kind, row id) to chain after this flush: new rows, and `when` columns just set."""
    out = []
    for obj in list(session.new) + list(session.dirty):
        table = getattr(obj, "__tablename__", None)
        if table is None:
            continue
        state = sa_inspect(obj)
        for kind in _kinds_of(table):
            spec = KINDS[kind]
            if spec.when is None:
                if obj in session.new:
                    out.append((kind, state.identity[0] if state.identity else obj.id))
                continue
            history = state.attrs[spec.when].history
            if history.added and history.added[0] is not None and not any(
                    v is not None for v in history.deleted):
                out.append((kind, obj.id))
    return out


def _after_flush(session: Session, _context) -> None:
    engine = session.get_bind()
    if id(engine) not in _ANCHORS:
        return
    items = _pending(session)
    if items:
        append(session, items)


def append(session: Session, items: list[tuple[str, int]]) -> None:
    """Chain these rows (already flushed) in the session's transaction."""
    engine = session.get_bind()
    anchor = anchor_of(engine)
    key = anchor.key()
    conn = session.connection()
    lock, chain = _table("audit_lock"), _table("audit_chain")
    # The database's lock, held to the end of this transaction: one appender at a time.
    conn.execute(update(lock).values(n=lock.c.n + 1))
    last = conn.execute(select(chain.c.id, chain.c.mac).order_by(chain.c.id.desc())
                        .limit(1)).first()
    heads = session.info.setdefault("audit_heads", [])
    if last is None:
        last = _genesis(conn, key, items, heads)
    seq, prev = last
    chain_id = _chain_id(conn)
    for kind, row_id in items:
        spec = KINDS[kind]
        table = _table(spec.table)
        row = conn.execute(select(table).where(table.c.id == row_id)).mappings().one()
        digest = row_digest(kind, row)
        seq += 1
        mac = entry_mac(key, seq, prev, kind, row_id, digest, "")
        conn.execute(insert(chain).values(id=seq, at=now(), kind=kind, row_id=row_id,
                                          digest=digest, note="", prev=prev, mac=mac))
        heads.append(f"{chain_id} {seq} {mac}\n")
        prev = mac


def _chain_id(conn) -> str:
    chain = _table("audit_chain")
    return conn.execute(select(chain.c.mac).where(chain.c.id == 1)).scalar_one()[:16]


def legacy_digest(conn, cutoffs: Mapping[str, int], closed_after: set[int] = frozenset()
                  ) -> str:
    """A digest over every row older than the chain (id <= its table's cutoff). Legacy
    visits' closing fields count while they are not chained on their own (closed later)."""
    h = hashlib.sha256()
    for kind in sorted(KINDS):
        spec = KINDS[kind]
        cutoff = cutoffs.get(spec.table, 0)
        if not cutoff:
            continue
        table = _table(spec.table)
        q = select(table).where(table.c.id <= cutoff).order_by(table.c.id)
        for row in conn.execute(q).mappings():
            if spec.when is not None and (row[spec.when] is None or row["id"] in closed_after):
                continue
            h.update(row_digest(kind, row).encode("ascii"))
    return h.hexdigest()


def _genesis(conn, key: bytes, items, heads: list[str]) -> tuple[int, str]:
    pending: dict[str, int] = {}
    for kind, row_id in items:
        if KINDS[kind].when is None:
            t = KINDS[kind].table
            pending[t] = min(pending.get(t, row_id), row_id)
    cutoffs = {}
    for table in sorted({spec.table for spec in KINDS.values()}):
        t = _table(table)
        top = conn.execute(select(t.c.id).order_by(t.c.id.desc()).limit(1)).scalar() or 0
        cutoffs[table] = min(top, pending[table] - 1) if table in pending else top
    # A legacy visit closed in this very flush is chained on its own, not in the digest.
    closing = {row_id for kind, row_id in items if KINDS[kind].when is not None}
    note = json.dumps({"cutoffs": cutoffs}, sort_keys=True)
    digest = legacy_digest(conn, cutoffs, closing)
    mac = entry_mac(key, 1, "", "genesis", None, digest, note)
    conn.execute(insert(_table("audit_chain")).values(id=1, at=now(), kind="genesis",
                                                     row_id=None, digest=digest, note=note,
                                                     prev="", mac=mac))
    heads.append(f"{mac[:16]} 1 {mac}\n")
    return 1, mac


def _after_commit(session: Session) -> None:
    heads = session.info.pop("audit_heads", None)
    if heads:
        anchor_of(session.get_bind()).append_heads(heads)


def _after_rollback(session: Session) -> None:
    session.info.pop("audit_heads", None)


event.listen(Session, "after_flush", _after_flush)
event.listen(Session, "after_commit", _after_commit)
event.listen(Session, "after_soft_rollback", lambda s, _t: _after_rollback(s))


def head(engine: Engine) -> tuple[int, str] | None:
    """The chain's last entry (number, MAC), for the admin page: staff may copy it onto paper,
    a second anchor outside the machine."""
    t = _table("audit_chain")
    with engine.connect() as conn:
        row = conn.execute(select(t.c.id, t.c.mac).order_by(t.c.id.desc()).limit(1)).first()
    return (row[0], row[1]) if row else None


# -- verifying ---------------------------------------------------------------------------

@dataclass
class Finding:
    what: str  # edited | inserted | deleted | truncated | recomputed | trigger | anchor
    entry: int | None  # the first chain entry concerned
    message: str


@dataclass
class Report:
    entries: int = 0
    anchored: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.findings

    def first(self, what: str, entry: int | None, message: str) -> None:
        """Keep the first finding of each kind (the earliest entry concerned)."""
        if not any(f.what == what for f in self.findings):
            self.findings.append(Finding(what, entry, message))


TABLE_NAMES = {"access_log": "访问日志", "visits": "查档登记", "visit_close": "查档登记办结",
               "visit_events": "登记移交", "visit_corrections": "登记更正",
               "clearances": "受控档案审批", "issued_papers": "出具文书",
               "request_events": "申请办理步骤", "dossier_decisions": "人员档案决定"}


def _name(kind: str) -> str:
    return TABLE_NAMES.get(kind, kind)


def installed_triggers(conn) -> set[str]:
    if conn.dialect.name == "sqlite":
        rows = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='trigger'")
    else:
        rows = conn.exec_driver_sql("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
    return {r[0] for r in rows}


def verify(engine: Engine, folder: Path | None = None) -> Report:
    """Check the whole register against its chain and the head file; every finding names
    the first entry (or row) concerned."""
    anchor = Anchor(folder) if folder is not None else anchor_of(engine)
    key = anchor.key()
    report = Report()
    with engine.connect() as conn:
        expected = SQLITE_TRIGGERS if conn.dialect.name == "sqlite" else PG_TRIGGERS
        have = installed_triggers(conn)
        for name in expected:
            if name not in have:
                report.first("trigger", None, f"缺少防改写触发器 {name}（数据库的保护被移除）")
                break
        chained = _walk_chain(conn, key, report)
        _check_rows(conn, chained, report)
    _check_anchor(anchor, chained, report)
    return report


@dataclass
class _Chain:
    count: int = 0
    macs: dict[int, str] = field(default_factory=dict)
    cutoffs: dict[str, int] = field(default_factory=dict)
    genesis: tuple[str, str] | None = None  # (digest, chain id)
    rows: dict[str, dict[int, tuple[int, str]]] = field(default_factory=dict)


def _walk_chain(conn, key: bytes, report: Report) -> _Chain:
    c = _Chain()
    chain = _table("audit_chain")
    expected_seq, prev = 1, ""
    for e in conn.execute(select(chain).order_by(chain.c.id)).mappings():
        c.count += 1
        seq = e["id"]
        if seq != expected_seq:
            report.first("deleted", expected_seq,
                         f"审计链第 {expected_seq}–{seq - 1} 条被删除")
            prev = e["prev"]  # go on checking from here
        elif e["prev"] != prev:
            report.first("inserted", seq,
                         f"审计链第 {seq} 条与前一条的链接不符（有记录被插入或改写）")
        mac = entry_mac(key, seq, e["prev"], e["kind"], e["row_id"], e["digest"], e["note"])
        if not hmac.compare_digest(mac, e["mac"]):
            report.first("recomputed", seq,
                         f"审计链第 {seq} 条的密钥校验不符（链条被改写或重算）")
        if e["kind"] == "genesis":
            c.genesis = (e["digest"], e["mac"][:16])
            try:
                c.cutoffs = json.loads(e["note"])["cutoffs"]
            except (ValueError, KeyError):
                report.first("edited", seq, "审计链起点记录被改动")
        elif e["kind"] in KINDS:
            c.rows.setdefault(e["kind"], {})[e["row_id"]] = (seq, e["digest"])
        c.macs[seq] = e["mac"]
        expected_seq, prev = seq + 1, e["mac"]
    return c


def _check_rows(conn, c: _Chain, report: Report) -> None:
    if c.genesis is None:
        return  # the chain has not started: nothing was appended since the upgrade
    closed_after = set(c.rows.get("visit_close", {}))
    if legacy_digest(conn, c.cutoffs, closed_after) != c.genesis[0]:
        report.first("edited", 1, "审计链建立前的旧记录被改动、删除或补入")
    for kind in sorted(KINDS):
        spec = KINDS[kind]
        table = _table(spec.table)
        cutoff = c.cutoffs.get(spec.table, 0)
        seen = c.rows.get(kind, {})
        present = set()
        for row in conn.execute(select(table).order_by(table.c.id)).mappings():
            row_id = row["id"]
            present.add(row_id)
            entry = seen.get(row_id)
            if spec.when is not None and row[spec.when] is None:
                if entry is not None:
                    report.first("edited", entry[0], f"{_name(kind)}第 {row_id} 条（审计链第 "
                                 f"{entry[0]} 条）被改回未办结")
                continue
            if entry is None:
                if row_id > cutoff:  # older rows are in the genesis digest
                    report.first("inserted", None,
                                 f"{_name(kind)}第 {row_id} 条不在审计链中（绕过系统写入）")
                continue
            if row_digest(kind, row) != entry[1]:
                report.first("edited", entry[0], f"{_name(kind)}第 {row_id} 条（审计链第 "
                             f"{entry[0]} 条）内容与链中摘要不符（被改动）")
        gone = sorted((seq, row_id) for row_id, (seq, _d) in seen.items() if row_id not in present)
        if gone:
            seq, row_id = gone[0]
            report.first("deleted", seq, f"{_name(kind)}第 {row_id} 条（审计链第 {seq} 条）"
                         "已被删除")


def _check_anchor(anchor: Anchor, c: _Chain, report: Report) -> None:
    path = anchor.head_path
    lines = path.read_text("ascii").splitlines() if path and path.exists() else []
    chain_ids = {line.split()[0] for line in lines if line.count(" ") == 2}
    chain_id = c.genesis[1] if c.genesis else None
    if chain_id is None and chain_ids and c.count == 0:
        report.first("truncated", 1, "审计链已被清空，而链外的链头文件记有条目")
        return
    if c.count and chain_id not in chain_ids:
        if chain_ids:
            report.first("recomputed", 1, "审计链起点与链头文件不符（整条链被重建）")
        else:
            report.first("anchor", None, f"链头文件 {path} 缺失或为空：无法确认链尾未被截断")
        return
    top = 0
    for line in lines:
        parts = line.split()
        if len(parts) != 3 or parts[0] != chain_id or not parts[1].isdigit():
            continue
        seq = int(parts[1])
        top = max(top, seq)
        if seq > c.count:
            continue
        if c.macs.get(seq) != parts[2]:
            report.first("recomputed", seq,
                         f"审计链第 {seq} 条与链头文件记录不符（链条被重算）")
    report.entries, report.anchored = c.count, top
    if top > c.count:
        report.first("truncated", c.count + 1,
                     f"审计链只有 {c.count} 条，链头文件记到第 {top} 条："
                     f"第 {c.count + 1} 条起被删除")
