"""The request desk's pages: the list with deadlines, intake at the desk, one request's
history and actions, the search prefilled from it, the reply PDF, and the CSV export."""

from __future__ import annotations

import urllib.parse
from dataclasses import replace

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
from sqlalchemy import select

from dangan import clock
from dangan.access import Scope
from dangan.accesstext import search_words
from dangan.desk import steps, workflow
from dangan.desk.deadlines import URGENCY_LABELS
from dangan.desk.forms import validate
from dangan.doctypes import TYPES
from dangan.exports import csv_text
from dangan.openness import RESTRICTED_LABEL, is_restricted, public_label
from dangan.papers.copies import reference
from dangan.papers.ink import load_stamp
from dangan.papers.letters import LetterFacts, not_found_certificate
from dangan.papers.letters import reply as papers_reply
from dangan.register import issued as issued_papers
from dangan.register.accounts import User
from dangan.register.requests import Request
from dangan.text.idnumbers import mask
from dangan.text.numbers import parse_int

from .. import gate
from ..counter.verify import issue
from ..counter.viewer import PageChanged, certified_page
from ..security import local_target, log_access
from ..stores import page_store
from .intake import as_typed

bp = Blueprint("desk", __name__, url_prefix="/requests")


def _db():
    return current_app.extensions["dangan_db"]


def _cfg():
    return current_app.config["DANGAN"]


def holding_choices() -> list[tuple[str, str]]:
    cfg = _cfg()
    return [(cfg.archive_code, f"本馆 {cfg.archive_name}"),
            *[(p.code, p.name) for p in cfg.peers]]


def _load(number: str) -> Request:
    req = steps.get(_db(), number)
    if req is None:
        abort(404, description="无此申请")
    return req


@bp.route("/")
def index():
    args = request.args
    q = select(Request).order_by(Request.due_on, Request.id)
    if args.get("status") in workflow.STATUSES:
        q = q.where(Request.status == args["status"])
    elif args.get("status") != "all":  # by default the desk sees what is still to do
        q = q.where(Request.status.not_in([workflow.DELIVERED]))
    if args.get("name", "").strip():
        like = args["name"].strip()
        q = q.where(Request.subject_name.contains(like) | Request.requester_name.contains(like))
    with _db().session() as s:
        rows = list(s.scalars(q.limit(500)))
    today = clock.today()
    marks = {r.id: r.urgency(today) for r in rows}
    counts = {k: sum(1 for v in marks.values() if v == k) for k in ("overdue", "due_today")}
    # Overdue first, then due today, then by deadline: the order the desk should work in.
    order = {"overdue": 0, "due_today": 1, "open": 2, "done": 3}
    rows.sort(key=lambda r: (order[marks[r.id]], r.due_on, r.id))
    return render_template("requests.html", rows=rows, marks=marks, counts=counts, mask=mask,
                           statuses=workflow.STATUSES, args=args)


@bp.route("/new", methods=["GET", "POST"])
def new():
    cfg = _cfg()
    values, errors = dict(request.args), []
    if request.method == "POST":
        values, errors = validate(request.form, holding=tuple(c for c, _ in holding_choices()))
        if not errors:
            req = steps.open_request(_db(), cfg, values, actor=g.user.username,
                                       user_id=g.user.id)
            flash(f"已受理申请 {req.number}，办理期限 {req.due_on:%Y-%m-%d}")
            if values["holding_archive"] != cfg.archive_code:
                try:
                    steps.forward(_db(), cfg, req.number, values["holding_archive"],
                                    actor=g.user.username, user_id=g.user.id)
                    flash("已转交档案保管馆办理")
                except steps.DeskError as e:
                    flash(f"{e}。申请已保存，可稍后在申请页重新转交。", "error")
            return redirect(url_for("desk.detail", number=req.number))
        values = as_typed(request.form)
    return render_template("request_new.html", values=values, errors=errors, types=TYPES,
                           holdings=holding_choices(), **_choices()), (400 if errors else 200)


def _choices() -> dict:
    return {"applicant_types": workflow.APPLICANT_TYPES, "channels": workflow.CHANNELS,
            "purposes": workflow.DOC_PURPOSES, "delivery": workflow.DELIVERY}


@bp.route("/<number>")
def detail(number: str):
    return _detail_page(_load(number))


