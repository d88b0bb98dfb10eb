"""The page store's schema is Alembic's, as the register's is: a new store is made at the
newest revision, a store from before is taken up with its pages kept, and an everyday open
neither migrates nor loads Alembic."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

from alembic.config import Config
from alembic.script import ScriptDirectory

from dangan.indexer import store_schema
from dangan.indexer.store import PageStore

# The store as the release before retries wrote it (no files.attempts), with a page in it.
_OLD = """
CREATE TABLE files (path TEXT PRIMARY KEY, sha256 TEXT NOT NULL, size INTEGER NOT NULL,
    mtime REAL NOT NULL, document TEXT, pages INTEGER NOT NULL DEFAULT 0, status TEXT NOT NULL,
    error TEXT, batch_id INTEGER, indexed_at REAL);
CREATE TABLE pages (path TEXT NOT NULL, page INTEGER NOT NULL, document TEXT NOT NULL,
    page_in_document INTEGER NOT NULL, source TEXT NOT NULL, width INTEGER, height INTEGER,
    lines TEXT NOT NULL, fields TEXT NOT NULL, PRIMARY KEY (path, page));
INSERT INTO files VALUES ('a.pdf', 'abc', 10, 1.0, 'a', 1, 'ok', NULL, 1, 1.0);
INSERT INTO pages VALUES ('a.pdf', 1, 'a', 1, 'ocr', 10, 10, '[]', '{}');
"""


def test_the_head_named_in_code_is_alembics():
    cfg = Config()
    cfg.set_main_option("script_location", str(store_schema.MIGRATIONS))
    assert ScriptDirectory.from_config(cfg).get_current_head() == store_schema.HEAD


def test_a_new_store_is_made_at_the_newest_revision(tmp_path):
    store = PageStore(tmp_path / "store.sqlite3")
    assert store_schema.current(store.db) == store_schema.HEAD
    tables = {r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"files", "pages", "ocr_cache", "documents", "catalogue", "page_ids", "aliases",
            "batches"} <= tables
    store.close()


def test_a_store_from_before_alembic_is_taken_up_with_its_pages(tmp_path):
    path = tmp_path / "store.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(_OLD)
    store = PageStore(path)
    assert store_schema.current(store.db) == store_schema.HEAD
    assert store.file_state()["a.pdf"] == ("abc", 10, 1.0, "ok", 0)  # attempts added, 0
    assert store.db.execute("SELECT COUNT(*) FROM pages").fetchone()[0] == 1
    store.close()


def test_opening_a_current_store_does_not_load_alembic(tmp_path):
    path = tmp_path / "store.sqlite3"
    PageStore(path).close()
    code = ("import sys; from pathlib import Path; from dangan.indexer.store import PageStore; "
            f"PageStore(Path({str(path)!r})).close(); print('alembic' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False"
