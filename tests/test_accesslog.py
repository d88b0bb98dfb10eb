"""Reading the access register: filters by visit, request, member of staff, person searched
and date, and every entry reachable a page at a time."""

from __future__ import annotations

import datetime as dt

import pytest

from dangan import accesslog
from dangan.accesslog import LogFilter
from dangan.register.accounts import Access, Database, Visit


@pytest.fixture
def db(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'web.sqlite3'}")
    clerk = db.add_user("clerk", "clerk-password", full_name="李秀梅")
    other = db.add_user("other", "other-password")
    with db.session() as s:
        visit = Visit(number="T01-20261203-001", requester_name="王小兰",
                      id_number="11010519491231002X", relation="本人", purpose="工龄认定",
                      staff_id=clerk.id)
        s.add(visit)
        s.flush()
        at = dt.datetime(2026, 12, 3, 9)
        s.add(Access(user_id=clerk.id, visit_id=visit.id, action="search", at=at,
                     detail="person=%E7%8E%8B%E7%A7%80%E8%8B%B1&year=1993"))
        s.add(Access(user_id=clerk.id, visit_id=visit.id, action="view", at=at, page=1,
                     detail="person=王秀英 terms="))
        s.add(Access(user_id=other.id, request_number="T01-20261204-R001", action="view",
                     at=dt.datetime(2026, 12, 4, 10), detail="person=刘桂芬 terms="))
        for i in range(250):
            s.add(Access(user_id=other.id, action="login", at=dt.datetime(2026, 12, 5, 8, 0, i % 60)))
        s.commit()
    return db


def test_filters_answer_the_questions_a_supervisor_asks(db):
    with db.session() as s:
        assert accesslog.count(s, LogFilter(visit="t01-20261203-001")) == 2
        assert accesslog.count(s, LogFilter(request="T01-20261204-R001")) == 1
        assert accesslog.count(s, LogFilter(user="clerk")) == 2
        # who looked for 王秀英: the search (its query string encoded) and the view
        assert accesslog.count(s, LogFilter(person="王秀英")) == 2
        assert accesslog.count(s, LogFilter(person="刘桂芬")) == 1
        day = dt.date(2026, 12, 4)
        assert accesslog.count(s, LogFilter(day_from=day, day_to=day)) == 1
        assert accesslog.count(s, LogFilter(day_to=day)) == 3


def test_every_entry_is_reachable_page_by_page_and_by_export(db):
    with db.session() as s:
        total = accesslog.count(s, LogFilter())
        assert total == 253
        seen = [a.id for p in range(1, 4) for a in accesslog.page_of(s, LogFilter(), p)]
        assert len(seen) == len(set(seen)) == total
        assert [a.id for a in accesslog.every(s, LogFilter(), batch=7)] == seen


def test_a_bad_date_is_said_in_chinese():
    assert accesslog.parse_day("2026/12/6") == dt.date(2026, 12, 6)
    with pytest.raises(ValueError, match="日期格式不正确"):
        accesslog.parse_day("12月6日")
