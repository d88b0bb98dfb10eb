"""查档登记: register the citizen before viewing, close the visit with its outcome, list and
export the register. ID numbers are validated, stored, and shown masked everywhere."""

from __future__ import annotations

import datetime as dt
import random
import re
import time

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
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from dangan import clock
from dangan.desk.forms import normalize_phone, phone_ok
from dangan.exports import csv_text
from dangan.register import custody
from dangan.register import issued as registry
from dangan.register.accounts import (
    OUTCOMES,
    PURPOSES,
    RELATIONSHIPS,
    Access,
    User,
    Visit,
    VisitCorrection,
    VisitEvent,
    now,
)
from dangan.text.idnumbers import clean as clean_id
from dangan.text.idnumbers import mask, mask_in_text
from dangan.text.idnumbers import problem as id_problem

from ..security import current_visit_id, local_target
from .logview import entries

bp = Blueprint("visits", __name__, url_prefix="/visits")
OPEN = "办理中"  # a visit not yet closed, as the register lists it
_NAME = re.compile(r"^[\u4e00-\u9fffA-Za-z·．. ]{2,30}$")


def _db():
    return current_app.extensions["dangan_db"]


def validate(form) -> tuple[dict, list[str]]:
    """Clean values and the list of problems, in words for the clerk."""
    errors = []
    name = form.get("requester_name", "").strip()[:60]
    number = clean_id(form.get("id_number", "")[:40])
    relationship = form.get("relationship", "")
    purpose = form.get("purpose", "")
    if not _NAME.match(name):
        errors.append("查档人姓名应为 2–30 个汉字或字母")
    if reason := id_problem(number):
        errors.append(f"身份证号码无效：{reason}")
    if relationship not in RELATIONSHIPS:
        errors.append("请选择与档案当事人的关系")
    if purpose not in PURPOSES:
        errors.append("请选择查档用途")
    subject = form.get("subject_name", "").strip()[:60]
    if (subject and not _NAME.match(subject)) or (
            relationship in RELATIONSHIPS and relationship != "本人" and not subject):
        errors.append("亲属或代理查档，请填写所查人员姓名（如 父亲的姓名）")
    phone = normalize_phone(form.get("phone", "")[:32]) if form.get("phone", "").strip() else ""
    if phone and not phone_ok(phone):
        errors.append("回电号码应为 11 位手机号（如 139-0931-2345）或带区号的固定电话")
    note = form.get("note", "").strip()[:500]
    if not errors and not subject:
        subject = name  # 本人: one's own records (only on saving: the form shows what was typed)
    return {"requester_name": name, "id_number": number, "relation": relationship,
            "purpose": purpose, "note": note, "subject_name": subject, "phone": phone}, errors


def register(archive_code: str, staff_id: int, values: dict) -> Visit | None:
    """Save a visit under the day's next number. Two windows registering in the same
    instant count the same visits and pick the same number: the database's unique number
    refuses the second, which counts again (it then sees the first) and never takes a number
    at or below the one refused (a row it cannot count, e.g. one stamped just before
    midnight, must not make it retry the same number). None if it still collides after many
    tries: the form is shown again with what was typed."""
    today = clock.today()
    refused = 0
    for attempt in range(50):
        with _db().session() as s:
            count = s.scalar(select(func.count(Visit.id)).where(
                Visit.started_at >= dt.datetime.combine(today, dt.time())))
            n = max(count + 1, refused + 1)
            visit = Visit(number=f"{archive_code}-{today:%Y%m%d}-{n:04d}",
                          staff_id=staff_id, **values)
            s.add(visit)
            try:
                s.commit()
            except IntegrityError:
                s.rollback()
                refused = n
                time.sleep(random.uniform(0, 0.005 * (attempt + 1)))
                continue
            return visit
    return None


def _new_page(values: dict, errors: list[str], status: int = 200):
    # `next`: the page the clerk was opening when sent here; registration leads back to it.
    nxt = local_target(request.values.get("next"), "")
    open_id = current_visit_id()
    return render_template("visit_new.html", values=values, errors=errors, next=nxt,
                           open_visit=(open_id, session.get("visit_number")) if open_id else None,
                           relationships=RELATIONSHIPS, purposes=PURPOSES), status


