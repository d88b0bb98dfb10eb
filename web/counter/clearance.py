"""Clearance to open a restricted document over HTTP: the visit or request being worked on in
this login session is the scope; the rule itself is dangan.records.clearances'."""

from __future__ import annotations

from flask import current_app, g, session

from dangan.records import clearances

from ..security import current_visit_id, log_access


def _scope() -> tuple[int | None, str | None]:
    return current_visit_id(), session.get("request_number")


def is_cleared(document: str) -> bool:
    """Has an admin opened `document` for the visit or request being worked on now?"""
    visit_id, request_number = _scope()
    return clearances.is_cleared(current_app.extensions["dangan_db"], document,
                                 visit_id=visit_id, request_number=request_number)


def grant(document: str, reason: str, *, purpose: str = "view",
          request_number: str | None = None, path: str = "", page: int | None = None,
          page_uid: int | None = None) -> None:
    """Record an admin's clearance (the caller has checked the role) and log it."""
    visit_id, current_request = _scope()
    clearances.grant(current_app.extensions["dangan_db"], user_id=g.user.id,
                     document=document, reason=reason, purpose=purpose, visit_id=visit_id,
                     request_number=request_number or current_request)
    action = "view_restricted" if purpose == "view" else "reply_restricted"
    log_access(action, path, page, f"理由：{reason[:300]}", page_uid=page_uid)


def cleared_documents() -> set[str]:
    """The restricted documents opened for the visit or request being worked on now."""
    visit_id, request_number = _scope()
    return clearances.cleared_documents(current_app.extensions["dangan_db"],
                                        visit_id=visit_id, request_number=request_number)
