"""The papers a request ends with: a result letter (档案查询结果告知书) that goes in front of the
certified copies, or a 查无档案证明 when nothing was found. Both carry the request number, so
a letter that comes back to the archive years later leads straight to its history.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from PIL import Image

from dangan import clock
from dangan.printing import cjk_font, wrap_cjk
from dangan.text.idnumbers import mask


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


def _letter(title: str, facts: LetterFacts, paragraphs: list[str], stamp: Image.Image) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    font = cjk_font()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setTitle(f"{facts.archive_name} {title} {facts.number}")
    c.setAuthor(facts.archive_name)
    width, height = A4
    left, text_width = 25 * mm, width - 50 * mm

    def heading() -> float:
        if facts.verification:
            from dangan.verification import qr_png

            code, url = facts.verification
            c.drawImage(ImageReader(io.BytesIO(qr_png(url))), left, height - 42 * mm,
                        20 * mm, 20 * mm)
            c.setFont(font, 8)
            c.drawString(left, height - 45 * mm, f"核验码：{code}")
            c.drawString(left, height - 48.5 * mm, f"扫码或访问 {url} 核验")
        c.setFont(font, 20)
        c.drawCentredString(width / 2, height - 35 * mm, title)
        c.setFont(font, 10.5)
        c.drawRightString(width - 25 * mm, height - 45 * mm, f"编号：{facts.number}")
        return height - 60 * mm

    y = heading()
    size, leading = 12.5, 21
    c.setFont(font, size)
    for paragraph in paragraphs:
        for line in wrap_cjk(paragraph, font, size, text_width):
            if y < 75 * mm:  # leave room for the signature block
                c.showPage()
                y = heading()
                c.setFont(font, size)
            c.drawString(left, y, line)
            y -= leading
        y -= 4
    y = min(y - 10 * mm, 95 * mm)
    c.drawRightString(width - 30 * mm, y, facts.archive_name)
    c.drawRightString(width - 30 * mm, y - leading, f"{facts.issued_on:%Y年%m月%d日}")
    stamp_buf = io.BytesIO()
    stamp.save(stamp_buf, "PNG")
    c.drawImage(ImageReader(io.BytesIO(stamp_buf.getvalue())), width - 80 * mm, y - 30 * mm,
                44 * mm, 44 * mm, mask="auto")
    c.setFont(font, 9.5)
    accepted = f"{facts.accepted_on:%Y年%m月%d日}"
    c.drawString(left, 20 * mm,
                 f"经办人：{facts.staff}　　受理日期：{accepted}　　申请编号：{facts.number}")
    c.showPage()
    c.save()
    return buf.getvalue()


def _subject(facts: LetterFacts) -> str:
    extra = []
    if facts.subject_former_names:
        extra.append(f"曾用名{facts.subject_former_names}")
    if facts.subject_birth_year:
        extra.append(f"{facts.subject_birth_year}年出生")
    if facts.subject_unit:
        extra.append(f"工作单位{facts.subject_unit}")
    return facts.subject_name + (f"（{'，'.join(extra)}）" if extra else "")


def result_letter(facts: LetterFacts, stamp: Image.Image, copy_pages: int) -> bytes:
    """The cover letter for found records; the certified copies follow it in the same PDF."""
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
    return _letter("档案查询结果告知书", facts, paragraphs, stamp)


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
    return _letter("查无档案证明", facts, paragraphs, stamp)
