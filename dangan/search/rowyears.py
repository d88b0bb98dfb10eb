"""The years a roster row itself states: on a roster hit the clerk needs that person's own
years (born, started work), not every year printed on the page."""

from __future__ import annotations

from dangan.indexer.facts import DATE_KINDS
from dangan.text.dates import find_dates, year_mentions


def row_years(lines, box, facts=None) -> list[int]:
    """Years read on the lines whose middle lies inside the row's band `box` (x1, y1, x2, y2).
    `lines` are OCR lines with `.text` and `.box`. With the row's facts (read by column
    heading at indexing), the years of its date facts only: "58.11" under 增资额 is money,
    under 出生年月 a date, and only the heading tells which."""
    if facts:
        dated = {int(f.value[:4]) for f in facts if f.kind in DATE_KINDS
                 and f.value[:4].isdigit()}
        if dated:
            return sorted(dated)
    if not box:
        return []
    top, bottom = box[1], box[3]
    years: set[int] = set()
    for line in lines:
        if not line.box or getattr(line, "kind", "") == "seal":
            continue
        middle = (line.box[1] + line.box[3]) / 2
        if top <= middle <= bottom:
            years.update(d.year for d in find_dates(line.text))
            years.update(year_mentions(line.text))
    return sorted(years)
