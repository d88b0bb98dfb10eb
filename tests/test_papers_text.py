"""Chinese lines on paper: broken anywhere, inside their width, and never starting with closing
punctuation (禁则): a letter once began a line with "，"."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from dangan.papers.ink import cjk_font
from dangan.papers.text import CANNOT_START, bad_line_start, wrap

# Punctuation after every few characters: at many widths a naive break falls just before it.
TEXT = ("您于二〇二六年十一月二十三日提出的档案查询申请，已办理完毕。经查，我馆保存有王秀英（曾用名"
        "王秀瑛，一九四九年出生）的下列档案：工资调整审批表、招工登记表；现将复制件随函附后。"
        "复制件加盖我馆档案证明专用章，与馆藏档案一致！是否另有档案？请另行申请。")


@pytest.mark.parametrize("chars", range(5, 40))
def test_no_line_starts_with_closing_punctuation_at_any_width(chars):
    font, size = cjk_font(), 12.5
    width = chars * size + 0.5
    lines = wrap(TEXT, font, size, width)
    assert "".join(lines) == TEXT  # nothing lost, nothing added
    assert not [ln for ln in lines if bad_line_start(ln)]
    assert all(stringWidth(ln, font, size) <= width for ln in lines)
    assert not [ln for ln in lines if ln[-1] in "（「《"]  # an opening bracket goes down too


def test_the_punctuation_reportlab_forgets_is_in_the_rule():
    for ch in "，。、；：）」』》？！":
        assert ch in CANNOT_START


def test_a_printed_letter_has_no_line_starting_with_punctuation():
    from test_desk_rules import FACTS

    from dangan.papers.ink import default_stamp
    from dangan.papers.letters import not_found_certificate

    note = TEXT * 3
    pdf = not_found_certificate(FACTS.__class__(**{**FACTS.__dict__, "search_note": note}),
                                default_stamp("东岭县档案馆"))
    lines = [ln.strip() for p in PdfReader(io.BytesIO(pdf)).pages
             for ln in p.extract_text().splitlines()]
    assert len(lines) > 10
    assert not [ln for ln in lines if bad_line_start(ln)]
