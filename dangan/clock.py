"""The archive's clock: every date shown, numbered or printed is in the archive's time zone.

A visit number resets at the archive's midnight, a deadline counts the archive's working
days and a copy is dated the archive's day — not the server's, which may run in UTC. The
zone comes from `[archive] timezone` (default Asia/Shanghai) and is set once by the entry
points (`dangan.cli.main`, `web.app.create_app`), not by reading the config. Times are
stored as naive datetimes in that zone, so what the register holds is what staff read.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "Asia/Shanghai"
_zone = ZoneInfo(DEFAULT_ZONE)


def zone_problem(name: str) -> str | None:
    """Why `name` is not a time zone this machine knows, or None."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return f"unknown time zone {name!r} (an IANA name such as {DEFAULT_ZONE!r})"
    return None


def use_zone(name: str) -> None:
    """Make `name` the archive's zone for this process."""
    global _zone
    _zone = ZoneInfo(name)


def zone() -> ZoneInfo:
    return _zone


def now() -> dt.datetime:
    """The archive's wall-clock time to the second, naive (as stored in the register)."""
    return dt.datetime.now(_zone).replace(tzinfo=None, microsecond=0)


def today() -> dt.date:
    return dt.datetime.now(_zone).date()


def from_timestamp(seconds: float) -> dt.datetime:
    """A Unix time (a batch's finish, a file's mtime) as the archive's wall-clock time."""
    return dt.datetime.fromtimestamp(seconds, _zone).replace(tzinfo=None)


def shown(value: dt.datetime | dt.date | str | None, seconds: bool = False) -> str:
    """A register time as staff read it: 2024-05-06 14:03 (no T, no microseconds)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
    return value.strftime("%Y-%m-%d")