def _detail_page(req: Request, draft: dict | None = None, status_error: str = "",
                 code: int = 200):
    """The request's page; after a refused status change, with what the clerk chose and
    typed still in the form and the reason beside it."""
    number = req.number
    today = clock.today()
    mark = req.urgency(today)
    left = steps.calendar(_cfg()).working_days_between(today, req.due_on)
    log_access("request_view", detail=number)
    from sqlalchemy import select as _select

    from dangan.register.accounts import Access

    from ..counter.logview import entries

    with _db().session() as s:
        # The request's own log: what was searched, viewed and copied while working it.
        work_log = entries(s, list(s.scalars(
            _select(Access).where(Access.request_number == number,
                                  Access.action.not_in(("thumbnail", "image", "request_view")))
            .order_by(Access.id))))
    return render_template(
        "request_detail.html", req=req, mask=mask, mark=mark, left=left, types=TYPES,
        choosable=workflow.choosable_by_hand(req.status), delivery=workflow.DELIVERY,
        open_statuses=workflow.OPEN,
        search_url=search_url(req), criteria=criteria(req), peers=_cfg().peers,
        working=session.get("request_number") == number, draft=draft or {},
        status_error=status_error, work_log=work_log,
        papers=issued_papers.issued_under(_db(), [number])[number],
        describe=issued_papers.describe,
        can_reply=req.status in (workflow.ISSUED, workflow.NOT_FOUND, workflow.DELIVERED)
    ), code


def criteria(req: Request) -> str:
    """What "办理此申请" searches for, in words (not a URL)."""
    words = search_words(urllib.parse.urlsplit(search_url(req)).query, TYPES)
    types = [TYPES.get(t, t) for t in req.doc_types.split(",") if t]
    if len(types) > 1:
        words += " 类型 " + "、".join(types)
    return words


def search_url(req: Request) -> str:
    """The counter search, filled in from what the request seeks."""
    args = {"person": req.subject_name}
    if req.year_from:
        args["from"] = str(req.year_from)
    if req.year_to:
        args["to"] = str(req.year_to)
    types = [t for t in req.doc_types.split(",") if t]
    if len(types) == 1:  # the form filters one type; several are listed on the request page
        args["type"] = types[0]
    return url_for("search.index") + "?" + urllib.parse.urlencode(args)


@bp.route("/<number>/work", methods=["POST"])
def work(number: str):
    """Make this request the one searches and views are logged against, and search for it."""
    req = _load(number)
    if steps.accept(_db(), req.number, actor=g.user.username, user_id=g.user.id):
        flash(f"已受理申请 {req.number}")  # the citizen's status page now says 已受理
    session["request_number"] = req.number
    # Who worked the request, and when, stands in its own log (the visit is suspended).
    log_access("request_work", detail=f"开始办理申请 {req.number}")
    return redirect(search_url(req))


@bp.route("/<number>/release", methods=["POST"])
def release(number: str):
    if session.get("request_number") == number:
        session.pop("request_number", None)
    return redirect(url_for("desk.detail", number=number))


@bp.route("/<number>/status", methods=["POST"])
def status(number: str):
    try:
        steps.change_status(_db(), number, request.form.get("status", ""),
                              actor=g.user.username, user_id=g.user.id,
                              note=request.form.get("note", "").strip(),
                              delivery=request.form.get("delivery", ""))
        flash(f"状态已改为：{request.form.get('status')}")
        if request.form.get("status") not in workflow.OPEN and \
                session.get("request_number") == number:
            session.pop("request_number", None)  # the search for it is over
    except steps.DeskError as e:
        # The change was refused: say why in red, and keep what was chosen and typed.
        draft = {k: request.form.get(k, "") for k in ("status", "delivery", "note")}
        return _detail_page(_load(number), draft, f"状态未更改：{e}。请修改后再点“确认”。", 400)
    return redirect(url_for("desk.detail", number=number))


