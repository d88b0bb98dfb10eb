"""著录 corrections over HTTP: a clerk proposes what a line or a fact reads (from the viewer
or the dossier), an admin confirms or rejects it, and a confirmed one is in the index at once.
The rules and the register are dangan/corrections; here are only the forms, the gate
(correcting a page is reading it: web/gate.py, as the viewer) and the access log, whose entry
names the correction and its digest (so the register's audit chain covers it)."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from dangan.corrections import CorrectionError, propose, register, review
from dangan.corrections.publish import publish
from dangan.text.numbers import parse_int

from .. import gate
from ..security import local_target, log_access
from ..stores import page_store, search_index

bp = Blueprint("corrections", __name__)


def _back(page_id: int | None = None) -> str:
    fallback = (url_for("viewer.view", page_id=page_id) if page_id
                else url_for("corrections.index"))
    return local_target(request.form.get("next"), fallback)


def _locator() -> dict:
    if request.form.get("target") == "line":
        return {"line": parse_int(request.form.get("line", ""), 0, 100_000)}
    row = request.form.get("row", "")
    return {"kind": request.form.get("kind", ""), "row": parse_int(row, 1, 100_000) if row
            else None, "subject": request.form.get("subject") or None,
            "value": request.form.get("fact_value", "")}


@bp.route("/page/<int:page_id>/correct", methods=["POST"])
def correct(page_id: int):
    store = page_store()
    page = store.page_by_id(page_id)
    if page is None:
        abort(404, description=store.page_problem(page_id))
    # Correcting a page is reading it: the same gate as the viewer (scope, restriction)
    gate.require(store.document(page.document), page.document, "content", path=page.path,
                 page=page.page, page_uid=page_id)
    value = request.form.get("value", "")
    try:
        c = propose(store, page_id=page_id, target=request.form.get("target", ""),
                    locator=_locator(), value=value, reason=request.form.get("reason", ""),
                    user_id=g.user.id, user_name=g.user.display_name)
    except CorrectionError as e:
        flash(f"更正未提交：{e}（您填写的是：{value[:200]}）", "warn")
        return redirect(_back(page_id))
    log_access("correction", page.path, page.page, register.logged_entry("提出", c),
               page_uid=page_id)
    flash(f"已提出更正 #{c.id}（{c.what}），待管理员确认后生效")
    return redirect(_back(page_id))


def _document_of(store, c) -> tuple[dict | None, str]:
    """The catalogue meta and document of the file a correction is about (as it is now)."""
    row = store.db.execute("SELECT document FROM files WHERE path=?", (c.path,)).fetchone()
    document = row[0] if row and row[0] else ""
    return (store.document(document) if document else None), document


def shown(c) -> bool:
    """May the text of this correction (a page's words) be shown here? The gate's answer
    for the page's document: a scope, and clearance for a restricted item."""
    meta, document = _document_of(page_store(), c)
    return gate.decide(meta, document, "content").allowed


@bp.route("/corrections/")
def index():
    db = page_store().db
    log_access("corrections", detail="查看更正列表")
    return render_template("corrections.html", pending=register.pending(db),
                           flagged=register.flagged(db), may_review=may_review, shown=shown)


def may_review(c) -> bool:
    """Whether the user at the counter may confirm or reject this correction."""
    return register.may_review(
        c, user_id=g.user.id, is_admin=g.user.is_admin,
        self_confirm=current_app.config["DANGAN"].corrections_self_confirm) is None


@bp.route("/corrections/<int:correction_id>/review", methods=["POST"])
def decide(correction_id: int):
    store = page_store()
    decision = request.form.get("decision", "")
    c = register.get(store.db, correction_id)
    if c is not None:  # deciding on a page's words is reading them: the viewer's gate
        meta, document = _document_of(store, c)
        gate.require(meta, document, "content", path=c.path, page=c.page,
                     page_uid=c.page_id)
    try:
        c = review(store, correction_id, decision=decision, user_id=g.user.id,
                   user_name=g.user.display_name, is_admin=g.user.is_admin,
                   self_confirm=current_app.config["DANGAN"].corrections_self_confirm,
                   note=request.form.get("note", ""))
    except CorrectionError as e:
        flash(f"未处理：{e}", "warn")
        return redirect(_back())
    verb = register.DECISIONS[decision]
    log_access("correction_review", c.path, c.page, register.logged_entry(verb, c),
               page_uid=c.page_id)
    if c.status == "confirmed":
        cfg = current_app.config["DANGAN"]
        publish(search_index(), store, cfg.data_dir, c.path)  # searchable at once
        flash(f"已确认更正 #{c.id}：检索和人员档案线索即时按更正后的内容")
    else:
        flash(f"已驳回更正 #{c.id}")
    return redirect(_back(c.page_id))
