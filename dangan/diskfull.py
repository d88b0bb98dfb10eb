"""Is this error a full disk? One answer for the CLI and the counter, which both say
磁盘空间不足 in one line instead of a traceback or a bare 500.

A full disk reaches us in several shapes: OSError ENOSPC (or EFBIG past a file-size limit)
from our own writes and Whoosh's, sqlite3's "database or disk is full" (SQLITE_FULL), the
same wrapped by SQLAlchemy, and PostgreSQL's SQLSTATE 53100 (disk_full) through psycopg.
"""

from __future__ import annotations

import errno
import sqlite3

MESSAGE = "磁盘空间不足"
_ERRNOS = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}
_TEXTS = ("database or disk is full", "No space left on device", "could not extend file",
          "File too large", "Disk quota exceeded")


def is_disk_full(exc: BaseException | None) -> bool:
    """True when `exc`, or any error it was raised from, says the disk is full."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno in _ERRNOS:
            return True
        if isinstance(exc, sqlite3.Error) and getattr(exc, "sqlite_errorcode", None) == 13:
            return True  # SQLITE_FULL
        if getattr(exc, "sqlstate", None) == "53100" or getattr(exc, "pgcode", None) == "53100":
            return True
        if any(t in str(exc) for t in _TEXTS):
            return True
        exc = getattr(exc, "orig", None) or exc.__cause__ or exc.__context__
    return False
