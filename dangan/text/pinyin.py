"""Toneless pinyin keys for names, with surname readings, for homophone matching.

王秀英 and 王秀瑛 share the key "wang xiu ying". Surnames are read as surnames (曾 zeng, 单 shan,
解 xie …) from a table kept as data, because a dictionary's everyday reading is wrong for them.
"""

from __future__ import annotations

import functools
from importlib import resources

from .names import surname_of


@functools.lru_cache(maxsize=1)
def surname_readings() -> dict[str, str]:
    text = resources.files("dangan").joinpath("data/surname_readings.txt").read_text("utf-8")
    out = {}
    for line in text.splitlines():
        parts = line.split()
        if parts and not line.startswith("#"):
            out[parts[0]] = " ".join(parts[1:])
    return out


@functools.lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """'wang xiu ying' for 王秀英; the surname read as a surname."""
    from pypinyin import Style, lazy_pinyin

    surname = surname_of(name)
    readings = surname_readings()
    head = ""
    if surname and surname in readings:
        head, name = readings[surname], name[len(surname):]
    rest = " ".join(lazy_pinyin(name, style=Style.NORMAL, errors="default"))
    return (head + " " + rest).strip() if head else rest
