"""Document numbers (文号): find them in any printed variant, normalise to 代字〔YYYY〕N号.

劳人薪〔1985〕41号 · 劳人薪[1985]41号 · 甘政发（1993）第45号 · 国发【1993】79号 ·
国发(93)79号 · 劳人薪〔85〕41号 — all become one canonical key, in the index and in queries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .normalize import HAN, halfwidth, strip_han_spaces, to_simplified

_OPEN = r"[\[［【〔（(〖｛{]"
_CLOSE = r"[\]］】〕）)〗｝}]"
# 代字: 1–8 Han characters (issuing organ abbreviation + kind), optionally ending in 字.
_DOCNO = re.compile(
    rf"(?P<issuer>[{HAN}]{{1,8}}?)\s*{_OPEN}?\s*(?P<year>(?:19|20)\d{{2}}|\d{{2}})\s*{_CLOSE}\s*"
    r"第?\s*(?P<num>\d{1,4})\s*号"
)
# Words that end the text before a 文号 but are never part of its 代字: the 代字 starts
# after the last of them ("调资依据根据甘政发" → 甘政发).
_BOUNDARIES = ("根据", "依据", "按照", "文号", "文件", "精神", "政府", "通知", "规定", "批准",
               "和", "及", "与", "的", "经", "据", "见", "按", "为", "：", ":", "《", "》", "、")
MAX_ISSUER = 6


@dataclass(frozen=True)
class DocNumber:
    issuer: str
    year: int
    number: int
    start: int
    end: int

    @property
    def normalized(self) -> str:
        return f"{self.issuer}〔{self.year}〕{self.number}号"


def _expand_year(raw: str) -> int:
    y = int(raw)
    if len(raw) == 2:
        y += 1900 if y >= 30 else 2000
    return y


def _clean_issuer(issuer: str) -> str:
    cut = 0
    for word in _BOUNDARIES:
        i = issuer.rfind(word)
        if i >= 0 and i + len(word) < len(issuer):
            cut = max(cut, i + len(word))
    return issuer[cut:][-MAX_ISSUER:]


def find_doc_numbers(text: str) -> list[DocNumber]:
    text = to_simplified(strip_han_spaces(halfwidth(text)))
    found = []
    for m in _DOCNO.finditer(text):
        year = _expand_year(m.group("year"))
        if not 1900 <= year <= 2030:  # Republic-era files carry 文号 too
            continue
        issuer = _clean_issuer(m.group("issuer"))
        # A bracket must open the year unless the issuer runs straight into it (OCR drop).
        found.append(DocNumber(issuer, year, int(m.group("num")), m.start(), m.end()))
    return found


def normalize_doc_number(query: str) -> str | None:
    """The canonical 文号 a user typed, or None when it is not a 文号 at all."""
    found = find_doc_numbers(query.strip())
    return found[0].normalized if len(found) == 1 else None
