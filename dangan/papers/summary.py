"""The printed 查档结果摘要: the summary's lines (dangan.dossier.summary says what they are),
then the certified copies of every page it cites, in one paper numbered throughout and issued
like any copy (code, QR, issued-papers record)."""

from __future__ import annotations

import re

from PIL import Image
from reportlab.platypus import Flowable

from dangan import clock
from dangan.dossier.summary import TITLE

from .copies import copy_story
from .ink import cjk_font
from .layout import Footer, Paper, render
from .text import CJKText

HEADING = re.compile(r"[一二三四五六七八九十]、")


def summary_story(archive_name: str, number: str, number_label: str, staff: str,
                  lines: list[str]) -> list[Flowable]:
    font = cjk_font()
    return [
        Footer([f"经办人：{staff}", f"出具日期：{clock.today():%Y年%m月%d日}",
                "本摘要所列事项均摘自所附档案复制件"]),
        CJKText(TITLE, font, 18, 26, align="center", space_after=8),
        CJKText(f"{archive_name}　{number_label}：{number}", font, 10, 14, space_after=10),
        *(_line(line, font) for line in lines),
    ]


def _line(line: str, font: str) -> CJKText:
    """A section's heading (一、… 五、…) is never the last line of a page."""
    text = CJKText(line, font, 10.5, 16)
    text.keepWithNext = bool(HEADING.match(line))
    return text


def summary_pdf(archive_name: str, number: str, number_label: str, staff: str, lines: list[str],
                verification: tuple[str, str] | None = None, pages: list | None = None,
                use: str = "查档", stamp: Image.Image | None = None) -> bytes:
    """The summary of `lines`, followed by the certified copies of `pages` ((page, meta, jpeg)
    each, for `use`, under `stamp`) when given."""
    def story() -> list[Flowable]:
        out = summary_story(archive_name, number, number_label, staff, lines)
        if pages:
            out += copy_story(pages, archive_name, number, use, stamp, number_label, first=False)
        return out

    return render(Paper(archive_name, TITLE, number, verification), story)
