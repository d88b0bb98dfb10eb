"""`dangan index`: bring the index up to date with the scans on disk.

Incremental by content: a file whose size and mtime are unchanged is skipped without reading
it; otherwise its SHA-256 decides. OCR runs on Dask (worker processes on this machine, or an
archive's cluster: indexer/distributed.py) and every finished page is cached by file hash at
once; a single writer (this process) commits to the index and then to the page store every
`commit_every` pages. Index before store: after a crash (even kill -9) the store never claims
a file the index lacks, and a re-run replaces pages by key, so nothing is duplicated and no OCR
is repeated.

One batch at a time (indexer/locks.py). A full rebuild fills a new index generation beside
the live one (search/backend.py), so searches keep answering until it is complete. Ctrl-C and
SIGTERM stop after the current commit. Every error of a per-file step becomes that file's
failure, with its reason (sources.reason), in one place: `_guarded`; only errors writing the
index or the page store end the batch.
"""

from __future__ import annotations

import hashlib
import json
import logging
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from dangan import filenames
from dangan.config import Config
from dangan.corrections import register as corrections
from dangan.openness import is_restricted
from dangan.search.backend import SearchIndex

from . import archival, integrity, locks, sources
from .catalog import CatalogError, read_catalog
from .distributed import OcrCluster
from .fields import PageFields, extract
from .indexing import document_type, index_document
from .ocr.base import Line
from .progress import Progress
from .store import PageStore, StoredPage

log = logging.getLogger(__name__)


# ------------------------------------------------------------------------------ summary
@dataclass
class Summary:
    files_seen: int = 0
    files_indexed: int = 0
    files_skipped: int = 0
    files_failed: int = 0
    files_pruned: int = 0
    pages: int = 0
    pages_ocr: int = 0
    pages_ocr_cached: int = 0
    pages_text_layer: int = 0
    seconds: float = 0.0
    rebuilt_index: str = ""  # why the index was (re)built from the page store, if it was
    interrupted: str | None = None  # why the batch stopped early, if it did
    failures: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)  # passed over, not failed: with why
    warnings: list[dict] = field(default_factory=list)

    def to_json(self) -> dict:
        return dict(self.__dict__)

    def lines(self) -> list[str]:
        out = [
            f"文件 files: {self.files_seen} seen, {self.files_indexed} indexed, "
            f"{self.files_skipped} unchanged, {self.files_failed} failed, "
            f"{self.files_pruned} pruned",
            f"页面 pages: {self.pages} indexed — {self.pages_ocr} OCR'd, "
            f"{self.pages_ocr_cached} from OCR cache, {self.pages_text_layer} from PDF text layer",
            f"用时 seconds: {self.seconds:.1f}",
        ]
        if self.rebuilt_index:
            out.append(self.rebuilt_index)
        for f in self.failures:
            out.append(f"失败 FAILED {f['path']}: {f['error']}")
        for f in self.skipped:
            out.append(f"跳过 SKIPPED {f['path']}: {f['reason']}")
        for f in self.warnings:
            out.append(f"注意 WARNING {f['path']}: {f['warning']}")
        if self.interrupted:
            out.append(f"已中断 INTERRUPTED: {self.interrupted}")
        return out


# ------------------------------------------------------------------------------ the job
@dataclass
class _Pending:
    path: Path
    key: str
    sha256: str
    size: int
    mtime: float
    refs: list[sources.PageRef]
    results: dict[int, tuple[int | None, int | None, list[Line], str]] = field(
        default_factory=dict)
    fields: dict[int, PageFields] = field(default_factory=dict)  # extracted by a worker
    error: str | None = None


# A file that failed is read again by the next runs, up to this many times for the same
# content (a worker killed by memory pressure, a file being copied in); then it waits until
# it changes, and `status` keeps listing it with its reason.
MAX_ATTEMPTS = 3
# Share of a page darker than its paper above which a page with no text read is reported.
INK_WARNING = 0.005


