"""The search page: one form, the shared query module, results with reasons and thumbnails."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, session

from dangan.doctypes import TYPES
from dangan.search.backend import IndexMissing
from dangan.search.query import QueryError, SearchRequest
from dangan.search.searching import search
from dangan.text.idnumbers import mask
from dangan.text.numbers import parse_int

from ..security import log_access
from ..stores import page_store, search_index

bp = Blueprint("search", __name__)
PAGE_SIZE = 20


@bp.route("/")
def index():
    cfg = current_app.config["DANGAN"]
    form = request.args
    results, error, ids = None, None, []
    page_no = parse_int(form.get("p", "1"), 1, 10_000) or 1
    if any(form.get(k, "").strip() for k in SearchRequest.PARAMS):
        try:
            req = SearchRequest.from_params(form, limit=PAGE_SIZE, page=page_no)
            store = page_store()
            results = search(search_index(), req, store.page_view, store.aliases_of,
                             facets=True, policies_file=cfg.policies_file,
                             catalogue=store.restricted_catalogue)
            ids = [h.page_id for h in results.hits]
            session["hits"] = ids  # next/previous hit in the viewer
            log_access("search", detail=request.query_string.decode("utf-8", "replace")[:500],
                       required=False)
        except QueryError as e:
            error = str(e)
        except IndexMissing:
            error = "索引尚未建立，请先运行 dangan index"
    terms = "|".join(t for t in (form.get("q", ""), form.get("policy", ""), form.get("unit", ""))
                     if t.strip())
    pages = ((results.total + PAGE_SIZE - 1) // PAGE_SIZE) if results else 0
    return render_template("search.html", form=form, results=results, error=error, types=TYPES,
                           mask=mask, ids=ids, terms=terms, page_no=page_no, pages=pages)
