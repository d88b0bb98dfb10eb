"""The only door to Whoosh: open, write, search, schema version.

Everything that costs time in Whoosh is decided here — batched commits, one reused searcher
refreshed after commits, filters instead of scored clauses — so the rest of dangan never
imports whoosh and the engine could be swapped behind this module.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as windex
from whoosh.query import Query

from .schema import SCHEMA_VERSION, build_schema

VERSION_FILE = "dangan-schema.json"


class IndexMissing(RuntimeError):
    """No index at the configured place yet: run `dangan index` first."""


def page_key(path: str, page: int) -> str:
    return f"{path}#{page}"


class SearchIndex:
    def __init__(self, index_dir: Path):
        self.dir = Path(index_dir)
        self._ix = None
        self._searcher = None
        self._lock = threading.Lock()

    # -- lifecycle ---------------------------------------------------------------------
    def stored_version(self) -> int | None:
        try:
            return int(json.loads((self.dir / VERSION_FILE).read_text())["version"])
        except (OSError, ValueError, KeyError):
            return None

    def is_current(self) -> bool:
        return windex.exists_in(str(self.dir)) and self.stored_version() == SCHEMA_VERSION

    def create(self) -> None:
        """A new empty index with the current schema (any old one in the folder is replaced)."""
        self.close()
        self.dir.mkdir(parents=True, exist_ok=True)
        self._ix = windex.create_in(str(self.dir), build_schema())
        (self.dir / VERSION_FILE).write_text(json.dumps({"version": SCHEMA_VERSION}))

    def open(self):
        if self._ix is None:
            if not windex.exists_in(str(self.dir)):
                raise IndexMissing(f"no index in {self.dir}; run `dangan index` first")
            self._ix = windex.open_dir(str(self.dir))
        return self._ix

    def close(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None
            if self._ix is not None:
                self._ix.close()
                self._ix = None

    # -- writing -----------------------------------------------------------------------
    @contextmanager
    def writer(self):
        """A writer for one batch; committed on success, cancelled on error."""
        ix = self.open()
        w = ix.writer(limitmb=256)
        try:
            yield _Writer(w)
        except BaseException:
            w.cancel()
            raise
        else:
            w.commit()

    # -- reading -----------------------------------------------------------------------
    def searcher(self):
        """One searcher reused across queries and threads; refreshed when the index changed."""
        with self._lock:
            if self._searcher is None:
                self._searcher = self.open().searcher()
            elif not self._searcher.up_to_date():
                # refresh() returns a new searcher and closes the old one's readers itself.
                self._searcher = self._searcher.refresh()
            return self._searcher

    def search(self, query: Query, *, filter: Query | None = None, mask: Query | None = None,
               limit: int | None = 10, page: int = 1, groupedby=None, terms: bool = False):
        s = self.searcher()
        if page > 1 and limit:
            return s.search_page(query, page, pagelen=limit, filter=filter, mask=mask,
                                 groupedby=groupedby, terms=terms)
        return s.search(query, filter=filter, mask=mask, limit=limit, groupedby=groupedby,
                        terms=terms)

    def doc_count(self) -> int:
        return self.searcher().doc_count()

    def size_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.dir.glob("*") if p.is_file())

    def all_keys(self) -> Iterable[str]:
        s = self.searcher()
        return [f["key"] for f in s.all_stored_fields()]


class _Writer:
    def __init__(self, w):
        self._w = w

    def replace_pages(self, path: str, docs: list[dict]) -> None:
        """Drop whatever the index had for `path`, then add its pages: no duplicates, and a
        file that lost pages loses them in the index too."""
        self._w.delete_by_term("path", path)
        for doc in docs:
            self._w.add_document(**doc)

    def delete_path(self, path: str) -> None:
        self._w.delete_by_term("path", path)
