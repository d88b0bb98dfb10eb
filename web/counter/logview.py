"""Access-register entries as the log pages show them: a sentence (dangan/accesstext.py),
the page named by its 档号 (never a file name), the visit by its number."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from dangan import clock
from dangan.accesstext import describe
from dangan.doctypes import TYPES
from dangan.papers.copies import reference
from dangan.register.accounts import Access, Visit

from ..stores import page_store


@dataclass
class Entry:
    at: str
    user: str
    visit: str  # 登记号 or 申请编号
    sentence: str


def entries(session, rows: list[Access]) -> list[Entry]:
    store = page_store()
    refs: dict[int, tuple[str, int | None]] = {}

    def ref(a: Access) -> tuple[str, int | None]:
        if a.page_uid is None:
            return "", a.page
        if a.page_uid not in refs:
            page = store.page_by_id(a.page_uid)
            if page is not None:
                refs[a.page_uid] = (reference(page, store.document(page.document)),
                                    page.page_in_document)
            else:  # the scan changed since: name what was seen, as it was logged
                refs[a.page_uid] = (a.path, a.page)
        return refs[a.page_uid]

    visit_ids = {a.visit_id for a in rows if a.visit_id}
    numbers = dict(session.execute(select(Visit.id, Visit.number)
                                   .where(Visit.id.in_(visit_ids))).all()) if visit_ids else {}
    out: list[Entry] = []
    thumbs: list[str] = []  # the run of thumbnails being gathered into the entry out[-1]
    previous: Access | None = None
    for i, a in enumerate(rows):
        if _rendition_of_a_view(a, rows[i - 1] if i else None) or _rendition_of_a_view(
                a, rows[i + 1] if i + 1 < len(rows) else None):
            continue  # the screen rendition a view loads is that view, not a second entry
        where, page = ref(a)
        visit = numbers.get(a.visit_id, "") or a.request_number or ""
        named = f"{where} 第{page}页" if where and page else where
        if (a.action == "thumbnail" and previous is not None and previous.action == "thumbnail"
                and previous.user_id == a.user_id and out[-1].visit == visit
                and abs((previous.at - a.at).total_seconds()) < 60):
            # A result list's thumbnails are one entry, not one line each.
            thumbs.append(named)
            out[-1].sentence = f"检索结果缩略图 {len(thumbs)} 张：{'、'.join(thumbs)}"
        else:
            thumbs = [named] if a.action == "thumbnail" else []
            out.append(Entry(at=clock.shown(a.at, seconds=True), user=a.user.display_name,
                             visit=visit, sentence=describe(a.action, a.detail, where, page,
                                                            TYPES)))
        previous = a
    return out


def _rendition_of_a_view(a: Access, other: Access | None) -> bool:
    return (other is not None and a.action == "image" and a.detail.startswith("w=")
            and other.action == "view" and other.page_uid == a.page_uid
            and other.user_id == a.user_id and abs((other.at - a.at).total_seconds()) < 60)
