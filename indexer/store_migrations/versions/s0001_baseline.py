"""The page store as it was when its schema came under Alembic (a store from before is taken
up as it is: every table and index is created only if missing, and the one column added by
hand before, files.attempts, is added only if missing).

Revision ID: s0001
Revises:
"""

from __future__ import annotations

from alembic import op

revision = "s0001"
down_revision = None
branch_labels = None
depends_on = None

SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime REAL NOT NULL,
    document TEXT,
    pages INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL,             -- ok | failed
    error TEXT,
    batch_id INTEGER,
    indexed_at REAL,
    attempts INTEGER NOT NULL DEFAULT 0  -- failed runs in a row for this content
);
CREATE TABLE IF NOT EXISTS pages (
    path TEXT NOT NULL,
    page INTEGER NOT NULL,            -- 1-based page within the file
    document TEXT NOT NULL,
    page_in_document INTEGER NOT NULL,
    source TEXT NOT NULL,             -- ocr | text_layer
    width INTEGER, height INTEGER,
    lines TEXT NOT NULL,              -- JSON: [[text, box, confidence, char_x], ...]
    fields TEXT NOT NULL,             -- JSON: PageFields
    PRIMARY KEY (path, page)
);
CREATE INDEX IF NOT EXISTS pages_document ON pages(document);
CREATE TABLE IF NOT EXISTS ocr_cache (
    sha256 TEXT NOT NULL,
    page INTEGER NOT NULL,
    engine TEXT NOT NULL,
    width INTEGER, height INTEGER,
    lines TEXT NOT NULL,
    seconds REAL,
    PRIMARY KEY (sha256, page, engine)
);
CREATE TABLE IF NOT EXISTS documents (
    document TEXT PRIMARY KEY,
    archive_code TEXT,
    doc_type TEXT,
    title TEXT, creator TEXT, date TEXT, retention TEXT, openness TEXT
);
-- The archival catalogue (目录) as last imported, by 档号. Only a catalogue import writes here:
-- indexing a file or a folder without catalog.csv never touches an item's openness.
CREATE TABLE IF NOT EXISTS catalogue (
    code TEXT PRIMARY KEY,
    title TEXT, creator TEXT, date TEXT, retention TEXT, openness TEXT, title_open TEXT,
    imported_at REAL
);
-- Page identities, never reused: one row per (file key, page, content hash) ever indexed.
-- AUTOINCREMENT, so an id handed to a request or a copy can never come to mean another page.
CREATE TABLE IF NOT EXISTS page_ids (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    path TEXT NOT NULL,
    page INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    UNIQUE (path, page, sha256)
);
CREATE TABLE IF NOT EXISTS aliases (  -- 曾用名: (current name, former name) and where it is said
    name TEXT NOT NULL,
    alias TEXT NOT NULL,
    path TEXT NOT NULL,
    PRIMARY KEY (name, alias, path)
);
CREATE INDEX IF NOT EXISTS aliases_alias ON aliases(alias);
CREATE TABLE IF NOT EXISTS batches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started REAL, finished REAL,
    summary TEXT,                     -- JSON
    report TEXT                       -- path of the report file
);
"""


def upgrade() -> None:
    conn = op.get_bind()
    for statement in SCHEMA.split(";"):
        if statement.strip():
            conn.exec_driver_sql(statement)
    columns = {r[1] for r in conn.exec_driver_sql("PRAGMA table_info(files)")}
    if "attempts" not in columns:  # a store from before retries
        conn.exec_driver_sql("ALTER TABLE files ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0")


def downgrade() -> None:
    raise NotImplementedError("the page store is never downgraded")
