"""`dangan backup DEST` and `dangan restore SRC`: a consistent copy, taken while the counter
serves and a batch commits.

A plain `cp -a` during a batch copies the page store and the index at different moments (and
SQLite's files mid-write): restored, pages the store claims were never in the index, and the
next run skipped them as unchanged. Here, under the batch's commit lock (indexer/locks.py),
the page store is copied with SQLite's online backup API and the index's live generation as
committed; the register database (SQLite) is copied with the same API, then the config, the
secret key and the reports (everything of the data folder but the page store's working files
and the locks). MANIFEST.json is written last: a copy without it is incomplete; it holds every
file's SHA-256.

A restore checks the whole backup first (every file against its SHA-256, every SQLite
database with its integrity check) and writes nothing when anything is wrong; it then copies
into temporary folders beside the targets and moves them into place, so a failed restore
leaves the targets as they were and a retry with a good backup works.

With a PostgreSQL register the backup holds its `pg_dump` (when pg_dump is installed), and the
copied config.toml has its secrets (database password, certificate password, partner
tokens) taken out: a backup travels further than the server.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import time
from contextlib import closing
from pathlib import Path

from dangan.config import Config
from dangan.search.backend import SearchIndex
from dangan.search.schema import SCHEMA_VERSION

from . import locks

MANIFEST = "MANIFEST.json"
STORE = "pages.sqlite3"
INDEX = "index"
DATA = "data"  # everything else of the data folder: register, secret key, reports
PG_DUMP = "register.pgdump"  # a PostgreSQL register (pg_dump --format=custom)
SKIP = {STORE, f"{STORE}-wal", f"{STORE}-shm", locks.BATCH_LOCK, locks.COMMIT_LOCK}


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message says why, in Chinese."""


def _sqlite_copy(src: Path, dest: Path) -> None:
    """SQLite's online backup: a consistent snapshot even while another process writes."""
    with closing(sqlite3.connect(src, timeout=60)) as source, \
            closing(sqlite3.connect(dest)) as target:
        source.backup(target)


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
    # Everything of the data folder (register, secret and audit keys, the audit chain's head
    # file, reports, logs) but the store's working files and the locks. Plain files first,
    # databases last: the audit head is appended after each commit, so copied before the
    # register it is never ahead of it (a head ahead of its chain reads as a truncation).
    def databases_last(item: Path) -> tuple[bool, str]:
        return item.suffix in (".sqlite3", ".sqlite", ".db"), item.name

    for item in sorted(cfg.data_dir.iterdir(), key=databases_last):
        if item.name in SKIP or item.name.endswith(("-wal", "-shm", "-journal")):
            continue
        if item.suffix in (".sqlite3", ".sqlite", ".db"):
            _sqlite_copy(item, dest / DATA / item.name)
        elif item.is_dir():
            shutil.copytree(item, dest / DATA / item.name)
        elif item.is_file():
            shutil.copy2(item, dest / DATA / item.name)
    if cfg.database_url and not cfg.database_url.startswith("sqlite"):
        notes.append(_pg_dump(cfg.database_url, dest / PG_DUMP))
    if cfg.path and cfg.path.exists():
        text, removed = without_secrets(cfg.path.read_text(encoding="utf-8"))
        (dest / "config.toml").write_text(text, encoding="utf-8")
        if removed:
            notes.append("备份的 config.toml 中已删除密码与令牌（" + "、".join(removed) +
                         "）；恢复后请重新填写 / secrets removed from the copied config.toml")
    with closing(sqlite3.connect(dest / STORE)) as db:  # closed before its SHA-256
        pages = db.execute("SELECT COUNT(*) FROM pages").fetchone()[0]
    manifest = {"created": time.strftime("%Y-%m-%dT%H:%M:%S"), "seconds": time.time() - t0,
                "archive": cfg.archive_code, "schema_version": SCHEMA_VERSION,
                "pages": pages, "index": has_index, "notes": notes,
                "files": {rel: _sha256(dest / rel) for rel in _files(dest)}}
    (dest / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1),
                                 encoding="utf-8")
    return manifest


def _files(root: Path) -> list[str]:
    """Every file of a backup but the manifest, as POSIX paths relative to it."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                  if p.is_file() and p.name != MANIFEST
                  and not p.name.endswith(("-wal", "-shm", "-journal")))


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# Keys of config.toml that hold secrets: emptied in a backup's copy.
_SECRET_KEYS = ("certificate_password", "token")
_ASSIGNMENT = re.compile(r'(\s*)(\w+)(\s*=\s*)"(.*)"(\s*(#.*)?)$')


def without_secrets(text: str) -> tuple[str, list[str]]:
    """config.toml's text with its secrets taken out, and which were: the register's
    database password (the URL stays, its password replaced), the certificate password,
    the partners' tokens."""
    from sqlalchemy.engine import make_url

    removed: list[str] = []
    out = []
    for line in text.splitlines(keepends=True):
        m = _ASSIGNMENT.match(line.rstrip("\n"))
        if m and m.group(4):
            lead, key, eq, value = m.group(1), m.group(2), m.group(3), m.group(4)
            if key in _SECRET_KEYS:
                removed.append(key)
                line = f'{lead}{key}{eq}""  # 备份中已删除 / removed in the backup\n'
            elif key == "database":
                try:
                    url = make_url(value)
                except Exception:  # not a URL: nothing to mask
                    url = None
                if url is not None and url.password:
                    removed.append("database 密码")
                    masked = url.set(password="REMOVED").render_as_string(hide_password=False)
                    line = f'{lead}{key}{eq}"{masked}"  # 密码已删除 / password removed\n'
        out.append(line)
    return "".join(out), removed


