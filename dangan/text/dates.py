"""Find dates in every form clerks wrote them, and the years they name.

1985年10月20日 · 1985年10月 · 一九八五年十月二十日 · 八五年十月 · 1985.10 · 1985.10.20 ·
85.10 · 九三.10 · 19851020 · 1985-10-20 · 1985/10/20.

What a year is lives here and nowhere else: from 1900 (rosters give birth years of the 1920s)
to the current year (a number like 2213 is a phone extension, not a year), two-digit years by
one pivot, and never a year made from the middle of a longer number: a lab range
"9.01--19.04pmol/L", a figure label "图10.2-1", a wage "155.86元" or a damaged "201年" (the
"01年" of 2011) name no year. A date with a digit lost ("一九八年") is only recovered with
evidence from elsewhere on the page (see `damaged_years`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dangan import clock

MIN_YEAR = 1900


def max_year() -> int:
    """The latest year a record can carry: this year (records are dated when written)."""
    return clock.today().year


def plausible_year(year: int) -> bool:
    return MIN_YEAR <= year <= max_year()


def expand_two_digit_year(yy: int) -> int:
    """八五 / 85 → 1985, 03 → 2003: the one pivot for two-digit years. The records are
    mostly from the 1950s–1990s, so only years up to 29 are read as this century, and of
    those only the ones already past: a birth written "28.11" is 1928, not a year to come."""
    if yy >= 30 or 2000 + yy > max_year():
        return 1900 + yy
    return 2000 + yy

def read_year(text: str) -> int | None:
    """A year as a person types it in a form: 1961, 61, ６１, 六一 or 1961年 → 1961 (two
    digits by the one pivot above); None when it is not a year or not a plausible one."""
    raw = re.sub(r"[\s\u3000]+", "", str(text or "")).translate(_FULL_WIDTH)
    raw = raw.removesuffix("年").translate(_CN_TO_ASCII)
    # [0-9] only: "²" and "٨" pass str.isdigit() but are no year anyone typed
    return _year(raw) if re.fullmatch(r"[0-9]{2}|[0-9]{4}", raw) else None


_FULL_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
_CN_TO_ASCII = str.maketrans("〇零○一二三四五六七八九", "000123456789")
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
        y = expand_two_digit_year(y)
    elif len(text) != 4:
        return None
    return y if plausible_year(y) else None


def _valid(month: int | None, day: int | None) -> bool:
    return (month is None or 1 <= month <= 12) and (day is None or 1 <= day <= 31)


_CN_NUM = f"[{_CN_D}十]{{1,3}}"
_PATTERNS: list[re.Pattern] = [
    # 1985年10月20日, 一九八五年十月二十日, 八五年十月 (also with digits mixed in by OCR);
    # the year is never the tail of a longer number ("201年" is not 2001)
    re.compile(
        rf"(?P<y>(?<!\d)(?:\d{{4}}|\d{{2}})|(?<![{_CN_D}])(?:[{_CN_D}]{{4}}|[{_CN_D}]{{2}}))"
        rf"\s*年\s*"
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
            if pattern is _PATTERNS[1] and (_looks_like_money(text, m) or
                                            _looks_like_measure(text, m)):
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
    return after in ("元", "%", "角", "分") or (
        m.group("d") is None and len(m.group("m")) == 2
        and text[m.start() - 1: m.start()] in ("¥", "￥"))


_UNIT_AFTER = re.compile(r"\s*(?:[A-Za-zμ%‰℃°]|毫|厘|公|千|克|斤|吨|米|升|倍|度|亩|个|人|次|岁)")
_RANGE_BEFORE = re.compile(r"(\d+(?:\.\d+)?)\s*(?:-{1,2}|~|～|–|—{1,2}|至|到)\s*$")
_RANGE_AFTER = re.compile(r"^\s*(?:-{1,2}|~|～|–|—{1,2}|至|到)\s*(\d+(?:\.\d+)?)")
_LABEL_BEFORE = re.compile(r"(?:图|表|式|第|条|节|章|附件|附表|公式|见)\s*$")


def _date_like_number(number: str) -> bool:
    """Could this number be the other end of a date range (1976.12—1980.01)?"""
    head, _, tail = number.partition(".")
    return len(head) in (2, 4) and (not tail or len(tail) <= 2)


def _looks_like_measure(text: str, m: re.Match) -> bool:
    """A dotted number that is a measurement, a range of numbers or a figure label."""
    before, after = text[max(0, m.start() - 12): m.start()], text[m.end(): m.end() + 12]
    if _UNIT_AFTER.match(after) or _LABEL_BEFORE.search(before):
        return True
    if m.group("d") is None and re.match(r"-\d", after):
        return True  # 10.2-1: a section or figure number
    for partner in (_RANGE_BEFORE.search(before), _RANGE_AFTER.match(after)):
        if partner and not _date_like_number(partner.group(1)):
            return True
    return False


_YEAR_ALONE = re.compile(r"(?<![\d.])((?:19|20)\d{2})\s*年")


def year_mentions(text: str) -> list[int]:
    """Years mentioned on their own ("1993年工资套改"), in addition to full dates."""
    return sorted({int(y) for y in _YEAR_ALONE.findall(text) if plausible_year(int(y))})


_DAMAGED = re.compile(
    rf"(?<![\d{_CN_D}])(?P<y>\d{{3}}|[{_CN_D}]{{3}})\s*年\s*(?:\d{{1,2}}|{_CN_NUM})?\s*月")


def damaged_years(text: str) -> list[set[int]]:
    """For each date whose year lost a digit ("201年3月", "一九八年十月"), the years it may
    have been. The caller keeps one only when the page itself confirms it (a 文号 or another
    date of that year): a year is never guessed."""
    out = []
    for m in _DAMAGED.finditer(text):
        raw = m.group("y")
        digits = "".join(str(_CN_DIGIT[c]) if c in _CN_DIGIT else c for c in raw)
        if not digits.isdigit():
            continue
        candidates = {int(digits[:i] + d + digits[i:]) for i in range(4) for d in "0123456789"}
        candidates = {y for y in candidates if plausible_year(y)}
        if candidates:
            out.append(candidates)
    return out


def display_date(raw: str | None) -> str:
    """A catalogue date as staff read it: 19931023 → 1993年10月23日, 1993-10 → 1993年10月;
    anything that is not one whole date is shown as written."""
    text = (raw or "").strip()
    found = find_dates(text)
    if len(found) != 1 or found[0].text.strip() != text:
        return text
    d = found[0]
    out = f"{d.year}年"
    if d.month:
        out += f"{d.month}月" + (f"{d.day}日" if d.day else "")
    return out
