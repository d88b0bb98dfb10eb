"""Certified copies (档案证明复制件): the chosen pages as a PDF any viewer opens, each with a footer
(档号, page, archive, date, visit number), the attestation and the archive's use-stamp."""

from __future__ import annotations

import io

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
)
from flask import url_for as url
from PIL import Image

from dangan import clock
from dangan.openness import open_title
from dangan.printing import cjk_font, load_stamp
from dangan.records.accounts import PURPOSES, Visit
from dangan.text.numbers import parse_int

from .. import gate
from ..security import current_visit_id, local_target, log_access
from ..stores import page_store
from .verify import issue
from .viewer import PageChanged, certified_page

bp = Blueprint("copies", __name__)
STAMP_BOTTOM = 19 * 2.834645669  # 19 mm in points

def reference(page, meta: dict | None) -> str:
    """The 档号 as printed: the catalogue's, else the title with 未编档号 — never a file name."""
    code = (meta or {}).get("archive_code")
    if code:
        return code
    title = (meta or {}).get("title") or page.fields.title
    return f"{title}（未编档号）" if title else "未编档号"


def footer_name(page, meta: dict | None) -> str:
    """How a copy's footer names its item: 档号：… when catalogued; an item not catalogued
    yet has no 档号 line to print, only its title."""
    code = (meta or {}).get("archive_code")
    if code:
        return f"档号：{code}"
    title = (meta or {}).get("title") or page.fields.title
    return f"题名：{title}（未编档号）" if title else "未编档号"


def build_pdf(pages: list, archive_name: str, visit_number: str, use: str,
              stamp: Image.Image, number_label: str = "查档登记号",
              verification: tuple[str, str] | None = None) -> bytes:
    """One PDF page per archive page, at the scan's full resolution. `number_label` names the
    number in the footer: 查档登记号 for a visit, 申请编号 for a request."""
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
    today = clock.today().strftime("%Y年%m月%d日")
    stamp_buf = io.BytesIO()
    stamp.save(stamp_buf, "PNG")
    stamp_reader = ImageReader(io.BytesIO(stamp_buf.getvalue()))
    top = 26 * mm if verification else 12 * mm  # room for the verification code and QR
    for n, (page, meta, jpeg) in enumerate(pages, 1):
        img = Image.open(io.BytesIO(jpeg))
        if verification:
            draw_verification(c, font, *verification, width - 32 * mm, height - 24 * mm)
        box_w, box_h = width - 20 * mm, height - 30 * mm - top
        scale = min(box_w / img.width, box_h / img.height)
        w, h = img.width * scale, img.height * scale
        x, y = (width - w) / 2, 30 * mm + (box_h - h)
        c.drawImage(ImageReader(io.BytesIO(jpeg)), x, y, w, h)
        c.setFont(font, 9)
        c.drawString(12 * mm, 14 * mm,
                     f"{footer_name(page, meta)}　第{page.page_in_document}页　{archive_name}　"
                     f"复制日期：{today}　{number_label}：{visit_number}　"
                     f"（复制件第{n}/{len(pages)}页）")
        c.setFont(font, 12)
        c.setFillColorRGB(0.75, 0.05, 0.1)
        c.drawString(12 * mm, 22 * mm, f"本复制件与馆藏档案一致　仅供{use}使用")
        # The stamp sits above the footer line (which ends at 17 mm): it never covers the
        # 档号 or the number a receiving office must read.
        c.drawImage(stamp_reader, width - 62 * mm, STAMP_BOTTOM, 44 * mm, 44 * mm,
                    mask="auto")
        c.setFillColorRGB(0, 0, 0)
        c.showPage()
    c.save()
    return buf.getvalue()


def draw_verification(c, font: str, code: str, url: str, x: float, y: float) -> None:
    """The QR code (20 mm) at (x, y) and, left of it, the code and address to type."""
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader

    from dangan.verification import qr_png

    c.drawImage(ImageReader(io.BytesIO(qr_png(url))), x, y, 20 * mm, 20 * mm)
    c.setFont(font, 9)
    c.drawRightString(x - 2 * mm, y + 12 * mm, f"核验码：{code}")
    c.drawRightString(x - 2 * mm, y + 7 * mm, f"扫码或访问 {url} 核验")


# -- 复制清单: pages collected across hits into one certified copy -----------------------
# Kept in the clerk's session for the current visit only: a list for another visit (or
# none) is an empty list, so pages never carry over to the next citizen at the window.
MAX_PAGES = 200


def copy_list() -> list[int]:
    data = session.get("copy_list") or {}
    visit_id = current_visit_id()
    return list(data.get("pages", [])) if visit_id and data.get("visit") == visit_id else []


def _keep_list(pages: list[int]) -> None:
    session["copy_list"] = {"visit": current_visit_id(), "pages": pages[:MAX_PAGES]}


def _visit_purpose() -> str:
    visit_id = current_visit_id()
    if visit_id is None:
        return ""
    with current_app.extensions["dangan_db"].session() as s:
        visit = s.get(Visit, visit_id)
        return visit.purpose if visit else ""


