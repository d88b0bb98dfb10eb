"""The public request form (网上申请): citizens far away file a request without an account.

No CAPTCHA — the elderly and their children use it on phones — so abuse is held off by
validation, a hidden field that only robots fill in, and a per-address hourly limit. The
answer page gives the request number and deadline and says back what was understood (the
phone as one number, two-digit years as full years); the status page needs the number and the
last four characters of the ID number, takes them by POST so they stay out of URLs, history
and server logs, and shows nothing personal.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from dangan.desk import steps, workflow
from dangan.desk.forms import validate
from dangan.doctypes import TYPES
from dangan.text.idnumbers import clean as clean_id
from dangan.text.idnumbers import mask

from ..limits import SlidingWindow

bp = Blueprint("intake", __name__, url_prefix="/apply")


def _limiter() -> SlidingWindow:
    """Submissions per address in a sliding hour (per process: waitress runs one)."""
    return current_app.extensions.setdefault("dangan_intake_limiter", SlidingWindow(3600))


def _client() -> str:
    return request.remote_addr or "?"


@bp.route("/", methods=["GET", "POST"])
def apply():
    cfg = current_app.config["DANGAN"]
    values, errors = {}, []
    if request.method == "POST":
        if request.form.get("website"):  # the hidden field: only a robot fills it in
            abort(400, description="提交无效")
        values, errors = validate(request.form, channel="网上",
                                  holding=(cfg.archive_code,))
        if not errors:
            if not _limiter().allow("apply:" + _client(), cfg.desk.intake_per_hour):
                return render_template("error.html", code=429,
                                       message="提交过于频繁，请一小时后再试，或致电档案馆"), 429
            req = steps.open_request(current_app.extensions["dangan_db"], cfg, values,
                                       actor="网上申请")
            # Post/redirect/get: refreshing the answer page must not file a second request.
            session["applied"] = req.number
            return redirect(url_for("intake.done"))
        values = as_typed(request.form)
    return render_template("apply.html", values=values, errors=errors, types=TYPES,
                           applicant_types=workflow.APPLICANT_TYPES,
                           purposes=workflow.DOC_PURPOSES), (400 if errors else 200)


def as_typed(form) -> dict:
    """The form as the citizen typed it, to show again after an error: never the values
    validation derived (for 本人 it fills 所查人员 with the applicant's own name)."""
    values = {k: v for k, v in form.items() if k not in ("csrf_token", "website")}
    values["doc_types"] = ",".join(form.getlist("doc_types"))
    return values


@bp.route("/done")
def done():
    """The answer to a filed request: its number and deadline, for this browser only."""
    number = session.get("applied")
    req = steps.get(current_app.extensions["dangan_db"], number) if number else None
    if req is None:
        return redirect(url_for("intake.apply"))
    return render_template("apply_done.html", req=req, masked=mask(req.requester_id_number),
                           types=TYPES)


# What each status means to the person who filed the request.
MEANING = {
    workflow.SUBMITTED: "已提交，等待档案馆工作人员受理",
    workflow.ACCEPTED: "档案馆已受理，即将查找",
    workflow.SEARCHING: "档案馆正在查找",
    workflow.ISSUED: "已查到，正在出具复制件",
    workflow.NOT_FOUND: "未查到相关档案，将出具查无档案证明",
    workflow.DELIVERED: "已办结，结果已反馈",
    workflow.FORWARDED: "已转交保管该档案的档案馆办理",
}


@bp.route("/status", methods=["GET", "POST"])
def status():
    """Look a request up by number and the ID's last four characters, sent by POST."""
    number = session.get("applied", "")  # this browser's own request, to save retyping
    found, asked = None, request.method == "POST"
    if asked:
        number = request.form.get("number", "").strip()[:40]
        tail = clean_id(request.form.get("id_tail", ""))[-4:]
        cfg = current_app.config["DANGAN"]
        if not _limiter().allow("status:" + _client(), cfg.desk.intake_per_hour * 6):
            return render_template("error.html", code=429, message="查询过于频繁，请稍后再试"), 429
        misses = _misses()
        key = "number:" + steps.typed_number(number)
        if misses.count(key) >= MISSES_PER_NUMBER:
            # Locked for the hour: the 4 digits cannot be tried through, from any address.
            return render_template("error.html", code=429, message=LOCKED), 429
        req = steps.find_typed(current_app.extensions["dangan_db"], number)
        if req is not None and len(tail) == 4 and req.requester_id_number.endswith(tail):
            found = req
        else:
            misses.add(key)
    return render_template("apply_status.html", found=found, asked=asked, number=number,
                           meaning=MEANING), (404 if asked and not found else 200)


# A request number whose ID tail is mistyped this often in an hour is locked for the hour.
MISSES_PER_NUMBER = 5
LOCKED = "该申请编号查询错误次数过多，已暂停查询一小时；如需帮助请致电档案馆"


def _misses() -> SlidingWindow:
    return current_app.extensions.setdefault("dangan_status_misses", SlidingWindow(3600))
