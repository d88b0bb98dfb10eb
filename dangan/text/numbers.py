"""Numbers typed by people: ids in URLs and forms, years, page numbers.

Python's `str.isdigit()` and `int()` take far more than 0–9: "²" passes isdigit() and then
fails int(); "٨" (Arabic-Indic eight) is read as 8. What a person types at a counter PC is
ASCII digits, or full-width digits when the Chinese input method is in full-width mode; the
latter are folded, everything else is not a number.
"""

from __future__ import annotations

import re

_FULL_WIDTH = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789Xx")
_ASCII_INT = re.compile(r"[0-9]{1,18}")  # 18 digits: always inside SQLite's 64-bit integers


def fold_digits(text: str) -> str:
    """Full-width digits (and Ｘ) as ASCII; nothing else changes."""
    return text.translate(_FULL_WIDTH)


def parse_int(text: object, lo: int = 0, hi: int = 10**18 - 1) -> int | None:
    """`text` as an integer in [lo, hi], or None: only 0–9 (full-width folded), at most 18
    digits, no sign, no spaces inside."""
    if text is None:
        return None
    raw = fold_digits(str(text).strip())
    if not _ASCII_INT.fullmatch(raw):
        return None
    value = int(raw)
    return value if lo <= value <= hi else None


def echo(text: object, limit: int = 20) -> str:
    """A piece of bad input quoted back in an error message, cut to a readable length."""
    s = str(text)
    return s if len(s) <= limit else s[:limit] + "…"
