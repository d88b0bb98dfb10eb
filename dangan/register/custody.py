"""Who may act on a visit (查档登记): the archive's rule, for the web app and the CLI alike.

A visit belongs to the clerk who registered it. It changes hands only by a hand-over from its
holder to a named colleague, or by an admin taking it over; either is a new row in
visit_events (who, to whom, when), and either ends every clearance granted on the visit so
far, so an approval given to one admin for one citizen never reaches another person's screen.
Only the holder or an admin closes a visit. A request is the desk's, worked by whoever picks
it up; a colleague starting work on it ends the clearances granted on it before.
"""

from __future__ import annotations

from sqlalchemy import func, select

from .accounts import Access, Clearance, Database, User, Visit, VisitEvent


class CustodyError(ValueError):
    """An act on a visit the user may not do; the message says why, in Chinese."""


def holder(db: Database, visit: Visit) -> int:
    """The user id the visit belongs to now: its registering clerk, or the last hand-over's."""
    with db.session() as s:
        last = s.scalar(select(VisitEvent.to_user_id).where(VisitEvent.visit_id == visit.id)
                        .order_by(VisitEvent.id.desc()).limit(1))
    return last if last is not None else visit.staff_id


def clearance_cutoff(db: Database, visit_id: int) -> int:
    """Clearances with an id at or below this were ended by the visit changing hands."""
    with db.session() as s:
        return s.scalar(select(func.max(VisitEvent.clearance_cutoff))
                        .where(VisitEvent.visit_id == visit_id)) or 0


def may_work(db: Database, user: User, visit: Visit) -> bool:
    """May `user` work on (view within, copy for) the visit without taking it over?"""
    return holder(db, visit) == user.id


def may_close(db: Database, user: User, visit: Visit) -> bool:
    return user.is_admin or holder(db, visit) == user.id


def _change_hands(db: Database, visit: Visit, *, by: User, to: User, action: str) -> None:
    with db.session() as s:
        cutoff = s.scalar(select(func.max(Clearance.id))) or 0
        s.add(VisitEvent(visit_id=visit.id, user_id=by.id, action=action, to_user_id=to.id,
                         clearance_cutoff=cutoff))
        s.commit()


def hand_over(db: Database, visit: Visit, *, by: User, to_username: str) -> User:
    """The holder gives the visit to a colleague (who may then resume it)."""
    if visit.ended_at is not None:
        raise CustodyError(f"查档登记 {visit.number} 已办结，不能移交")
    if holder(db, visit) != by.id:
        raise CustodyError("只有此登记的经办人可以移交")
    to = db.user(to_username.strip()[:64])
    if to is None or not to.active:
        raise CustodyError("无此用户或账号已停用")
    if to.id == by.id:
        raise CustodyError("不能移交给自己")
    _change_hands(db, visit, by=by, to=to, action="handover")
    return to


def take_over(db: Database, visit: Visit, *, by: User) -> bool:
    """Resume a visit: its holder simply continues (False); an admin takes another's over,
    which is recorded and ends its clearances (True); anyone else is refused."""
    if visit.ended_at is not None:
        raise CustodyError(f"查档登记 {visit.number} 已办结，不能继续；请登记新的查档")
    if holder(db, visit) == by.id:
        return False
    if not by.is_admin:
        raise CustodyError(f"查档登记 {visit.number} 由其他工作人员经办：请经办人移交，"
                           "或由管理员接管")
    _change_hands(db, visit, by=by, to=by, action="takeover")
    return True


def request_taken_at(db: Database, number: str, user: User):
    """When someone other than `user` last started working the request (its log's
    request_work entries), or None: the desk shares requests, but a colleague picking one up
    ends the clearances granted on it before, as a takeover does for a visit."""
    with db.session() as s:
        return s.scalar(select(func.max(Access.at)).where(
            Access.request_number == number, Access.action == "request_work",
            Access.user_id != user.id))
