"""Clearance to open a restricted document: the archive's rule for how far an admin's
approval reaches, for the counter, the desk and the CLI alike.

One approval opens one document, for the admin who gave it, for one visit or for one request
(or one reply to it), with the reason on record. It never opens anything for the rest of a
login session, for the next visitor, or for anyone else: staff never see restricted content,
and another admin gives an approval of their own. A visit changing hands (dangan/register/
custody.py), or a colleague starting work on a request, ends every approval granted on it
so far.
"""

from __future__ import annotations

from sqlalchemy import select

from .accounts import Clearance, Database, User
from .custody import clearance_cutoff, request_taken_at


def _query(db: Database, user: User | None, *, visit_id: int | None,
           request_number: str | None, purpose: str):
    if user is None or not user.is_admin or (visit_id is None and not request_number):
        return None
    q = select(Clearance.document).where(Clearance.purpose == purpose,
                                         Clearance.user_id == user.id)
    if visit_id is not None:
        q = q.where(Clearance.visit_id == visit_id,
                    Clearance.id > clearance_cutoff(db, visit_id))
    else:
        q = q.where(Clearance.request_number == request_number)
        if purpose == "view" and (since := request_taken_at(db, request_number, user)):
            q = q.where(Clearance.at > since)
    return q


def is_cleared(db: Database, document: str, *, user: User | None, visit_id: int | None,
               request_number: str | None, purpose: str = "view") -> bool:
    """Has this admin opened `document` for this visit (else this request)?"""
    q = _query(db, user, visit_id=visit_id, request_number=request_number, purpose=purpose)
    if q is None:
        return False
    with db.session() as s:
        return s.scalar(q.where(Clearance.document == document).limit(1)) is not None


def grant(db: Database, *, user_id: int, document: str, reason: str, purpose: str = "view",
          visit_id: int | None, request_number: str | None) -> None:
    """Record an approval (the caller has checked the approver's role). A view is tied to the
    visit when there is one; a reply only ever to its request."""
    with db.session() as s:
        s.add(Clearance(user_id=user_id, document=document,
                        visit_id=visit_id if purpose == "view" else None,
                        request_number=None if purpose == "view" and visit_id is not None
                        else request_number, purpose=purpose, reason=reason[:300]))
        s.commit()


def cleared_documents(db: Database, *, user: User | None, visit_id: int | None,
                      request_number: str | None, purpose: str = "view") -> set[str]:
    """Every document this admin has opened for this visit (else this request): what a
    person's dossier may gather besides open records."""
    q = _query(db, user, visit_id=visit_id, request_number=request_number, purpose=purpose)
    if q is None:
        return set()
    with db.session() as s:
        return set(s.scalars(q))
