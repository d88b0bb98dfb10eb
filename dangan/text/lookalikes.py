"""Look-alike characters (形近字): what a faded or misread name may have become."""

from __future__ import annotations

import functools
from importlib import resources


@functools.lru_cache(maxsize=1)
def groups() -> dict[str, frozenset[str]]:
    text = resources.files("dangan").joinpath("data/lookalikes.txt").read_text("utf-8")
    table: dict[str, set[str]] = {}
    for line in text.splitlines():
        chars = line.split()
        if len(chars) < 2 or line.startswith("#"):
            continue
        for ch in chars:
            table.setdefault(ch, set()).update(c for c in chars if c != ch)
    return {k: frozenset(v) for k, v in table.items()}


def variants(name: str, limit: int = 24) -> list[str]:
    """Names that differ from `name` by one look-alike character."""
    table = groups()
    out = []
    for i, ch in enumerate(name):
        for alt in sorted(table.get(ch, ())):
            out.append(name[:i] + alt + name[i + 1:])
    return out[:limit]


def differs_by_lookalikes(a: str, b: str) -> bool:
    """Same length, and every differing character is a look-alike of the other."""
    if len(a) != len(b) or a == b:
        return False
    table = groups()
    return all(x == y or y in table.get(x, ()) for x, y in zip(a, b, strict=True))
