"""A typed notice saved as PDF with a real text layer, as county offices produced from the late
1990s on. Its truth comes from the same text that is written into the PDF."""

from __future__ import annotations

from pathlib import Path

from . import fonts
from .documents import NOTICE_PARAGRAPHS

NOTICE_NUMBER = ("东政发", 1993, 52)
CONTACT = "单国栋"


def write_notice(path: Path) -> list[dict]:
    """Write the notice; return the truth of each page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    font_path, index = fonts.PDF_FONT
    if not Path(font_path).exists():
        raise fonts.FontMissing(f"{font_path} missing: install fonts-arphic-uming")
    pdfmetrics.registerFont(TTFont("UMing", font_path, subfontIndex=index))
    # invariant=1 keeps the file byte-identical between runs (no timestamps or random ids).
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setTitle("关于做好机关和事业单位工作人员工资套改工作的通知")
    width, height = A4
    left, right = 28 * mm, width - 26 * mm
    issuer, year, number = NOTICE_NUMBER
    header = [
        ("东岭县人民政府文件", 22, "center"),
        (f"{issuer}〔{year}〕{number}号", 12, "center"),
        ("关于做好机关和事业单位工作人员工资套改工作的通知", 15, "center"),
    ]
    paragraphs = [
        *NOTICE_PARAGRAPHS,
        f"联系人：{CONTACT}，县劳动人事局工资股，电话：2213。",
        "东岭县人民政府",
        "一九九三年十一月十二日",
    ]
    pages: list[list[str]] = [[]]
    y = height - 30 * mm
    for text, size, _ in header:
        c.setFont("UMing", size)
        c.drawCentredString(width / 2, y, text)
        pages[-1].append(text)
        y -= size * 2.0
    c.setLineWidth(1.2)
    c.setStrokeColorRGB(0.8, 0.1, 0.1)
    c.line(left, y + 14, right, y + 14)
    size, leading = 12, 22
    c.setFont("UMing", size)
    for para in paragraphs:
        line, first = "", True
        indent = 0 if para.endswith("：") and para.startswith("各") else 2 * size
        chars = list(para)
        while chars:
            line = ""
            avail = right - left - (indent if first else 0)
            while chars and pdfmetrics.stringWidth(line + chars[0], "UMing", size) <= avail:
                line += chars.pop(0)
            if y < 25 * mm:
                c.showPage()
                c.setFont("UMing", size)
                pages.append([])
                y = height - 28 * mm
            x = left + (indent if first else 0)
            if para in ("东岭县人民政府", "一九九三年十一月十二日"):
                x = right - pdfmetrics.stringWidth(line, "UMing", size) - 10 * mm
            c.drawString(x, y, line)
            pages[-1].append(line)
            y -= leading
            first = False
        y -= 4
    c.setFont("UMing", 9)
    c.drawCentredString(width / 2, 12 * mm, "— 东岭县人民政府办公室 1993年11月12日印发 —")
    pages[-1].append("— 东岭县人民政府办公室 1993年11月12日印发 —")
    c.showPage()
    c.save()
    truth = []
    for lines in pages:
        text = "".join(lines)  # a 文号 may wrap across lines; it is still on the page
        nos = []
        for no in ("东政发〔1993〕52号", "国发〔1993〕79号", "甘政发〔1993〕45号"):
            if no in text:
                nos.append({"printed": no, "normalized": no})
        truth.append(
            {
                "lines": lines,
                "persons": (
                    [{"name": CONTACT, "simplified": CONTACT, "role": "prose"}]
                    if CONTACT in text
                    else []
                ),
                "years": [1993] if "1993" in text or "一九九三" in text else [],
                "dates": [],
                "doc_numbers": nos,
                "id_numbers": [],
                "units": [],
            }
        )
    return truth
