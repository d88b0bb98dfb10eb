"""Find dates in every form clerks wrote them, and the years they name.

1985年10月20日 · 1985年10月 · 一九八五年十月二十日 · 八五年十月 · 1985.10 · 1985.10.20 ·
85.10 · 九三.10 · 19851020 · 1985-10-20 · 1985/10/20. Years outside 1949–2025 are ignored:
on these records a number like 2213 is a phone extension, not a year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MIN_YEAR, MAX_YEAR = 1949, 2025

_CN_DIGIT = {"〇": 0, "零": 0, "○": 0, "O": 0, "o": 0, "一": 1, "二": 2, "三": 3, "四": 4,
             "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_D = "〇零○一二三四五六七八九"


@dataclass(frozen=True)
class Date:
    year: int
    month: int | None
    day: int | None
    start: int
    end: int
    text: str

    @property
    def iso(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


def cn_small_number(text: str) -> int | None:
    """十, 十二, 二十, 二十五, 三十一 → int; None if not a number of that shape."""
    if not text:
        return None
    if all(c in _CN_DIGIT for c in text):
        return int("".join(str(_CN_DIGIT[c]) for c in text)) if len(text) <= 2 else None
    m = re.fullmatch(f"([{_CN_D}]?)十([{_CN_D}]?)", text)
    if not m:
        return None
    tens = _CN_DIGIT[m.group(1)] if m.group(1) else 1
    ones = _CN_DIGIT[m.group(2)] if m.group(2) else 0
    return tens * 10 + ones


def _year(text: str) -> int | None:
    if all(c in _CN_DIGIT for c in text):
        text = "".join(str(_CN_DIGIT[c]) for c in text)
    if not text.isdigit():
        return None
    y = int(text)
    if len(text) == 2:
        y += 1900 if y >= 30 else 2000
    elif len(text) != 4:
        return None
    return y if MIN_YEAR <= y <= MAX_YEAR else None


def _valid(month: int | None, day: int | None) -> bool:
    return (month is None or 1 <= month <= 12) and (day is None or 1 <= day <= 31)


_CN_NUM = f"[{_CN_D}十]{{1,3}}"
_PATTERNS: list[re.Pattern] = [
    # 1985年10月20日, 一九八五年十月二十日, 八五年十月 (also with digits mixed in by OCR)
    re.compile(
        rf"(?P<y>\d{{4}}|\d{{2}}|[{_CN_D}]{{4}}|[{_CN_D}]{{2}})\s*年\s*"
        rf"(?:(?P<m>\d{{1,2}}|{_CN_NUM})\s*月\s*(?:(?P<d>\d{{1,2}}|{_CN_NUM})\s*[日号])?)?"
    ),
    # 1985.10.20 · 1985-10-20 · 1985/10/20 · 1985.10 · 85.10 · 九三.10
    re.compile(
        rf"(?<![\d.])(?P<y>\d{{4}}|\d{{2}}|[{_CN_D}]{{2}})\s*[.\-/．·]\s*(?P<m>\d{{1,2}})"
        rf"(?:\s*[.\-/．·]\s*(?P<d>\d{{1,2}}))?(?![\d])"
    ),
    # 19851020 (8 digits, not part of a longer number such as an ID)
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)(?!\d)"),
]


def find_dates(text: str) -> list[Date]:
    """Every plausible date in `text`, left to right, without overlaps."""
    found: list[Date] = []
    taken: list[tuple[int, int]] = []
    for pattern in _PATTERNS:
        for m in pattern.finditer(text):
            start, end = m.span()
            if any(s < end and start < e for s, e in taken):
                continue
            y = _year(m.group("y"))
            if y is None:
                continue
            raw_m, raw_d = m.group("m"), m.group("d")
            month = _num(raw_m)
            day = _num(raw_d)
            if (raw_m and month is None) or (raw_d and day is None) or not _valid(month, day):
                continue
            if pattern is _PATTERNS[1] and len(m.group("y")) == 2 and _looks_like_money(text, m):
                continue
            if pattern is _PATTERNS[0] and month is None and len(m.group("y")) == 2:
                continue  # "十年" or "85年" alone is a duration or too ambiguous
            found.append(Date(y, month, day, start, end, m.group(0)))
            taken.append((start, end))
    found.sort(key=lambda d: d.start)
    return found


def _num(raw: str | None) -> int | None:
    if not raw:
        return None
    return int(raw) if raw.isdigit() else cn_small_number(raw)


def _looks_like_money(text: str, m: re.Match) -> bool:
    # 49.51 or 68.50元 are amounts; a two-digit "year" followed by a 2-digit month is
    # ambiguous, so only accept it when nothing marks it as money.
    after = text[m.end(): m.end() + 1]
    return after in ("元", "%") or (m.group("d") is None and len(m.group("m")) == 2
                                    and text[m.start() - 1: m.start()] in ("¥", "￥"))


_YEAR_ALONE = re.compile(r"(?<!\d)((?:19[4-9]|20[0-2])\d)\s*年")


def year_mentions(text: str) -> list[int]:
    """Years mentioned on their own ("1993年工资套改"), in addition to full dates."""
    return sorted({int(y) for y in _YEAR_ALONE.findall(text) if MIN_YEAR <= int(y) <= MAX_YEAR})
