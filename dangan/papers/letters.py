"""The papers a request ends with: a result letter (档案查询结果告知书) that goes in front of the
certified copies, or a 查无档案证明 when nothing was found. Both carry the request number, so
a letter that comes back to the archive years later leads straight to its history.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from PIL import Image
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from dangan import clock
from dangan.text.idnumbers import mask

from .copies import copy_story
from .ink import cjk_font
from .layout import Footer, Paper, Signature, render, stamp_reader
from .text import CJKText

RESULT = "档案查询结果告知书"
NOT_FOUND = "查无档案证明"


@dataclass
class LetterFacts:
    archive_name: str
    number: str
    requester_name: str
    requester_id_number: str
    accepted_on: dt.date
    subject_name: str
    purpose: str
    staff: str
    subject_former_names: str = ""
    subject_birth_year: int | None = None
    subject_unit: str = ""
    year_from: int | None = None  # the years searched; None: open at that end
    year_to: int | None = None
    doc_types: list[str] = field(default_factory=list)  # type names, not codes
    found: list[str] = field(default_factory=list)  # "档号 第n页" lines
    issued_on: dt.date = field(default_factory=clock.today)  # the archive's day
    search_note: str = ""  # the clerk's note of where and how it was searched
    verification: tuple[str, str] | None = None  # (code, url) printed with a QR code

    @property
    def years(self) -> str:
        """The years searched, as a letter says them: 1985年至1993年, 1958年以来, 1990年以前."""
        lo, hi = self.year_from, self.year_to
        if lo and hi:
            return f"{lo}年" if lo == hi else f"{lo}年至{hi}年"
        if lo:
            return f"{lo}年以来"
        if hi:
            return f"{hi}年以前"
        return ""


def letter_story(title: str, facts: LetterFacts, paragraphs: list[str],
                 stamp: Image.Image) -> list[Flowable]:
    """The letter's flowables: title, number, paragraphs, the archive's signature and stamp;
    its footer names who issued it, when the request was accepted and its number."""
    font = cjk_font()
    accepted = f"{facts.accepted_on:%Y年%m月%d日}"
    return [
        Footer([f"经办人：{facts.staff}", f"受理日期：{accepted}", f"申请编号：{facts.number}"]),
        CJKText(title, font, 20, 28, align="center", space_after=4 * mm),
        CJKText(f"编号：{facts.number}", font, 10.5, 14, align="right", space_after=8 * mm),
        *(CJKText(p, font, 12.5, 21, space_after=4) for p in paragraphs[:-1]),
        # the closing words stay with the signature: a page never holds a stamp alone
        KeepTogether([CJKText(paragraphs[-1], font, 12.5, 21), Spacer(1, 8 * mm),
                      Signature(facts.archive_name, f"{facts.issued_on:%Y年%m月%d日}",
                                stamp_reader(stamp))]),
    ]


def _subject(facts: LetterFacts) -> str:
    extra = []
    if facts.subject_former_names:
        extra.append(f"曾用名{facts.subject_former_names}")
    if facts.subject_birth_year:
        extra.append(f"{facts.subject_birth_year}年出生")
    if facts.subject_unit:
        extra.append(f"工作单位{facts.subject_unit}")
    return facts.subject_name + (f"（{'，'.join(extra)}）" if extra else "")


def result_paragraphs(facts: LetterFacts, copy_pages: int) -> list[str]:
    listing = [f"{n}．{line}" for n, line in enumerate(facts.found, 1)]
    paragraphs = [
        f"{facts.requester_name}：",
        f"　　您于{facts.accepted_on:%Y年%m月%d日}提出的档案查询申请（编号{facts.number}）"
        f"已办理完毕。经查，我馆保存有{_subject(facts)}的下列档案：",
        *listing,
        f"　　现将上述档案的复制件共{copy_pages}页随函附后。复制件加盖我馆档案证明专用章，"
        f"与馆藏档案一致，仅供{facts.purpose}使用。",
        "　　特此告知。",
    ]
    return paragraphs


def result_letter(facts: LetterFacts, stamp: Image.Image, copy_pages: int) -> bytes:
    """The cover letter for found records alone."""
    return render(_paper(RESULT, facts), lambda: letter_story(
        RESULT, facts, result_paragraphs(facts, copy_pages), stamp))


def reply(facts: LetterFacts, stamp: Image.Image, pages: list) -> bytes:
    """A request's reply when records were found: the result letter, then the certified copies
    of `pages` ((page, meta, jpeg) each) with 申请编号 — one paper, numbered throughout."""
    def story() -> list[Flowable]:
        return [*letter_story(RESULT, facts, result_paragraphs(facts, len(pages)), stamp),
                *copy_story(pages, facts.archive_name, facts.number, facts.purpose, stamp,
                            number_label="申请编号", first=False)]

    return render(_paper(RESULT, facts), story)


def not_found_certificate(facts: LetterFacts, stamp: Image.Image) -> bytes:
    """查无档案证明: what was searched, so the receiving office knows how wide the search was."""
    scope = "、".join(facts.doc_types) or "全部民生"
    years = f"{facts.years}" if facts.years else ""
    paragraphs = [
        f"{facts.requester_name}（身份证号{mask(facts.requester_id_number)}）：",
        f"　　根据您于{facts.accepted_on:%Y年%m月%d日}提出的档案查询申请（编号{facts.number}），"
        f"我馆查阅了馆藏{scope}档案，未查到{_subject(facts)}{years}的相关档案记载。",
        *([f"　　查找情况：{facts.search_note}"] if facts.search_note else []),
        "　　特此证明。",
        "　　本证明仅说明我馆馆藏档案的查询结果，不作为其他事实的证明。",
    ]
    return render(_paper(NOT_FOUND, facts),
                  lambda: letter_story(NOT_FOUND, facts, paragraphs, stamp))


def _paper(title: str, facts: LetterFacts) -> Paper:
    return Paper(facts.archive_name, title, facts.number, facts.verification)
