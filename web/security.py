"""Sessions, CSRF and the rule that nothing but the login page is open without a session."""

from __future__ import annotations

import hmac
import secrets
import threading
from functools import wraps

from flask import abort, current_app, g, redirect, request, session, url_for
from sqlalchemy import select

from dangan import audit
from dangan.records.accounts import Access, User, now
from dangan.text.idnumbers import mask_in_text

PUBLIC_ENDPOINTS = {"auth.login", "static", "intake.apply", "intake.status", "verify.lookup",
                    "verify.show"}


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def check_csrf() -> None:
    """Every state-changing request must carry the session's token (forms: hidden field)."""
    sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token", "")
    expected = session.get("csrf", "")
    if not expected or not hmac.compare_digest(sent, expected):
        abort(400, description="表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试")


def load_user() -> None:
    g.user = None
    uid = session.get("uid")
    if uid is not None:
        with current_app.extensions["dangan_db"].session() as s:
            user = s.get(User, uid)
            if user is not None and user.active:
                g.user = user
            else:
                session.clear()


def before_request():
    if request.blueprint == "api":
        # Partner archives authenticate each call with a bearer token (web/partners/api.py); no
        # session cookie is involved, so there is nothing for CSRF to protect here.
        return None
    load_user()
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        check_csrf()
    if request.endpoint not in PUBLIC_ENDPOINTS and g.user is None:
        return redirect(url_for("auth.login", next=request.full_path))
    return None


def local_target(target: str | None, fallback: str) -> str:
    """`target` if it is a path on this site, else `fallback`: a form's "next" must never
    send a member of staff to another site."""
    target = target or ""
    return target if target.startswith("/") and not target.startswith("//") else fallback


def admin_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if g.user is None or not g.user.is_admin:
            abort(403, description="需要管理员权限")
        return view(*args, **kwargs)

    return wrapped


def current_visit_id() -> int | None:
    """The visit this clerk works on — only while it is open: a visit closed at another window
    stops views, copies and logging against it at once."""
    visit_id = session.get("visit_id")
    if visit_id is None:
        return None
    if g.get("open_visit_checked") != visit_id:
        from dangan.records.accounts import Visit

        with current_app.extensions["dangan_db"].session() as s:
            visit = s.get(Visit, visit_id)
        if visit is None or visit.ended_at is not None:
            session.pop("visit_id", None)
            session.pop("visit_number", None)
            return None
        g.open_visit_checked = visit_id
    return visit_id


# One writer at a time appends to the chain (the server is one process with threads).
_CHAIN = threading.Lock()


class AccessLogUnavailable(RuntimeError):
    """The access log cannot be written (a full disk): a view that cannot be logged is not
    shown (app.py answers in Chinese, 503)."""


def log_access(action: str, path: str = "", page: int | None = None, detail: str = "",
               page_uid: int | None = None, *, required: bool = True) -> None:
    """Write one line of the access log; every view and copy goes through here. ID-shaped
    numbers in the detail (a search typed as an ID number) are stored masked. When the line
    cannot be written, a `required` one (views, copies) refuses the request; a search (hits
    show masked data only) still answers, and the failure goes to the server log."""
    from sqlalchemy.exc import SQLAlchemyError

    entry = {"at": now(), "user_id": g.user.id, "visit_id": current_visit_id(),
             "request_number": session.get("request_number"), "action": action,
             "path": path, "page": page, "detail": mask_in_text(detail), "page_uid": page_uid}
    try:
        with _CHAIN, current_app.extensions["dangan_db"].session() as s:
            prev = s.scalar(select(Access.hash).order_by(Access.id.desc()).limit(1)) or ""
            s.add(Access(**entry, prev_hash=prev, hash=audit.entry_hash(prev, entry)))
            s.commit()
    except SQLAlchemyError as e:
        current_app.logger.error("access log not written (%s %s#%s): %s", action, path, page, e)
        if required:
            raise AccessLogUnavailable(str(e)) from e
