"""The page viewer: the scan with the hits marked, the OCR text beside it, the catalogue data.

Routes take page ids from the page store, never paths. Viewing — the page, its image, its
thumbnail — needs an open visit (查档登记) or a request being worked on, and every view is
logged. Restricted items (dangan/openness.py) show staff only "受控档案，需审批"; an admin opens
one document for the current visit or request after giving a reason, which is logged.
"""

from __future__ import annotations

import functools
import io
from urllib.parse import parse_qsl

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from PIL import Image
from werkzeug.datastructures import MultiDict

from dangan.corrections import effective, register
from dangan.desk import steps
from dangan.doctypes import label
from dangan.indexer import sources
from dangan.indexer.reading import term_boxes
from dangan.openness import is_restricted
from dangan.search.backend import IndexMissing
from dangan.search.explain import match_person
from dangan.search.query import QueryError
from dangan.text.dates import display_date
from dangan.text.normalize import display_form, normalize
from dangan.text.numbers import parse_int

from .. import gate
from ..security import log_access
from ..stores import page_store
from .corrections import may_review
from .search import PAGE_SIZE, remember_hits, run_search

bp = Blueprint("viewer", __name__)


def _load(page_id: int):
    store = page_store()
    page = store.page_by_id(page_id)
    if page is None:
        abort(404, description=store.page_problem(page_id))
    meta = store.document(page.document)
    return store, page, meta


def working_on_something() -> bool:
    return not gate.current_scope().empty


def highlight_boxes(page, person: str, terms: list[str]) -> list[list[int]]:
    """Boxes to draw: the matched person (their cell or roster row), then each term."""
    boxes = []
    if person:
        m = match_person(normalize(person), [p.__dict__ for p in page.fields.persons],
                         page.fields.text, page_store().aliases_of(normalize(person)),
                         ocr_alternatives=page.fields.ocr_alternatives)
        if m and m.box:
            boxes.append(m.box)
    boxes += [list(b) for b in term_boxes(page.lines, [normalize(t) for t in terms if t.strip()])]
    return boxes


def _asked_box(raw: str) -> list[list[int]]:
    """A cell to outline, as the dossier links to a fact ("box=x1,y1,x2,y2"); else none."""
    parts = [parse_int(v, 0, 1_000_000) for v in raw.split(",")] if raw else []
    return [parts] if len(parts) == 4 and None not in parts else []


@bp.route("/page/<int:page_id>", methods=["GET", "POST"])
def view(page_id: int):
    if not working_on_something():
        flash("查看档案前请先登记查档人信息（登记后直接打开所点的页面），"
              "或在申请页点“办理此申请”", "warn")
        return redirect(url_for("visits.new", next=request.full_path))
    store, page, meta = _load(page_id)
    restricted = is_restricted(meta)
    decision = gate.decide(meta, page.document, "content")
    if not decision.allowed:
        reason = request.form.get("reason", "").strip() if request.method == "POST" else ""
        if not decision.may_clear:
            gate.refuse_logged("content", page.path, page.page, page_id)
            return render_template("restricted.html", label=decision.label, page_id=page_id,
                                   can_clear=False), 403
        if not reason:  # logged like a clerk's refusal: an admin looked without a reason
            gate.refuse_logged("content", page.path, page.page, page_id)
            return render_template("restricted.html", label=decision.label, page_id=page_id,
                                   can_clear=True), 403
        gate.grant(page.document, reason, path=page.path, page=page.page, page_uid=page_id)
    # The page as staff corrected it (dangan/corrections): each line says 机器识别 or 人工核对
    reading = effective(page)
    page = reading.page
    person = request.args.get("person", "")
    terms = [t for t in request.args.get("terms", "").split("|") if t]
    log_access("view", page.path, page.page, f"person={person} terms={'|'.join(terms)}",
               page_uid=page_id)
    doc_pages = store.pages_of_document(page.document)
    ids = [store.page_id(p.path, p.page) for p in doc_pages]
    here = ids.index(page_id) if page_id in ids else 0
    context = {"person": person, "terms": "|".join(terms)}
    request_number = session.get("request_number")
    attached = False
    if request_number:
        req = steps.get(current_app.extensions["dangan_db"], request_number)
        attached = req is not None and any(p.page_id == page_id for p in req.pages)
    return render_template(
        "viewer.html", page=page, page_id=page_id, meta=meta, type_label=label,
        boxes=_asked_box(request.args.get("box", "")) + highlight_boxes(page, person, terms),
        width=page.width, height=page.height,
        doc_pages=list(zip(ids, doc_pages, strict=True)), here=here,
        prev_page=ids[here - 1] if here > 0 else None,
        next_page=ids[here + 1] if here + 1 < len(ids) else None,
        hit=_hit_position(page_id), results_url=_results_url(), context=context,
        restricted=restricted, display_date=display_date, attached=attached,
        screen_width=SCREEN_WIDTH, reading=reading, display_form=display_form,
        corrections=register.of_page(store.db, page_id), may_review=may_review)