def sha256_of(source: Path | bytes) -> str:
    """The content hash of a file on disk, or of bytes already read (what the batch uses:
    the hash of exactly the bytes it reads and OCRs)."""
    if isinstance(source, bytes | bytearray | memoryview):
        return hashlib.sha256(source).hexdigest()
    h = hashlib.sha256()
    with open(source, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def display_key(key: str) -> str:
    """A file name as it can be stored and shown: bytes that are not UTF-8 as \\xNN."""
    return key.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


class Stopped(Exception):
    """Ctrl-C or SIGTERM: stop after the current commit."""


class Batch:
    def __init__(self, cfg: Config, paths: list[Path] | None = None, *,
                 index_dir: Path | None = None, workers: int | None = None,
                 catalog: Path | None = None, prune: bool = False, progress_stream=None,
                 scheduler: str | None = None):
        self.cfg = cfg
        self.roots = [Path(p) for p in (paths or [cfg.scan_root])]
        self.index = SearchIndex(index_dir or cfg.index_dir)
        self.store = PageStore(cfg.store_path)
        self.workers = workers or cfg.ocr.worker_count
        self.catalog_path = catalog or cfg.catalog
        self.prune = prune
        self.engine = cfg.ocr.engine
        self.scheduler = scheduler or cfg.ocr.scheduler or None
        self.summary = Summary()
        self.progress_stream = progress_stream
        self._doc_types: dict[str, dict[str, str]] = {}
        self._stop: str | None = None
        self.lock = locks.BatchLock(cfg.data_dir)

    # -- helpers -----------------------------------------------------------------------
    def key_for(self, path: Path) -> str:
        """How a file is named in the store and index: relative to the scan root if inside."""
        resolved = path.resolve()
        try:
            return resolved.relative_to(self.cfg.scan_root.resolve()).as_posix()
        except ValueError:
            return resolved.as_posix()

    def shown(self, path: Path) -> str:
        """A path as the report names it: as found (links not resolved), relative to the scan
        root when inside it."""
        try:
            text = path.absolute().relative_to(self.cfg.scan_root.absolute()).as_posix()
        except ValueError:
            text = str(path)
        return display_key(text)

    def _load_catalogs(self) -> set[str]:
        """Import the catalogue (if one is found) into the page store: the only way an item's
        openness changes. Returns the 档号 whose entry changed."""
        candidates = [self.catalog_path] if self.catalog_path else [
            r / name for r in self.roots if r.is_dir()
            for name in ("catalog.csv", "catalog.xlsx")]
        changed: set[str] = set()
        for c in candidates:
            if c and c.exists():
                try:
                    entries = read_catalog(c)
                except CatalogError as e:
                    self.summary.failures.append({"path": str(c), "error": str(e)})
                    continue
                changed |= self.store.import_catalogue(
                    {code: e.__dict__ for code, e in entries.items()})
        self.store.commit()
        return changed

    def _restricted(self, archive_code: str | None) -> bool:
        """The index flag, derived from the stored catalogue at every commit and rebuild."""
        return is_restricted(self.store.catalogue_entry(archive_code))

    def _reindex_documents(self, documents: list[str]) -> None:
        """Re-derive the index entries of documents whose catalogue entry changed (no OCR)."""
        by_path: dict[str, list[dict]] = {}
        for doc in documents:
            meta = self.store.document(doc) or {}
            restricted = self._restricted(meta.get("archive_code"))
            for p in self.store.pages_of_document(doc):
                by_path.setdefault(p.path, []).append(
                    index_document(p, meta.get("doc_type") or "other",
                                   meta.get("archive_code"), restricted))
        if by_path:
            with locks.commit_lock(self.cfg.data_dir), self.index.writer() as w:
                for path, docs in by_path.items():
                    w.replace_pages(path, docs)

    # -- main --------------------------------------------------------------------------
    def run(self) -> Summary:
        """Raises locks.Busy when another batch runs, OSError or sqlite3.Error when the
        index or the page store cannot be written (what was committed stays)."""
        with self.lock, self._signals():
            t0 = time.monotonic()
            batch_id = self.store.start_batch()
            self.lock.note_batch(batch_id)
            log.info("batch %d started", batch_id)
            try:
                with locks.commit_lock(self.cfg.data_dir):  # what a kill left behind
                    for name in self.index.remove_stale():
                        log.info("removed stale index generation %s", name)
                changed = self._load_catalogs()
                reason = self.index.outdated_reason()
                if reason:
                    self._rebuild_index(reason)
                elif changed:
                    self._reindex_documents(self.store.documents_with_codes(changed))
                self._check_stop()
                todo = self._plan(batch_id)
                total_pages = sum(len(p.refs) for p in todo)
                progress = Progress(total_pages, self.progress_stream)
                try:
                    self._process(todo, batch_id, progress)
                finally:
                    progress.close()
                if self.prune:
                    self._check_stop()
                    self._prune()
            except Stopped:
                self.summary.interrupted = (
                    f"收到 {self._stop} 信号，已在当前提交后停止；已完成的页面已保存，"
                    "重新运行 dangan index 即从此处继续")
            self.summary.seconds = time.monotonic() - t0
            report = self._write_report(batch_id)
            self.store.finish_batch(batch_id, self.summary.to_json(), str(report))
            s = self.summary
            log.info("batch %d finished in %.0fs: %d files indexed, %d skipped, %d failed, "
                     "%d pages%s", batch_id, s.seconds, s.files_indexed, s.files_skipped,
                     s.files_failed, s.pages, " (interrupted)" if s.interrupted else "")
            self.index.close()
            self.store.close()
        return self.summary

    @contextmanager
    def _signals(self) -> Iterator[None]:
        """Ctrl-C and SIGTERM set a flag; the batch stops at the next safe point (after the
        commit in progress), so nothing half-written is left and no traceback is printed."""
        def stop(signum, _frame) -> None:
            self._stop = signal.Signals(signum).name
        if threading.current_thread() is not threading.main_thread():
            yield  # run from a thread (a test, a service): signals are its owner's business
            return
        previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)

    def _check_stop(self) -> None:
        if self._stop:
            raise Stopped(self._stop)

    def _rebuild_index(self, reason: str) -> None:
        """New or outdated index: fill a new generation from the page store, without OCR;
        searches use the old one until it is complete."""
        self.summary.rebuilt_index = reason
        with locks.commit_lock(self.cfg.data_dir):
            integrity.rebuild(self.index, self.store)

    @contextmanager
    def _guarded(self, item: _Pending, batch_id: int | None) -> Iterator[None]:
        """The one place where a per-file step's error (stat, read, hash, open, decode, OCR,
        extract) becomes that file's failure with its reason; the batch goes on. Errors of
        the index or the page store are not caught here: they end the batch."""
        try:
            yield
        except Exception as e:
            item.error = sources.reason(e)
            self._fail(item.key, item.sha256, item.size, item.mtime, item.error, batch_id)

    def _plan(self, batch_id: int) -> list[_Pending]:
        known = self.store.file_state()
        todo: list[_Pending] = []
        seen: dict[str, Path] = {}
        for found in sources.walk(self.roots):
            self._check_stop()
            if isinstance(found, sources.Skipped):
                entry = {"path": self.shown(found.path), "reason": found.reason}
                if entry not in self.summary.skipped:  # a folder given twice: listed once
                    self.summary.skipped.append(entry)
                continue
            key = self.key_for(found)
            try:  # a name from a Windows PC (GBK bytes): stored under its decoded name
                key, decoded = filenames.stored_name(key)
            except ValueError:
                decoded = None  # not reversibly storable: refused by _read, as before
            if key in seen:  # the same file twice: a repeated argument, or a link to it
                if found != seen[key]:
                    self.summary.skipped.append({
                        "path": self.shown(found),
                        "reason": f"与 {display_key(key)} 是同一文件，只索引一次 / same file"})
                continue
            seen[key] = found
            self.summary.files_seen += 1
            item = _Pending(found, display_key(key), "", 0, 0.0, [])
            with self._guarded(item, batch_id):
                if self._read(item, key, known.get(key)):
                    todo.append(item)
                    if decoded:
                        self.summary.warnings.append({"path": item.key, "warning": (
                            "文件名不是 UTF-8，已按 GB18030（Windows 中文）解码 / file name "
                            "decoded as GB18030" if decoded == filenames.GB18030 else
                            "文件名无法解码，无法识别的字节显示为 \\xNN / undecodable bytes "
                            "of the file name shown as \\xNN")})
        self.store.commit()
        return todo

    def _read(self, item: _Pending, key: str, prior) -> bool:
        """Stat, read, hash and split one file into pages; False if it is unchanged."""
        if item.key != key:
            raise sources.BadFile("文件名无法按任何编码保存，请改名后重新索引 / file name "
                                  "cannot be stored; rename it")
        st = item.path.stat()  # before reading: a change after it is seen next time
        item.size, item.mtime = st.st_size, st.st_mtime
        retry = prior is not None and prior[3] == "failed" and prior[4] < MAX_ATTEMPTS
        if prior and prior[1] == st.st_size and prior[2] == st.st_mtime and not retry:
            self.summary.files_skipped += 1
            return False
        data = item.path.read_bytes()
        item.sha256 = sha256_of(data)
        if prior and prior[0] == item.sha256 and prior[3] == "ok":
            self.store.touch_file(key, st.st_size, st.st_mtime)
            self.summary.files_skipped += 1
            return False
        if prior and prior[0] == item.sha256 and prior[3] == "failed" and not retry:
            self.summary.files_skipped += 1  # failed too often; waits for a new version
            return False
        # Pages from the very bytes that were hashed: what is cached under this hash is
        # what this content says, even if the file is replaced while the batch runs.
        item.refs = sources.pages(item.path, self.cfg.ocr.max_pixels, data)
        return True

    def _fail(self, key, digest, size, mtime, error, batch_id) -> None:
        self.summary.files_failed += 1
        self.summary.failures.append({"path": key, "error": error})
        with locks.commit_lock(self.cfg.data_dir):
            with self.index.writer() as w:  # index first, as everywhere
                w.delete_path(key)
            self.store.record_failure(key, digest, size, mtime, error, batch_id)
            self.store.commit()

    def _process(self, todo: list[_Pending], batch_id: int, progress: Progress) -> None:
        jobs: list[tuple[_Pending, sources.PageRef]] = []
        for item in todo:
            for ref in item.refs:
                if ref.kind == "pdf_text":
                    lines = [Line(t, None) for t in (ref.text or "").splitlines() if t.strip()]
                    item.results[ref.index] = (None, None, lines, "text_layer")
                    self.summary.pages_text_layer += 1
                    continue
                cached = self.store.cached_ocr(item.sha256, ref.index, self.engine)
                if cached:
                    item.results[ref.index] = (*cached, "ocr")
                    self.summary.pages_ocr_cached += 1
                    continue
                jobs.append((item, ref))
        ready = [i for i in todo if len(i.results) == len(i.refs)]
        progress.update(sum(len(i.refs) for i in ready))
        buffer: list[_Pending] = []
        buffered_pages = 0

        def finished(item: _Pending) -> None:
            nonlocal buffered_pages
            buffer.append(item)
            buffered_pages += len(item.refs)
            if buffered_pages >= self.cfg.ocr.commit_every:
                self._commit(buffer, batch_id)
                buffer.clear()
                buffered_pages = 0

        try:
            for item in ready:
                self._check_stop()
                finished(item)
            if jobs:
                self._run_ocr(jobs, progress, finished)
        finally:  # stopped or not, what is fully read is committed
            if buffer:
                self._commit(buffer, batch_id)

    def _run_ocr(self, jobs, progress: Progress, finished) -> None:
        workers = max(1, min(self.workers, len(jobs)))
        ocr = self.cfg.ocr
        cluster = OcrCluster(workers, self.scheduler, self.engine, ocr.threads_per_worker,
                             ocr.max_side_len, ocr.max_pixels)
        with cluster:
            self._check_stop()
            for (item, ref), result, error in cluster.run(
                    jobs, window=max(4, workers * 3), skip=lambda job: job[0].error is not None,
                    stopping=lambda: self._stop is not None):
                self._check_stop()  # a worker hit by the same Ctrl-C is not the file's fault
                if item.error is not None:
                    continue
                with self._guarded(item, None):
                    if error is not None:
                        raise error
                    w, h, lines_json, secs, fields_json, ink = result
                    lines = [Line.from_json(x) for x in lines_json]
                    fields = PageFields.from_json(fields_json)
                if item.error is not None:
                    progress.update(0, failed=1)
                    continue
                self.store.cache_ocr(item.sha256, ref.index, self.engine, w, h, lines, secs)
                item.results[ref.index] = (w, h, lines, "ocr")
                item.fields[ref.index] = fields
                read = any(ch.isalnum() for line in lines for ch in line.text)
                if not read and ink > INK_WARNING:  # ink, and nothing but specks or marks read
                    self.summary.warnings.append({
                        "path": item.key, "warning": f"第 {ref.index + 1} 页有字迹（{ink:.0%} 的"
                        "面积）却未识别出文字，请人工查看 / ink but no text read"})
                self.summary.pages_ocr += 1
                progress.update(1)
                if len(item.results) == len(item.refs):
                    finished(item)
            self._check_stop()

    def _commit(self, items: list[_Pending], batch_id: int) -> None:
        """Write finished files: index (one commit) first, then the page store."""
        built: list[tuple[_Pending, str, list[StoredPage], list[dict]]] = []
        for item in items:
            name = archival.parse(item.path)
            # A loose scan is its own document, named by its place under the scan root, so
            # a/scan0001.jpg and b/scan0001.jpg stay two documents.
            document = name.document if name.archive_code else item.key
            pages = []
            for i, ref in enumerate(item.refs):
                w, h, lines, source = item.results[ref.index]
                in_doc = (name.sequence + i) if name.sequence else i + 1
                fields = item.fields.get(ref.index) or extract(lines)
                pages.append(StoredPage(item.key, i + 1, document, in_doc, source, w, h,
                                        lines, fields,
                                        # staff's corrections of this very content survive
                                        # its OCR being read again
                                        corrections.confirmed_for(self.store.db, item.key,
                                                                  i + 1, item.sha256)))
            types = self._doc_types.setdefault(document, {})
            for p in pages:
                types[p.key] = p.fields.doc_type
            if len(types) == len(pages):  # first time we see this document in this batch
                for other in self.store.pages_of_document(document):
                    types.setdefault(other.key, other.fields.doc_type)
            dtype = document_type(list(types.values()))
            restricted = self._restricted(name.archive_code)
            docs = [index_document(p, dtype, name.archive_code, restricted) for p in pages]
            self.store.put_document(document, name.archive_code, dtype)
            built.append((item, document, pages, docs))
        with locks.commit_lock(self.cfg.data_dir):
            with self.index.writer() as w:
                for item, _, _, docs in built:
                    w.replace_pages(item.key, docs)
            for item, document, pages, _ in built:
                self.store.replace_file(item.key, item.sha256, item.size, item.mtime,
                                        document, pages, batch_id)
                self.summary.files_indexed += 1
                self.summary.pages += len(pages)
            self.store.commit()

    def _prune(self) -> None:
        """Forget files that are gone from disk (only under the folders being indexed)."""
        roots = [r.resolve() for r in self.roots]
        gone = []
        for key in self.store.file_state():
            path = self.cfg.scan_path(key).resolve()
            under = any(path == r or r in path.parents for r in roots)
            if under and not path.exists():
                gone.append(key)
        if not gone:
            return
        with locks.commit_lock(self.cfg.data_dir):
            with self.index.writer() as w:
                for key in gone:
                    w.delete_path(key)
            for key in gone:
                self.store.remove_file(key)
            self.store.commit()
        self.summary.files_pruned = len(gone)

    def _write_report(self, batch_id: int) -> Path:
        self.cfg.reports_dir.mkdir(parents=True, exist_ok=True)
        path = self.cfg.reports_dir / f"batch-{batch_id:05d}.json"
        path.write_text(json.dumps({"batch": batch_id, **self.summary.to_json()},
                                   ensure_ascii=False, indent=1), encoding="utf-8")
        txt = path.with_suffix(".txt")
        txt.write_text("\n".join(self.summary.lines()) + "\n", encoding="utf-8")
        return txt


def run_batch(cfg: Config, paths: list[Path] | None = None, **kw) -> Summary:
    return Batch(cfg, paths, **kw).run()