@bp.route("/<number>/pages", methods=["POST"])
def attach(number: str):
    store = page_store()
    added = 0
    for raw in request.form.getlist("page_id"):
        page_id = parse_int(raw, 1)
        page = store.page_by_id(page_id) if page_id is not None else None
        if page is None:
            abort(400, description=store.page_problem(page_id) if page_id is not None
                  else "无此页面")
        meta = store.document(page.document) or {}
        if is_restricted(meta):
            # A restricted page joins a request only once an admin has opened it for this
            # request; its label carries only the open catalogue fields.
            if session.get("request_number") != number or \
                    not gate.decide(meta, page.document, "attach").allowed:
                abort(403, description=f"{RESTRICTED_LABEL}：须由管理员在办理此申请时填写理由"
                                       "打开后方可加入申请")
            label = f"{public_label(meta)} 第{page.page_in_document}页"
        elif meta.get("archive_code"):
            label = f"档号：{meta['archive_code']} 第{page.page_in_document}页"
            if meta.get("title"):
                label += f"（{meta['title']}）"
        else:  # not catalogued yet: it has a title, and no 档号 line to print
            title = meta.get("title") or page.fields.title
            label = (f"题名：{title}" if title else "未编档号") + f" 第{page.page_in_document}页"
        try:
            added += steps.attach_page(_db(), number, page_id, label, g.user.username)
        except steps.DeskError as e:
            flash(str(e), "error")
            return redirect(url_for("desk.detail", number=number))
        log_access("request_attach", page.path, page.page, number, page_uid=int(raw))
    flash(f"已附加 {added} 页到申请 {number}" if added else "该页已在申请中")
    return redirect(local_target(request.form.get("next"),
                                 url_for("desk.detail", number=number)))


@bp.route("/<number>/pages/<int:row_id>/remove", methods=["POST"])
def detach(number: str, row_id: int):
    try:
        steps.detach_page(_db(), number, row_id)
    except steps.DeskError as e:
        flash(str(e), "error")
    return redirect(url_for("desk.detail", number=number))


@bp.route("/<number>/forward", methods=["POST"])
def forward(number: str):
    try:
        req = steps.forward(_db(), _cfg(), number, request.form.get("peer", ""),
                              actor=g.user.username, user_id=g.user.id)
        flash(f"已转交 {req.forwarded_to}，对方编号 {req.remote_number}")
    except steps.DeskError as e:
        flash(str(e), "error")
    return redirect(url_for("desk.detail", number=number))


@bp.route("/<number>/refresh", methods=["POST"])
def refresh(number: str):
    try:
        req = steps.refresh_remote(_db(), _cfg(), number)
        flash(f"外馆办理状态：{req.remote_status or '未知'}")
    except steps.DeskError as e:
        flash(str(e), "error")
    return redirect(url_for("desk.detail", number=number))


def _facts(req: Request, note: str = "") -> LetterFacts:
    issued = next((e for e in reversed(req.events)
                   if e.to_status in (workflow.ISSUED, workflow.NOT_FOUND)), None)
    # 经办人 is a person's real name, not a login: the member of staff who issued the result.
    staff = g.user.display_name
    if issued is not None and issued.user_id is not None:
        with _db().session() as s:
            issuer = s.get(User, issued.user_id)
            staff = issuer.display_name if issuer else issued.actor
    elif issued is not None:
        staff = issued.actor
    return LetterFacts(
        archive_name=_cfg().archive_name, number=req.number,
        requester_name=req.requester_name, requester_id_number=req.requester_id_number,
        accepted_on=req.accepted_on, subject_name=req.subject_name, purpose=req.purpose,
        staff=staff, subject_former_names=req.subject_former_names,
        subject_birth_year=req.subject_birth_year, subject_unit=req.subject_unit,
        year_from=req.year_from, year_to=req.year_to,
        doc_types=[TYPES[t] for t in req.doc_types.split(",") if t in TYPES],
        found=[p.label for p in req.pages], search_note=note or req.result_note or "")


