"""The printable 查档结果摘要 of one confirmed person: the facts with their sources, the
conflicts with every value, the birth-date rule's choice, the timeline and 连续工龄. The
certified copies of the cited pages follow it in the same PDF (web/counter/dossier.py), and
the whole goes through the register like any copy (code, QR, issued-papers record)."""

from __future__ import annotations

import datetime as dt
import io

from dangan.corrections import provenance
from dangan.pension.reckon import Reckoning
from dangan.printing import cjk_font, wrap_cjk

from .dossier import Person
from .records import Record
from .timeline import service_line, shown_date

TITLE = "查档结果摘要"


def source_label(r: Record, reference: str) -> str:
    where = f"第{r.row}行" if r.row else ""
    return f"{reference} 第{r.page}页{where}（{shown_date(r.date) or '日期不明'}）"


def _dates(sources) -> str:
    return "、".join(shown_date(s.record.date) or "日期不明" for s in sources)


def summary_lines(person: Person, name: str, references: dict[str, str],
                  retirement: Reckoning | None = None) -> list[str]:
    """The summary as lines of text (also what a test reads back from the PDF). The
    retirement reckoning, when given, comes last, labelled as a reference only."""
    ref = {r.key: source_label(r, references.get(r.key, r.document)) for r in person.group.records}
    count = len(person.group.records)
    out = [f"姓名：{name}　共 {count} 条档案记录（已经工作人员确认为同一人）", ""]
    out.append("一、记载事项及出处（未注明者为机器识别，注明“人工核对”者经工作人员对照原件核对）")
    for f in person.facts:
        for v in f.values:
            sources = "；".join(ref[s.record.key] + (f"（{provenance(s.fact)}）"
                                                      if s.fact.checked else "")
                               for s in v.sources)
            out.append(f"{f.label}：{v.text}　出处：{sources}")
    if person.conflicts:
        out += ["", "二、记载不一致"]
        for f in person.conflicts:
            out.append(f"{f.label}：" + "；".join(f"{v.text}（{_dates(v.sources)}）"
                                                  for v in f.values))
    if person.birth:
        b = person.birth
        out += ["", "三、出生时间认定", f"{b.rule}：“{b.rule_text}”。",
                f"最先记载的记录：{ref.get(b.record_key, '')}，所载出生时间 {b.text}。"]
    out += ["", "四、时间线"]
    out += [f"{shown_date(e.date) or '日期不明'}　{e.what}{('　' + e.detail) if e.detail else ''}"
            for e in person.timeline]
    s = person.service
    if s:
        out.append(service_line(s))
        for a, b in s.gaps:
            out.append(f"无档案记载的期间：{a} 至 {b}（请核对是否连续）")
    if retirement:
        out += retirement_lines(retirement, ref)
    return out


def retirement_lines(r: Reckoning, ref: dict[str, str]) -> list[str]:
    """五、退休时间线: each figure, the facts it rests on with their records, its notes."""
    out = ["", f"五、退休时间线（{r.notice}）",
           "以下按档案所载事项和现行规定测算，仅供参考，不作为退休审批依据。"]
    for ln in r.lines:
        out.append(f"{ln.label}：{ln.value}")
        if ln.basis:
            out.append("　依据：" + "；".join(f"{b.label} {b.text}，{ref.get(b.record_key, '')}"
                                          for b in ln.basis))
        out += [f"　说明：{n}" for n in ln.notes]
    if r.uncertainties:
        out.append("不确定之处：")
        out += [f"　{u}" for u in r.uncertainties]
    out.append("政策依据：" + "；".join(r.sources) + "。")
    return out


def summary_pdf(archive_name: str, number: str, number_label: str, staff: str, lines: list[str],
                verification: tuple[str, str] | None = None) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    font = cjk_font()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setTitle(f"{archive_name} {TITLE} {number}")
    c.setAuthor(archive_name)
    width, height = A4
    left, text_width = 20 * mm, width - 40 * mm

    def heading() -> float:
        if verification:
            from dangan.verification import qr_png

            code, url = verification
            c.drawImage(ImageReader(io.BytesIO(qr_png(url))), width - 40 * mm,
                        height - 32 * mm, 20 * mm, 20 * mm)
            c.setFont(font, 8)
            c.drawRightString(width - 42 * mm, height - 20 * mm, f"核验码：{code}")
            c.drawRightString(width - 42 * mm, height - 24 * mm, f"扫码或访问 {url} 核验")
        c.setFont(font, 18)
        c.drawCentredString(width / 2, height - 40 * mm, TITLE)
        c.setFont(font, 10)
        c.drawString(left, height - 48 * mm, f"{archive_name}　{number_label}：{number}")
        return height - 58 * mm

    y = heading()
    size, leading = 10.5, 16
    c.setFont(font, size)
    for line in lines:
        for part in wrap_cjk(line, font, size, text_width):
            if y < 30 * mm:
                c.showPage()
                y = heading()
                c.setFont(font, size)
            c.drawString(left, y, part)
            y -= leading
    c.setFont(font, 9)
    c.drawString(left, 15 * mm, f"经办人：{staff}　　出具日期：{dt.date.today():%Y年%m月%d日}　　"
                 "本摘要所列事项均摘自所附档案复制件")
    c.showPage()
    c.save()
    return buf.getvalue()
