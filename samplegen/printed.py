"""How dates and document numbers were actually written on the paper, in all their forms.

The generator knows the canonical value (a date, a 文号) and prints one variant; ground truth
keeps the canonical value. The indexer's parsers are separate code and must recover it.
"""

from __future__ import annotations

import random

CN_DIGITS = "〇一二三四五六七八九"

DATE_STYLES = ["ymd_cn", "ym_cn", "cn", "cn_ym", "dot_ym", "dot_ymd", "short_ym", "compact", "dash"]


def cn_number(n: int) -> str:
    """1–31 as written in dates: 十, 十二, 二十, 二十五."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


def cn_year(y: int) -> str:
    return "".join(CN_DIGITS[int(c)] for c in str(y))


def date(y: int, m: int, d: int, style: str) -> str:
    match style:
        case "ymd_cn":
            return f"{y}年{m}月{d}日"
        case "ym_cn":
            return f"{y}年{m}月"
        case "cn":
            return f"{cn_year(y)}年{cn_number(m)}月{cn_number(d)}日"
        case "cn_ym":
            return f"{cn_year(y)}年{cn_number(m)}月"
        case "dot_ym":
            return f"{y}.{m}"
        case "dot_ymd":
            return f"{y}.{m:02d}.{d:02d}"
        case "short_ym":
            return f"{y % 100:02d}.{m:02d}"
        case "compact":
            return f"{y}{m:02d}{d:02d}"
        case "dash":
            return f"{y}-{m:02d}-{d:02d}"
    raise ValueError(style)


DOCNO_STYLES = ["hex", "square", "paren_di", "lenticular", "paren", "short_year"]


def doc_number(issuer: str, year: int, number: int, style: str) -> str:
    match style:
        case "hex":  # 〔〕 — the standard (GB/T 9704) form
            return f"{issuer}〔{year}〕{number}号"
        case "square":
            return f"{issuer}[{year}]{number}号"
        case "paren_di":
            return f"{issuer}（{year}）第{number}号"
        case "lenticular":
            return f"{issuer}【{year}】{number}号"
        case "paren":
            return f"{issuer}({year}){number}号"
        case "short_year":
            return f"{issuer}〔{year % 100:02d}〕{number}号"
    raise ValueError(style)


def canonical_doc_number(issuer: str, year: int, number: int) -> str:
    return f"{issuer}〔{year}〕{number}号"


def pick(rng: random.Random, styles: list[str], cycle: list[int] | None = None) -> str:
    """Round-robin through styles when a cycle counter is given, so a small sample covers all."""
    if cycle is not None:
        cycle[0] += 1
        return styles[cycle[0] % len(styles)]
    return rng.choice(styles)