def _pg_dump(database_url: str, target: Path) -> str:
    """The PostgreSQL register dumped into the backup (custom format, for pg_restore); the
    note for the manifest says what happened. The password goes by environment, not argv
    (where `ps` shows it)."""
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    exe = shutil.which("pg_dump")
    if exe is None:
        return ("登记数据库为 PostgreSQL，本机没有 pg_dump，备份中不含登记数据库：请另行备份！"
                "/ pg_dump not found: the register is NOT in this backup")
    env = {**os.environ, "PGHOST": url.host or "", "PGPORT": str(url.port or 5432),
           "PGUSER": url.username or "", "PGDATABASE": url.database or ""}
    if url.password:
        env["PGPASSWORD"] = url.password
    proc = subprocess.run([exe, "--format=custom", "--no-owner", "--file", str(target)],
                          env=env, capture_output=True, text=True, timeout=3600)
    if proc.returncode != 0:
        raise BackupError("pg_dump 备份登记数据库失败：" + proc.stderr.strip()[-300:])
    return (f"登记数据库（PostgreSQL）已用 pg_dump 存为 {PG_DUMP}，用 pg_restore 恢复 / "
            "register dumped with pg_dump")


def verify(src: Path) -> dict:
    """The backup's manifest, once every file it lists is there with its SHA-256 and every
    SQLite database passes its integrity check; BackupError naming what is wrong otherwise.
    Reads only: the backup is not touched."""
    try:
        manifest = json.loads((src / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise BackupError(f"{src} 不是完整的备份（缺少 {MANIFEST}）") from e
    files = manifest.get("files")
    if files is None:  # a backup from before checksums: its databases are still checked
        files = dict.fromkeys(_files(src))
    problems = [] if STORE in files else [f"缺少 {STORE}"]
    for rel, digest in sorted(files.items()):
        path = src / rel
        if not path.is_file():
            problems.append(f"缺少 {rel}")
        elif digest is not None and _sha256(path) != digest:
            problems.append(f"{rel} 已损坏（SHA-256 不符）")
        elif path.suffix in (".sqlite3", ".sqlite", ".db"):
            why = _sqlite_damage(path)
            if why:
                problems.append(f"{rel} 已损坏（{why}）")
    if problems:
        raise BackupError(f"备份 {src} 未通过校验，未写入任何内容：" + "；".join(problems[:10])
                          + (f" 等 {len(problems)} 处" if len(problems) > 10 else ""))
    return manifest


def _sqlite_damage(path: Path) -> str:
    """What SQLite's integrity check finds wrong with a database file ('' when fine); opened
    read-only and immutable, so the backup folder gets no journal or lock files."""
    try:
        with sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True) as db:
            rows = [r[0] for r in db.execute("PRAGMA integrity_check")]
    except sqlite3.Error as e:
        return str(e)
    return "" if rows == ["ok"] else "; ".join(rows[:3])


def restore(cfg: Config, src: Path) -> dict:
    """Into the (empty or new) index and data folders of `cfg`; the config in the backup is
    kept there for reference, not applied. Verified first, copied into temporary folders
    beside the targets, then moved into place: on failure the targets are as they were."""
    manifest = verify(src)
    for target in (cfg.data_dir, cfg.index_dir):
        _empty_or_new(target)
    staged: list[tuple[Path, Path]] = []
    try:
        data = _staging(cfg.data_dir)
        staged.append((data, cfg.data_dir))
        for item in sorted((src / DATA).iterdir()):
            if item.is_dir():
                shutil.copytree(item, data / item.name)
            else:
                shutil.copy2(item, data / item.name)
        _sqlite_copy(src / STORE, data / STORE)
        if (src / INDEX).exists():
            index = _staging(cfg.index_dir)
            staged.append((index, cfg.index_dir))
            shutil.copytree(src / INDEX, index, dirs_exist_ok=True)
    except (OSError, sqlite3.Error) as e:
        for tmp, _ in staged:
            shutil.rmtree(tmp, ignore_errors=True)
        raise BackupError(f"复制备份时出错（{e}）：临时文件已删除，目标文件夹未改动") from e
    moved: list[Path] = []
    for tmp, target in staged:
        try:
            if target.exists():
                target.rmdir()  # empty (checked above)
            tmp.rename(target)
            moved.append(target)
        except OSError as e:
            left = [f"{t}（已恢复）" for t in moved] + [f"{t}（临时）" for t, _ in staged
                                                    if t.exists()]
            raise BackupError(f"移入 {target} 时出错（{e}）。留下的内容：{'、'.join(left)}；"
                              "删除这些文件夹后可重新恢复") from e
    return manifest


def _staging(target: Path) -> Path:
    """An empty temporary folder beside `target` (same file system: moved by one rename)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{target.name}.restoring-", dir=target.parent))