@bp.route("/new", methods=["GET", "POST"])
def new():
    values, errors = {}, []
    if request.method == "POST":
        values, errors = validate(request.form)
        if not errors:
            visit = register(current_app.config["DANGAN"].archive_code, g.user.id, values)
            if visit is None:
                flash("同时登记的人较多，登记号分配失败，请再点一次“登记”", "error")
                return _new_page(values, [], 503)
            previous = session.get("visit_number")
            session.pop("request_number", None)  # counter work now: one scope at a time
            session["visit_id"] = visit.id
            session["visit_number"] = visit.number
            flash(f"已登记查档 {visit.number}" + (f"；上一位 {previous} 仍为办理中，可在登记簿办结"
                                              if previous else ""))
            return redirect(local_target(request.form.get("next"), url_for("search.index")))
    return _new_page(values, errors, 400 if errors else 200)


def _visit(s, visit_id: int) -> Visit:
    visit = s.get(Visit, visit_id)
    if visit is None:
        abort(404, description="无此查档登记")
    return visit


@bp.route("/<int:visit_id>/resume", methods=["POST"])
def resume(visit_id: int):
    """Pick an open visit back up (after a logout, a timeout, or from another window): its
    holder continues; an admin takes another's over (recorded, ending its clearances); staff
    need the holder's hand-over first (dangan/register/custody.py)."""
    with _db().session() as s:
        visit = _visit(s, visit_id)
    try:
        taken = custody.take_over(_db(), visit, by=g.user)
    except custody.CustodyError as e:
        if visit.ended_at is not None:
            flash(str(e), "error")
            return redirect(url_for("visits.detail", visit_id=visit_id))
        current_app.logger.info("visit resume refused: user %s visit %s", g.user.id, visit_id)
        abort(403, description=str(e))
    session.pop("request_number", None)  # counter work now: one scope at a time
    session["visit_id"], session["visit_number"] = visit.id, visit.number
    g.pop("open_visit_checked", None)
    flash(f"{'已接管' if taken else '继续办理'}查档登记 {visit.number}")
    return redirect(url_for("search.index"))


@bp.route("/<int:visit_id>/handover", methods=["POST"])
def handover(visit_id: int):
    """The holder hands the visit to a colleague, who may then resume it."""
    with _db().session() as s:
        visit = _visit(s, visit_id)
    try:
        to = custody.hand_over(_db(), visit, by=g.user,
                               to_username=request.form.get("to", ""))
    except custody.CustodyError as e:
        abort(403, description=str(e))
    if session.get("visit_id") == visit_id:
        session.pop("visit_id", None)
        session.pop("visit_number", None)
    flash(f"查档登记 {visit.number} 已移交 {to.display_name}")
    return redirect(url_for("visits.detail", visit_id=visit_id))


@bp.route("/<int:visit_id>/close", methods=["POST"])
def close(visit_id: int):
    """Close with the outcome: by the holder or an admin, once; who and when are recorded.
    What was copied is not asked: the register derives it from the papers issued."""
    outcome = request.form.get("outcome", "")
    with _db().session() as s:
        visit = _visit(s, visit_id)
    if visit.ended_at is None and not custody.may_close(_db(), g.user, visit):
        abort(403, description="只有此登记的经办人或管理员可以办结")
    if outcome not in OUTCOMES:
        flash("未办结：请先选择查档结果（查到 / 未查到），再点“办结”", "error")
        return redirect(url_for("visits.detail", visit_id=visit_id))
    with _db().session() as s:
        visit = _visit(s, visit_id)
        if visit.ended_at is not None:
            # Closing is once: what was recorded stands; a correction is a new entry.
            return render_template(
                "error.html", message=f"查档登记 {visit.number} 已于 "
                f"{visit.ended_at:%Y-%m-%d %H:%M} 办结，不能再次办结；如需更正请添加更正记录",
                code=409), 409
        visit.outcome = outcome
        visit.closed_by = g.user.id
        visit.ended_at = now()
        s.commit()
    if session.get("visit_id") == visit_id:
        session.pop("visit_id", None)
        session.pop("visit_number", None)
    flash("查档已办结")
    return redirect(url_for("visits.index"))


@bp.route("/<int:visit_id>/correct", methods=["POST"])
def correct(visit_id: int):
    """A correction to a closed visit is a new entry that references it; the visit stays."""
    note = request.form.get("note", "").strip()[:500]
    with _db().session() as s:
        visit = s.get(Visit, visit_id)
        if visit is None:
            return render_template("error.html", message="无此查档登记"), 404
        if not note:
            flash("未添加更正：请填写更正说明", "error")
        else:
            s.add(VisitCorrection(visit_id=visit_id, user_id=g.user.id, note=note))
            s.commit()
            flash("已添加更正记录")
    return redirect(url_for("visits.detail", visit_id=visit_id))


