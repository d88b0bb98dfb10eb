"""The public request form (网上申请): citizens far away file a request without an account.

No CAPTCHA — the elderly and their children use it on phones — so abuse is held off by
validation, a hidden field that only robots fill in, and a per-address hourly limit. The
answer page gives the request number and deadline; the status page needs the number and the
last four characters of the ID number, and shows nothing personal.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque

from flask import Blueprint, abort, current_app, render_template, request

from dangan.desk import records, workflow
from dangan.desk.forms import validate
from dangan.doctypes import TYPES

bp = Blueprint("intake", __name__, url_prefix="/apply")


class RateLimiter:
    """At most `limit` events per key in a sliding hour, in memory.

    Per process: waitress runs one, so this is the whole server. Restarting resets it,
    which is acceptable for a limit meant to stop floods, not to count.
    """

    def __init__(self, window: float = 3600.0):
        self.window = window
        self._events: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def allow(self, key: str, limit: int) -> bool:
        now = time.monotonic()
        with self._lock:
            q = self._events[key]
            while q and now - q[0] > self.window:
                q.popleft()
            if len(q) >= limit:
                return False
            q.append(now)
            return True


def _limiter() -> RateLimiter:
    return current_app.extensions.setdefault("dangan_intake_limiter", RateLimiter())


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
            req = records.open_request(current_app.extensions["dangan_db"], cfg, values,
                                       actor="网上申请")
            return render_template("apply_done.html", req=req)
    return render_template("apply.html", values=values, errors=errors, types=TYPES,
                           applicant_types=workflow.APPLICANT_TYPES,
                           purposes=workflow.DOC_PURPOSES), (400 if errors else 200)


@bp.route("/status")
def status():
    number = request.args.get("number", "").strip()
    tail = request.args.get("id_tail", "").strip().upper()
    found, asked = None, bool(number)
    if asked:
        cfg = current_app.config["DANGAN"]
        if not _limiter().allow("status:" + _client(), cfg.desk.intake_per_hour * 6):
            return render_template("error.html", code=429, message="查询过于频繁，请稍后再试"), 429
        req = records.get(current_app.extensions["dangan_db"], number)
        if req is not None and len(tail) == 4 and req.requester_id_number.endswith(tail):
            found = req
    return render_template("apply_status.html", found=found, asked=asked, number=number)
