"""Every paper, rendered to PNG as a printer would see it: no ink in the outer band of the page,
all text inside the page, 第n页/共N页 on every page, and a copy's footer keeping its
复制件第n/N页 however long the title of an uncatalogued item is (it once ran off the page)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace

import numpy as np
import pypdfium2
import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader

from dangan.indexer.fields import PageFields
from dangan.indexer.store import StoredPage
from dangan.papers.copies import certified_copy
from dangan.papers.ink import default_stamp
from dangan.papers.layout import BODY_BOTTOM, BODY_TOP, EDGE
from dangan.papers.letters import LetterFacts, not_found_certificate, reply, result_letter
from dangan.papers.summary import summary_pdf

# Seven papers laid out twice each and rasterised: half a minute, so in the slow layer.
pytestmark = pytest.mark.slow

ARCHIVE = "东岭县档案馆"
CODE_URL = ("7K3M-Q9RT-XW4P", "https://dangan.example.gov.cn/verify/7K3M-Q9RT-XW4P")
BAND = EDGE - 1 * 72 / 25.4  # checked band: the layout's edge less a millimetre of tolerance
LONG_TITLE = ("东岭县第二轻工业局关于一九八五年度部分职工工资调整、转正定级及临时工转为合同制工人"
              "的请示报告和县劳动人事局的批复意见（附名单，含补充说明和更正通知）")


def scan(width: int = 1240, height: int = 1754) -> bytes:
    """A scan whose ink reaches its own edges: a frame and lines of 'text'."""
    img = Image.new("L", (width, height), 235)
    d = ImageDraw.Draw(img)
    d.rectangle([0, 0, width - 1, height - 1], outline=0, width=12)
    for y in range(120, height - 120, 60):
        d.line([(100, y), (width - 100, y)], fill=40, width=8)
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "JPEG", quality=80)
    return buf.getvalue()


def page(document: str, n: int, title: str = "") -> StoredPage:
    return StoredPage(path=f"{document}.pdf", page=n, document=document, page_in_document=n,
                      source="ocr", width=1240, height=1754, lines=[],
                      fields=PageFields(title=title))


def catalogued_copy() -> bytes:
    meta = {"archive_code": "X012-WS·1985-Y-0012", "title": "工资调整审批表"}
    pages = [(page("X012-WS·1985-Y-0012", n), meta, scan()) for n in (1, 2)]
    return certified_copy(pages, ARCHIVE, "DL01-20261206-V001", "退休核定",
                          default_stamp(ARCHIVE), verification=CODE_URL)


def uncatalogued_copy() -> bytes:
    pages = [(page("a/scan0001", n, LONG_TITLE), {}, scan(1754, 1240)) for n in (1, 2, 3)]
    return certified_copy(pages, ARCHIVE, "DL01-20261123-R001", "退休核定",
                          default_stamp(ARCHIVE), number_label="申请编号",
                          verification=CODE_URL)


FACTS = LetterFacts(archive_name=ARCHIVE, number="DL01-20261123-R001", requester_name="王小兰",
                    requester_id_number="11010519491231002X", accepted_on=dt.date(2026, 11, 23),
                    subject_name="王秀英", purpose="退休核定", staff="李秀梅",
                    subject_former_names="王秀瑛", year_from=1985, year_to=1993,
                    doc_types=["工资调整"], verification=CODE_URL,
                    found=[f"X012-WS·1993-Y-{n:04d} 第1页（工资套改审批表）" for n in range(40)])


def long_result_letter() -> bytes:
    return result_letter(FACTS, default_stamp(ARCHIVE), copy_pages=40)


def not_found() -> bytes:
    return not_found_certificate(replace(FACTS, search_note="已查1958年以来全部招工、工资档案"),
                                 default_stamp(ARCHIVE))


def reply_with_copies() -> bytes:
    pages = [(page("a/scan0001", 1, LONG_TITLE), {}, scan())]
    return reply(replace(FACTS, found=FACTS.found[:2]), default_stamp(ARCHIVE), pages)


SUMMARY = (["姓名：王秀英　共 3 条档案记录（已经工作人员确认为同一人）", "",
            "一、记载事项及出处（未注明者为机器识别，注明“人工核对”者经工作人员对照原件核对）"]
           + [f"工作单位：东岭县第{n}棉纺织厂　出处：X012-WS·1985-Y-{n:04d} 第1页第{n}行（1985年3月5日）"
              f"（人工核对：李秀梅，对照原件，2026年12月1日）" for n in range(1, 60)]
           + ["", "五、退休时间线（仅供参考）", "以下按档案所载事项和现行规定测算，仅供参考，不作为退休审批依据。",
              "法定退休年龄：50岁", "　依据：出生时间 1949年12月31日，X012-WS·1985-Y-0001 第1页",
              "政策依据：劳社部发〔1999〕8号。"])


def summary_with_copies() -> bytes:
    pages = [(page("X012-WS·1985-Y-0012", 1), {"archive_code": "X012-WS·1985-Y-0012"}, scan())]
    return summary_pdf(ARCHIVE, "DL01-20261206-V001", "查档登记号", "李秀梅", SUMMARY,
                       verification=CODE_URL, pages=pages, use="退休核定",
                       stamp=default_stamp(ARCHIVE))


PAPERS = {"copy": catalogued_copy, "copy of an uncatalogued item": uncatalogued_copy,
          "long result letter": long_result_letter, "查无档案证明": not_found,
          "reply with copies": reply_with_copies, "summary with copies": summary_with_copies}


def text_positions(reader_page) -> list[tuple[float, float, str]]:
    """Where each run of text starts, in page coordinates."""
    out = []

    def visit(text, cm, tm, _font, _size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            out.append((x, y, text))

    reader_page.extract_text(visitor_text=visit)
    return out


def body_runs(reader_page) -> list[tuple[float, str]]:
    return [(y, t) for _x, y, t in text_positions(reader_page) if BODY_BOTTOM <= y <= BODY_TOP]


@pytest.fixture(scope="module", params=sorted(PAPERS))
def paper(request, tmp_path_factory):
    pdf = PAPERS[request.param]()
    out = tmp_path_factory.mktemp("papers")
    images = []
    for n, p in enumerate(pypdfium2.PdfDocument(pdf), 1):
        image = p.render(scale=2).to_pil().convert("L")
        image.save(out / f"{request.param}-{n}.png")  # kept for a look when a test fails
        images.append(image)
    return request.param, pdf, images


def test_no_ink_in_the_outer_band_of_any_page(paper):
    name, _pdf, images = paper
    for n, image in enumerate(images, 1):
        px = np.array(image)
        band = round(BAND * 2)  # rendered at 2 px per point
        h, w = px.shape
        mask = np.ones_like(px, dtype=bool)
        mask[band:h - band, band:w - band] = False
        assert px[mask].min() > 200, f"{name}: ink in the outer band of page {n}"
        assert px[~mask].min() < 100, f"{name}: page {n} is blank"


def test_all_text_is_inside_the_page(paper):
    name, pdf, _images = paper
    for n, p in enumerate(PdfReader(io.BytesIO(pdf)).pages, 1):
        box = p.mediabox
        for x, y, text in text_positions(p):
            assert float(box.left) + BAND <= x <= float(box.right) - BAND, (name, n, text)
            assert float(box.bottom) + BAND <= y <= float(box.top) - BAND, (name, n, text)


def test_every_page_says_which_page_of_how_many(paper):
    name, pdf, _images = paper
    pages = PdfReader(io.BytesIO(pdf)).pages
    for n, p in enumerate(pages, 1):
        assert f"第{n}页/共{len(pages)}页" in p.extract_text(), (name, n)


def test_a_copy_footer_keeps_the_item_and_the_copy_page_however_long_the_title():
    pages = PdfReader(io.BytesIO(uncatalogued_copy())).pages
    for n, p in enumerate(pages, 1):
        text = p.extract_text().replace("\n", "")
        assert f"（复制件第{n}/3页）" in text
        assert f"题名：{LONG_TITLE}（未编档号）" in text
        assert "申请编号：DL01-20261123-R001" in text


def test_a_reply_is_one_paper_numbered_throughout_the_letter_then_the_copy():
    pages = PdfReader(io.BytesIO(reply_with_copies())).pages
    assert len(pages) == 2
    letter, copy = (p.extract_text() for p in pages)
    assert "档案查询结果告知书" in letter and "经办人：李秀梅" in letter and "第1页/共2页" in letter
    assert "本复制件与馆藏档案一致" in copy and "第2页/共2页" in copy
    assert "（复制件第1/1页）" in copy and "申请编号：DL01-20261123-R001" in copy


def test_a_letter_carries_its_code_and_request_number_on_every_page():
    pages = PdfReader(io.BytesIO(long_result_letter())).pages
    assert len(pages) >= 2
    for p in pages:
        text = p.extract_text()
        assert "核验码：7K3M-Q9RT-XW4P" in text and "申请编号：DL01-20261123-R001" in text


def test_a_summary_keeps_every_line_with_its_checked_marks_and_then_the_copies():
    pages = PdfReader(io.BytesIO(summary_with_copies())).pages
    assert len(pages) >= 3  # a summary of two pages, then the copy
    # the body of each page, read without the header and footer a page break puts between
    text = "".join(t.replace("\n", "") for p in pages[:-1] for _y, t in body_runs(p))
    for line in SUMMARY:
        assert line in text
    assert "五、退休时间线" in text and text.count("人工核对：李秀梅") == 59
    assert "本复制件与馆藏档案一致" in pages[-1].extract_text()
    assert "经办人：李秀梅" in pages[0].extract_text()
