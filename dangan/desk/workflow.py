"""The statuses of a request and which may follow which.

已提交 → 已受理 → 查找中 → 已出具 / 未查到 → 已反馈. A request filed on the public form is
已提交 until a member of staff has seen and accepted it (the citizen is told 已受理 only
then); one taken at the desk or from a partner is accepted as it is entered. A request that
belongs to another archive is
转外馆 (forwarded) instead of being searched here; the partner's status then flows back.
Every change is made by a named person and kept as history, so the order is enforced here
and not left to the form.
"""

from __future__ import annotations

SUBMITTED, ACCEPTED, SEARCHING, ISSUED, NOT_FOUND, DELIVERED, FORWARDED = (
    "已提交", "已受理", "查找中", "已出具", "未查到", "已反馈", "转外馆")

STATUSES = (SUBMITTED, ACCEPTED, SEARCHING, ISSUED, NOT_FOUND, DELIVERED, FORWARDED)
# Still to be searched: pages may be attached and removed, the search may be worked.
OPEN = (SUBMITTED, ACCEPTED, SEARCHING)

NEXT: dict[str, tuple[str, ...]] = {
    SUBMITTED: (ACCEPTED, FORWARDED),
    ACCEPTED: (SEARCHING, FORWARDED),
    SEARCHING: (ISSUED, NOT_FOUND, FORWARDED),
    ISSUED: (DELIVERED, SEARCHING),  # back to searching: a page was missed
    NOT_FOUND: (DELIVERED, SEARCHING),
    DELIVERED: (),
    FORWARDED: (DELIVERED,),  # the partner answered the citizen, or we passed it on
}

# The deadline stops once a result exists; delivery may take the post's time.
RESULT_REACHED = {ISSUED, NOT_FOUND, DELIVERED, FORWARDED}

APPLICANT_TYPES = ("本人", "亲属", "代理")
SELF_SERVICE = "网上"  # the channel whose requests nobody has seen yet when they arrive
CHANNELS = ("窗口", "电话", "网上", "外馆转来")
DELIVERY = ("邮寄", "自取", "网上")
DOC_PURPOSES = ("工龄认定", "退休核定", "待遇核定", "继承", "其他")


class TransitionError(ValueError):
    """A status change the workflow does not allow; the message is for staff (Chinese)."""


def check_by_hand(current: str, new: str) -> None:
    """A change staff choose on the status form. Some statuses say that a step happened, so
    only that step sets them: 转外馆 (it stops the deadline) by the forward itself, when the
    request has actually been handed to a partner; 已出具 and 未查到 by issuing the reply
    (result letter with copies, or 查无档案证明), so the register never claims a paper that
    was not made."""
    if new == FORWARDED:
        raise TransitionError("“转外馆”只能通过“转外馆办理”设置（须实际转交外馆）")
    if new in (ISSUED, NOT_FOUND):
        raise TransitionError(f"“{new}”随答复一并记下：请在申请页出具结果告知书或查无档案证明")
    check(current, new)


# Set only by the step that makes them true (see check_by_hand), never on the status form.
SET_BY_THEIR_STEP = (FORWARDED, ISSUED, NOT_FOUND)


def choosable_by_hand(current: str) -> tuple[str, ...]:
    """What the status form offers after `current`."""
    return tuple(s for s in NEXT.get(current, ()) if s not in SET_BY_THEIR_STEP)


def check(current: str, new: str) -> None:
    if new not in STATUSES:
        raise TransitionError(f"未知状态：{new[:20]}")
    if new not in NEXT.get(current, ()):
        allowed = "、".join(NEXT.get(current, ())) or "无（已办结）"
        raise TransitionError(f"“{current}”之后只能是：{allowed}")


def first_status(channel: str) -> str:
    """已提交 for what a citizen filed alone on the public form; 已受理 for what staff or a
    partner archive entered, which a person has already read."""
    return SUBMITTED if channel == SELF_SERVICE else ACCEPTED
