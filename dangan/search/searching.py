"""Run a SearchRequest against the index and return hits ready to show.

The page text for snippets comes from the page store through `page_text`, not from the index,
so the index holds no bulky stored text.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from .backend import SearchIndex
from .highlight import Span, snippet, to_html, to_terminal
from .query import SearchRequest, build


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
    facets: dict[str, dict] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"total": self.total, "hits": [h.to_json() for h in self.hits]}


def _split(value: str) -> list[str]:
    return [v for v in (value or "").split(",") if v]


def search(index: SearchIndex, req: SearchRequest,
           page_text: Callable[[str, int], str] | None = None) -> Results:
    t0 = time.monotonic()
    built = build(req)
    results = index.search(built.query, filter=built.filter, limit=req.limit, page=req.page)
    hits = []
    for r in results:
        text = page_text(r["path"], r["page"]) if page_text else ""
        snip, spans = snippet(text, built.highlight) if text else ("", [])
        hits.append(Hit(
            path=r["path"], page=r["page"], score=round(float(r.score or 0), 3),
            doc_type=r.get("doc_type", ""), persons=_split(r.get("persons", "")),
            years=list(r.get("years") or []), doc_numbers=_split(r.get("doc_numbers", "")),
            archive_code=r.get("archive_code", ""), document=r.get("document", ""),
            title=r.get("title", ""), restricted=bool(r.get("restricted")),
            snippet=snip, spans=spans))
    total = results.total if hasattr(results, "total") else len(results)
    return Results(total=total, hits=hits, seconds=time.monotonic() - t0)
