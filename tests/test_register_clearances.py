"""How far an admin's approval to open a restricted document reaches: one document, one visit
or one request, never the next visitor and never a whole login session."""

from __future__ import annotations

import pytest

from dangan.register import clearances
from dangan.register.accounts import Database, Visit


@pytest.fixture
def db(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'r.sqlite3'}")
    admin = db.add_user("boss", "boss-password", "admin", "馆长")
    with db.session() as s:
        for n in (1, 2):
            s.add(Visit(number=f"20261130-00{n}", requester_name="王秀英", id_number="",
                        relation="本人", purpose="退休", staff_id=admin.id))
        s.commit()
    return db, admin


def test_an_approval_opens_one_document_for_one_visit_only(db):
    db, admin = db
    clearances.grant(db, user_id=admin.id, document="X012-KZ-0001", reason="经馆长批准",
                     visit_id=1, request_number=None)
    assert clearances.is_cleared(db, "X012-KZ-0001", user=admin, visit_id=1, request_number=None)
    assert not clearances.is_cleared(db, "X012-KZ-0001", user=admin, visit_id=2, request_number=None)
    assert not clearances.is_cleared(db, "X012-KZ-0002", user=admin, visit_id=1, request_number=None)


def test_without_a_visit_or_request_nothing_is_open(db):
    db, admin = db
    clearances.grant(db, user_id=admin.id, document="X012-KZ-0001", reason="经批准",
                     visit_id=1, request_number=None)
    assert not clearances.is_cleared(db, "X012-KZ-0001", user=admin, visit_id=None, request_number=None)


def test_a_reply_approval_belongs_to_its_request_not_to_the_visit_at_the_counter(db):
    db, admin = db
    clearances.grant(db, user_id=admin.id, document="X012-KZ-0001", reason="函复", purpose="reply",
                     visit_id=1, request_number="SQ-2026-0007")
    assert not clearances.is_cleared(db, "X012-KZ-0001", user=admin, visit_id=1, request_number=None)
    assert clearances.is_cleared(db, "X012-KZ-0001", user=admin, visit_id=None,
                                 request_number="SQ-2026-0007", purpose="reply")


def test_an_approval_is_the_approving_admins_alone(db):
    db, admin = db
    other = db.add_user("boss2", "boss2-password", "admin")
    clerk = db.add_user("clerk", "clerk-password", "staff")
    clearances.grant(db, user_id=admin.id, document="X012-KZ-0001", reason="经馆长批准",
                     visit_id=1, request_number=None)
    for user in (other, clerk, None):
        assert not clearances.is_cleared(db, "X012-KZ-0001", user=user, visit_id=1,
                                         request_number=None)

