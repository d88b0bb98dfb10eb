"""The application log: standard library logging, configured once per process.

One line per event (a traceback is folded onto its line), so `grep` and log rotation work.
Events name ids, counts and codes, never personal data in clear: no names, no ID numbers,
no search terms (those are in the access register, which is for that).
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_configured: set[str] = set()


class OneLine(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return super().format(record).replace("\r", "").replace("\n", " ⏎ ")


def configure(data_dir: Path | None = None, *, stderr: bool = True,
              level: int = logging.INFO) -> None:
    """Send the `dangan` loggers to `data_dir`/logs/dangan.log (rotated) and/or stderr.
    Calling it again adds nothing (a server's app factory may run more than once)."""
    logger = logging.getLogger("dangan")
    logger.setLevel(level)
    # Our handlers are the only ones: a library that configures the root logger (Dask,
    # waitress) would otherwise print every line a second time, or under the progress bar.
    logger.propagate = False
    formatter = OneLine(FORMAT)
    if data_dir is not None and "file" not in _configured:
        folder = Path(data_dir) / "logs"
        folder.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            folder / "dangan.log", maxBytes=10 * 1024 * 1024, backupCount=5, encoding="utf-8")
        handler.setFormatter(formatter)
        logger.addHandler(handler)
        _configured.add("file")
    if stderr and "stderr" not in _configured:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(formatter)
        logger.addHandler(handler)
        _configured.add("stderr")
