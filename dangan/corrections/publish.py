"""A confirmed correction goes into the search index at once: the file's index entries are
derived again from the page store, through the overlay, under the batch's commit lock (so a
batch or a backup never sees the index and the store disagree). No OCR."""

from __future__ import annotations

from pathlib import Path

from dangan.indexer import locks
from dangan.indexer.indexing import index_document
from dangan.indexer.store import PageStore
from dangan.openness import is_restricted


def publish(index, store: PageStore, data_dir: Path, path: str) -> int:
    """Re-index every page of the file `path` as it reads now; the number of pages."""
    pages = store.pages_of_file(path)
    if not pages:
        return 0
    store.refresh_aliases(path)  # a corrected 曾用名 links the corrected name at once
    store.db.commit()
    docs = []
    for p in pages:
        meta = store.document(p.document) or {}
        restricted = is_restricted(store.catalogue_entry(meta.get("archive_code")))
        docs.append(index_document(p, meta.get("doc_type") or "other",
                                   meta.get("archive_code"), restricted))
    with locks.commit_lock(data_dir), index.writer() as w:
        w.replace_pages(path, docs)
    return len(docs)
