"""Resident ID numbers (居民身份证号码, GB 11643): find, validate, mask.

Only checksum-valid numbers are kept, so a misread digit does not become a wrong identity.
They are stored for exact lookup but shown masked everywhere: 620421********123X.
"""

from __future__ import annotations

import re

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx])(?![0-9A-Za-z])")


def check_digit(body17: str) -> str:
    return "10X98765432"[sum(int(c) * w for c, w in zip(body17, _WEIGHTS, strict=True)) % 11]


def is_valid(number: str) -> bool:
    number = number.strip().upper()
    if not re.fullmatch(r"\d{17}[\dX]", number):
        return False
    month, day = int(number[10:12]), int(number[12:14])
    return 1 <= month <= 12 and 1 <= day <= 31 and check_digit(number[:17]) == number[17]


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
