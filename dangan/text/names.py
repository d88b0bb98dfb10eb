"""Recognise personal names: by surname table, in labelled fields and in running prose."""

from __future__ import annotations

import functools
import re
from importlib import resources

from .normalize import HAN

_NAME_CHARS = re.compile(f"^[{HAN}]{{2,4}}$")
# Words that fill a name cell when there is no name, or that OCR returns from a label.
_NOT_NAMES = {"无", "同上", "本人", "姓名", "曾用名", "性别", "男", "女", "同志", "合计", "备注"}
# Prose cues: the name sits right before 同志, or right after 联系人/经办人/制表人.
_BEFORE_TONGZHI = re.compile(f"([{HAN}]{{2,5}})同志")
_AFTER_LABEL = re.compile(f"(?:联系人|经办人|制表人|审核人|申请人|姓名)[：:]\\s*([{HAN}]{{2,4}})")


@functools.lru_cache(maxsize=1)
def surnames() -> tuple[frozenset[str], frozenset[str]]:
    """(single-character surnames, compound surnames)."""
    text = resources.files("dangan").joinpath("data/surnames.txt").read_text(encoding="utf-8")
    words = [w for line in text.splitlines() if not line.startswith("#") for w in line.split()]
    return frozenset(w for w in words if len(w) == 1), frozenset(w for w in words if len(w) > 1)


def surname_of(name: str) -> str:
    single, compound = surnames()
    if name[:2] in compound:
        return name[:2]
    return name[:1] if name[:1] in single else ""


def looks_like_name(text: str, relaxed: bool = False) -> bool:
    """A plausible personal name. `relaxed` is for cells that are labelled as names (姓名,
    a roster's name column): there a surname OCR damaged into a look-alike (侯→候, 于→干)
    still counts, since the label already says it is a name."""
    text = text.strip()
    if not _NAME_CHARS.match(text) or text in _NOT_NAMES:
        return False
    surname = surname_of(text)
    if not surname and relaxed:
        from .lookalikes import groups

        single, _ = surnames()
        if any(alt in single for alt in groups().get(text[0], ())):
            surname = text[0]
    if not surname:
        return False
    given = len(text) - len(surname)
    return 1 <= given <= 2


def clean_cell(text: str) -> str:
    """A table cell's value without label punctuation and stray spaces."""
    return re.sub(r"[\s:：,，。.、;；\"'“”]", "", text)


def _tail_name(chunk: str) -> str | None:
    """The name at the end of `chunk` ("介绍退伍军人瞿德明" → 瞿德明), preferring 3 characters."""
    _, compound = surnames()
    for n in (4, 3, 2):
        cand = chunk[-n:]
        if len(cand) < n:
            continue
        if n == 4 and cand[:2] not in compound:
            continue
        if looks_like_name(cand):
            return cand
    return None


def names_in_prose(text: str) -> list[tuple[str, int]]:
    """Names mentioned in running text, with their character offset."""
    found: list[tuple[str, int]] = []
    for m in _BEFORE_TONGZHI.finditer(text):
        name = _tail_name(m.group(1))
        if name:
            found.append((name, m.end(1) - len(name)))
    for m in _AFTER_LABEL.finditer(text):
        chunk = m.group(1)
        for n in (3, 2, 4):
            if looks_like_name(chunk[:n]):
                found.append((chunk[:n], m.start(1)))
                break
    seen: set[tuple[str, int]] = set()
    return [f for f in found if not (f in seen or seen.add(f))]
