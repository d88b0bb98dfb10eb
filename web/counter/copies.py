"""Certified copies (档案证明复制件): the chosen pages as a PDF any viewer opens, each with a footer
(档号, page, archive, date, visit number), the attestation and the archive's use-stamp."""

from __future__ import annotations

import datetime as dt
import io

from flask import Blueprint, Response, abort, current_app, flash, redirect, request, session
from flask import url_for as url
from PIL import Image

from dangan.printing import cjk_font, load_stamp
from dangan.records.accounts import Visit

from ..security import current_visit_id, log_access
from ..stores import page_store
from .viewer import is_restricted, page_image

bp = Blueprint("copies", __name__)

def build_pdf(pages: list, archive_name: str, visit_number: str, use: str,
              stamp: Image.Image) -> bytes:
    """One PDF page per archive page, at the scan's full resolution."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    font = cjk_font()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setTitle(f"{archive_name} 档案复制件 {visit_number}")
    c.setAuthor(archive_name)
    width, height = A4
    today = dt.date.today().strftime("%Y年%m月%d日")
    stamp_buf = io.BytesIO()
    stamp.save(stamp_buf, "PNG")
    stamp_reader = ImageReader(io.BytesIO(stamp_buf.getvalue()))
    for n, (page, meta, jpeg) in enumerate(pages, 1):
        img = Image.open(io.BytesIO(jpeg))
        box_w, box_h = width - 20 * mm, height - 42 * mm
        scale = min(box_w / img.width, box_h / img.height)
        w, h = img.width * scale, img.height * scale
        x, y = (width - w) / 2, 30 * mm + (box_h - h)
        c.drawImage(ImageReader(io.BytesIO(jpeg)), x, y, w, h)
        code = (meta or {}).get("archive_code") or page.document
        c.setFont(font, 9)
        c.drawString(12 * mm, 14 * mm,
                     f"档号：{code}　第{page.page_in_document}页　{archive_name}　"
                     f"复制日期：{today}　查档登记号：{visit_number}　"
                     f"（复制件第{n}/{len(pages)}页）")
        c.setFont(font, 12)
        c.setFillColorRGB(0.75, 0.05, 0.1)
        c.drawString(12 * mm, 22 * mm, f"本复制件与馆藏档案一致　仅供{use}使用")
        c.drawImage(stamp_reader, width - 62 * mm, 8 * mm, 44 * mm, 44 * mm, mask="auto")
        c.setFillColorRGB(0, 0, 0)
        c.showPage()
    c.save()
    return buf.getvalue()


@bp.route("/copy", methods=["POST"])
def make_copy():
    visit_id = current_visit_id()
    if visit_id is None:
        flash("制作复制件前请先登记查档")
        return redirect(url("visits.new"))
    ids = [int(i) for i in request.form.getlist("page_id") if i.isdigit()]
    if not ids:
        abort(400, description="请至少选择一页")
    if len(ids) > 200:
        abort(400, description="一次最多复制 200 页")
    store = page_store()
    cfg = current_app.config["DANGAN"]
    db = current_app.extensions["dangan_db"]
    with db.session() as s:
        visit = s.get(Visit, visit_id)
    use = (request.form.get("use") or visit.purpose).strip()[:20]
    chosen = []
    for page_id in ids:
        page = store.page_by_id(page_id)
        if page is None:
            abort(404, description="无此页面")
        meta = store.document(page.document)
        if is_restricted(meta) and page.document not in session.get("cleared", []):
            abort(403, description="受控档案，需审批后方可复制")
        chosen.append((page, meta, page_image(page)))
    stamp = load_stamp(current_app.config.get("COPY_STAMP"), cfg.archive_name)
    pdf = build_pdf(chosen, cfg.archive_name, visit.number, use, stamp)
    listing = "；".join(f"{(m or {}).get('archive_code') or p.document} 第{p.page_in_document}页"
                       for p, m, _ in chosen)
    with db.session() as s:
        v = s.get(Visit, visit_id)
        v.copied = (v.copied + "；" if v.copied else "") + listing
        s.commit()
    for page, _, _ in chosen:
        log_access("copy", page.path, page.page, f"仅供{use}使用")
    out = cfg.data_dir / "copies"
    out.mkdir(parents=True, exist_ok=True)
    name = f"{visit.number}-{dt.datetime.now():%H%M%S}.pdf"
    (out / name).write_bytes(pdf)
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f"attachment; filename={name}"})
