"""查档登记: register the citizen before viewing, close the visit with its outcome, list and
export the register. ID numbers are validated, stored, and shown masked everywhere."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

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

from dangan.records.accounts import OUTCOMES, PURPOSES, RELATIONSHIPS, Access, Visit, now
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
            cfg = current_app.config["DANGAN"]
            with _db().session() as s:
                # Two counter PCs may take the same next number at once: the unique
                # constraint refuses the second, which counts again.
                for _attempt in range(5):
                    today = dt.date.today()
                    count = s.scalar(select(func.count(Visit.id)).where(
                        Visit.started_at >= dt.datetime.combine(today, dt.time())))
                    visit = Visit(number=f"{cfg.archive_code}-{today:%Y%m%d}-{count + 1:04d}",
                                  staff_id=g.user.id, **values)
                    s.add(visit)
                    try:
                        s.commit()
                        break
                    except IntegrityError:
                        s.rollback()
                else:
                    abort(503, "登记编号冲突，请重试")
                session["visit_id"] = visit.id
                session["visit_number"] = visit.number
            flash(f"已登记查档 {visit.number}")
            return redirect(url_for("search.index"))
    return render_template("visit_new.html", values=values, errors=errors,
                           relationships=RELATIONSHIPS, purposes=PURPOSES), (400 if errors else 200)


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
        visit.outcome = outcome
        visit.copied = request.form.get("copied", visit.copied or "").strip()[:1000]
        visit.ended_at = now()
        s.commit()
    if session.get("visit_id") == visit_id:
        session.pop("visit_id", None)
        session.pop("visit_number", None)
    flash("查档已办结")
    return redirect(url_for("visits.index"))


@bp.route("/<int:visit_id>")
def detail(visit_id: int):
    with _db().session() as s:
        visit = s.get(Visit, visit_id)
        if visit is None:
            return render_template("error.html", message="无此查档登记"), 404
        log = list(s.scalars(select(Access).where(Access.visit_id == visit_id)
                             .order_by(Access.at)))
        staff = visit.staff.username
    return render_template("visit_detail.html", visit=visit, log=log, staff=staff, mask=mask,
                           outcomes=OUTCOMES)


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
        staff = {v.id: v.staff.username for v in visits}
    return render_template("visits.html", visits=visits, staff=staff, mask=mask,
                           args=request.args, outcomes=OUTCOMES, purposes=PURPOSES)


@bp.route("/export.csv")
def export():
    with _db().session() as s:
        visits = list(s.scalars(_filtered(request.args)))
        rows = [[v.number, v.started_at.isoformat(sep=" "), v.requester_name,
                 mask(v.id_number), v.relation, v.purpose, v.outcome or "",
                 v.copied, v.staff.username] for v in visits]
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["登记号", "时间", "查档人", "身份证号", "关系", "用途", "结果", "复制内容",
                "经办人"])
    w.writerows(rows)
    # BOM: Excel on the archive's PCs opens UTF-8 CSV correctly only with it.
    return Response("\ufeff" + buf.getvalue(), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=visits.csv"})