@bp.app_context_processor
def _copy_context():
    """For the viewer's copy form: the list's size, the 用途 choices and the one chosen
    (what the clerk chose before an error sent the form back, else the visit's purpose)."""
    def draft() -> dict:  # read once, then gone: a reload shows the form fresh
        if "copy_draft" not in g:
            g.copy_draft = session.pop("copy_draft", None) or {}
        return g.copy_draft

    def copy_use() -> str:
        return draft().get("use") or _visit_purpose()

    def copy_error() -> str:
        return draft().get("error", "")

    return {"copy_list_size": lambda: len(copy_list()), "copy_purposes": PURPOSES,
            "copy_use": copy_use, "copy_error": copy_error}


def _ticked() -> list[int]:
    ids = [parse_int(i, 1) for i in request.form.getlist("page_id")]
    if None in ids:
        abort(400, description="页面编号无效")
    return list(dict.fromkeys(ids))


def _back(error: str, use: str = ""):
    """Back to the form the clerk was on (the viewer, the list), the reason beside the
    form and the 用途 chosen still chosen: never a bare error page."""
    session["copy_draft"] = {"error": error, "use": use}
    return redirect(local_target(request.form.get("next"), url("copies.list_page")))


@bp.route("/copy/list")
def list_page():
    if current_visit_id() is None:
        flash("复制清单属于一次查档登记：请先登记查档", "warn")
        return redirect(url("visits.new"))
    store, rows = page_store(), []
    for page_id in copy_list():
        page = store.page_by_id(page_id)
        if page is not None:
            meta = store.document(page.document) or {}
            rows.append((page_id, reference(page, meta), page.page_in_document,
                         open_title(meta) or ""))
    return render_template("copy_list.html", rows=rows)


@bp.route("/copy/list", methods=["POST"])
def add_to_list():
    if current_visit_id() is None:
        flash("复制清单属于一次查档登记：请先登记查档", "warn")
        return redirect(url("visits.new"))
    ids = _ticked()
    use = request.form.get("use", "")
    if not ids:
        return _back("请至少勾选一页，再加入复制清单", use)
    pages = copy_list()
    added = [i for i in ids if i not in pages]
    if len(pages) + len(added) > MAX_PAGES:
        return _back(f"复制清单最多 {MAX_PAGES} 页", use)
    _keep_list(pages + added)
    flash(f"已加入复制清单 {len(added)} 页（清单共 {len(pages) + len(added)} 页）"
          if added else "所选页面已在复制清单中")
    return redirect(local_target(request.form.get("next"), url("copies.list_page")))


@bp.route("/copy/list/remove", methods=["POST"])
def remove_from_list():
    drop = set(_ticked())
    _keep_list([i for i in copy_list() if i not in drop])
    return redirect(url("copies.list_page"))


@bp.route("/copy", methods=["POST"])
def make_copy():
    visit_id = current_visit_id()
    if visit_id is None:
        flash("制作复制件前请先登记查档", "warn")
        return redirect(url("visits.new"))
    ids = _ticked()
    cfg = current_app.config["DANGAN"]
    db = current_app.extensions["dangan_db"]
    with db.session() as s:
        visit = s.get(Visit, visit_id)
    use = request.form.get("use", "").strip() or visit.purpose
    if not ids:
        return _back("请至少勾选一页，再生成复制件", use)
    if len(ids) > MAX_PAGES:
        return _back(f"一次最多复制 {MAX_PAGES} 页", use)
    if use not in PURPOSES:
        # printed as 仅供…使用 on a certified paper: one of the register's purposes, never
        # free text ("仅供任意用途使用" was printed once)
        return _back("请从登记的查档用途中选择“仅供…使用”的用途", "")
    chosen = []
    for page_id in ids:
        try:
            page, meta, jpeg = certified_page(page_id)
        except PageChanged as e:
            abort(409, description=str(e))
        gate.require(meta, page.document, "copy", path=page.path, page=page.page,
                     page_uid=page_id)
        chosen.append((page, meta, jpeg))
    stamp = load_stamp(current_app.config.get("COPY_STAMP"), cfg.archive_name)
    pdf, code = issue("档案复制件", visit.number, len(chosen),
                      [f"{reference(p, m)} 第{p.page_in_document}页" for p, m, _ in chosen],
                      lambda code, url: build_pdf(chosen, cfg.archive_name, visit.number, use,
                                                  stamp, verification=(code, url)))
    for page_id, (page, _, _) in zip(ids, chosen, strict=True):
        log_access("copy", page.path, page.page, f"仅供{use}使用 核验码 {code}",
                   page_uid=page_id)
    if request.form.get("from_list"):
        _keep_list([i for i in copy_list() if i not in ids])  # what was copied leaves it
    session.pop("copy_draft", None)
    out = cfg.data_dir / "copies"
    out.mkdir(parents=True, exist_ok=True)
    name = f"{visit.number}-{clock.now():%H%M%S}.pdf"
    (out / name).write_bytes(pdf)
    return Response(pdf, mimetype="application/pdf",
                    # inline: the copy opens in the browser's PDF viewer, ready to print;
                    # saving it keeps this name.
                    headers={"Content-Disposition": f"inline; filename={name}"})
