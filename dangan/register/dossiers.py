"""Staff decisions about a person's dossier (人员档案线索): which records are one person.

The grouping the dossier proposes is derived from the pages each time; what staff decide —
these records are one person (confirm, merge), this one is someone else (split) — is kept
here, append-only like the register: a later decision overrides an earlier one, none is
edited or deleted, so the history of who decided what stays readable.
"""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from .accounts import Base, Database, now

ACTIONS = ("confirm", "split", "merge")
ACTION_LABELS = {"confirm": "确认为同一人", "split": "拆分为另一人", "merge": "合并为同一人"}


class DossierDecision(Base):
    __tablename__ = "dossier_decisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"), nullable=True)
    name: Mapped[str] = mapped_column(String(64))  # the name the dossier was opened for
    action: Mapped[str] = mapped_column(String(16))  # confirm | split | merge
    records: Mapped[str] = mapped_column(Text)  # JSON list of record keys ("12" or "12:3")
    note: Mapped[str] = mapped_column(Text, default="")

    @property
    def keys(self) -> list[str]:
        return json.loads(self.records)


class NoteNeeded(ValueError):
    """A decision would override another member of staff's: it needs a note saying why."""

    def __init__(self, others: list[DossierDecision]):
        self.others = others
        super().__init__("此操作将改变其他工作人员对这些记录的决定，请在“说明”中写明理由")


def overridden(db: Database, *, user_id: int, name: str, keys: list[str]
               ) -> list[DossierDecision]:
    """Earlier decisions by someone else about any of these records."""
    wanted = set(keys)
    return [d for d in decisions_for(db, name)
            if d.user_id != user_id and wanted & set(d.keys)]


def record_decision(db: Database, *, user_id: int, name: str, action: str, keys: list[str],
                    visit_id: int | None = None, note: str = "") -> DossierDecision:
    """Append a decision. One that overrides another clerk's needs a note (NoteNeeded); both
    stay, and the dossier page lists every decision with who made it and why."""
    if action not in ACTIONS:
        raise ValueError(f"未知操作：{action}")
    if not keys:
        raise ValueError("请选择至少一条记录")
    if not note.strip() and (others := overridden(db, user_id=user_id, name=name, keys=keys)):
        raise NoteNeeded(others)
    with db.session() as s:
        d = DossierDecision(user_id=user_id, visit_id=visit_id, name=name, action=action,
                            records=json.dumps(sorted(set(keys)), ensure_ascii=False),
                            note=note[:500])
        s.add(d)
        s.commit()
        return d


def decisions_for(db: Database, name: str) -> list[DossierDecision]:
    """Every decision made about dossiers opened for `name`, oldest first."""
    with db.session() as s:
        return list(s.scalars(select(DossierDecision).where(DossierDecision.name == name)
                              .order_by(DossierDecision.id)))
