"""Gather the records of a name: exact pages, roster rows, 曾用名/现用名, and variant spellings
(同音, 形近) kept apart. One record is one person's appearance on one page (a roster row is a
record of its own), with that person's facts from the page.

Restricted pages follow the search's rule (dangan/openness.py through dangan.search): they
are not gathered unless their document is cleared for the visit or request at hand.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from dangan.indexer.facts import Fact
from dangan.search.query import SearchRequest
from dangan.search.searching import search
from dangan.text.normalize import normalize

# How the name on the page relates to the name asked for, by search's own words (explain.py).
SAME_NAME = ("精确", "正文提及", "繁简", "正文片段")
OTHER_NAME = ("曾用名", "现用名")  # recorded as the same person's other name
VARIANT = ("同音", "形近", "形近同音", "识别近似", "原识别")  # kept apart until staff confirm
MOST_RECORDS = 300


@dataclass
class Record:
    key: str  # "page_id" or "page_id:row" for a roster row: what decisions refer to
    page_id: int
    path: str
    page: int
    document: str
    archive_code: str
    doc_type: str
    title: str
    date: str  # the record's date (ISO, as precise as known; "" when unknown)
    relation: str  # 精确, 曾用名, 同音 …
    name: str  # the name as it stands on the page
    row: int | None = None
    box: list[int] | None = None  # where the person is on the page (cell or roster row)
    facts: list[Fact] = field(default_factory=list)
    _by_kind: dict[str, list[str]] | None = field(default=None, repr=False, compare=False)

    @property
    def is_variant(self) -> bool:
        return self.relation in VARIANT

    def fact(self, kind: str) -> Fact | None:
        return next((f for f in self.facts if f.kind == kind), None)

    def values(self, kind: str) -> list[str]:
        if self._by_kind is None:  # grouping asks for every pair of records: once per record
            self._by_kind = {}
            for f in self.facts:
                self._by_kind.setdefault(f.kind, []).append(f.value)
        return self._by_kind.get(kind, [])


def record_date(fields: dict, catalogue_date: str | None) -> str:
    """When the record was made: the catalogue's 日期 when it has one, else the latest date
    written on the page (the day it was filled in or approved)."""
    raw = (catalogue_date or "").strip()
    if len(raw) == 8 and raw.isdigit():
        return f"{raw[:4]}-{raw[4:6]}-{raw[6:]}"
    dates = sorted(fields.get("dates") or [])
    # A roster dated by its year alone ("1993年"): that year, as written, when no date on the
    # page is as late (its rows' dates are births and starts of work, years before it).
    years = [y for y in fields.get("years") or [] if y not in (fields.get("years_uncertain")
                                                                or [])]
    if years and (not dates or max(years) > int(dates[-1][:4])):
        return str(max(years))
    return dates[-1] if dates else ""


def _facts_of(fields: dict, name: str, row: int | None) -> list[Fact]:
    raw = fields.get("facts", [])
    if row is not None:  # a roster row: its own facts only (a roster holds many people)
        return [Fact.from_json(f) for f in raw if f.get("row") == row]
    subjects = {name} | {f["subject"] for f in raw if f["kind"] == "former_name"
                         and f["value"] == name}
    return [Fact.from_json(f) for f in raw if f.get("row") is None
            and f.get("subject") in subjects]


def gather(index, store, name: str, cleared: Iterable[str] = ()) -> list[Record]:
    """Every record of `name` the index finds (exact, alias, variant), oldest first."""
    name = normalize(name).strip()
    cleared = set(cleared)
    req = SearchRequest(person=name, limit=MOST_RECORDS)
    views: dict[tuple[str, int], dict | None] = {}

    def view_of(path: str, page: int) -> dict | None:  # read once: search's and ours
        if (path, page) not in views:
            views[path, page] = store.page_view(path, page)
        return views[path, page]

    found = search(index, req, view_of, store.aliases_of, show_restricted=bool(cleared))
    out = []
    for hit in found.hits:
        if hit.page_id is None or (hit.restricted and hit.document not in cleared):
            continue
        view = view_of(hit.path, hit.page) or {}
        fields = view.get("fields", {})
        relation = (hit.why[0].split("：")[0] if hit.why else "正文片段")
        shown = hit.why[0].split("：", 1)[1] if hit.why and "：" in hit.why[0] else name
        meta = store.document(hit.document) or {}
        key = f"{hit.page_id}:{hit.row}" if hit.row else str(hit.page_id)
        out.append(Record(
            key=key, page_id=hit.page_id, path=hit.path, page=hit.page, document=hit.document,
            archive_code=hit.archive_code, doc_type=hit.doc_type, title=hit.title,
            date=record_date(fields, meta.get("date")), relation=relation, name=shown,
            row=hit.row, box=hit.box, facts=_facts_of(fields, shown, hit.row)))
    out.sort(key=lambda r: (r.date or "9999", r.key))
    return out
