"""人员档案线索: the dossier of a name (dangan/dossier) over HTTP — the candidate persons,
staff's confirm / split / merge, facts linking to the page with the cell outlined, and the
printable 查档结果摘要 issued like any certified copy (register, restriction, verification).
Viewing needs a visit or a request being worked on, and every view and decision is logged."""

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
    url_for,
)
from sqlalchemy import select

from dangan.corrections import fact_locator, provenance
from dangan.doctypes import label as type_label
from dangan.dossier import open_dossier
from dangan.dossier.summary import TITLE, summary_lines
from dangan.dossier.timeline import service_line, shown_date
from dangan.indexer.facts import FACT_KINDS
from dangan.papers.copies import reference
from dangan.papers.ink import load_stamp
from dangan.papers.summary import summary_pdf
from dangan.pension.reckon import reckon
from dangan.pension.special import settings_of
from dangan.register.accounts import User, Visit
from dangan.register.dossiers import (
    ACTION_LABELS,
    ACTIONS,
    NoteNeeded,
    decisions_for,
    record_decision,
)
from dangan.search.backend import IndexMissing
from dangan.search.query import QueryError
from dangan.text.idnumbers import mask

from .. import gate
from ..security import current_visit_id, log_access
from ..stores import page_store, search_index
from .verify import issue
from .viewer import PageChanged, certified_page, working_on_something

bp = Blueprint("dossier", __name__, url_prefix="/dossier")
MAX_NAME = 20


def _name() -> str:
    name = (request.values.get("name") or "").strip()
    if not name:
        abort(400, description="请填写要查的姓名")
    if len(name) > MAX_NAME:
        abort(400, description=f"姓名最多 {MAX_NAME} 个字")
    return name


def _db():
    return current_app.extensions["dangan_db"]


def _open(name: str):
    try:
        return open_dossier(search_index(), page_store(), name, decisions_for(_db(), name),
                            gate.cleared_documents())
    except IndexMissing:
        abort(503, description="索引尚未建立，请先运行 dangan index")
    except QueryError as e:  # not a name the search can look up ("-1", "²")
        abort(400, description=str(e))


@bp.route("/")
def show():
    if not working_on_something():
        flash("查看人员档案线索前请先登记查档人信息，或在申请页点“办理此申请”")
        return redirect(url_for("visits.new", next=request.full_path))
    name = _name()
    d = _open(name)
    log_access("dossier", detail=f"人员档案线索 {name}：{len(d.records)} 条记录，"
               f"{len(d.persons)} 个候选人员")
    settings = settings_of(current_app.config["DANGAN"])
    retirement = {i: reckon(p, settings) for i, p in enumerate(d.persons, 1)
                  if p.group.confirmed}  # a reckoning rests on records staff confirmed
    with _db().session() as s:
        deciders = {u.id: u.display_name for u in s.scalars(select(User))}
    return render_template("dossier.html", d=d, name=name, kinds=FACT_KINDS, mask=mask,
                           deciders=deciders,
                           references=d.references(page_store()), action_labels=ACTION_LABELS,
                           type_label=type_label, fact_locator=fact_locator,
                           provenance=provenance, retirement=retirement,
                           service_line=service_line, shown_date=shown_date)


@bp.route("/decide", methods=["POST"])
def decide():
    if not working_on_something():
        abort(403, description="请先登记查档或办理申请")
    name = _name()
    action = request.form.get("action", "")
    if action not in ACTIONS:
        abort(400, description="未知操作")
    keys = [k for k in request.form.getlist("key") if k.replace(":", "").isdigit()]
    if not keys:
        flash("请至少选择一条记录")
        return redirect(url_for("dossier.show", name=name))
    note = request.form.get("note", "")[:500]
    try:
        record_decision(_db(), user_id=g.user.id, name=name, action=action, keys=keys,
                        visit_id=current_visit_id(), note=note)
    except NoteNeeded as e:
        flash(str(e), "error")
        return redirect(url_for("dossier.show", name=name))
    log_access("dossier_decision", detail=f"{name} {ACTION_LABELS[action]}：{','.join(keys)}")
    flash(f"已{ACTION_LABELS[action]}（{len(keys)} 条记录）")
    return redirect(url_for("dossier.show", name=name))


@bp.route("/summary", methods=["POST"])
def summary():
    """The 查档结果摘要 of a confirmed person, with certified copies of the pages it cites."""
    scope = gate.current_scope()
    visit_id, request_number = scope.visit_id, scope.request_number
    if scope.empty:
        abort(403, description="出具查档结果摘要前请先登记查档或办理申请")
    name = _name()
    keys = set(request.form.getlist("key"))
    d = _open(name)
    person = next((p for p in d.persons if p.group.confirmed and keys
                   and keys <= set(p.group.keys)), None)
    if person is None:
        abort(409, description="请先确认该人员的档案记录（确认为同一人）后再出具摘要")
    cfg = current_app.config["DANGAN"]
    if visit_id is not None:
        with _db().session() as s:
            visit = s.get(Visit, visit_id)
        number, label, use = visit.number, "查档登记号", visit.purpose
    else:
        number, label, use = request_number, "申请编号", "查档"
    chosen, page_ids = [], []
    for r in person.group.records:
        if r.page_id in page_ids:
            continue
        try:
            page, meta, jpeg = certified_page(r.page_id)
        except PageChanged as e:
            abort(409, description=str(e))
        gate.require(meta, page.document, "copy", path=page.path, page=page.page,
                     page_uid=r.page_id)
        chosen.append((page, meta, jpeg))
        page_ids.append(r.page_id)
    lines = summary_lines(person, name, d.references(page_store()),
                          reckon(person, settings_of(cfg)))
    stamp = load_stamp(current_app.config.get("COPY_STAMP"), cfg.archive_name)

    def build(code: str, url: str) -> bytes:
        return summary_pdf(cfg.archive_name, number, label, g.user.display_name, lines,
                           verification=(code, url), pages=chosen, use=use, stamp=stamp)

    pdf, code = issue(TITLE, number, len(chosen),
                      [f"{reference(p, m)} 第{p.page_in_document}页" for p, m, _ in chosen], build)
    for page_id, (page, _, _) in zip(page_ids, chosen, strict=True):
        log_access("copy", page.path, page.page, f"{TITLE} {name} 核验码 {code}",
                   page_uid=page_id)
    out = cfg.data_dir / "summaries"  # kept as handed out, apart from plain copies
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{number}-{code}.pdf").write_bytes(pdf)
    return Response(pdf, mimetype="application/pdf",
                    # inline: the button says 打印, so it opens in the browser's PDF viewer
                    # to be printed, as a certified copy does, rather than downloading
                    headers={"Content-Disposition": f"inline; filename={number}-summary.pdf"})
