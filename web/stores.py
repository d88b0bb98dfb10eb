"""Access to the page store and the search index from request handlers.

The index is opened once per process, so its searcher (and Whoosh's caches) are reused across
requests and refreshed only after a commit; the SQLite page store gets a connection per request.
"""

from __future__ import annotations

from flask import current_app, g

from dangan.indexer.store import PageStore
from dangan.search.backend import SearchIndex

_INDEXES: dict[str, SearchIndex] = {}


def search_index() -> SearchIndex:
    cfg = current_app.config["DANGAN"]
    key = str(cfg.index_dir)
    if key not in _INDEXES:
        _INDEXES[key] = SearchIndex(cfg.index_dir)
    return _INDEXES[key]


def page_store() -> PageStore:
    if "page_store" not in g:
        g.page_store = PageStore(current_app.config["DANGAN"].store_path)
    return g.page_store


def close_page_store(_exc=None) -> None:
    store = g.pop("page_store", None)
    if store is not None:
        store.close()