@bp.route("/<number>/reply.pdf", methods=["GET", "POST"])
def reply(number: str):
    """The reply: result letter plus certified copies, or the 查无档案证明. Restricted pages
    are printed only by an admin who gives a reason for this reply (asked every time)."""
    req = _load(number)
    cfg = _cfg()
    stamp = load_stamp(current_app.config.get("COPY_STAMP"), cfg.archive_name)
    # While searching, POST builds the reply first and then marks the request with it
    # (已出具 with pages, 未查到 without): the status never claims a paper not yet made.
    marking = request.method == "POST" and req.status == workflow.SEARCHING
    result = (workflow.ISSUED if req.pages else workflow.NOT_FOUND) if marking else None
    note = request.form.get("note", "").strip()[:500] if marking else ""
    found = result == workflow.ISSUED or req.status == workflow.ISSUED or (
        req.status == workflow.DELIVERED and req.pages)
    if result == workflow.NOT_FOUND or req.status == workflow.NOT_FOUND or (
            req.status == workflow.DELIVERED and not req.pages):
        kind = "查无档案证明"
        facts = _facts(req, note)
        pdf, code = issue(kind, number, 0, [], lambda code, url: not_found_certificate(
            replace(facts, verification=(code, url)), stamp))
    elif found:
        chosen, closed = [], []
        for row in req.pages:
            try:
                page, meta, jpeg = certified_page(row.page_id)
            except PageChanged as e:
                abort(409, description=f"{row.label}：{e}")
            if is_restricted(meta):
                closed.append((row, page))
            chosen.append((page, meta, jpeg))
        if closed:
            reason = request.form.get("reason", "").strip() if request.method == "POST" else ""
            if not g.user.is_admin:
                abort(403, description=f"申请含{RESTRICTED_LABEL}的页面，须由管理员填写理由后出具")
            if not reason:  # an admin's look without a reason is logged like a refusal
                for row, page in closed:
                    gate.refuse_logged("reply", page.path, page.page, row.page_id)
                return render_template("reply_reason.html", number=number, note=note,
                                       labels=[r.label for r, _ in closed]), 403
            for row, page in closed:
                gate.grant(page.document, reason, purpose="reply", request_number=number,
                           path=page.path, page=page.page, page_uid=row.page_id)
        for row, (page, meta, _jpeg) in zip(req.pages, chosen, strict=True):
            # The reply's scope is the request itself, whatever this window is working on.
            gate.require(meta, page.document, "reply", scope=Scope(request_number=number),
                         path=page.path, page=page.page, page_uid=row.page_id)
        facts = _facts(req, note)
        kind = "档案查询结果告知书"

        def build(code: str, url: str) -> bytes:
            return papers_reply(replace(facts, verification=(code, url)), stamp, chosen)

        pdf, code = issue(kind, number, len(chosen),
                          [f"{reference(p, m)} 第{p.page_in_document}页"
                           for p, m, _ in chosen], build)
        for row, (page, _meta, _jpeg) in zip(req.pages, chosen, strict=True):
            log_access("copy", page.path, page.page, f"申请 {number} 出具", page_uid=row.page_id)
    else:
        abort(409, description="申请尚在办理：请在申请页点“出具结果告知书”或“出具查无档案证明”")
    if result is not None:
        try:
            steps.change_status(_db(), number, result, actor=g.user.username,
                                  user_id=g.user.id, by_hand=False,
                                  note=f"{note}（{kind} 核验码 {code}）" if note
                                  else f"{kind} 核验码 {code}")
        except steps.DeskError as e:  # changed at another desk meanwhile
            abort(409, description=str(e))
    out = cfg.data_dir / "replies"
    out.mkdir(parents=True, exist_ok=True)
    name = f"{number}-{clock.now():%Y%m%d%H%M%S}.pdf"
    (out / name).write_bytes(pdf)  # what was handed out is kept with the register
    log_access("request_reply", detail=f"{number} {kind} 核验码 {code}")
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f"attachment; filename={number}.pdf"})


@bp.route("/export.csv")
def export():
    with _db().session() as s:
        rows = list(s.scalars(select(Request).order_by(Request.id)))
    today = clock.today()
    header = ["申请编号", "受理日期", "办理期限", "期限状态", "状态", "渠道", "代查代送",
              "申请人", "身份证号", "申请人类型", "所查人员", "曾用名", "年份", "用途",
              "受理馆", "保管馆", "外馆编号", "外馆状态", "反馈方式"]
    out = []
    for r in rows:
        years = f"{r.year_from or ''}–{r.year_to or ''}" if r.year_from or r.year_to else ""
        out.append([r.number, r.accepted_on, r.due_on, URGENCY_LABELS[r.urgency(today)],
                    r.status, r.channel, "是" if r.delegated else "否", r.requester_name,
                    mask(r.requester_id_number), r.applicant_type, r.subject_name,
                    r.subject_former_names, years, r.purpose, r.receiving_archive,
                    r.holding_archive, r.remote_number, r.remote_status, r.delivery])
    text = csv_text(header, out)
    log_access("request_export", detail=f"{len(rows)} rows")
    return Response(text, mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=requests.csv"})
