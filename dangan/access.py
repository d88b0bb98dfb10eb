"""The one access decision: for a user, a scope (a visit or a request being worked on) and a
document, may this be shown — its content, thumbnail, image, certified copy, dossier facts, a
reply's copy, a place in a request, an API answer?

The rules, in order:
- Nothing of any page is shown without a scope: a registered visit the user holds, or a
  request the user is working on (never both: request work suspends the visit).
- An open item (dangan/openness.py) is shown within a scope.
- A restricted item is shown only to the admin who opened it for this very scope, with a
  reason (dangan/register/clearances.py); a reply's copy needs an approval for that reply.
  Staff never see restricted content; a partner never does (no user, no scope).
web/gate.py asks this for every route that shows a page or a document; nothing else decides.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from dangan.openness import RESTRICTED_LABEL, is_restricted, public_label
from dangan.register import clearances
from dangan.register.accounts import Database, User

# What a route may be about to show.
WHAT = ("content", "thumbnail", "image", "copy", "facts", "attach", "reply", "api")


@dataclass(frozen=True)
class Scope:
    """The visit or the request on whose behalf the user works now (at most one)."""

    visit_id: int | None = None
    request_number: str | None = None

    @property
    def empty(self) -> bool:
        return self.visit_id is None and not self.request_number


@dataclass(frozen=True)
class Decision:
    allowed: bool
    why: str = ""  # "" | "no_scope" | "restricted"
    label: str = ""  # how a refused restricted item may be named (档号, open title)
    may_clear: bool = False  # an admin may open it for this scope by giving a reason

    @property
    def message(self) -> str:
        if self.why == "no_scope":
            return "查看档案前请先登记查档，或在申请页点“办理此申请”"
        if self.why == "restricted":
            return RESTRICTED_LABEL
        return ""


def decide(db: Database, user: User | None, scope: Scope, meta: Mapping | None,
           document: str, what: str = "content") -> Decision:
    if what not in WHAT:
        raise ValueError(f"unknown kind of showing: {what}")
    restricted = is_restricted(meta)
    if what == "api":  # a partner: no user, no scope, never a restricted item's content
        return Decision(not restricted, "restricted" if restricted else "",
                        public_label(meta) if restricted else "")
    if user is None or scope.empty:
        return Decision(False, "no_scope")
    if not restricted:
        return Decision(True)
    purpose = "reply" if what == "reply" else "view"
    if clearances.is_cleared(db, document, user=user, visit_id=scope.visit_id,
                             request_number=scope.request_number, purpose=purpose):
        return Decision(True)
    return Decision(False, "restricted", public_label(meta), may_clear=user.is_admin)


def cleared_documents(db: Database, user: User | None, scope: Scope) -> set[str]:
    """The restricted documents this user may see within this scope (for the dossier)."""
    return clearances.cleared_documents(db, user=user, visit_id=scope.visit_id,
                                        request_number=scope.request_number)
