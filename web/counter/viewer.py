"""The page viewer: the scan with the hits marked, the OCR text beside it, the catalogue data.

Routes take page ids from the page store, never paths. Viewing needs an open visit (查档登记),
and every view is logged. Restricted items (控制, 延期开放) show staff only that they exist;
an admin sees them after giving a reason, which is logged.
"""

from __future__ import annotations

import functools
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
    url_for,
)
from PIL import Image

from dangan.doctypes import label
from dangan.indexer import sources
from dangan.indexer.catalog import RESTRICTED
from dangan.search.explain import match_person
from dangan.text.normalize import normalize

from ..security import current_visit_id, log_access
from ..stores import page_store

bp = Blueprint("viewer", __name__)


def is_restricted(meta: dict | None) -> bool:
    return bool(meta) and any(w in (meta.get("openness") or "") for w in RESTRICTED)


def _load(page_id: int):
    store = page_store()
    page = store.page_by_id(page_id)
    if page is None:
        abort(404, description="无此页面")
    meta = store.document(page.document)
    return store, page, meta


def highlight_boxes(page, person: str, terms: list[str]) -> list[list[int]]:
    """Boxes to draw: the matched person (their cell or roster row), then each term."""
    boxes = []
    if person:
        m = match_person(normalize(person), [p.__dict__ for p in page.fields.persons],
                         page.fields.text, page_store().aliases_of(normalize(person)))
        if m and m.box:
            boxes.append(m.box)
    for term in (normalize(t) for t in terms if t.strip()):
        for line in page.lines:
            text = normalize(line.text)
            start = text.find(term)
            if start >= 0 and line.box and len(text) == len(line.text):
                box = line.span_box(start, start + len(term))
                if box:
                    boxes.append(list(box))
            elif start >= 0 and line.box:
                boxes.append(list(line.box))
    return boxes


@bp.route("/page/<int:page_id>", methods=["GET", "POST"])
def view(page_id: int):
    if current_visit_id() is None and not session.get("request_number"):
        flash("查看档案前请先登记查档人信息，或在申请页点“办理此申请”")
        return redirect(url_for("visits.new", next=request.full_path))
    store, page, meta = _load(page_id)
    restricted = is_restricted(meta)
    cleared = session.get("cleared", [])
    if restricted and page.document not in cleared:
        if not g.user.is_admin:
            log_access("view_refused", page.path, page.page, "受控档案")
            return render_template("restricted.html", page=page, meta=meta, page_id=page_id,
                                   can_clear=False), 403
        reason = request.form.get("reason", "").strip() if request.method == "POST" else ""
        if not reason:
            return render_template("restricted.html", page=page, meta=meta, page_id=page_id,
                                   can_clear=True), 403
        log_access("view_restricted", page.path, page.page, f"理由：{reason[:300]}")
        session["cleared"] = [*cleared, page.document]
    person = request.args.get("person", "")
    terms = [t for t in request.args.get("terms", "").split("|") if t]
    log_access("view", page.path, page.page, f"person={person} terms={'|'.join(terms)}")
    doc_pages = store.pages_of_document(page.document)
    ids = [store.page_id(p.path, p.page) for p in doc_pages]
    here = ids.index(page_id) if page_id in ids else 0
    hits = session.get("hits", [])
    hit_here = hits.index(page_id) if page_id in hits else None
    context = {"person": person, "terms": "|".join(terms)}
    return render_template(
        "viewer.html", page=page, page_id=page_id, meta=meta, type_label=label,
        boxes=highlight_boxes(page, person, terms), width=page.width, height=page.height,
        doc_pages=list(zip(ids, doc_pages, strict=True)), here=here,
        prev_page=ids[here - 1] if here > 0 else None,
        next_page=ids[here + 1] if here + 1 < len(ids) else None,
        prev_hit=hits[hit_here - 1] if hit_here else None,
        next_hit=hits[hit_here + 1] if hit_here is not None and hit_here + 1 < len(hits)
        else None, context=context, restricted=restricted)


@functools.lru_cache(maxsize=24)
def _render(path: str, index: int, kind: str, max_pixels: int, width: int | None) -> bytes:
    ref = sources.PageRef(current_app.config["DANGAN"].scan_path(path), index, kind)
    if width and kind == "image" and index == 0:
        # Thumbnails: let the JPEG decoder scale down while decoding (several times faster).
        image = sources.open_image(ref.path, max_pixels)
        image.draft("RGB", (width * 2, width * 4))
        image = image.convert("RGB")
    else:
        image = sources.render_page(ref, max_pixels)
    if width and image.width > width:
        image = image.resize((width, round(image.height * width / image.width)),
                             Image.LANCZOS)
    buf = io.BytesIO()
    image.convert("RGB").save(buf, "JPEG", quality=85)
    return buf.getvalue()


def page_image(page, width: int | None = None) -> bytes:
    kind = "image" if not page.path.lower().endswith(".pdf") else "pdf_scan"
    cfg = current_app.config["DANGAN"]
    return _render(page.path, page.page - 1, kind, cfg.ocr.max_pixels, width)


@bp.route("/page/<int:page_id>/image")
def image(page_id: int):
    _store, page, meta = _load(page_id)
    if is_restricted(meta) and page.document not in session.get("cleared", []):
        abort(403, description="受控档案，需审批")
    width = request.args.get("w", type=int)
    if width is not None and not 32 <= width <= 4000:
        abort(400, description="图像宽度参数无效")
    try:
        data = page_image(page, width)
    except sources.BadFile as e:
        abort(404, description=f"扫描件无法读取：{e}")
    except FileNotFoundError:
        abort(404, description="扫描件文件已不在原位置")
    return Response(data, mimetype="image/jpeg",
                    headers={"Cache-Control": "private, max-age=300"})
