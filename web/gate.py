"""The access gate over HTTP: the scope of this login session (the request being worked on,
else the visit the clerk holds) and dangan/access.py's decision, for every route that shows a
page or a document. Refusals of restricted items are logged, staff's and admins' alike."""

from __future__ import annotations

from collections.abc import Mapping

from flask import abort, current_app, g, session

from dangan import access
from dangan.access import Decision, Scope
from dangan.register import clearances

from .security import current_visit_id, log_access


def _db():
    return current_app.extensions["dangan_db"]


def current_scope() -> Scope:
    """The request being worked on, else the open visit this user holds, else nothing."""
    number = session.get("request_number")
    if number:
        return Scope(request_number=number)
    return Scope(visit_id=current_visit_id())


def decide(meta: Mapping | None, document: str, what: str = "content",
           scope: Scope | None = None) -> Decision:
    """`scope`: the session's (current_scope) unless a route names its own (a reply)."""
    return access.decide(_db(), g.get("user"), scope or current_scope(), meta, document,
                         what)


def require(meta: Mapping | None, document: str, what: str = "content", *,
            scope: Scope | None = None, path: str = "", page: int | None = None,
            page_uid: int | None = None) -> None:
    """Abort with 403 unless the gate allows it; a refused restricted item is logged."""
    d = decide(meta, document, what, scope)
    if d.allowed:
        return
    if d.why == "restricted":
        log_access("view_refused", path, page, f"{what} {access.RESTRICTED_LABEL}",
                   page_uid=page_uid, required=False)
        abort(403, description=f"{d.label}：{access.RESTRICTED_LABEL}")
    abort(403, description=d.message)


def refuse_logged(what: str, path: str, page: int | None, page_uid: int | None) -> None:
    """Log a refusal the route answers itself (the viewer's 受控档案 page)."""
    log_access("view_refused", path, page, f"{what} {access.RESTRICTED_LABEL}",
               page_uid=page_uid, required=False)


def cleared_documents() -> set[str]:
    return access.cleared_documents(_db(), g.get("user"), current_scope())


def partner_cleared() -> set[str]:
    """What a partner archive may see of restricted records: nothing (no user, no scope)."""
    return access.cleared_documents(_db(), None, Scope())


def grant(document: str, reason: str, *, purpose: str = "view",
          request_number: str | None = None, path: str = "", page: int | None = None,
          page_uid: int | None = None) -> None:
    """Record an admin's clearance for the current scope (the caller has checked the role)
    and log it."""
    scope = current_scope()
    clearances.grant(_db(), user_id=g.user.id, document=document, reason=reason,
                     purpose=purpose, visit_id=scope.visit_id,
                     request_number=request_number or scope.request_number)
    action = "view_restricted" if purpose == "view" else "reply_restricted"
    log_access(action, path, page, f"理由：{reason[:300]}", page_uid=page_uid)
