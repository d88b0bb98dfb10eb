"""查档登记: register the citizen before viewing, close the visit with its outcome, list and
export the register. ID numbers are validated, stored, and shown masked everywhere."""

from __future__ import annotations

import datetime as dt
import re

from flask import (
    Blueprint,
    Response,
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

from dangan.exports import csv_text
from dangan.records.accounts import (
    OUTCOMES,
    PURPOSES,
    RELATIONSHIPS,
    Access,
    Visit,
    VisitCorrection,
    now,
)
from dangan.text.idnumbers import is_valid, mask

bp = Blueprint("visits", __name__, url_prefix="/visits")
_NAME = re.compile(r"^[\u4e00-\u9fffA-Za-z·．. ]{2,30}$")


def _db():
    return current_app.extensions["dangan_db"]


def validate(form) -> tuple[dict, list[str]]:
    """Clean values and the list of problems, in words for the clerk."""
    errors = []
    name = form.get("requester_name", "").strip()
    number = form.get("id_number", "").strip().upper()
    relationship = form.get("relationship", "")
    purpose = form.get("purpose", "")
    if not _NAME.match(name):
        errors.append("查档人姓名应为 2–30 个汉字或字母")
    if not is_valid(number):
        errors.append("身份证号码无效（应为 18 位，校验位正确）")
    if relationship not in RELATIONSHIPS:
        errors.append("请选择与档案当事人的关系")
    if purpose not in PURPOSES:
        errors.append("请选择查档用途")
    note = form.get("note", "").strip()[:500]
    return {"requester_name": name, "id_number": number, "relation": relationship,
            "purpose": purpose, "note": note}, errors


@bp.route("/new", methods=["GET", "POST"])
def new():
    values, errors = {}, []
    if request.method == "POST":
        values, errors = validate(request.form)
        if not errors:
            visit = _register(values)
            if visit is None:
                flash("同时登记的人较多，登记号分配失败，请再点一次“登记”")
                return render_template("visit_new.html", values=values, errors=[],
                                       relationships=RELATIONSHIPS, purposes=PURPOSES), 503
            session["visit_id"] = visit.id
            session["visit_number"] = visit.number
            flash(f"已登记查档 {visit.number}")
            return redirect(url_for("search.index"))
    return render_template("visit_new.html", values=values, errors=errors,
                           relationships=RELATIONSHIPS, purposes=PURPOSES), (400 if errors else 200)


def _register(values: dict) -> Visit | None:
    """Give the visit the next number of the day. Two windows registering at the same moment
    can pick the same number: the loser retries with the next one, as the request desk does."""
    cfg = current_app.config["DANGAN"]
    today = dt.date.today()
    for _attempt in range(20):
        with _db().session() as s:
            count = s.scalar(select(func.count(Visit.id)).where(
                Visit.started_at >= dt.datetime.combine(today, dt.time())))
            visit = Visit(number=f"{cfg.archive_code}-{today:%Y%m%d}-{count + 1 + _attempt:04d}",
                          staff_id=g.user.id, **values)
            s.add(visit)
            try:
                s.commit()
            except IntegrityError:
                s.rollback()
                continue
            return visit
    return None


@bp.route("/<int:visit_id>/close", methods=["POST"])
def close(visit_id: int):
    outcome = request.form.get("outcome", "")
    if outcome not in OUTCOMES:
        flash("请选择查档结果（查到 / 未查到）")
        return redirect(url_for("visits.detail", visit_id=visit_id))
    with _db().session() as s:
        visit = s.get(Visit, visit_id)
        if visit is None:
            return render_template("error.html", message="无此查档登记"), 404
        if visit.ended_at is not None:
            # Closing is once: what was recorded stands; a correction is a new entry.
            return render_template(
                "error.html", message=f"查档登记 {visit.number} 已于 "
                f"{visit.ended_at:%Y-%m-%d %H:%M} 办结，不能再次办结；如需更正请添加更正记录",
                code=409), 409
        visit.outcome = outcome
        visit.copied = request.form.get("copied", visit.copied or "").strip()[:1000]
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
            flash("请填写更正说明")
        else:
            s.add(VisitCorrection(visit_id=visit_id, user_id=g.user.id, note=note))
            s.commit()
            flash("已添加更正记录")
    return redirect(url_for("visits.detail", visit_id=visit_id))


@bp.route("/<int:visit_id>")
def detail(visit_id: int):
    with _db().session() as s:
        visit = s.get(Visit, visit_id)
        if visit is None:
            return render_template("error.html", message="无此查档登记"), 404
        log = list(s.scalars(select(Access).where(Access.visit_id == visit_id)
                             .order_by(Access.at)))
        staff = visit.staff.display_name
        corrections = list(s.scalars(select(VisitCorrection).where(
            VisitCorrection.visit_id == visit_id).order_by(VisitCorrection.id)))
        correctors = {c.id: s.get(type(visit.staff), c.user_id).display_name
                      for c in corrections}
    return render_template("visit_detail.html", visit=visit, log=log, staff=staff, mask=mask,
                           outcomes=OUTCOMES, corrections=corrections, correctors=correctors)


def _filtered(args):
    q = select(Visit).order_by(Visit.started_at.desc())
    if args.get("name"):
        q = q.where(Visit.requester_name.contains(args["name"].strip()))
    if args.get("outcome") in OUTCOMES:
        q = q.where(Visit.outcome == args["outcome"])
    if args.get("purpose") in PURPOSES:
        q = q.where(Visit.purpose == args["purpose"])
    for key, op in (("from", ">="), ("to", "<")):
        value = args.get(key, "").strip()
        if value:
            try:
                day = dt.date.fromisoformat(value)
            except ValueError:
                continue
            if op == ">=":
                q = q.where(Visit.started_at >= dt.datetime.combine(day, dt.time()))
            else:
                q = q.where(Visit.started_at < dt.datetime.combine(day + dt.timedelta(days=1),
                                                                   dt.time()))
    return q


@bp.route("/")
def index():
    with _db().session() as s:
        visits = list(s.scalars(_filtered(request.args).limit(500)))
        staff = {v.id: v.staff.display_name for v in visits}
    return render_template("visits.html", visits=visits, staff=staff, mask=mask,
                           args=request.args, outcomes=OUTCOMES, purposes=PURPOSES)


@bp.route("/export.csv")
def export():
    with _db().session() as s:
        visits = list(s.scalars(_filtered(request.args)))
        rows = [[v.number, v.started_at.isoformat(sep=" "), v.requester_name,
                 mask(v.id_number), v.relation, v.purpose, v.outcome or "",
                 v.copied, v.staff.display_name] for v in visits]
    text = csv_text(["登记号", "时间", "查档人", "身份证号", "关系", "用途", "结果", "复制内容",
                     "经办人"], rows)
    return Response(text, mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=visits.csv"})
