"""`dangan catalog FILE`: import a catalogue (目录, CSV or .xlsx) — the report first, then,
with --apply, the change.

The report says, before anything changes: rows whose 档号 matches no scan, scans (documents
with a 档号) that no row describes, 开放标识 values the openness rule does not know (and
empty ones, which open an item), 档号 given more than once, and what the import would change
— above all which items it would open or close. Applying stores the rows in the page store
(the only way an item's openness changes, as in a batch) and re-derives the index entries of
the documents whose row changed, without OCR, under the batch lock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from dangan.config import Config
from dangan.openness import is_restricted, is_restricted_openness, openness_problem
from dangan.search.backend import SearchIndex

from . import locks
from .catalog import CatalogRow, read_rows
from .indexing import index_document
from .store import PageStore


@dataclass
class ImportReport:
    path: str
    rows: int = 0
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    no_scan: list[tuple[int, str]] = field(default_factory=list)  # (row, 档号)
    no_row: list[str] = field(default_factory=list)  # 档号 of scans no row describes
    bad_openness: list[tuple[int, str, str]] = field(default_factory=list)  # row, 档号, why
    duplicates: dict[str, list[int]] = field(default_factory=dict)  # 档号 → rows
    opens: list[str] = field(default_factory=list)  # restricted now, open after the import
    closes: list[str] = field(default_factory=list)
    applied: bool = False
    reindexed_pages: int = 0

    @property
    def has_problems(self) -> bool:
        return bool(self.no_scan or self.no_row or self.bad_openness or self.duplicates)

    def lines(self) -> list[str]:
        out = [f"目录 {self.path}：{self.rows} 行；新增 {len(self.new)}，变更 {len(self.changed)}，"
               f"不变 {self.unchanged}"]
        out += [f"重复档号 DUPLICATE {code}：第 {'、'.join(map(str, rows))} 行（以最后一行为准）"
                for code, rows in self.duplicates.items()]
        out += [f"开放标识有误 OPENNESS 第 {n} 行 {code}：{why}"
                for n, code, why in self.bad_openness]
        out += [f"无对应扫描件 NO SCAN 第 {n} 行 {code}" for n, code in self.no_scan]
        out += [f"扫描件无目录行 NO ROW {code}" for code in self.no_row]
        out += [f"将开放 OPENS {code}（现为受控）" for code in self.opens]
        out += [f"将受控 CLOSES {code}" for code in self.closes]
        if self.applied:
            out.append(f"已导入：{len(self.new) + len(self.changed)} 条目录已更新，"
                       f"{self.reindexed_pages} 页的索引已按新目录更新（未重新识别）")
        else:
            out.append("以上为预览，尚未做任何改动；确认无误后加 --apply 导入 / dry run: "
                       "nothing changed; run again with --apply")
        return out


def _catalogue(store: PageStore) -> dict[str, dict]:
    cols = ("code", "title", "creator", "date", "retention", "openness", "title_open")
    return {r[0]: dict(zip(cols, r, strict=True)) for r in store.db.execute(
        f"SELECT {', '.join(cols)} FROM catalogue")}


def plan(store: PageStore, path: Path, rows: list[CatalogRow]) -> ImportReport:
    report = ImportReport(str(path), rows=len(rows))
    seen: dict[str, list[int]] = {}
    for r in rows:
        seen.setdefault(r.entry.code, []).append(r.line)
        why = openness_problem(r.entry.openness)
        if why:
            report.bad_openness.append((r.line, r.entry.code, why))
    report.duplicates = {code: lines for code, lines in seen.items() if len(lines) > 1}
    last = {r.entry.code: r for r in rows}
    scanned = {code for (code,) in store.db.execute(
        "SELECT DISTINCT archive_code FROM documents WHERE archive_code IS NOT NULL "
        "AND archive_code != ''")}
    report.no_scan = sorted((r.line, code) for code, r in last.items() if code not in scanned)
    report.no_row = sorted(scanned - set(last))
    stored = _catalogue(store)
    for code, r in last.items():
        old = stored.get(code)
        new = {k: getattr(r.entry, k) or "" for k in
               ("title", "creator", "date", "retention", "openness", "title_open")}
        if old is None:
            report.new.append(code)
        elif any((old.get(k) or "") != v for k, v in new.items()):
            report.changed.append(code)
        else:
            report.unchanged += 1
            continue
        was = is_restricted_openness(old.get("openness")) if old else False
        will = is_restricted_openness(r.entry.openness)
        if code in scanned and was and not will:
            report.opens.append(code)
        elif code in scanned and will and not was:
            report.closes.append(code)
    return report


def import_catalogue(cfg: Config, path: Path, apply: bool = False) -> ImportReport:
    """The report; with `apply`, the import too. Raises CatalogError for a file that is not
    a catalogue, locks.Busy while a batch runs (apply only)."""
    rows = read_rows(path)
    store = PageStore(cfg.store_path)
    try:
        report = plan(store, path, rows)
        if not apply:
            return report
        with locks.BatchLock(cfg.data_dir):
            changed = store.import_catalogue({r.entry.code: r.entry.__dict__ for r in rows})
            store.commit()
            report.reindexed_pages = _reindex(cfg, store, changed)
        report.applied = True
        return report
    finally:
        store.close()


def _reindex(cfg: Config, store: PageStore, codes: set[str]) -> int:
    """The index entries of documents whose catalogue row changed, derived again (no OCR)."""
    by_path: dict[str, list[dict]] = {}
    for doc in store.documents_with_codes(codes):
        meta = store.document(doc) or {}
        restricted = is_restricted(meta)
        for p in store.pages_of_document(doc):
            by_path.setdefault(p.path, []).append(index_document(
                p, meta.get("doc_type") or "other", meta.get("archive_code"), restricted))
    if not by_path:
        return 0
    index = SearchIndex(cfg.index_dir)
    try:
        with locks.commit_lock(cfg.data_dir), index.writer() as w:
            for path, docs in by_path.items():
                w.replace_pages(path, docs)
    finally:
        index.close()
    return sum(len(d) for d in by_path.values())
