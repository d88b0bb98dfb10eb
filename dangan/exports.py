"""CSV exports staff open in a spreadsheet: safe against formula injection, IDs masked.

A requester's name or a note typed as `=HYPERLINK(...)` or `@SUM(...)` would run as a formula
when the register is opened in Excel or WPS. Such cells are written as text (a leading ').
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from dangan.text.idnumbers import mask_in_text

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def safe_cell(value) -> str:
    text = mask_in_text("" if value is None else str(value))
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def csv_text(header: list[str], rows: Iterable[Iterable]) -> str:
    """The whole file, with the BOM Excel needs to read UTF-8."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    for row in rows:
        w.writerow([safe_cell(v) for v in row])
    return "\ufeff" + buf.getvalue()
