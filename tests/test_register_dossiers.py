"""Staff decisions about a person's dossier: append-only; overriding another clerk's needs a
note, and both decisions stay on the page."""

from __future__ import annotations

import pytest

from dangan.register.accounts import Database
from dangan.register.dossiers import NoteNeeded, decisions_for, record_decision


@pytest.fixture
def db(tmp_path):
    return Database(f"sqlite:///{tmp_path / 'r.sqlite3'}")


def test_overriding_another_clerks_dossier_decision_needs_a_note_and_both_stay(db):
    admin = db.add_user("boss", "boss-password", "admin")
    clerk = db.add_user("clerk", "clerk-password", "staff")
    record_decision(db, user_id=clerk.id, name="王秀英", action="confirm", keys=["1", "2"])
    record_decision(db, user_id=clerk.id, name="王秀英", action="split", keys=["2"])  # own
    with pytest.raises(NoteNeeded):
        record_decision(db, user_id=admin.id, name="王秀英", action="merge", keys=["2"])
    record_decision(db, user_id=admin.id, name="王秀英", action="merge", keys=["2"],
                    note="出生年月相同，同一人")
    assert [(d.user_id, d.action, d.note) for d in decisions_for(db, "王秀英")] == [
        (clerk.id, "confirm", ""), (clerk.id, "split", ""),
        (admin.id, "merge", "出生年月相同，同一人")]
