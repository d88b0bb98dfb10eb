"""Which way dangan drives Whoosh in this process: the fast path, or stock Whoosh.

Why: the fast path (whoosh_internals, fastwrite, fastpath, sidecar) reads and writes
Whoosh 3's segment formats directly and replaces a few of Whoosh's methods on live objects.
None of that is Whoosh's public API, so a new Whoosh release — even a packaging-only one —
may rename or reshape it. Instead of trusting a version string, the first time a process
opens an index this module checks what the fast path relies on (`whoosh_internals.verify`:
the private names, the on-disk formats, and a round trip on a tiny index written by the
fast writer, read back by stock Whoosh and searched both ways). If anything is missing or
answers differently, dangan runs on stock Whoosh's public API — slower, the same results —
and says so once: in the log, in `dangan status` and on the admin status page. It never
fails with a traceback because Whoosh changed.

`DANGAN_WHOOSH=stock` in the environment skips the check and runs stock Whoosh (nothing
of Whoosh is patched in the process): the reference the fast path is tested against, and
an operator's way out.

The verdict is remembered beside the index (`VERDICT_FILE`), under a key made of every file
of the installed Whoosh (path, size, modification time), the sources of dangan's modules
that touch it, and the Python and numpy versions: any change to either side checks again,
and an unchanged installation does not pay the round trip (half a second, two on a busy
machine) in every command and every shard writer.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import logging
import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)
ENV_VAR = "DANGAN_WHOOSH"
FAST, STOCK = "fast", "stock"
VERDICT_FILE = "dangan-whoosh-check.json"
# dangan's modules whose correctness the check vouches for.
_OURS = ("whoosh_internals.py", "fastwrite.py", "fastpath.py", "sidecar.py", "schema.py",
         "analysis.py", "whoosh_queries.py", "engine.py")


@dataclass(frozen=True)
class EngineStatus:
    """The outcome of the start-up check. `path` is FAST or STOCK; `problem` says why the
    fast path is off (None when it is on, or when the operator asked for stock)."""

    path: str
    whoosh_version: str
    problem: str | None = None

    @property
    def fast(self) -> bool:
        return self.path == FAST

    def warning(self) -> str | None:
        """The one warning shown to staff and operators when the fast path is off because
        the check failed (not when stock was asked for)."""
        if self.problem is None:
            return None
        return (f"检索引擎以标准 Whoosh 运行（结果相同，速度较慢）：已安装的 Whoosh "
                f"{self.whoosh_version} 与快速路径所依赖的内部结构不符（{self.problem}）。"
                "请对照 dangan/search/whoosh_internals.py 检查后再恢复快速路径。")

    def describe(self) -> str:
        """One line for `dangan status`."""
        if self.fast:
            return f"检索引擎 engine: 快速路径 fast path (whoosh-reloaded {self.whoosh_version})"
        why = "按 DANGAN_WHOOSH=stock 设置" if self.problem is None else "快速路径检查未通过"
        return (f"检索引擎 engine: 标准 Whoosh stock path (whoosh-reloaded "
                f"{self.whoosh_version}; {why})")


_status: EngineStatus | None = None
_lock = threading.Lock()


def whoosh_version() -> str:
    try:
        return importlib.metadata.version("whoosh-reloaded")
    except importlib.metadata.PackageNotFoundError:
        return "?"


def status(remember_in: str | os.PathLike | None = None) -> EngineStatus:
    """The path for this process, checked once. When the fast path passes, its process-wide
    adjustment of Whoosh (segment files kept mapped, not copied) is applied here — where an
    index is opened, never on import. `remember_in`: a folder (the index's) where the verdict
    for this installation is kept, so the next process need not check again."""
    global _status
    with _lock:
        if _status is None:
            _status = _check(Path(remember_in) if remember_in is not None else None)
            if _status.problem:
                log.warning("%s", _status.warning())
        return _status


def installation_key() -> str:
    """What the verdict depends on: every file of the installed Whoosh, our modules' source,
    Python and numpy."""
    import numpy
    import whoosh

    digest = hashlib.sha256(f"{sys.version}\0{numpy.__version__}\0{whoosh_version()}".encode())
    package = Path(whoosh.__file__).resolve().parent
    for f in sorted(package.rglob("*.py")):
        st = f.stat()
        digest.update(f"{f}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    here = Path(__file__).resolve().parent
    for name in _OURS:
        digest.update(name.encode() + b"\0" + (here / name).read_bytes())
    return digest.hexdigest()


def _remembered(folder: Path | None, key: str) -> dict | None:
    if folder is None:
        return None
    try:
        saved = json.loads((folder / VERDICT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return saved if isinstance(saved, dict) and saved.get("key") == key else None


def _remember(folder: Path | None, key: str, problem: str | None) -> None:
    if folder is None or not folder.is_dir():
        return
    tmp = folder / f".{VERDICT_FILE}.{os.getpid()}.tmp"
    try:
        tmp.write_text(json.dumps({"key": key, "problem": problem}), encoding="utf-8")
        os.replace(tmp, folder / VERDICT_FILE)
    except OSError:  # a read-only index folder: check again next time, nothing worse
        tmp.unlink(missing_ok=True)


def _check(folder: Path | None = None) -> EngineStatus:
    version = whoosh_version()
    if os.environ.get(ENV_VAR, "").strip().lower() == STOCK:
        return EngineStatus(STOCK, version)
    try:
        key = installation_key()
    except Exception:  # an installation we cannot even describe: check, remember nothing
        key = None
    saved = _remembered(folder, key) if key else None
    try:
        from . import whoosh_internals

        problem = saved["problem"] if saved is not None else whoosh_internals.verify()
    except Exception as e:  # a renamed module or name, a changed signature: all the same
        problem = f"{type(e).__name__}: {e}"
    if saved is None and key:
        _remember(folder, key, problem)
    if problem is not None:
        return EngineStatus(STOCK, version, problem[:400])
    whoosh_internals.keep_segments_mapped()
    return EngineStatus(FAST, version)


def reset_for_tests() -> None:
    """Forget the check (tests that change the environment between cases)."""
    global _status
    with _lock:
        if _status is not None and _status.fast:
            from . import whoosh_internals

            whoosh_internals.restore_stock_buffers()
        _status = None
