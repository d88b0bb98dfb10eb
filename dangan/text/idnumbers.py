"""Resident ID numbers (居民身份证号码, GB 11643): find, validate, mask.

Only checksum-valid numbers are kept, so a misread digit does not become a wrong identity.
They are stored for exact lookup but shown masked everywhere: 620421********123X.
"""

from __future__ import annotations

import datetime as dt
import re

from dangan import clock

from .numbers import fold_digits

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
# [0-9], not \d: \d also matches Arabic-Indic and other scripts' digits, which int() reads.
_ID_RE = re.compile(r"(?<![0-9A-Za-z])([0-9]{17}[0-9Xx])(?![0-9A-Za-z])")


def check_digit(body17: str) -> str:
    return "10X98765432"[sum(int(c) * w for c, w in zip(body17, _WEIGHTS, strict=True)) % 11]


# What people put between the groups of a number they copy from a card: spaces, dashes.
SEPARATORS = re.compile(r"[\s\u3000\-－‐‑‒–—―_·.．]+")


def clean(number: str) -> str:
    """As typed, made comparable: spaces and dashes dropped (the card prints the number in
    groups, "620421 19440301 2221"), full-width digits and Ｘ folded, upper case."""
    return SEPARATORS.sub("", fold_digits(number)).upper()


def problem(number: str) -> str | None:
    """Why `number` (already `clean`ed) is not a valid ID number, in words for the person
    typing it ("身份证号码无效：" + this); None when it is valid."""
    if not number:
        return "未填写"
    if not re.fullmatch(r"[0-9X]*", number):
        return "只能由数字和末位 X 组成"
    if len(number) != 18:
        return f"应为 18 位（现为 {len(number)} 位）"
    if "X" in number[:17]:
        return "只有末位可以是 X"
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return "其中的出生日期不存在"
    if not dt.date(1880, 1, 1) <= born <= clock.today():
        return "其中的出生日期不合理"
    if check_digit(number[:17]) != number[17]:
        return "校验位不符，请核对是否输错"
    return None


def is_valid(number: str) -> bool:
    return problem(number.strip().upper()) is None


def find_id_numbers(text: str) -> list[str]:
    compact = re.sub(r"(?<=\d)[ \u3000](?=[\dXx])", "", text)  # OCR splits long digit runs
    return [m.upper() for m in _ID_RE.findall(compact) if is_valid(m)]


def mask(number: str) -> str:
    """Region code and last four stay visible: enough for staff to confirm, not to copy."""
    number = number.strip()
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


# Anything shaped like an ID number: 18 characters (17 digits and a digit or X) or the old
# 15 digits, possibly split by OCR spaces. Masking does not ask the check digit: a misread
# digit leaves the other seventeen just as personal.
_ID_SHAPED = re.compile(
    r"(?<![0-9A-Za-z])(?:\d[ \u3000]?){14}(?:\d(?:[ \u3000]?\d){2}[ \u3000]?[\dXx]|\d)"
    r"(?![0-9A-Za-z])")


def mask_in_text(text: str) -> str:
    """Every ID-shaped number in running text, masked (valid or not): for snippets, listings,
    logs and exports."""
    def masked(m: re.Match) -> str:
        compact = re.sub(r"[ \u3000]", "", m.group(0))
        return mask(compact)

    return _ID_SHAPED.sub(masked, text)
