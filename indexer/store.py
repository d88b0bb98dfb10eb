"""The page store: what was read from every page, kept outside the search index.

SQLite in the data dir holds the bulky things the index should not: OCR lines with boxes (for
the viewer), extracted fields, the OCR cache keyed by file hash (so nothing is OCR'd twice, even
after a crash or a schema change), the state of every file and the batch history. The index can
always be rebuilt from here without OCR.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from dangan.corrections import overlay as corrections_overlay
from dangan.corrections import register as corrections
from dangan.openness import is_restricted

from . import store_schema
from .fields import PageFields
from .ocr.base import Line

# The store's tables are Alembic's, as the register's are: revisions under
# indexer/store_migrations/versions, applied when a store is opened (store_schema.py).



@dataclass
class StoredPage:
    path: str
    page: int
    document: str
    page_in_document: int
    source: str
    width: int | None
    height: int | None
    lines: list[Line]
    fields: PageFields
    # The confirmed staff corrections of this page as its file reads now (dangan/corrections):
    # attached when read, laid over the machine reading only by corrections.effective
    corrections: list = field(default_factory=list, repr=False, compare=False)

    @property
    def key(self) -> str:
        return f"{self.path}#{self.page}"


class PageStore:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        # check_same_thread=False: the web server reads from worker threads, one at a time.
        self.db = sqlite3.connect(path, timeout=30, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        store_schema.upgrade(self.db, path)
        corrections.ensure(self.db)
        self._adopt_old_catalogue()
        self._adopt_old_pages()

    def _adopt_old_pages(self) -> None:
        """Stores made before page identities: give every stored page its identity once."""
        if self.db.execute("SELECT 1 FROM page_ids LIMIT 1").fetchone() or \
                not self.db.execute("SELECT 1 FROM pages LIMIT 1").fetchone():
            return
        self.db.execute(
            "INSERT OR IGNORE INTO page_ids(path, page, sha256) SELECT p.path, p.page, f.sha256 "
            "FROM pages p JOIN files f ON f.path = p.path ORDER BY p.rowid")
        self.db.commit()

    def _adopt_old_catalogue(self) -> None:
        """Stores made before the catalogue table kept catalogue data in `documents`: carry it
        over once, so an upgrade never opens an item that was closed."""
        if self.db.execute("SELECT 1 FROM catalogue LIMIT 1").fetchone():
            return
        self.db.execute(
            "INSERT OR IGNORE INTO catalogue(code, title, creator, date, retention, openness, "
            "imported_at) SELECT archive_code, title, creator, date, retention, openness, 0 "
            "FROM documents WHERE archive_code IS NOT NULL AND openness IS NOT NULL")
        self.db.commit()

    def close(self) -> None:
        self.db.close()

    # -- files -------------------------------------------------------------------------
    def file_state(self) -> dict[str, tuple[str, int, float, str, int]]:
        """path → (sha256, size, mtime, status, attempts) for every known file."""
        return {r[0]: r[1:] for r in self.db.execute(
            "SELECT path, sha256, size, mtime, status, attempts FROM files")}

    def touch_file(self, path: str, size: int, mtime: float) -> None:
        """Same content, new mtime (copied or touched): remember it so the hash is skipped next
        time."""
        self.db.execute("UPDATE files SET size=?, mtime=? WHERE path=?", (size, mtime, path))

    def record_failure(self, path: str, sha256: str, size: int, mtime: float, error: str,
                       batch_id: int | None) -> None:
        # A failed file keeps none of its old pages: what is indexed must match what is on disk.
        self.db.execute("DELETE FROM pages WHERE path=?", (path,))
        self.db.execute("DELETE FROM aliases WHERE path=?", (path,))
        # Attempts count the failed runs of this very content: a new version starts again.
        row = self.db.execute("SELECT sha256, status, attempts FROM files WHERE path=?",
                              (path,)).fetchone()
        attempts = row[2] + 1 if row and row[0] == sha256 and row[1] == "failed" else 1
        self.db.execute(
            "INSERT OR REPLACE INTO files(path, sha256, size, mtime, document, pages, status, "
            "error, batch_id, indexed_at, attempts) VALUES (?,?,?,?,NULL,0,'failed',?,?,?,?)",
            (path, sha256, size, mtime, error, batch_id, time.time(), attempts))

    def replace_file(self, path: str, sha256: str, size: int, mtime: float, document: str,
                     pages: list[StoredPage], batch_id: int | None) -> None:
        self.db.execute("DELETE FROM pages WHERE path=?", (path,))
        self.db.executemany(
            "INSERT INTO pages VALUES (?,?,?,?,?,?,?,?,?)",
            [(p.path, p.page, p.document, p.page_in_document, p.source, p.width, p.height,
              json.dumps([ln.to_json() for ln in p.lines], ensure_ascii=False),
              json.dumps(p.fields.to_json(), ensure_ascii=False)) for p in pages])
        self.db.executemany("INSERT OR IGNORE INTO page_ids(path, page, sha256) VALUES (?,?,?)",
                            [(path, p.page, sha256) for p in pages])
        self.db.execute(
            "INSERT OR REPLACE INTO files VALUES (?,?,?,?,?,?,'ok',NULL,?,?,0)",
            (path, sha256, size, mtime, document, len(pages), batch_id, time.time()))
        # The file's 曾用名 as it reads now: its corrections apply while its content is the same
        self.refresh_aliases(path, [replace(p, corrections=corrections.confirmed_for(
            self.db, path, p.page, sha256)) for p in pages])

    def update_fields(self, page: StoredPage) -> None:
        """Store a page's fields extracted anew from its stored lines (no OCR)."""
        self.db.execute("UPDATE pages SET fields=? WHERE path=? AND page=?",
                        (json.dumps(page.fields.to_json(), ensure_ascii=False), page.path,
                         page.page))

    def remove_file(self, path: str) -> None:
        self.db.execute("DELETE FROM pages WHERE path=?", (path,))
        self.db.execute("DELETE FROM aliases WHERE path=?", (path,))
        self.db.execute("DELETE FROM files WHERE path=?", (path,))

    def commit(self) -> None:
        self.db.commit()

    # -- documents ---------------------------------------------------------------------
    def put_document(self, document: str, archive_code: str | None, doc_type: str) -> None:
        """What indexing knows of a document. Catalogue data is not written here (see
        import_catalogue): its old columns in `documents` stay empty."""
        self.db.execute(
            "INSERT OR REPLACE INTO documents(document, archive_code, doc_type) VALUES (?,?,?)",
            (document, archive_code, doc_type))

    _DOCUMENT = ("SELECT d.document, d.archive_code, d.doc_type, c.title, c.creator, c.date, "
                 "c.retention, c.openness, c.title_open FROM documents d "
                 "LEFT JOIN catalogue c ON c.code = d.archive_code")
    _DOCUMENT_COLS = ("document", "archive_code", "doc_type", "title", "creator", "date",
                      "retention", "openness", "title_open")

    def document(self, document: str) -> dict | None:
        """The document with its catalogue entry (joined by 档号, as last imported)."""
        row = self.db.execute(self._DOCUMENT + " WHERE d.document=?", (document,)).fetchone()
        return dict(zip(self._DOCUMENT_COLS, row, strict=True)) if row else None

    def documents_with_codes(self, codes) -> list[str]:
        codes = list(codes)
        out: list[str] = []
        for i in range(0, len(codes), 500):
            part = codes[i:i + 500]
            out += [r[0] for r in self.db.execute(
                f"SELECT document FROM documents WHERE archive_code IN "
                f"({','.join('?' * len(part))})", part)]
        return out

    # -- catalogue ---------------------------------------------------------------------
    _CATALOGUE_COLS = ("code", "title", "creator", "date", "retention", "openness", "title_open")

    def import_catalogue(self, entries: dict[str, dict]) -> set[str]:
        """Store catalogue rows (by 档号); returns the codes whose row changed."""
        changed = set()
        for code, e in entries.items():
            new = tuple(e.get(c) or "" for c in self._CATALOGUE_COLS[1:])
            old = self.db.execute(
                "SELECT title, creator, date, retention, openness, title_open FROM catalogue "
                "WHERE code=?", (code,)).fetchone()
            if old is None or tuple(x or "" for x in old) != new:
                changed.add(code)
                self.db.execute("INSERT OR REPLACE INTO catalogue VALUES (?,?,?,?,?,?,?,?)",
                                (code, *new, time.time()))
        return changed

    def catalogue_entry(self, code: str | None) -> dict | None:
        if not code:
            return None
        row = self.db.execute("SELECT * FROM catalogue WHERE code=?", (code,)).fetchone()
        return dict(zip((*self._CATALOGUE_COLS, "imported_at"), row, strict=True)) if row else None

    def restricted_catalogue(self) -> list[dict]:
        """The catalogue entries of restricted items held here, each with its document and
        first page id: what a reader without clearance can match (on open fields only)."""
        rows = self.db.execute(
            "SELECT DISTINCT d.document, c.* FROM catalogue c "
            "JOIN documents d ON d.archive_code = c.code "
            # open items are most of a catalogue: leave them in SQLite; the rule decides
            "WHERE TRIM(COALESCE(c.openness, '')) NOT IN ('', '开放') ORDER BY c.code")
        out = []
        for r in rows:
            entry = dict(zip(("document", *self._CATALOGUE_COLS, "imported_at"), r, strict=True))
            if is_restricted(entry):
                entry["page_id"] = self.first_page_id(entry["document"])
                out.append(entry)
        return out

    # -- OCR cache ---------------------------------------------------------------------
    def cached_ocr(self, sha256: str, page: int, engine: str):
        row = self.db.execute(
            "SELECT width, height, lines FROM ocr_cache WHERE sha256=? AND page=? AND engine=?",
            (sha256, page, engine)).fetchone()
        if not row:
            return None
        return row[0], row[1], [Line.from_json(x) for x in json.loads(row[2])]

    def cache_ocr(self, sha256: str, page: int, engine: str, width: int, height: int,
                  lines: list[Line], seconds: float) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO ocr_cache VALUES (?,?,?,?,?,?,?)",
            (sha256, page, engine, width, height,
             json.dumps([ln.to_json() for ln in lines], ensure_ascii=False), seconds))
        self.db.commit()  # OCR is the expensive part: never lose a finished page

    # -- pages -------------------------------------------------------------------------
    def _page(self, row, corrected: set[tuple[str, int]] | None = None) -> StoredPage:
        """A stored page with its confirmed corrections attached. `corrected`: the pages that
        have any (one query for a whole listing, instead of one per page)."""
        maybe = corrected is None or (row[0], row[1]) in corrected
        return StoredPage(row[0], row[1], row[2], row[3], row[4], row[5], row[6],
                          [Line.from_json(x) for x in json.loads(row[7])],
                          PageFields.from_json(json.loads(row[8])),
                          corrections.confirmed_for(self.db, row[0], row[1]) if maybe else [])

    def _corrected(self) -> set[tuple[str, int]]:
        return {(path, page) for path, page, _ in corrections.corrected_pages(self.db)}

    def page_id(self, path: str, page: int) -> int | None:
        """The page's identity as it reads now (file, page, content hash): what web routes,
        requests, visits and copies use. Never reused for other content."""
        row = self.db.execute(
            "SELECT i.id FROM page_ids i JOIN files f ON f.path = i.path AND f.sha256 = i.sha256 "
            "AND f.status = 'ok' WHERE i.path=? AND i.page=?", (path, page)).fetchone()
        return row[0] if row else None

    def page_identity(self, page_id: int) -> dict | None:
        """What an id was given for — {"path", "page", "sha256"} — even when gone or changed."""
        row = self.db.execute("SELECT path, page, sha256 FROM page_ids WHERE id=?",
                              (page_id,)).fetchone()
        return {"path": row[0], "page": row[1], "sha256": row[2]} if row else None

    def page_by_id(self, page_id: int) -> StoredPage | None:
        """The page an id names, only while its file still has the content it had then."""
        row = self.db.execute(
            "SELECT p.* FROM page_ids i JOIN files f ON f.path = i.path AND f.sha256 = i.sha256 "
            "AND f.status = 'ok' JOIN pages p ON p.path = i.path AND p.page = i.page "
            "WHERE i.id=?", (page_id,)).fetchone()
        return self._page(row) if row else None

    def page_problem(self, page_id: int) -> str:
        """Why page_by_id gave nothing, in words for the clerk."""
        ident = self.page_identity(page_id)
        if ident is None:
            return "无此页面"
        f = self.db.execute("SELECT sha256, status FROM files WHERE path=?",
                            (ident["path"],)).fetchone()
        if f is None:
            return f"该页已不在馆藏索引中（{ident['path']} 第{ident['page']}页），请重新检索"
        if f[1] != "ok":
            return f"该页的扫描件现已无法读取（{ident['path']}），请重新检索"
        return (f"该页内容在选定后已变更（{ident['path']} 第{ident['page']}页已重新扫描），"
                "为免出具与所选不符的页面，请重新检索并选择")

    def pages_of_document(self, document: str) -> list[StoredPage]:
        rows = self.db.execute(
            "SELECT * FROM pages WHERE document=? ORDER BY page_in_document, path, page",
            (document,))
        corrected = self._corrected()
        return [self._page(r, corrected) for r in rows]

    def pages_of_file(self, path: str) -> list[StoredPage]:
        """The stored pages of one file, in page order."""
        return [self._page(r) for r in self.db.execute(
            "SELECT * FROM pages WHERE path=? ORDER BY page", (path,))]

    def document_names(self) -> list[str]:
        """Every document that has pages, in order."""
        return [d for (d,) in self.db.execute("SELECT DISTINCT document FROM pages "
                                              "ORDER BY document")]

    def pages_of(self, documents: list[str]) -> list[StoredPage]:
        """The pages of these documents (a few hundred at a time), by document, file, page."""
        marks = ",".join("?" * len(documents))
        corrected = self._corrected()
        return [self._page(row, corrected) for row in self.db.execute(
            f"SELECT * FROM pages WHERE document IN ({marks}) ORDER BY document, path, page",
            documents)]

    def all_pages(self) -> Iterator[StoredPage]:
        corrected = self._corrected()
        for row in self.db.execute("SELECT * FROM pages ORDER BY path, page"):
            yield self._page(row, corrected)

    def page_view(self, path: str, page: int) -> dict | None:
        """What search and the dossier need of a page: its fields, and its text as read
        (before folding) — as corrected by staff, where they did (dangan/corrections)."""
        if corrections.confirmed_for(self.db, path, page):
            row = self.db.execute("SELECT * FROM pages WHERE path=? AND page=?",
                                  (path, page)).fetchone()
            if not row:
                return None
            reading = corrections_overlay.effective(self._page(row))
            read = reading.page
            return {"fields": read.fields.to_json(),
                    "raw_text": "".join(ln.text for ln in read.lines).replace(" ", ""),
                    "page_id": self.page_id(path, page), "corrected": reading.renamed}
        row = self.db.execute("SELECT fields, lines FROM pages WHERE path=? AND page=?",
                              (path, page)).fetchone()
        if not row:
            return None
        raw = "".join(line[0] for line in json.loads(row[1])).replace(" ", "")
        return {"fields": json.loads(row[0]), "raw_text": raw,
                "page_id": self.page_id(path, page)}

    def first_page_id(self, document: str) -> int | None:
        row = self.db.execute("SELECT path, page FROM pages WHERE document=? "
                              "ORDER BY page_in_document, path, page LIMIT 1",
                              (document,)).fetchone()
        return self.page_id(row[0], row[1]) if row else None

    @staticmethod
    def _alias_rows(page: StoredPage) -> list[tuple[str, str, str]]:
        """The page's 曾用名 links as the archive reads it: the machine reading with staff's
        confirmed corrections laid over it (a corrected 曾用名 links the corrected name)."""
        read = corrections_overlay.effective(page).page if page.corrections else page
        return [(p.alias_of, p.name, page.path) for p in read.fields.persons if p.alias_of]

    def refresh_aliases(self, path: str, pages: list[StoredPage] | None = None) -> None:
        """Re-derive the 曾用名 links of one file (not committed): from `pages` with their
        corrections attached (a file being stored, already in memory), else as stored."""
        self.db.execute("DELETE FROM aliases WHERE path=?", (path,))
        self.db.executemany("INSERT OR IGNORE INTO aliases VALUES (?,?,?)",
                            [r for page in (self.pages_of_file(path) if pages is None else pages)
                             for r in self._alias_rows(page)])

    def rebuild_aliases(self) -> None:
        """Re-derive the 曾用名 table from every stored page (after an upgrade)."""
        self.db.execute("DELETE FROM aliases")
        for page in self.all_pages():
            self.db.executemany("INSERT OR IGNORE INTO aliases VALUES (?,?,?)",
                                self._alias_rows(page))
        self.db.commit()

    def aliases_of(self, name: str) -> dict[str, str]:
        """Other names of a person: {name: relation}, from every 曾用名 recorded anywhere."""
        out = {}
        for (alias,) in self.db.execute("SELECT DISTINCT alias FROM aliases WHERE name=?",
                                        (name,)):
            out[alias] = "曾用名"
        for (current,) in self.db.execute("SELECT DISTINCT name FROM aliases WHERE alias=?",
                                          (name,)):
            out[current] = "现用名"
        return out

    # -- batches and status ------------------------------------------------------------
    def start_batch(self) -> int:
        cur = self.db.execute("INSERT INTO batches(started) VALUES (?)", (time.time(),))
        self.db.commit()
        return int(cur.lastrowid)

    def finish_batch(self, batch_id: int, summary: dict, report: str | None) -> None:
        self.db.execute("UPDATE batches SET finished=?, summary=?, report=? WHERE id=?",
                        (time.time(), json.dumps(summary, ensure_ascii=False), report, batch_id))
        self.db.commit()

    def interrupted_batches(self, running: int | None = None) -> list[dict]:
        """Batches that did not finish: stopped by a signal (they say so), or killed, out of
        memory or power (never finished at all) — except the one running now."""
        out = []
        for bid, started, finished, summary in self.db.execute(
                "SELECT id, started, finished, summary FROM batches ORDER BY id"):
            s = json.loads(summary or "{}")
            if finished is None and bid != running:
                out.append({"id": bid, "started": started,
                            "reason": "未正常结束（进程被终止、断电或内存不足）/ never finished"})
            elif s.get("interrupted"):
                out.append({"id": bid, "started": started, "reason": s["interrupted"]})
        return out

    def status(self, running: int | None = None) -> dict:
        """`running`: the id of the batch running now, if any (it is not "interrupted")."""
        q = self.db.execute
        last = q("SELECT id, started, finished, summary, report FROM batches "
                 "WHERE finished IS NOT NULL ORDER BY id DESC LIMIT 1").fetchone()
        failures = [{"path": r[0], "error": r[1], "attempts": r[2]} for r in
                    q("SELECT path, error, attempts FROM files WHERE status='failed' "
                      "ORDER BY path")]
        return {
            "documents": q("SELECT COUNT(DISTINCT document) FROM pages").fetchone()[0],
            "pages": q("SELECT COUNT(*) FROM pages").fetchone()[0],
            "files": q("SELECT COUNT(*) FROM files WHERE status='ok'").fetchone()[0],
            "failed_files": len(failures),
            "failures": failures,
            "interrupted_batches": self.interrupted_batches(running),
            "last_batch": None if not last else {
                "id": last[0], "started": last[1], "finished": last[2],
                "summary": json.loads(last[3] or "{}"), "report": last[4]},
        }
