"""Sessions, CSRF and the rule that nothing but the login page is open without a session."""

from __future__ import annotations

import hmac
import logging
import secrets
import time
import unicodedata
from functools import wraps
from urllib.parse import urlsplit

from flask import abort, current_app, flash, g, redirect, request, session, url_for
from sqlalchemy import select

from dangan.register.accounts import Access, User, now
from dangan.text.idnumbers import mask_in_text

PUBLIC_ENDPOINTS = {"auth.login", "static", "intake.apply", "intake.done", "intake.status",
                    "verify.lookup", "verify.show"}
log = logging.getLogger("dangan.web")

# Content-Security-Policy: scripts only from this site's files (no inline script, so an
# injected <script> in OCR text or partner data could not run even if escaping failed),
# never framed by another page, forms only to this site.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")


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


def start_session(user: User) -> None:
    """A fresh session for `user` (nothing carried over from before the login)."""
    session.clear()
    session["uid"] = user.id
    session["ver"] = user.session_version or 0
    session["seen"] = int(time.time())


def load_user() -> None:
    """The logged-in user, if the session is still good: the account active, the session
    made under the account's current version (not ended by logout, a new password or
    disabling), and used within the idle timeout."""
    g.user = None
    uid = session.get("uid")
    if uid is None:
        return
    idle = current_app.config["DANGAN"].idle_minutes * 60
    seen = session.get("seen", 0)
    now = int(time.time())
    with current_app.extensions["dangan_db"].session() as s:
        user = s.get(User, uid)
    if user is None or not user.active or session.get("ver") != (user.session_version or 0):
        session.clear()
        return
    if not isinstance(seen, int) or now - seen > idle:
        session.clear()
        flash("长时间未操作，已自动退出，请重新登录", "warn")
        return
    if now - seen > 30:  # a cookie rewrite every request is not needed, every half minute is
        session["seen"] = now
    g.user = user


def before_request():
    if request.blueprint == "api" or request.path.startswith("/api/"):
        # Partner archives authenticate each call with a bearer token (web/partners/api.py); no
        # session cookie is involved, so there is nothing for CSRF to protect here. An
        # unknown /api/ path is answered by the JSON 404, not the HTML login page.
        return None
    load_user()
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        check_csrf()
    if request.endpoint is None and request.path.startswith(("/apply/", "/verify/")):
        return None  # a citizen's mistyped address: the citizen's 404, not the staff login
    if request.endpoint not in PUBLIC_ENDPOINTS and g.user is None:
        return redirect(url_for("auth.login", next=request.full_path))
    return None


def local_target(target: str | None, fallback: str) -> str:
    """`target` if it is a path on this site, else `fallback`: a form's "next" must never
    send a member of staff to another site.

    Browsers drop tabs and newlines from URLs and read a backslash as a slash, so
    "/\tevil.example" and "/\\evil.example" both lead to //evil.example: any control
    character or backslash is refused outright, then the rest must parse as a bare path."""
    target = target or ""
    if not target.startswith("/") or target.startswith("//") or "\\" in target or \
            len(target) > 2000:
        return fallback
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or \
            parts.path.startswith("//"):
        return fallback
    return target


def security_headers(response):
    """On every response: the CSP, no framing, no MIME sniffing, no full URL (with a
    person's name in the query) sent to other sites; pages, CSVs and PDFs, which carry
    personal data, are never stored by the browser or a proxy."""
    h = response.headers
    h.setdefault("Content-Security-Policy", CSP)
    h.setdefault("X-Frame-Options", "DENY")
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("Referrer-Policy", "same-origin")
    if request.endpoint != "static" and "Cache-Control" not in h:
        h["Cache-Control"] = "no-store"
    return response


def admin_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if g.user is None or not g.user.is_admin:
            abort(403, description="需要管理员权限")
        return view(*args, **kwargs)

    return wrapped


def current_visit_id() -> int | None:
    """The visit this clerk works on — only while it is open, held by this clerk (not handed
    over or taken over since), and not suspended by request work: a request being worked on
    is the scope then, and nothing is logged against the visit at the counter."""
    if session.get("request_number"):
        return None
    return held_visit_id()


def held_visit_id() -> int | None:
    """The session's visit if it is still open and still this user's; else forgotten."""
    visit_id = session.get("visit_id")
    if visit_id is None or g.get("user") is None:
        return None
    if g.get("open_visit_checked") != visit_id:
        from dangan.register import custody
        from dangan.register.accounts import Visit

        db = current_app.extensions["dangan_db"]
        with db.session() as s:
            visit = s.get(Visit, visit_id)
        if visit is None or visit.ended_at is not None or not custody.may_work(db, g.user, visit):
            session.pop("visit_id", None)
            session.pop("visit_number", None)
            return None
        g.open_visit_checked = visit_id
    return visit_id


def open_visits() -> list[tuple[int, str]]:
    """This clerk's visits still open (办理中), when none is current: after a logout or a
    timeout the clerk picks the citizen still at the window back up."""
    if g.get("user") is None or session.get("visit_id") is not None:
        return []
    from dangan.register import custody
    from dangan.register.accounts import Visit

    db = current_app.extensions["dangan_db"]
    with db.session() as s:
        candidates = list(s.scalars(select(Visit).where(Visit.ended_at.is_(None))
                                    .order_by(Visit.id.desc()).limit(200)))
    return [(v.id, v.number) for v in candidates if custody.may_work(db, g.user, v)][:3]


def staff_name(login: str) -> str:
    """A member of staff as every screen names them: the real name where the account has
    one, else the login. History rows store the login the system wrote; they are shown
    through here, so a name set later shows everywhere at once."""
    names = g.get("staff_names")
    if names is None:
        names = g.staff_names = {u.username: u.display_name
                                 for u in current_app.extensions["dangan_db"].users()}
    return names.get(login, login)


class AccessLogUnavailable(RuntimeError):
    """The access log cannot be written (a full disk): a view that cannot be logged is not
    shown (app.py answers in Chinese, 503)."""


def log_access(action: str, path: str = "", page: int | None = None, detail: str = "",
               page_uid: int | None = None, *, required: bool = True) -> None:
    """Write one line of the access log; every view and copy goes through here. ID-shaped
    numbers in the detail (a search typed as an ID number) are stored masked. When the line
    cannot be written, a `required` one (views, copies, searches: a register of searches with
    holes is not a register) refuses the request with a 503; the failure goes to the server
    log either way."""
    from sqlalchemy.exc import SQLAlchemyError

    entry = {"at": now(), "user_id": g.user.id, "visit_id": current_visit_id(),
             "request_number": session.get("request_number"), "action": action,
             "path": path, "page": page, "detail": mask_in_text(detail), "page_uid": page_uid}
    try:
        # Chained in the same transaction by dangan/register/chain.py (serialised there, in
        # the database, so several server processes keep one chain).
        with current_app.extensions["dangan_db"].session() as s:
            s.add(Access(**entry))
            s.commit()
    except SQLAlchemyError as e:
        current_app.logger.error("access log not written (%s %s#%s): %s", action, path, page, e)
        if required:
            raise AccessLogUnavailable(str(e)) from e
