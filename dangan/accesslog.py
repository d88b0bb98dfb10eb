"""Reading the access register: which entries a supervisor asks for, a page at a time.

The filters are the questions asked of the register — what happened in this visit or this
request, what this member of staff did, who looked for this person, on which days — and
every entry is reachable by paging, not only the latest. Writing stays in web/security.py
(one writer, hash-chained); this only reads.
"""

from __future__ import annotations

import datetime as dt
import urllib.parse
from dataclasses import dataclass

from sqlalchemy import func, or_, select

from dangan.register.accounts import Access, User, Visit

PAGE_SIZE = 100


@dataclass(frozen=True)
class LogFilter:
    visit: str = ""  # 登记号
    request: str = ""  # 申请编号
    user: str = ""  # login
    person: str = ""  # a name searched for or viewed
    day_from: dt.date | None = None
    day_to: dt.date | None = None

    def is_empty(self) -> bool:
        return not (self.visit or self.request or self.user or self.person or self.day_from
                    or self.day_to)

    def words(self) -> str:
        """The filter as a supervisor would say it (for the export's own log entry)."""
        parts = [f"{label} {v}" for label, v in (
            ("登记", self.visit), ("申请", self.request), ("用户", self.user),
            ("查找人员", self.person)) if v]
        if self.day_from or self.day_to:
            parts.append(f"日期 {self.day_from or '…'}至{self.day_to or '…'}")
        return "，".join(parts) or "全部"


def parse_day(text: str | None) -> dt.date | None:
    """2026-12-06 or 2026/12/6; None when blank. ValueError (Chinese) otherwise."""
    raw = (text or "").strip().replace("/", "-").replace(".", "-")
    if not raw:
        return None
    try:
        y, m, d = (int(x) for x in raw.split("-"))
        return dt.date(y, m, d)
    except (ValueError, TypeError, OverflowError):
        raise ValueError(f"日期格式不正确：{raw[:20]}（应为 2026-12-06）") from None


def _where(f: LogFilter):
    conditions = []
    if f.visit:
        conditions.append(Access.visit_id.in_(
            select(Visit.id).where(func.upper(Visit.number) == f.visit.strip().upper())))
    if f.request:
        conditions.append(func.upper(Access.request_number) == f.request.strip().upper())
    if f.user:
        conditions.append(Access.user_id.in_(select(User.id).where(User.username == f.user)))
    if f.person:
        name = f.person.strip()
        # A view logs "person=王秀英"; a search logs its query string, percent-encoded.
        conditions.append(or_(Access.detail.contains(name),
                              Access.detail.contains(urllib.parse.quote(name))))
    if f.day_from:
        conditions.append(Access.at >= dt.datetime.combine(f.day_from, dt.time()))
    if f.day_to and f.day_to < dt.date.max:  # through the end of that day
        conditions.append(Access.at < dt.datetime.combine(f.day_to + dt.timedelta(days=1),
                                                          dt.time()))
    return conditions


def count(session, f: LogFilter) -> int:
    return session.scalar(select(func.count(Access.id)).where(*_where(f))) or 0


def page_of(session, f: LogFilter, page: int = 1, size: int = PAGE_SIZE) -> list[Access]:
    """Entries matching `f`, newest first, page `page` (1-based) of `size`."""
    q = select(Access).where(*_where(f)).order_by(Access.id.desc())
    return list(session.scalars(q.offset((max(page, 1) - 1) * size).limit(size)))


def every(session, f: LogFilter, batch: int = 1000):
    """All entries matching `f`, newest first, read in batches (for an export)."""
    last = None
    while True:
        q = select(Access).where(*_where(f))
        if last is not None:
            q = q.where(Access.id < last)
        rows = list(session.scalars(q.order_by(Access.id.desc()).limit(batch)))
        if not rows:
            return
        yield from rows
        last = rows[-1].id
