"""`dangan backup DEST` and `dangan restore SRC`: a consistent copy, taken while the counter
serves and a batch commits.

A plain `cp -a` during a batch copies the page store and the index at different moments (and
SQLite's files mid-write): restored, pages the store claims were never in the index, and the
next run skipped them as unchanged. Here, under the batch's commit lock (indexer/locks.py),
the page store is copied with SQLite's online backup API and the index's live generation as
committed; the register database (SQLite) is copied with the same API, then the config, the
secret key and the reports. MANIFEST.json is written last: a copy without it is incomplete.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import time
from pathlib import Path

from dangan.config import Config
from dangan.search.backend import SearchIndex
from dangan.search.schema import SCHEMA_VERSION

from . import locks

MANIFEST = "MANIFEST.json"
STORE = "pages.sqlite3"
INDEX = "index"
DATA = "data"  # everything else of the data folder: register, secret key, reports
SKIP = {STORE, f"{STORE}-wal", f"{STORE}-shm", locks.BATCH_LOCK, locks.COMMIT_LOCK}


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message says why, in Chinese."""


def _sqlite_copy(src: Path, dest: Path) -> None:
    """SQLite's online backup: a consistent snapshot even while another process writes."""
    with sqlite3.connect(src, timeout=60) as source, sqlite3.connect(dest) as target:
        source.backup(target)
    sqlite3.connect(dest).close()


def _empty_or_new(path: Path) -> None:
    if path.exists() and any(path.iterdir()):
        raise BackupError(f"目标文件夹不是空的：{path}（请指定新的文件夹）")


def backup(cfg: Config, dest: Path) -> dict:
    _empty_or_new(dest)
    if not cfg.store_path.exists():
        raise BackupError(f"没有页面库可备份：{cfg.store_path}")
    dest.mkdir(parents=True, exist_ok=True)
    index = SearchIndex(cfg.index_dir)
    t0 = time.time()
    with locks.commit_lock(cfg.data_dir):  # no commit between the store and the index
        _sqlite_copy(cfg.store_path, dest / STORE)
        has_index = index.exists()
        if has_index:
            index.copy_live(dest / INDEX)
    index.close()
    (dest / DATA).mkdir()
    notes = []
    for item in sorted(cfg.data_dir.iterdir()):
        if item.name in SKIP or item.name.endswith(("-wal", "-shm", "-journal")):
            continue
        if item.suffix in (".sqlite3", ".sqlite", ".db"):
            _sqlite_copy(item, dest / DATA / item.name)
        elif item.is_dir():
            shutil.copytree(item, dest / DATA / item.name)
        elif item.is_file():
            shutil.copy2(item, dest / DATA / item.name)
    if cfg.database_url and not cfg.database_url.startswith("sqlite"):
        notes.append("登记数据库不是 SQLite：请另用 pg_dump 备份 / back the register up with "
                     "pg_dump")
    if cfg.path and cfg.path.exists():
        shutil.copy2(cfg.path, dest / "config.toml")
    with sqlite3.connect(dest / STORE) as db:
        pages = db.execute("SELECT COUNT(*) FROM pages").fetchone()[0]
    manifest = {"created": time.strftime("%Y-%m-%dT%H:%M:%S"), "seconds": time.time() - t0,
                "archive": cfg.archive_code, "schema_version": SCHEMA_VERSION,
                "pages": pages, "index": has_index, "notes": notes}
    (dest / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1),
                                 encoding="utf-8")
    return manifest


def restore(cfg: Config, src: Path) -> dict:
    """Into the (empty or new) index and data folders of `cfg`; the config in the backup is
    kept there for reference, not applied."""
    try:
        manifest = json.loads((src / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise BackupError(f"{src} 不是完整的备份（缺少 {MANIFEST}）") from e
    for target in (cfg.data_dir, cfg.index_dir):
        _empty_or_new(target)
    cfg.data_dir.mkdir(parents=True, exist_ok=True)
    for item in sorted((src / DATA).iterdir()):
        if item.is_dir():
            shutil.copytree(item, cfg.data_dir / item.name)
        else:
            shutil.copy2(item, cfg.data_dir / item.name)
    _sqlite_copy(src / STORE, cfg.store_path)
    if (src / INDEX).exists():
        shutil.copytree(src / INDEX, cfg.index_dir, dirs_exist_ok=True)
    return manifest
