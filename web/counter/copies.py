"""Certified copies at the counter: the 复制清单 and the copy form. The paper itself is drawn by
dangan.papers.copies; this module checks the gate, issues it and returns its bytes."""

from __future__ import annotations

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

from dangan import clock
from dangan.openness import open_title
from dangan.papers.copies import certified_copy, reference
from dangan.papers.ink import load_stamp
from dangan.register.accounts import PURPOSES, Visit
from dangan.text.numbers import parse_int

from .. import gate
from ..security import current_visit_id, local_target, log_access
from ..stores import page_store
from .verify import issue
from .viewer import PageChanged, certified_page

bp = Blueprint("copies", __name__)


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
                      lambda code, url: certified_copy(chosen, cfg.archive_name, visit.number,
                                                       use, stamp,
                                                       verification=(code, url)))
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
