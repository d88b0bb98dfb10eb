"""The years a roster row itself states: on a roster hit the clerk needs that person's own
years (born, started work), not every year printed on the page, and a person+year search
matches a roster only through that person's own row (or the years the whole page gives
everyone on it: its title, its 填报日期)."""

from __future__ import annotations

from dangan.indexer.facts import DATE_KINDS
from dangan.text.dates import find_dates, year_mentions
from dangan.text.pinyin import name_key

PAGE_WIDE = "*"  # the key of years that belong to everyone on the page


def _line_years(line) -> set[int]:
    return {d.year for d in find_dates(line.text)} | set(year_mentions(line.text))


def _inside(line, box) -> bool:
    middle = (line.box[1] + line.box[3]) / 2
    return box[1] <= middle <= box[3]


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
    years: set[int] = set()
    for line in lines:
        if not line.box or getattr(line, "kind", "") == "seal":
            continue
        if _inside(line, box):
            years.update(_line_years(line))
    return sorted(years)


def person_year_keys(lines, fields) -> list[str]:
    """The index's "whose year" keys of a page: `<name key>:<year>` for each roster row's own
    years, and `*:<year>` for the years that belong to everyone on the page — all of a page
    without rows; on a roster, only those printed outside every row (title, 填报日期). Names
    are keyed by their toneless pinyin, as persons_pinyin is, so homophones meet here too."""
    rows = {p.row: p.row_box for p in fields.persons if p.role == "roster" and p.row}
    if not rows:
        return [f"{PAGE_WIDE}:{y}" for y in fields.years]
    keys: dict[str, None] = {}
    bands = [b for b in rows.values() if b]
    outside: set[int] = set()
    for line in lines:
        if line.box and getattr(line, "kind", "") != "seal" and \
                not any(_inside(line, b) for b in bands):
            outside |= _line_years(line)
    for y in fields.years:
        if y in outside:
            keys[f"{PAGE_WIDE}:{y}"] = None
    own: dict[int, list[int]] = {}
    for row, box in rows.items():
        own[row] = row_years(lines, box, [f for f in fields.facts if f.row == row])
    current = {p.name: p.row for p in fields.persons if p.role == "roster" and p.row}
    for p in fields.persons:
        row = p.row if p.role == "roster" else current.get(p.alias_of or "")
        for y in own.get(row, ()) if row else ():
            keys[f"{name_key(p.name)}:{y}"] = None
    return list(keys)


def person_year_terms(names, years: tuple[int, int]) -> list[str]:
    """The keys a person+year search asks for: the page-wide years and the person's own (under
    every name given: the name, its look-alikes, its aliases)."""
    ks = [PAGE_WIDE, *dict.fromkeys(name_key(n) for n in names)]
    return [f"{k}:{y}" for y in range(years[0], years[1] + 1) for k in ks]