# The viewer shows a rendition this wide (a screen's worth); zooming in loads the full scan.
SCREEN_WIDTH = 1200


def _results_url() -> str:
    """The result list the clerk came from, at the page they were on (not history.back(),
    which after 下一条结果 is the previous hit)."""
    query = session.get("hits_query")
    if not query:
        return url_for("search.index")
    page = session.get("hits_page", 1)
    return url_for("search.index") + "?" + query + (f"&p={page}" if page > 1 else "")


def _hit_position(page_id: int) -> dict | None:
    """Where this page stands in the last result list: {"n": 0-based, "total": N}."""
    hits = session.get("hits") or []
    asked = parse_int(request.args.get("hit", ""), 0)
    offset = (session.get("hits_page", 1) - 1) * PAGE_SIZE
    if asked is not None and 0 <= asked - offset < len(hits) and hits[asked - offset] == page_id:
        n = asked
    elif page_id in hits:
        n = offset + hits.index(page_id)
    else:
        return None
    return {"n": n, "total": session.get("hits_total", len(hits))}


@bp.route("/hit/<int:n>")
def hit(n: int):
    """The n-th hit (0-based) of the last result list, across its pages: 下一条结果 goes on
    past the 20 hits of one result page."""
    if not working_on_something():
        return redirect(url_for("visits.new", next=request.full_path))
    query = session.get("hits_query")
    total = session.get("hits_total", 0)
    if not query or n >= total:
        return redirect(_results_url())
    page_no = n // PAGE_SIZE + 1
    if page_no != session.get("hits_page", 1):
        form = MultiDict(parse_qsl(query))
        try:
            remember_hits(form, page_no, run_search(form, page_no))
        except (QueryError, IndexMissing):
            return redirect(_results_url())
    hits = session.get("hits") or []
    index = n - (page_no - 1) * PAGE_SIZE
    if index >= len(hits) or hits[index] is None:
        return redirect(_results_url())
    args = {"hit": n, "person": request.args.get("person", ""),
            "terms": request.args.get("terms", "")}
    return redirect(url_for("viewer.view", page_id=hits[index], **args))


@functools.lru_cache(maxsize=24)
def _render(path: str, index: int, kind: str, max_pixels: int, width: int | None,
            sha256: str = "") -> bytes:  # sha256: a changed file is never served from cache
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


def page_image(page, width: int | None = None, sha256: str = "") -> bytes:
    kind = "image" if not page.path.lower().endswith(".pdf") else "pdf_scan"
    cfg = current_app.config["DANGAN"]
    return _render(page.path, page.page - 1, kind, cfg.ocr.max_pixels, width, sha256)


class PageChanged(Exception):
    """The page an id was chosen as is not the page on disk any more; the message says why."""


def certified_page(page_id: int) -> tuple:
    """(page, catalogue meta, JPEG) for a certified copy — only if the scan on disk is still
    byte for byte what was indexed and chosen under this id; PageChanged otherwise."""
    from dangan.indexer.batch import sha256_of

    store = page_store()
    page = store.page_by_id(page_id)
    if page is None:
        raise PageChanged(store.page_problem(page_id))
    ident = store.page_identity(page_id)
    path = current_app.config["DANGAN"].scan_path(page.path)
    try:
        on_disk = sha256_of(path)
    except OSError:
        raise PageChanged(f"扫描件文件已不在原位置（{page.path}），不能出具复制件") from None
    if on_disk != ident["sha256"]:
        raise PageChanged(f"扫描件 {page.path} 在选定后已被改动（尚未重新索引），"
                          "为免出具与所选不符的页面，请重新索引后重新选择")
    return page, store.document(page.document), page_image(page, sha256=on_disk)


@bp.route("/page/<int:page_id>/image")
def image(page_id: int):
    if not working_on_something():
        abort(403, description="查看扫描件前请先登记查档，或在申请页点“办理此申请”")
    _store, page, meta = _load(page_id)
    width = None
    if request.args.get("w") is not None:
        width = parse_int(request.args["w"], 32, 4000)
        if width is None:
            abort(400, description="图像宽度参数无效")
    gate.require(meta, page.document, "thumbnail" if width and width <= 400 else "image",
                 path=page.path, page=page.page, page_uid=page_id)
    log_access("thumbnail" if width and width <= 400 else "image", page.path, page.page,
               f"w={width}" if width else "", page_uid=page_id)
    try:
        data = page_image(page, width, _store.page_identity(page_id)["sha256"])
    except sources.BadFile as e:
        abort(404, description=f"扫描件无法读取：{e}")
    except FileNotFoundError:
        abort(404, description="扫描件文件已不在原位置")
    # no-store like every page: a scan is personal data, kept by no browser or proxy.
    return Response(data, mimetype="image/jpeg", headers={"Cache-Control": "no-store"})
