"""Recognise personal names: by surname table, in labelled fields and in running prose."""

from __future__ import annotations

import functools
import re
from importlib import resources

from .normalize import HAN

_NAME_CHARS = re.compile(f"^[{HAN}]{{2,4}}$")
# Words that fill a name cell when there is no name, or that OCR returns from a label.
_NOT_NAMES = {"无", "同上", "本人", "姓名", "曾用名", "性别", "男", "女", "同志", "合计", "备注"}
# Prose cues. Before a name: a role or signature label ("负责人：陆保平", "检验：李纪平",
# "申请医生：孙首悦"), a long number it was printed after (a ticket's ID then the name).
# After a name: a form of address (同志, 先生), a sex in brackets or commas ("王秀英，女，"),
# a work title (王之涣《凉州词》).
_BEFORE_TONGZHI = re.compile(f"([{HAN}]{{2,5}})(?:同志|先生|女士|老师)")
_ROLE = ("人|员|医生|医师|教师|老师|主任|科长|局长|书记|厂长|校长|所长|站长|队长|组长|会计|出纳|"
         "负责|经办|检验|审核|复核|审批|批准|签发|填表|制表|校对|签名|签字|户主|代表|领导|主管|"
         "姓名|证明|介绍|见证|代理|监护")
_AFTER_LABEL = re.compile(f"(?:{_ROLE})[：:]\\s*([{HAN}]{{2,4}})")
_AFTER_NUMBER = re.compile(f"[0-9Xx*]{{8,}}\\s*([{HAN}]{{2,4}})(?![{HAN}])")
_NAME_BEFORE = f"((?:(?!同志|先生|女士|老师)[{HAN}]){{2,5}})"  # not into a 同志 cue
_BEFORE_SEX = re.compile(_NAME_BEFORE + "[，,、（(]\\s*[男女]\\s*[，,、）)]")
_BEFORE_WORK = re.compile(_NAME_BEFORE + "《")


@functools.lru_cache(maxsize=1)
def surnames() -> tuple[frozenset[str], frozenset[str]]:
    """(single-character surnames, compound surnames)."""
    text = resources.files("dangan").joinpath("data/surnames.txt").read_text(encoding="utf-8")
    words = [w for line in text.splitlines() if not line.startswith("#") for w in line.split()]
    return frozenset(w for w in words if len(w) == 1), frozenset(w for w in words if len(w) > 1)


@functools.lru_cache(maxsize=1)
def common_surnames() -> frozenset[str]:
    """The surnames of the first lines of surnames.txt (about nine in ten people) and every
    compound one: without a label or a cue around it, a cell starting with a rare surname
    (原标准, 单位, 申请) is more likely a word than a name."""
    text = resources.files("dangan").joinpath("data/surnames.txt").read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln and not ln.startswith("#")]
    common = {w for ln in lines[:4] for w in ln.split()}
    return frozenset(common | surnames()[1])


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


@functools.lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Dictionary words that start like a name (信息, 成都, 高级): never a person."""
    text = resources.files("dangan").joinpath("data/common_words.txt").read_text("utf-8")
    return frozenset(w for w in text.splitlines() if w and not w.startswith("#"))


# Places and bodies end so (东岭县, 红旗厂, 三中); names almost never do.
_PLACE_ENDS = set("县市省区镇乡村厂局社校院所站队组科处部委会司店场矿园街路号楼室班级系中")


def is_name_cell(text: str) -> bool:
    """A table cell that holds nothing but a personal name (a timetable's teacher, a
    signature box): a surname, one or two more characters, not a dictionary word and not a
    place or a body."""
    text = text.strip()
    return (looks_like_name(text) and surname_of(text) in common_surnames()
            and text not in common_words() and text[-1] not in _PLACE_ENDS
            and text[:2] not in common_words())


def _head_name(chunk: str) -> str | None:
    """The name at the start of `chunk` ("陆保平，电话" → 陆保平), preferring 3 characters."""
    for n in (3, 2, 4):
        cand = chunk[:n]
        if len(cand) == n and looks_like_name(cand) and cand not in common_words():
            return cand
    return None


def names_in_prose(text: str) -> list[tuple[str, int]]:
    """Names mentioned in running text, with their character offset."""
    found: list[tuple[str, int]] = []
    for pattern in (_BEFORE_TONGZHI, _BEFORE_SEX, _BEFORE_WORK):
        for m in pattern.finditer(text):
            name = _tail_name(m.group(1))
            # a name with a common surname before 同志 is a name even when the word list
            # knows it (郝红梅, 罗杰 are persons there too): three characters, or two with
            # the sex in brackets after (罗杰同志（男，…）
            addressed = (pattern is _BEFORE_TONGZHI and name
                         and surname_of(name) in common_surnames()
                         and (len(name) == 3 or re.match(r"\s*[（(]\s*[男女]",
                                                         text[m.end():m.end() + 4])))
            if name and (addressed or name not in common_words()):
                found.append((name, m.end(1) - len(name)))
    for m in _AFTER_LABEL.finditer(text):
        name = _head_name(m.group(1))
        if name:
            found.append((name, m.start(1)))
    for m in _AFTER_NUMBER.finditer(text):  # the whole run after the number, or nothing
        if is_name_cell(m.group(1)):
            found.append((m.group(1), m.start(1)))
    # One name per place: a name caught by two cues, or a cue reaching into a name already
    # found ("瞿德明同志（男）" is not also 明同志), counts once.
    out: list[tuple[str, int]] = []
    for name, at in sorted(found, key=lambda f: (f[1], -len(f[0]))):
        if not any(at < o + len(n) and o < at + len(name) for n, o in out):
            out.append((name, at))
    return out
