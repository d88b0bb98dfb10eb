"""Staff accounts: the rules `dangan user …` and the admin screen share (one place)."""

from __future__ import annotations

import pytest

from dangan.register.accounts import Access, Database


@pytest.fixture
def db(tmp_path):
    return Database(f"sqlite:///{tmp_path / 'web.sqlite3'}")


def test_a_login_is_letters_and_digits_and_a_password_eight_characters(db):
    with pytest.raises(ValueError, match="用户名"):
        db.add_user("李 秀梅", "long-enough")
    with pytest.raises(ValueError, match="密码至少 8 位"):
        db.add_user("lixiumei", "short")
    with pytest.raises(ValueError, match="角色"):
        db.add_user("lixiumei", "long-enough", "superuser")
    user = db.add_user("lixiumei", "long-enough", full_name="李秀梅")
    assert user.display_name == "李秀梅"


def test_the_only_active_admin_cannot_be_disabled(db):
    db.add_user("boss", "boss-password", "admin")
    db.add_user("clerk", "clerk-password")
    with pytest.raises(ValueError, match="唯一可用的管理员"):
        db.update_user("boss", active=False)
    db.add_user("deputy", "deputy-password", "admin")
    db.update_user("boss", active=False)  # another admin remains
    assert not db.user("boss").active
    db.update_user("clerk", active=False)  # staff accounts are not limited


def test_the_last_login_is_read_from_the_access_log(db):
    clerk = db.add_user("clerk", "clerk-password")
    assert db.last_logins() == {}
    import datetime as dt

    with db.session() as s:
        for day in (3, 5, 4):
            s.add(Access(user_id=clerk.id, action="login", at=dt.datetime(2026, 12, day, 8)))
        s.add(Access(user_id=clerk.id, action="view", at=dt.datetime(2026, 12, 6, 8)))
        s.commit()
    assert db.last_logins() == {clerk.id: dt.datetime(2026, 12, 5, 8)}
