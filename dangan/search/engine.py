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
"""

from __future__ import annotations

import importlib.metadata
import logging
import os
import threading
from dataclasses import dataclass

log = logging.getLogger(__name__)
ENV_VAR = "DANGAN_WHOOSH"
FAST, STOCK = "fast", "stock"


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


def status() -> EngineStatus:
    """The path for this process, checked once (the first index opened pays ~0.2 s). When
    the fast path passes, its process-wide adjustment of Whoosh (segment files kept mapped,
    not copied) is applied here — where an index is opened, never on import."""
    global _status
    with _lock:
        if _status is None:
            _status = _check()
            if _status.problem:
                log.warning("%s", _status.warning())
        return _status


def _check() -> EngineStatus:
    version = whoosh_version()
    if os.environ.get(ENV_VAR, "").strip().lower() == STOCK:
        return EngineStatus(STOCK, version)
    try:
        from . import whoosh_internals

        problem = whoosh_internals.verify()
    except Exception as e:  # a renamed module or name, a changed signature: all the same
        problem = f"{type(e).__name__}: {e}"
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
