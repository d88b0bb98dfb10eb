"""Log in and out.

Guessing is slowed per account and address pair (a few failures, then a wait) and per
address, so nobody elsewhere can lock a clerk out of their own window by failing on purpose;
an unknown name costs the same password hash as a known one, so timing does not tell which
accounts exist. `dangan user unlock NAME` lifts an account's waits at once (it leaves a line
in the data dir's `login_unlocks`, which the server reads before the next login).
"""

from __future__ import annotations

import functools
import logging

from flask import (
    Blueprint,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.security import check_password_hash, generate_password_hash

from .limits import SlidingWindow
from .security import local_target, log_access, start_session

bp = Blueprint("auth", __name__)
log = logging.getLogger("dangan.web")

WINDOW = 15 * 60  # seconds failures are remembered
PER_ACCOUNT = 5  # failed logins per account and address in the window before a wait
PER_ADDRESS = 20  # failed logins from one address (a counter PC serves several staff)
TOO_MANY = "登录失败次数过多，请 15 分钟后再试；如忘记密码，请联系管理员"


@functools.cache
def _dummy_hash() -> str:
    return generate_password_hash("not-a-password")


UNLOCKS = "login_unlocks"


def _failures() -> SlidingWindow:
    failures = current_app.extensions.setdefault("dangan_login_failures",
                                                 SlidingWindow(WINDOW))
    _apply_unlocks(failures)
    return failures


def _apply_unlocks(failures: SlidingWindow) -> None:
    """Lift the waits of accounts an admin unlocked (`dangan user unlock`) since last read."""
    path = current_app.config["DANGAN"].data_dir / UNLOCKS
    try:
        size = path.stat().st_size
    except OSError:
        return
    seen = current_app.extensions.get("dangan_unlocks_read", 0)
    if size <= seen:
        return
    with open(path, "rb") as f:
        f.seek(seen)
        names = f.read().decode("utf-8", "replace").splitlines()
    current_app.extensions["dangan_unlocks_read"] = size
    for name in names:
        if name.strip():
            failures.clear_prefix(f"user:{name.strip()}\x00")
            log.info("login waits lifted by an admin for one account")


@bp.route("/login", methods=["GET", "POST"])
def login():
    error, status = None, 200
    if request.method == "POST":
        name = request.form.get("username", "").strip()[:64]
        password = request.form.get("password", "")[:256]
        address = "addr:" + (request.remote_addr or "?")
        account = f"user:{name}\x00{address}"  # this account from this address only
        failures = _failures()
        if failures.count(account) >= PER_ACCOUNT or failures.count(address) >= PER_ADDRESS:
            log.warning("login refused: too many failures (account or address)")
            return render_template("login.html", error=TOO_MANY), 429
        user = current_app.extensions["dangan_db"].user(name)
        if user is None:
            check_password_hash(_dummy_hash(), password)  # same time as a real account
        elif user.check_password(password):
            failures.clear(account)
            start_session(user)
            g.user = user
            # In the access log: who worked when, and each account's last login (admin/users).
            log_access("login", required=False)
            log.info("login: user %s", user.id)
            return redirect(local_target(request.args.get("next"), url_for("search.index")))
        failures.add(account)
        failures.add(address)
        log.info("login failed")
        error, status = "用户名或密码错误，或账号已停用", 401
    return render_template("login.html", error=error), status


@bp.route("/logout", methods=["POST"])
def logout():
    if g.get("user") is not None:
        # Ends this session and any copy of its cookie (and the user's other sessions).
        current_app.extensions["dangan_db"].end_sessions(g.user.id)
        log.info("logout: user %s", g.user.id)
    session.clear()
    return redirect(url_for("auth.login"))