@bp.route("/<int:visit_id>")
def detail(visit_id: int):
    db = _db()
    with db.session() as s:
        visit = _visit(s, visit_id)
        # What the citizen saw and took: searches, pages, copies. Thumbnails and the scan
        # under each page view are in the access log (admin), not repeated here.
        log = entries(s, list(s.scalars(
            select(Access).where(Access.visit_id == visit_id,
                                 Access.action.not_in(("thumbnail", "image")))
            .order_by(Access.at, Access.id))))
        staff = visit.staff.display_name
        names = {u.id: u.display_name for u in s.scalars(select(User))}
        corrections = list(s.scalars(select(VisitCorrection).where(
            VisitCorrection.visit_id == visit_id).order_by(VisitCorrection.id)))
        correctors = {c.id: names.get(c.user_id, "") for c in corrections}
        events = list(s.scalars(select(VisitEvent).where(VisitEvent.visit_id == visit_id)
                                .order_by(VisitEvent.id)))
    papers = registry.issued_under(db, [visit.number])[visit.number]
    holder = custody.holder(db, visit)
    return render_template("visit_detail.html", visit=visit, log=log, staff=staff, mask=mask,
                           outcomes=OUTCOMES, corrections=corrections, correctors=correctors,
                           current=session.get("visit_id") == visit_id, names=names,
                           events=events, papers=papers, describe=registry.describe,
                           copied=registry.copied_text(papers, visit.copied),
                           holder=names.get(holder, ""), is_holder=holder == g.user.id,
                           closed_by=names.get(visit.closed_by, "") if visit.closed_by else "")


_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_day(text: str) -> dt.date | None:
    """A YYYY-MM-DD from the register's filter form; None for anything else (the filter
    is then not applied, as for an empty field)."""
    text = (text or "").strip()
    if not _DAY.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _filtered(args):
    q = select(Visit).order_by(Visit.started_at.desc())
    if args.get("name"):
        q = q.where(Visit.requester_name.contains(args["name"].strip()[:60]))
    if args.get("outcome") in OUTCOMES:
        q = q.where(Visit.outcome == args["outcome"])
    elif args.get("outcome") == OPEN:
        q = q.where(Visit.ended_at.is_(None))
    if args.get("purpose") in PURPOSES:
        q = q.where(Visit.purpose == args["purpose"])
    for key, op in (("from", ">="), ("to", "<")):
        day = parse_day(args.get(key, ""))
        if day is None:
            continue
        if op == ">=":
            q = q.where(Visit.started_at >= dt.datetime.combine(day, dt.time()))
        elif day < dt.date.max:  # "to 9999-12-31" means no end; the day after overflows
            q = q.where(Visit.started_at < dt.datetime.combine(day + dt.timedelta(days=1),
                                                               dt.time()))
    return q


@bp.route("/")
def index():
    with _db().session() as s:
        visits = list(s.scalars(_filtered(request.args).limit(500)))
        staff = {v.id: v.staff.display_name for v in visits}
    papers = registry.issued_under(_db(), [v.number for v in visits])
    copied = {v.id: registry.copied_text(papers[v.number], v.copied) for v in visits}
    return render_template("visits.html", visits=visits, staff=staff, mask=mask, copied=copied,
                           args=request.args, outcomes=(*OUTCOMES, OPEN), purposes=PURPOSES)


@bp.route("/export.csv")
def export():
    with _db().session() as s:
        visits = list(s.scalars(_filtered(request.args)))
        names = {u.id: u.display_name for u in s.scalars(select(User))}
        papers = registry.issued_under(_db(), [v.number for v in visits])
        rows = [[v.number, clock.shown(v.started_at, seconds=True), v.requester_name,
                 mask(v.id_number), v.relation, v.purpose, v.outcome or OPEN,
                 clock.shown(v.ended_at, seconds=True),
                 registry.copied_text(papers[v.number], v.copied), mask_in_text(v.note),
                 v.staff.display_name, names.get(v.closed_by, "") if v.closed_by else ""]
                for v in visits]
    text = csv_text(["登记号", "登记时间", "查档人", "身份证号", "关系", "用途", "结果",
                     "办结时间", "复制内容", "备注", "经办人", "办结人"], rows)
    return Response(text, mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=visits.csv"})
