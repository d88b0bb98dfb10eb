"""`dangan check` and `dangan repair`: do the index, the page store and the scan folder agree?

The page store is the record (what was read from every page; the index is derived from it),
so every difference is repaired from the store, without OCR: orphan rows in the store are
dropped and the index is rebuilt as a new generation (searches keep answering until it is
complete). Files gone from the scan folder are named; forgetting them stays a decision for
`dangan index --prune`.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from dataclasses import dataclass, field

from dangan import filenames
from dangan.config import Config
from dangan.openness import is_restricted
from dangan.search.backend import IndexMissing, SearchIndex

from . import locks, sources
from .fields import extract
from .indexing import document_type, index_document
from .store import PageStore, StoredPage

# kind → what it means, for the report.
KINDS = {
    "index_missing": "没有索引 / no index",
    "stale_version": "索引结构版本过旧，需要重建 / index built for another schema version",
    "missing_from_index": "页面库中有、索引中没有（检索不到）/ in the page store, not searchable",
    "orphan_in_index": "索引中有、页面库中没有 / in the index, not in the page store",
    "duplicate_in_index": "索引中重复 / more than once in the index",
    "orphan_page": "页面没有对应的文件记录 / page without a file record",
    "page_count": "文件记录的页数与页面不符 / file record and pages disagree",
    "gone_from_disk": "扫描件已不在扫描文件夹中（dangan index --prune 可清除）/ scan gone",
    "changed_on_disk": "扫描件在索引后有改动（大小或修改时间不同），检索的是索引时的内容"
                       "（运行 dangan index 重新读取）/ scan changed since it was indexed",
}


@dataclass
class Problem:
    kind: str
    path: str
    detail: str = ""

    def line(self) -> str:
        return f"{KINDS[self.kind]}: {self.path}{' — ' + self.detail if self.detail else ''}"


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # worth knowing, not an inconsistency

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        out = [f"问题 PROBLEM {p.line()}" for p in self.problems]
        out += [f"说明 NOTE {n}" for n in self.notes]
        out.append("检查通过：索引、页面库与扫描文件夹一致 / all consistent" if self.ok else
                   f"发现 {len(self.problems)} 处问题；运行 dangan repair 从页面库修复"
                   "（不重新识别）")
        return out


def check(cfg: Config) -> Report:
    report = Report()
    store = PageStore(cfg.store_path)
    index = SearchIndex(cfg.index_dir)
    try:
        stored = {f"{path}#{page}": path for path, page in
                  store.db.execute("SELECT path, page FROM pages")}
        files = {r[0]: (r[1], r[2]) for r in store.db.execute(
            "SELECT path, status, pages FROM files")}
        state = store.file_state()  # path → (sha256, size, mtime, status, attempts)
        try:
            keys = Counter(index.all_keys())
            if not index.is_current():
                report.problems.append(Problem("stale_version", str(index.live_dir()),
                                               f"version {index.stored_version()}"))
            slow = index.segments_without_arrays()
            if slow:
                report.notes.append(
                    f"{len(slow)} 个索引段缺少检索加速数据（结果不变，检索较慢；下次索引提交"
                    "或 dangan repair 时补写）/ segments without posting arrays: "
                    + ", ".join(slow))
        except IndexMissing:
            keys = Counter()
            report.problems.append(Problem("index_missing", str(cfg.index_dir)))
        if keys or not any(p.kind == "index_missing" for p in report.problems):
            report.problems += [Problem("missing_from_index", k) for k in sorted(stored)
                                if k not in keys]
            report.problems += [Problem("orphan_in_index", k) for k in sorted(keys)
                                if k not in stored]
            report.problems += [Problem("duplicate_in_index", k, f"{n} 次") for k, n in
                                sorted(keys.items()) if n > 1]
        per_file = Counter(stored.values())
        for path in sorted(per_file):
            if files.get(path, ("", 0))[0] != "ok":
                report.problems.append(Problem("orphan_page", path))
        for path, (status, n) in sorted(files.items()):
            if status == "ok" and per_file.get(path, 0) != n:
                report.problems.append(Problem("page_count", path,
                                               f"记录 {n} 页，实有 {per_file.get(path, 0)} 页"))
            if status != "ok":
                continue
            try:
                st = cfg.scan_path(path).stat()
            except OSError:
                report.problems.append(Problem("gone_from_disk", path))
                continue
            if (st.st_size, st.st_mtime) != tuple(state[path][1:3]):
                report.problems.append(Problem("changed_on_disk", path))
        new = _not_yet_indexed(cfg, files)
        if new:
            report.notes.append(f"{new} 个扫描件尚未索引（运行 dangan index）/ not indexed yet")
        running = locks.running_batch(cfg.data_dir)
        stale = [] if running else index.stale_generations()
        if stale:
            report.notes.append("遗留的索引代（被中断的重建留下，下次 dangan index 时删除）/ "
                                "stale index generations: " + ", ".join(g.name for g in stale))
        interrupted = store.interrupted_batches((running or {}).get("batch"))
        if interrupted:
            report.notes.append(f"{len(interrupted)} 个批次曾中断（已提交的内容完好）/ "
                                "interrupted batches")
    finally:
        index.close()
        store.close()
    return report


def _not_yet_indexed(cfg: Config, files: dict) -> int:
    root = cfg.scan_root.resolve()
    count = 0
    for found in sources.walk([cfg.scan_root]):
        if isinstance(found, sources.Skipped):
            continue
        real = found.resolve()
        key = real.relative_to(root).as_posix() if real.is_relative_to(root) else str(real)
        with contextlib.suppress(ValueError):
            key = filenames.stored_name(key)[0]
        count += key not in files
    return count


def rebuild(index: SearchIndex, store: PageStore, commit_every: int = 2000) -> int:
    """Fill a new index generation from the page store (no OCR) and switch to it; the
    number of pages indexed. Hold the commit lock around it.

    Streamed a few hundred documents at a time and committed into the new generation every
    `commit_every` pages: the archive's pages (lines with their boxes) never sit in memory
    at once — at 100,000 pages that would be gigabytes — and the shard writers' pools stay
    small. The new generation goes live only when every page is in (see `rebuilding`)."""
    # Fields are derived from the stored lines: a new index (a new schema, new rules for
    # reading order, names or years) reads them again, without OCR.
    documents = store.document_names()
    n = pending = 0
    with index.rebuilding() as w:
        for at in range(0, len(documents), _DOCUMENTS_AT_ONCE):
            by_doc: dict[str, list[StoredPage]] = {}
            for p in store.pages_of(documents[at:at + _DOCUMENTS_AT_ONCE]):
                p.fields = extract(p.lines)
                store.update_fields(p)
                by_doc.setdefault(p.document, []).append(p)
            store.commit()
            by_path: dict[str, list[dict]] = {}
            for doc, doc_pages in by_doc.items():
                meta = store.document(doc) or {}
                dtype = document_type([p.fields.doc_type for p in doc_pages])
                restricted = is_restricted(store.catalogue_entry(meta.get("archive_code")))
                for p in doc_pages:
                    by_path.setdefault(p.path, []).append(
                        index_document(p, dtype, meta.get("archive_code"), restricted))
            for path, docs in by_path.items():
                w.add_pages(path, docs)  # a new generation: nothing to replace
                pending += len(docs)
                n += len(docs)
                if pending >= commit_every:
                    w.flush()
                    pending = 0
    store.rebuild_aliases()
    return n


_DOCUMENTS_AT_ONCE = 200


def repair(cfg: Config) -> list[str]:
    """Make the store and the index agree again, from the store; what was done, in words.
    Takes the batch lock: never while `dangan index` runs (raises locks.Busy)."""
    done = []
    with locks.BatchLock(cfg.data_dir):
        store = PageStore(cfg.store_path)
        index = SearchIndex(cfg.index_dir)
        try:
            with locks.commit_lock(cfg.data_dir):
                orphans = store.db.execute(
                    "DELETE FROM pages WHERE path NOT IN "
                    "(SELECT path FROM files WHERE status='ok')").rowcount
                fixed = store.db.execute(
                    "UPDATE files SET pages=(SELECT COUNT(*) FROM pages "
                    "WHERE pages.path=files.path) WHERE status='ok' AND pages != "
                    "(SELECT COUNT(*) FROM pages WHERE pages.path=files.path)").rowcount
                store.commit()
                if orphans:
                    done.append(f"删除无文件记录的页面 {orphans} 页 / orphan pages dropped")
                if fixed:
                    done.append(f"更正文件页数 {fixed} 个 / page counts corrected")
                n = rebuild(index, store)
                done.append(f"索引已从页面库重建：{n} 页，未重新识别 / index rebuilt from the "
                            "page store, no OCR")
        finally:
            index.close()
            store.close()
    return done
