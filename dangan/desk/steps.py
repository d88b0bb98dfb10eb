"""What happens to a request, whichever door it came in by (desk, public form, partner API).

Each function is one step of the workflow and writes its history row in the same transaction
as the change, so the history can never disagree with the status.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from dangan import clock, federation
from dangan.config import Config
from dangan.desk import workflow
from dangan.desk.deadlines import WorkCalendar
from dangan.register.accounts import now
from dangan.register.requests import Request, RequestEvent, RequestPage
from dangan.text.numbers import fold_digits


class DeskError(ValueError):
    """A step that cannot be taken; the message is for staff (Chinese)."""


def calendar(cfg: Config) -> WorkCalendar:
    return WorkCalendar.from_iso(cfg.desk.holidays, cfg.desk.workdays)


def get(db, number: str) -> Request | None:
    with db.session() as s:
        return s.scalar(select(Request).where(Request.number == number).options(
            selectinload(Request.events), selectinload(Request.pages)))


# Letters and digits a citizen cannot confuse when reading a number aloud (no 0/O, 1/I).
NUMBER_TAIL = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def typed_number(typed: str) -> str:
    """A request number as a citizen typed it, made comparable: any case, full-width digits,
    spaces around the dashes (t01-20261206-r001-k7qf is T01-20261206-R001-K7QF)."""
    return re.sub(r"\s+", "", fold_digits(typed or "")).replace("－", "-").upper()[:60]


def find_typed(db, typed: str) -> Request | None:
    """The request a citizen means by the number they typed (typed_number)."""
    number = typed_number(typed)
    if not number or len(number) > 40:
        return None
    with db.session() as s:
        return s.scalar(select(Request).where(func.upper(Request.number) == number))


def open_request(db, cfg: Config, values: dict, *, actor: str, user_id: int | None = None,
                 origin_archive: str = "", origin_number: str = "") -> Request:
    """Record a validated request and set its deadline: 已受理 when staff or a partner
    entered it, 已提交 when a citizen filed it alone (workflow.first_status)."""
    today = clock.today()
    due = calendar(cfg).add_working_days(today, cfg.desk.deadline_days)
    receiving = origin_archive or cfg.archive_code
    first = workflow.first_status(values["channel"])
    verb = "提交" if first == workflow.SUBMITTED else "受理"
    for _attempt in range(5):  # two desks saving in the same instant get different numbers
        with db.session() as s:
            count = s.scalar(select(func.count(Request.id)).where(
                Request.created_at >= dt.datetime.combine(today, dt.time())))
            # The day's count for the desk, then 4 random characters: a citizen's number
            # (typed into /apply/status) does not lead to the next one's by counting.
            tail = "".join(secrets.choice(NUMBER_TAIL) for _ in range(4))
            req = Request(number=f"{cfg.archive_code}-{today:%Y%m%d}-R{count + 1:03d}-{tail}",
                          status=first, accepted_on=today, due_on=due,
                          receiving_archive=receiving, origin_archive=origin_archive,
                          origin_number=origin_number, **values)
            s.add(req)
            s.add(RequestEvent(request=req, actor=actor, user_id=user_id,
                               to_status=first,
                               note=f"{values['channel']}{verb}，期限 {due:%Y-%m-%d}"))
            try:
                s.commit()
            except IntegrityError:
                s.rollback()
                continue
            return req
    raise DeskError("申请编号冲突，请重试")


def change_status(db, number: str, new: str, *, actor: str, user_id: int | None, note: str = "",
                  delivery: str = "", by_hand: bool = True) -> Request:
    """A status change; `by_hand` when chosen on the status form (some statuses are set
    only by the step that makes them true: see workflow.check_by_hand)."""
    with db.session() as s:
        req = s.scalar(select(Request).where(Request.number == number))
        if req is None:
            raise DeskError("无此申请")
        try:
            (workflow.check_by_hand if by_hand else workflow.check)(req.status, new)
        except workflow.TransitionError as e:
            raise DeskError(str(e)) from e
        if new == workflow.DELIVERED:
            if delivery not in workflow.DELIVERY:
                raise DeskError("请选择反馈方式：邮寄、自取或网上")
            req.delivery = delivery
        if new == workflow.ISSUED and not req.pages:
            raise DeskError("尚未附加查到的档案页面，不能标记为已出具")
        s.add(RequestEvent(request=req, actor=actor, user_id=user_id, from_status=req.status,
                           to_status=new, note=note[:500]))
        req.status = new
        if new in (workflow.ISSUED, workflow.NOT_FOUND) and note:
            req.result_note = note[:500]
        s.commit()
        return req


def accept(db, number: str, *, actor: str, user_id: int | None) -> bool:
    """A member of staff takes up a request filed on the public form (已提交 → 已受理);
    False when it had been accepted already."""
    with db.session() as s:
        req = s.scalar(select(Request).where(Request.number == number))
        if req is None:
            raise DeskError("无此申请")
        if req.status != workflow.SUBMITTED:
            return False
        s.add(RequestEvent(request=req, actor=actor, user_id=user_id, from_status=req.status,
                           to_status=workflow.ACCEPTED, note="受理"))
        req.status = workflow.ACCEPTED
        s.commit()
        return True


def attach_page(db, number: str, page_id: int, label: str, actor: str) -> bool:
    """Add a found page; False when it was attached already."""
    with db.session() as s:
        req = s.scalar(select(Request).where(Request.number == number))
        if req is None:
            raise DeskError("无此申请")
        if req.status not in workflow.OPEN:
            raise DeskError(f"申请已是“{req.status}”，不能再附加页面")
        if any(p.page_id == page_id for p in req.pages):
            return False
        s.add(RequestPage(request=req, page_id=page_id, label=label[:200], added_by=actor))
        if req.status == workflow.SUBMITTED:  # working on it is accepting it
            s.add(RequestEvent(request=req, actor=actor, from_status=req.status,
                               to_status=workflow.ACCEPTED, note="受理"))
            req.status = workflow.ACCEPTED
        if req.status == workflow.ACCEPTED:  # finding a page is searching
            s.add(RequestEvent(request=req, actor=actor, from_status=req.status,
                               to_status=workflow.SEARCHING, note="开始查找"))
            req.status = workflow.SEARCHING
        s.commit()
        return True


def detach_page(db, number: str, row_id: int) -> None:
    with db.session() as s:
        row = s.get(RequestPage, row_id)
        if row is None or row.request.number != number:
            raise DeskError("无此页面")
        if row.request.status not in workflow.OPEN:
            raise DeskError("已出具的申请不能再移除页面")
        s.delete(row)
        s.commit()


def forward_payload(req: Request) -> dict:
    """The request as a partner's POST /api/v1/requests takes it."""
    return {
        "origin_number": req.number,
        "requester_name": req.requester_name, "requester_id_number": req.requester_id_number,
        "requester_phone": req.requester_phone, "requester_address": req.requester_address,
        "applicant_type": req.applicant_type, "relationship": req.relation,
        "attorney_note": req.attorney_note, "delegated": req.delegated,
        "subject_name": req.subject_name, "subject_former_names": req.subject_former_names,
        "subject_birth_year": req.subject_birth_year or "",
        "subject_unit": req.subject_unit, "year_from": req.year_from or "",
        "year_to": req.year_to or "", "doc_types": req.doc_types.split(",") if req.doc_types
        else [], "purpose": req.purpose, "detail": req.detail,
    }


