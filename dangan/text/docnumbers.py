"""Document numbers (文号): find them in any printed variant, normalise to 代字〔YYYY〕N号.

劳人薪〔1985〕41号 · 劳人薪[1985]41号 · 甘政发（1993）第45号 · 国发【1993】79号 ·
国发(93)79号 · 劳人薪〔85〕41号 — all become one canonical key, in the index and in queries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .dates import expand_two_digit_year, plausible_year
from .normalize import HAN, halfwidth, strip_han_spaces, to_simplified

_OPEN = r"[\[［【〔（(〖｛{]"
_CLOSE = r"[\]］】〕）)〗｝}]"
# 代字: 1–8 Han characters (issuing organ abbreviation + kind), optionally ending in 字.
# OCR drops stray dots and ticks between them ("国.办发"): tolerated, and removed.
_NOISE = ".·・'`"
_DOCNO = re.compile(
    rf"(?P<issuer>(?:[{HAN}][{_NOISE}]?){{1,8}}?)\s*{_OPEN}?\s*(?P<year>(?:19|20)\d{{2}}|\d{{2}})\s*{_CLOSE}\s*"
    r"第?\s*(?P<num>\d{1,4})\s*号"
)
# Words that end the text before a 文号 but are never part of its 代字: the 代字 starts
# after the last of them ("调资依据根据甘政发" → 甘政发).
# A title's last words too: "…暂行办法" printed over "国发〔1978〕104号" must not become
# 办法国发 when OCR or a text layer runs the two lines together.
_BOUNDARIES = ("根据", "依据", "按照", "文号", "文件", "精神", "政府", "通知", "规定", "批准",
               "办法", "意见", "决定", "细则", "条例", "批复", "方案", "报告", "请示", "纪要",
               "公告", "通报", "实施", "暂行", "印发", "转发", "关于", "工作", "问题", "标准",
               "和", "及", "与", "的", "经", "据", "见", "按", "为", "：", ":", "《", "》", "、")
MAX_ISSUER = 6
# How 代字 begin: the State Council and Party centre, ministries, provinces by their one-
# character names. A long run before the year is cut to the last such start, so the words
# of a title glued in front ("工作劳人薪") fall away.
_ORGAN_STARTS = set("国中劳人财民教卫计农水商公司审统监总政组宣" +
                    "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼")


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
    return expand_two_digit_year(int(raw)) if len(raw) == 2 else int(raw)


def _clean_issuer(issuer: str) -> str:
    issuer = "".join(c for c in issuer if c not in _NOISE)
    cut = 0
    for word in _BOUNDARIES:
        i = issuer.rfind(word)
        if i >= 0 and i + len(word) < len(issuer):
            cut = max(cut, i + len(word))
    issuer = issuer[cut:][-MAX_ISSUER:]
    if len(issuer) >= 5:
        starts = [i for i in range(len(issuer) - 4, len(issuer) - 1) if issuer[i] in _ORGAN_STARTS]
        if starts:
            issuer = issuer[starts[0]:]
    return issuer


def find_doc_numbers(text: str) -> list[DocNumber]:
    text = to_simplified(strip_han_spaces(halfwidth(text)))
    found = []
    for m in _DOCNO.finditer(text):
        year = _expand_year(m.group("year"))
        if not plausible_year(year):  # what a year is: dates.py (1900 to this year)
            continue
        issuer = _clean_issuer(m.group("issuer"))
        # A bracket must open the year unless the issuer runs straight into it (OCR drop).
        found.append(DocNumber(issuer, year, int(m.group("num")), m.start(), m.end()))
    return found


def normalize_doc_number(query: str) -> str | None:
    """The canonical 文号 a user typed, or None when it is not a 文号 at all."""
    found = find_doc_numbers(query.strip())
    return found[0].normalized if len(found) == 1 else None
