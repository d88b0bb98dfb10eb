"""The access log's hash chain: each entry carries the hash of the one before it.

Rewriting, inserting or deleting an entry anywhere breaks every hash after it, so
`dangan audit verify` can name the first entry that no longer fits. The rule for what is
hashed lives here only; web/security.py writes entries through it and the CLI checks them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# The columns that make an entry what it is (the row id is not among them: it is assigned by
# the database, and a deletion already shows as a broken link).
FIELDS = ("at", "user_id", "visit_id", "request_number", "action", "path", "page", "detail",
          "page_uid")


def _value(v):
    if isinstance(v, dt.datetime):
        return v.replace(microsecond=0).isoformat(sep=" ")
    return v


def entry_hash(prev_hash: str, entry: Mapping) -> str:
    body = json.dumps([prev_hash, *[_value(entry.get(f)) for f in FIELDS]],
                      ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


@dataclass
class Broken:
    entry_id: int
    reason: str


def verify(entries: Iterable[Mapping]) -> tuple[int, Broken | None]:
    """Check entries in id order; (entries checked, the first broken one or None)."""
    prev = ""
    n = 0
    for e in entries:
        n += 1
        if not prev and not e.get("hash") and not e.get("prev_hash"):
            continue  # written before the chain existed (an upgraded register)
        if (e.get("prev_hash") or "") != prev:
            return n, Broken(e["id"], "与前一条记录的链接不符（前一条被改动、删除或有记录被插入）")
        if entry_hash(prev, e) != e.get("hash"):
            return n, Broken(e["id"], "记录内容与其哈希不符（本条被改动）")
        prev = e["hash"]
    return n, None
