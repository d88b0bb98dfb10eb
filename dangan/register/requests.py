"""The request desk's records: requests, their status history, and the pages found for them.

Same database as the register (SQLite in the data dir, or the PostgreSQL URL in config), same
rule: nothing is deleted, every status change is a new row with who, when and why.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dangan.desk import workflow
from dangan.desk.deadlines import urgency

from .accounts import Base, now


class Request(Base):
    """One request to find records (异地查档, 代查代送, 外馆转来)."""

    __tablename__ = "requests"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    # Who asks
    requester_name: Mapped[str] = mapped_column(String(64))
    requester_id_number: Mapped[str] = mapped_column(String(18))
    requester_phone: Mapped[str] = mapped_column(String(32))
    requester_address: Mapped[str] = mapped_column(Text, default="")
    applicant_type: Mapped[str] = mapped_column(String(8))  # 本人 / 亲属 / 代理
    # For 亲属: 子女, 配偶 … (attribute `relation`: `relationship` is SQLAlchemy's own name).
    relation: Mapped[str] = mapped_column("relationship", String(16), default="")
    attorney_note: Mapped[str] = mapped_column(Text, default="")  # for 代理: 委托书 seen
    channel: Mapped[str] = mapped_column(String(8))  # 窗口 / 电话 / 网上 / 外馆转来
    delegated: Mapped[bool] = mapped_column(Boolean, default=False)  # 代查代送
    # What is sought
    subject_name: Mapped[str] = mapped_column(String(64))
    subject_former_names: Mapped[str] = mapped_column(String(128), default="")
    subject_birth_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    subject_unit: Mapped[str] = mapped_column(String(128), default="")
    year_from: Mapped[int | None] = mapped_column(Integer, nullable=True)
    year_to: Mapped[int | None] = mapped_column(Integer, nullable=True)
    doc_types: Mapped[str] = mapped_column(String(128), default="")  # comma-separated codes
    purpose: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str] = mapped_column(Text, default="")
    # Where it was received and who holds the records
    receiving_archive: Mapped[str] = mapped_column(String(32))
    holding_archive: Mapped[str] = mapped_column(String(32))
    # Progress
    status: Mapped[str] = mapped_column(String(8))
    accepted_on: Mapped[dt.date] = mapped_column(Date)
    due_on: Mapped[dt.date] = mapped_column(Date)
    delivery: Mapped[str] = mapped_column(String(8), default="")  # 邮寄 / 自取 / 网上
    result_note: Mapped[str] = mapped_column(Text, default="")
    # A request received from a partner: its code and its own number for the request
    origin_archive: Mapped[str] = mapped_column(String(32), default="")
    origin_number: Mapped[str] = mapped_column(String(40), default="")
    # A request we forwarded: the partner's number and the last status it reported
    forwarded_to: Mapped[str] = mapped_column(String(32), default="")
    remote_number: Mapped[str] = mapped_column(String(40), default="")
    remote_status: Mapped[str] = mapped_column(String(8), default="")
    remote_checked_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)

    def urgency(self, today: dt.date) -> str:
        """overdue / due_today / open, or done once a result exists (see deadlines.urgency)."""
        return urgency(self.due_on, today, self.status in workflow.RESULT_REACHED)

    events: Mapped[list[RequestEvent]] = relationship(
        back_populates="request", order_by="RequestEvent.id")
    pages: Mapped[list[RequestPage]] = relationship(
        back_populates="request", order_by="RequestPage.id")


class RequestEvent(Base):
    """One status change (or note) on a request: the history shown to staff and partners."""

    __tablename__ = "request_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"))
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    actor: Mapped[str] = mapped_column(String(64))  # staff username, "网上申请", "外馆 XS02"
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    from_status: Mapped[str] = mapped_column(String(8), default="")
    to_status: Mapped[str] = mapped_column(String(8))
    note: Mapped[str] = mapped_column(Text, default="")
    request: Mapped[Request] = relationship(back_populates="events")


class RequestPage(Base):
    """A page found for a request; the reply's certified copy is made of these."""

    __tablename__ = "request_pages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"))
    page_id: Mapped[int] = mapped_column(Integer)  # page store id
    label: Mapped[str] = mapped_column(String(200))  # 档号 and page, as cited in the letter
    added_by: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    request: Mapped[Request] = relationship(back_populates="pages")
