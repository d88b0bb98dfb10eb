"""Clearance to open a restricted document: the archive's rule for how far an admin's
approval reaches, for the counter, the desk and the CLI alike.

One approval opens one document for one visit, or for one request (or one reply to it), with
the reason on record. It never opens anything for the rest of a login session or for the next
visitor: a clearance is looked up by the visit or request being worked on, and with neither
there is nothing to look up.
"""

from __future__ import annotations

from sqlalchemy import select

from .accounts import Clearance, Database


def is_cleared(db: Database, document: str, *, visit_id: int | None,
               request_number: str | None, purpose: str = "view") -> bool:
    """Has an admin opened `document` for this visit (else this request)?"""
    if visit_id is None and not request_number:
        return False
    q = select(Clearance.id).where(Clearance.document == document,
                                   Clearance.purpose == purpose)
    if visit_id is not None:
        q = q.where(Clearance.visit_id == visit_id)
    else:
        q = q.where(Clearance.request_number == request_number)
    with db.session() as s:
        return s.scalar(q.limit(1)) is not None


def grant(db: Database, *, user_id: int, document: str, reason: str, purpose: str = "view",
          visit_id: int | None, request_number: str | None) -> None:
    """Record an approval (the caller has checked the approver's role). A view is tied to the
    visit when there is one; a reply only ever to its request."""
    with db.session() as s:
        s.add(Clearance(user_id=user_id, document=document,
                        visit_id=visit_id if purpose == "view" else None,
                        request_number=request_number, purpose=purpose,
                        reason=reason[:300]))
        s.commit()


def cleared_documents(db: Database, *, visit_id: int | None, request_number: str | None,
                      purpose: str = "view") -> set[str]:
    """Every document an admin has opened for this visit (else this request): what a
    person's dossier may gather besides open records."""
    if visit_id is None and not request_number:
        return set()
    q = select(Clearance.document).where(Clearance.purpose == purpose)
    q = (q.where(Clearance.visit_id == visit_id) if visit_id is not None
         else q.where(Clearance.request_number == request_number))
    with db.session() as s:
        return set(s.scalars(q))
