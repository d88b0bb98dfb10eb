"""The search page: one form, the shared query module, results with reasons and thumbnails."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, current_app, render_template, request, session

from dangan.accesstext import search_words
from dangan.doctypes import TYPES
from dangan.search.backend import IndexMissing
from dangan.search.query import QueryError, SearchRequest
from dangan.search.rowyears import row_years
from dangan.search.searching import Results, search
from dangan.text.idnumbers import mask
from dangan.text.numbers import parse_int

from ..security import log_access
from ..stores import page_store, search_index

bp = Blueprint("search", __name__)
PAGE_SIZE = 20


def run_search(form, page_no: int) -> Results:
    """One page of results for the form's criteria (QueryError, IndexMissing as raised)."""
    cfg = current_app.config["DANGAN"]
    req = SearchRequest.from_params(form, limit=PAGE_SIZE, page=page_no)
    store = page_store()
    return search(search_index(), req, store.page_view, store.aliases_of, facets=True,
                  policies_file=cfg.policies_file, catalogue=store.restricted_catalogue)


def remember_hits(form, page_no: int, results: Results) -> None:
    """What the viewer needs for 返回结果, 第 n / N 条 and the next hit past this page."""
    session["hits"] = [h.page_id for h in results.hits]
    session["hits_query"] = urlencode([(k, v) for k, v in form.items(multi=True)
                                       if k != "p" and v.strip()])
    session["hits_page"] = page_no
    session["hits_total"] = results.total


def decades(results: Results, form) -> list[tuple[str, str, int]]:
    """The 年代 facet as (value, "1960年代", count) in date order. Under a year filter a
    decade outside it comes only from other years on the pages (birth years on a roster):
    it would lead to no hit of that decade, so it is not offered."""
    try:
        req = SearchRequest.from_params(form)
    except QueryError:
        return []
    lo = req.year if req.year is not None else req.year_from
    hi = req.year if req.year is not None else req.year_to
    out = []
    for value, count in (results.facets.get("decade") or {}).items():
        start = parse_int(value[:4], 1000, 9999)
        if start is None:
            continue
        if (lo is not None and start + 9 < lo) or (hi is not None and start > hi):
            continue
        out.append((value, f"{start}年代", count))
    return sorted(out)


def pager(page_no: int, pages: int) -> list[int | None]:
    """Page numbers to link: the first, the last, and two either side of this one
    (None where numbers are left out)."""
    shown = sorted({1, pages, *range(max(1, page_no - 2), min(pages, page_no + 2) + 1)})
    out: list[int | None] = []
    for n in shown:
        if out and n - (out[-1] or 0) > 1:
            out.append(None)
        out.append(n)
    return out


@bp.route("/")
def index():
    form = request.args
    results, error, ids = None, None, []
    page_no = parse_int(form.get("p", "1"), 1, 10_000) or 1
    if any(form.get(k, "").strip() for k in SearchRequest.PARAMS):
        try:
            results = run_search(form, page_no)
            ids = [h.page_id for h in results.hits]
            remember_hits(form, page_no, results)
            log_access("search", detail=request.query_string.decode("utf-8", "replace")[:500])
        except QueryError as e:
            error = str(e)
        except IndexMissing:
            error = "索引尚未建立，请先运行 dangan index"
    terms = "|".join(t for t in (form.get("q", ""), form.get("policy", ""), form.get("unit", ""))
                     if t.strip())
    pages = ((results.total + PAGE_SIZE - 1) // PAGE_SIZE) if results else 0
    if results is not None and results.total and page_no > pages:
        error = f"没有第 {page_no} 页：共 {results.total} 条结果，{pages} 页。"
    years = {}
    if results is not None:
        store = page_store()
        for h in results.hits:
            if h.row and h.box and h.page_id and not h.restricted:
                page = store.page_by_id(h.page_id)
                if page is not None:
                    years[h.page_id] = row_years(page.lines, h.box, [
                        f for f in page.fields.facts if f.row == h.row])
    attached = set()
    if session.get("request_number") and results is not None:
        from dangan.desk import steps

        req = steps.get(current_app.extensions["dangan_db"], session["request_number"])
        attached = {p.page_id for p in req.pages} if req is not None else set()
    return render_template("search.html", form=form, results=results, error=error, types=TYPES,
                           mask=mask, ids=ids, terms=terms, page_no=page_no, pages=pages,
                           decades=decades(results, form) if results else [],
                           pager=pager(page_no, pages) if pages > 1 else [],
                           row_years=years, attached=attached, page_size=PAGE_SIZE,
                           criteria=search_words(request.query_string.decode("utf-8", "replace"),
                                                 TYPES))
