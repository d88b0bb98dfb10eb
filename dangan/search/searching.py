"""Run a SearchRequest against the index and return hits ready to show.

Page text (for snippets) and extracted persons (for "why matched" and the box to mark) come
from the page store through `lookup`, not from the index, so the index holds no bulky text.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from dangan.openness import RESTRICTED_LABEL, open_title
from dangan.text.idnumbers import mask_in_text
from dangan.text.normalize import normalize

from . import terms as Q
from .backend import SearchIndex
from .explain import RELATIONS, match_person
from .highlight import Span, snippet, to_html, to_terminal
from .query import SearchRequest, build, text_terms

# lookup(path, page) → {"fields": PageFields JSON, "raw_text": text as read} or None
PageLookup = Callable[[str, int], dict | None]
AliasLookup = Callable[[str], dict[str, str]]
# catalogue() → the restricted items' catalogue entries, each with "document" and "page_id"
CatalogueLookup = Callable[[], list[dict]]


@dataclass
class Hit:
    path: str
    page: int
    score: float
    doc_type: str
    persons: list[str]
    years: list[int]
    doc_numbers: list[str]
    archive_code: str
    document: str
    title: str
    restricted: bool
    snippet: str
    page_id: int | None = None  # the page store's id: what web routes take, never a path
    why: list[str] = field(default_factory=list)  # "精确", "同音：王秀瑛", "文号", …
    box: list[int] | None = None  # where to mark the person: their cell or roster row
    row: int | None = None
    spans: list[Span] = field(default_factory=list)

    def to_json(self) -> dict:
        d = asdict(self)
        d.pop("spans")
        return d

    @property
    def snippet_html(self) -> str:
        return to_html(self.snippet, self.spans)

    @property
    def snippet_terminal(self) -> str:
        return to_terminal(self.snippet, self.spans)


@dataclass
class Results:
    total: int
    hits: list[Hit]
    seconds: float
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    engine: str = "stock"  # which way Whoosh ran the search: "fast" or "stock" (engine.py)

    def to_json(self) -> dict:
        return {"total": self.total, "hits": [h.to_json() for h in self.hits],
                "facets": self.facets}


def _split(value: str) -> list[str]:
    return [v for v in (value or "").split(",") if v]


# Facet name → the index field counted.
FACETS = {"doc_type": "doc_type", "decade": "decades", "year": "year_keys", "unit": "units"}


def catalogue_hits(req: SearchRequest, restricted: list[dict]) -> list[Hit]:
    """Restricted items matched on their open catalogue fields only: 档号, and 题名 when the
    catalogue opens it. Any criterion about content (person, years, policy, type, unit) says
    nothing about a closed item, so a request with one never matches it: whether a closed
    page holds a name must not be learnable from a count."""
    if any([req.person.strip(), req.policy.strip(), req.year, req.year_from, req.year_to,
            req.doc_type, req.unit.strip()]) or req.syntax != "simple":
        return []
    code = req.archive_code.strip()
    must, must_not = text_terms(req.text) if req.text.strip() else ([], [])
    if not code and not must:
        return []
    out = []
    for entry in restricted:
        title = open_title(entry)
        folded = normalize(title)
        if code and not (entry["code"] == code or entry["code"].startswith(code)):
            continue
        if any(t not in folded for t in must) or any(t in folded for t in must_not):
            continue
        out.append(restricted_hit(entry["code"], entry["document"], title,
                                  entry.get("page_id")))
    return out


def restricted_hit(code: str, document: str, title: str, page_id: int | None) -> Hit:
    """A restricted item as a reader without clearance sees it: 档号, open title, nothing from
    its pages."""
    return Hit(path="", page=0, score=0.0, doc_type="", persons=[], years=[], doc_numbers=[],
               archive_code=code, document=document, title=title, restricted=True,
               snippet=RESTRICTED_LABEL, page_id=page_id)


def search(index: SearchIndex, req: SearchRequest, lookup: PageLookup | None = None,
           aliases: AliasLookup | None = None, *, facets: bool = False,
           policies_file: str | None = None, catalogue: CatalogueLookup | None = None,
           show_restricted: bool = False) -> Results:
    """Pages matching `req`. Unless `show_restricted`, restricted pages are masked out of the
    content search — hits, counts and facets — and come back only through `catalogue`
    (their open catalogue fields): one rule for the counter, the API and the CLI."""
    t0 = time.monotonic()
    built = build(req, aliases, policies_file)
    mask = built.mask
    if not show_restricted:
        closed = Q.Term("restricted", True)
        mask = Q.Or([mask, closed]) if mask is not None else closed
    found = index.search(built.query, filter=built.filter, mask=mask, limit=req.limit,
                         page=req.page, facets=FACETS if facets else None)
    hits = []
    for r, (_, score) in zip(found.stored, found.docs, strict=True):
        page = lookup(r["path"], r["page"]) if lookup else None
        fields = page["fields"] if page else {}
        # Listings never show a whole ID number, even when the scan prints one.
        text = mask_in_text(fields.get("text", ""))
        hit = Hit(
            path=r["path"], page=r["page"], score=round(score, 3),
            doc_type=r.get("doc_type", ""), persons=_split(r.get("persons", "")),
            years=list(r.get("years") or []), doc_numbers=_split(r.get("doc_numbers", "")),
            archive_code=r.get("archive_code", ""), document=r.get("document", ""),
            title=r.get("title", ""), restricted=bool(r.get("restricted")), snippet="",
            page_id=page.get("page_id") if page else None)
        marks = list(built.highlight)
        if built.person:
            m = match_person(built.person, fields.get("persons", []), text, built.aliases,
                             page.get("raw_text") if page else None,
                             fields.get("ocr_alternatives"), fields.get("alt_text"),
                             page.get("corrected") if page else None)
            if m:
                hit.why.append(m.label)
                hit.box, hit.row = m.box, m.row
                marks.insert(0, m.name)
        if built.doc_numbers and set(built.doc_numbers) & set(hit.doc_numbers):
            hit.why.append("文号")
        elif built.doc_numbers and set(built.doc_numbers) & set(fields.get("ocr_alternatives", [])):
            hit.why.append("文号（识别近似）")
        if built.policy is not None:
            cited = set(built.policy.doc_numbers) & set(hit.doc_numbers)
            hit.why.append(f"政策：{built.policy.name}" + ("（文号）" if cited else ""))
        if text:
            hit.snippet, hit.spans = snippet(text, marks)
        hits.append(hit)
    if built.person:
        # Equal index scores: the stronger relation first (exact before homophone …).
        order = {h.path + str(h.page): i for i, h in enumerate(hits)}
        hits.sort(key=lambda h: (-h.score, _relation_rank(h), order[h.path + str(h.page)]))
    closed = [] if show_restricted or catalogue is None else catalogue_hits(req, catalogue())
    if req.page == 1:
        hits = closed + hits
    out = Results(total=found.total + len(closed), hits=hits, seconds=time.monotonic() - t0,
                  engine=found.path)
    for name, counts in found.facets.items():
        out.facets[name] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return out


def _relation_rank(hit: Hit) -> int:
    if not hit.why:
        return len(RELATIONS)
    label = hit.why[0].split("：")[0]
    return RELATIONS.get(label, len(RELATIONS))
