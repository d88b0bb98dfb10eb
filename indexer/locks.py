"""Who may write: one batch at a time, and no copy taken in the middle of a commit.

Two advisory locks (flock) in the data folder. `index.lock` is held for a whole batch: a
second `dangan index` does not wait behind SQLite's busy timeout doing the same OCR again, it
exits and says who holds the lock. `commit.lock` is held for each commit (index, then page
store) and by `dangan backup` while it copies, so a backup sees both at the same commit. The
kernel drops a lock when its process dies, even by kill -9: a crash never leaves one behind.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BATCH_LOCK = "index.lock"
COMMIT_LOCK = "commit.lock"


class Busy(RuntimeError):
    """Another batch holds the lock; `holder` says which (pid, host, started, batch)."""

    def __init__(self, holder: dict):
        self.holder = holder
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(holder.get("started", 0)))
        super().__init__(
            f"另一个索引任务正在运行：进程 {holder.get('pid', '?')}（{holder.get('host', '?')}，"
            f"{holder.get('user', '?')}，始于 {when}）。请等它结束后再运行 dangan index。")


def _open(path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)


def _read(fd: int) -> dict:
    os.lseek(fd, 0, os.SEEK_SET)
    try:
        return json.loads(os.read(fd, 4096) or b"{}")
    except ValueError:
        return {}


class BatchLock:
    """Held for one `dangan index`; its file says who holds it."""

    def __init__(self, data_dir: Path):
        self.path = Path(data_dir) / BATCH_LOCK
        self.fd: int | None = None
        self.info: dict = {}

    def acquire(self) -> BatchLock:
        fd = _open(self.path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read(fd)
            os.close(fd)
            raise Busy(holder) from None
        self.fd = fd
        self.info = {"pid": os.getpid(), "host": socket.gethostname(),
                     "user": os.environ.get("USER") or str(os.getuid()),
                     "started": time.time(), "command": " ".join(sys.argv)}
        self._write()
        return self

    def note_batch(self, batch_id: int) -> None:
        self.info["batch"] = batch_id
        self._write()

    def _write(self) -> None:
        assert self.fd is not None
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, json.dumps(self.info, ensure_ascii=False).encode(), 0)

    def release(self) -> None:
        if self.fd is not None:
            os.ftruncate(self.fd, 0)
            os.close(self.fd)  # closing drops the flock
            self.fd = None

    def __enter__(self) -> BatchLock:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def running_batch(data_dir: Path) -> dict | None:
    """The holder of the batch lock if a batch runs now, else None."""
    path = Path(data_dir) / BATCH_LOCK
    if not path.exists():
        return None
    fd = os.open(path, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _read(fd) or {"pid": "?"}
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


@contextmanager
def commit_lock(data_dir: Path) -> Iterator[None]:
    """Held while the index and the page store change together (and while a backup copies
    them), so nobody sees one without the other."""
    fd = _open(Path(data_dir) / COMMIT_LOCK)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
