"""The register is evidence: a visit closes once, the access log is append-only and
hash-chained (`dangan audit verify` names the first broken entry), exports are safe to open in
a spreadsheet, ID-shaped numbers are masked in the log, and simultaneous registrations both
get a number."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from archivekit import index, make_archive
from conftest import run_dangan
from sqlalchemy import select
from webhelpers import login, make_app, register_visit, token

from dangan import clock
from dangan.register.accounts import Access, Visit


@pytest.fixture(scope="module")
def kit(tmp_path_factory):
    root = tmp_path_factory.mktemp("register")
    cfg = make_archive(root)
    db = root / "web.sqlite3"
    with open(cfg, "a", encoding="utf-8") as f:  # the CLI must find the same register
        f.write(f'[web]\ndatabase = "sqlite:///{db}"\n')
    index(cfg)
    return cfg, make_app(cfg, root), db


def _visit_id(client) -> int:
    with client.session_transaction() as s:
        return s["visit_id"]


def _page(app) -> int:
    from dangan.web.stores import page_store

    with app.test_request_context():
        return page_store().first_page_id("a/scan0001.pdf")


def test_a_visit_closes_once_and_a_closed_visit_stops_viewing_everywhere(kit):
    _, app, _ = kit
    clerk = login(app.test_client())
    register_visit(clerk)
    visit_id = _visit_id(clerk)
    other = login(app.test_client(), "boss", "boss-password")
    t = token(other, "/visits/new")
    r = other.post(f"/visits/{visit_id}/close", data={"outcome": "查到", "copied": "档号 X 第1页",
                                                      "csrf_token": t})
    assert r.status_code == 302
    r = other.post(f"/visits/{visit_id}/close", data={"outcome": "未查到", "copied": "",
                                                      "csrf_token": t})
    assert r.status_code == 409 and "不能再次办结" in r.get_data(as_text=True)
    with app.extensions["dangan_db"].session() as s:
        v = s.get(Visit, visit_id)
        # The form's 复制内容 is not taken: the register derives it from papers issued.
        assert v.outcome == "查到" and v.copied == "" and v.closed_by == 2
    # A correction is a new entry referencing the visit; the visit itself stays as closed.
    other.post(f"/visits/{visit_id}/correct", data={"note": "复制内容应为第2页",
                                                    "csrf_token": t})
    html = other.get(f"/visits/{visit_id}").get_data(as_text=True)
    assert "复制内容应为第2页" in html and "档号 X 第1页" not in html
    # The clerk's window still holds the visit: viewing now asks for a new registration.
    r = clerk.get(f"/page/{_page(app)}")
    assert r.status_code == 302 and "/visits/new" in r.headers["Location"]


def test_the_access_log_cannot_be_rewritten_and_tampering_is_found(kit):
    cfg, app, db = kit
    c = login(app.test_client())
    register_visit(c)
    for _ in range(3):
        c.get(f"/page/{_page(app)}")
    assert run_dangan(cfg, "audit", "verify").returncode == 0
    con = sqlite3.connect(db)
    with pytest.raises(sqlite3.DatabaseError):
        con.execute("UPDATE access_log SET detail='x' WHERE id=2")
    with pytest.raises(sqlite3.DatabaseError):
        con.execute("DELETE FROM access_log WHERE id=2")
    # Someone with the database file drops the guard and edits an entry.
    con.execute("DROP TRIGGER access_log_no_update")
    con.execute("UPDATE access_log SET detail='person=别人' WHERE id=2")
    con.commit()
    con.close()
    proc = run_dangan(cfg, "audit", "verify", check=False)
    assert proc.returncode == 1 and "第 2 条" in proc.stderr


def test_exports_are_safe_to_open_in_a_spreadsheet(kit):
    _, app, _ = kit
    c = login(app.test_client())
    register_visit(c, name="王五")
    t = token(c, "/visits/new")
    c.post(f"/visits/{_visit_id(c)}/close", data={"outcome": "查到", "csrf_token": t})
    # A name from an older register: a formula in it must not run in a spreadsheet.
    with app.extensions["dangan_db"].session() as s:
        s.add(Visit(number="T01-X-0001", requester_name="=HYPERLINK(\"http://x\",\"点我\")",
                    id_number="11010519491231002X", relation="本人", purpose="其他",
                    staff_id=1))
        s.commit()
    csv = c.get("/visits/export.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in csv and ',"=HYPERLINK' not in csv


def test_an_id_number_typed_as_a_search_is_logged_masked(kit):
    _, app, _ = kit
    c = login(app.test_client())
    register_visit(c)
    wrong_check_digit = "110105194912310021"
    c.get(f"/?q={wrong_check_digit}")
    with app.extensions["dangan_db"].session() as s:
        details = [a.detail for a in s.scalars(select(Access).where(Access.action == "search"))]
    assert details and not any(wrong_check_digit in d for d in details)
    assert any("110105********0021" in d for d in details)


def test_two_registrations_at_once_both_get_a_number(kit):
    _, app, _ = kit
    today = clock.today()
    number = f"T01-{today:%Y%m%d}-{_today_count(app) + 1:04d}"
    # Another window took the next number a moment ago (its row is not counted yet).
    with app.extensions["dangan_db"].session() as s:
        s.add(Visit(number=number, requester_name="甲", id_number="11010519491231002X",
                    relation="本人", purpose="其他", staff_id=1,
                    started_at=dt.datetime.combine(today, dt.time()) - dt.timedelta(seconds=1)))
        s.commit()
    c = login(app.test_client())
    r = register_visit(c, name="乙某")
    assert r.status_code == 302, r.get_data(as_text=True)
    with c.session_transaction() as sess:
        assert sess["visit_number"] != number


def _today_count(app) -> int:
    from sqlalchemy import func

    today = dt.datetime.combine(clock.today(), dt.time())
    with app.extensions["dangan_db"].session() as s:
        return s.scalar(select(func.count(Visit.id)).where(Visit.started_at >= today))


def test_the_chains_key_and_head_file_go_into_every_backup(kit, tmp_path):
    from dangan import config as config_mod
    from dangan.register import chain

    cfg, app, _ = kit
    c = login(app.test_client())
    register_visit(c)
    c.get(f"/page/{_page(app)}")
    data = config_mod.load(cfg).data_dir
    run_dangan(cfg, "backup", str(tmp_path / "b"))
    for name in (chain.KEY_FILE, chain.HEAD_FILE):
        copied = (tmp_path / "b" / "data" / name).read_bytes()
        assert copied and (data / name).read_bytes().startswith(copied)
