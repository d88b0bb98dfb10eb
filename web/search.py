"""The search page: one form, the shared query module, results with highlighted snippets."""

from __future__ import annotations

from flask import Blueprint, current_app, g, render_template, request

from dangan.doctypes import TYPES
from dangan.indexer.store import PageStore
from dangan.search.backend import IndexMissing, SearchIndex
from dangan.search.query import QueryError, SearchRequest, parse_year
from dangan.search.searching import search
from dangan.text.idnumbers import mask

bp = Blueprint("search", __name__)

_INDEXES: dict[str, SearchIndex] = {}


def _index() -> SearchIndex:
    """One SearchIndex per process, so its searcher is reused across requests."""
    cfg = current_app.config["DANGAN"]
    key = str(cfg.index_dir)
    if key not in _INDEXES:
        _INDEXES[key] = SearchIndex(cfg.index_dir)
    return _INDEXES[key]


def _store() -> PageStore:
    if "store" not in g:
        g.store = PageStore(current_app.config["DANGAN"].store_path)
    return g.store


@bp.teardown_app_request
def _close_store(_exc):
    store = g.pop("store", None)
    if store is not None:
        store.close()


@bp.route("/")
def index():
    cfg = current_app.config["DANGAN"]
    form = request.args
    results, error = None, None
    if any(form.get(k, "").strip() for k in ("person", "year", "from", "to", "policy", "type",
                                              "unit", "q")):
        try:
            req = SearchRequest(
                person=form.get("person", ""), year=parse_year(form.get("year")),
                year_from=parse_year(form.get("from")), year_to=parse_year(form.get("to")),
                policy=form.get("policy", ""), doc_type=form.get("type", ""),
                unit=form.get("unit", ""), text=form.get("q", ""), limit=20)
            store = _store()
            results = search(_index(), req, store.page_view, store.aliases_of, facets=True,
                             policies_file=cfg.policies_file)
        except QueryError as e:
            error = str(e)
        except IndexMissing:
            error = "索引尚未建立，请先运行 dangan index"
    return render_template("search.html", cfg=cfg, form=form, results=results, error=error,
                           types=TYPES, mask=mask)