def forward(db, cfg: Config, number: str, peer_code: str, *, actor: str, user_id: int | None
            ) -> Request:
    """Send the request to the partner archive that holds the records (转外馆)."""
    peer = cfg.peer(peer_code)
    if peer is None:
        raise DeskError(f"未配置外馆 {peer_code}")
    req = get(db, number)
    if req is None:
        raise DeskError("无此申请")
    try:
        workflow.check(req.status, workflow.FORWARDED)
    except workflow.TransitionError as e:
        raise DeskError(str(e)) from e
    try:
        answer = federation.forward_request(peer, forward_payload(req), cfg.peer_timeout,
                                            cfg.peer_proxy)
    except federation.PeerError as e:
        raise DeskError(f"转外馆失败：{e}") from e
    with db.session() as s:
        row = s.scalar(select(Request).where(Request.number == number))
        s.add(RequestEvent(request=row, actor=actor, user_id=user_id, from_status=row.status,
                           to_status=workflow.FORWARDED,
                           note=f"已转{peer.name}（{peer.code}），对方编号 {answer.get('number')}"))
        row.status = workflow.FORWARDED
        row.forwarded_to, row.holding_archive = peer.code, peer.code
        row.remote_number = str(answer.get("number", ""))
        row.remote_status = str(answer.get("status", ""))
        row.remote_checked_at = now()
        s.commit()
        return row


def refresh_remote(db, cfg: Config, number: str) -> Request:
    """Ask the partner how a forwarded request stands; a change is written into the history."""
    req = get(db, number)
    if req is None or not req.forwarded_to:
        raise DeskError("此申请未转外馆")
    peer = cfg.peer(req.forwarded_to)
    if peer is None:
        raise DeskError(f"外馆 {req.forwarded_to} 已不在配置中")
    try:
        answer = federation.request_status(peer, req.remote_number, cfg.peer_timeout,
                                           cfg.peer_proxy)
    except federation.PeerError as e:
        raise DeskError(f"查询外馆进度失败：{e}") from e
    status = str(answer.get("status", ""))
    with db.session() as s:
        row = s.scalar(select(Request).where(Request.number == number))
        if status and status != row.remote_status:
            note = f"{peer.name}：{status}"
            if answer.get("result_note"):
                note += f"（{answer['result_note']}）"
            s.add(RequestEvent(request=row, actor=f"外馆 {peer.code}", from_status=row.status,
                               to_status=row.status, note=note[:500]))
            row.remote_status = status
        row.remote_checked_at = now()
        s.commit()
        return row
