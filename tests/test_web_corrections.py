"""著录 corrections at the counter (Flask test client over a small born-digital archive):
who may propose and confirm, the gate every page read passes, the access log naming each act
with its digest, bad input answered in words, and a confirmed one searchable at once."""

from __future__ import annotations

import pytest
from archivekit import OPEN_CODE, RESTRICTED_CODE, index, make_archive
from sqlalchemy import select
from webhelpers import login, make_app, register_visit, token

from dangan.corrections import register
from dangan.register.accounts import Access


def _app(tmp_path):
    cfg = make_archive(tmp_path)
    index(cfg)
    app = make_app(cfg, tmp_path)
    app.extensions["dangan_db"].add_user("clerk2", "clerk2-password", "staff")
    return app


@pytest.fixture()
def app(tmp_path):
    return _app(tmp_path)


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """For tests that change nothing."""
    return _app(tmp_path_factory.mktemp("corrections"))


def _page_id(app, code: str) -> int:
    from dangan.web.stores import page_store

    with app.test_request_context():
        return page_store().first_page_id(code)


def _store(app):
    from dangan.indexer.store import PageStore

    return PageStore(app.config["DANGAN"].store_path)


def _post(client, url, **data):
    return client.post(url, data={**data, "csrf_token": token(client, "/visits/new")})


def _line_of(app, page_id: int, text: str) -> tuple[int, str]:
    store = _store(app)
    try:
        lines = store.page_by_id(page_id).lines
        i = next(i for i, ln in enumerate(lines) if text in ln.text)
        return i, lines[i].text
    finally:
        store.close()


def _propose(client, app, page_id: int, **extra):
    i, text = _line_of(app, page_id, "姓名")
    data = {"target": "line", "line": i, "value": text.replace("曾广才", "曾广财"),
            "reason": "对照原件", **extra}
    return _post(client, f"/page/{page_id}/correct", **data)


def _chained(app, access_id: int) -> bool:
    from dangan.register.chain import AuditEntry

    with app.extensions["dangan_db"].session() as s:
        return s.scalar(select(AuditEntry.mac).where(AuditEntry.kind == "access_log",
                                                    AuditEntry.row_id == access_id)) is not None


def _log(app, action: str) -> list[Access]:
    with app.extensions["dangan_db"].session() as s:
        return list(s.scalars(select(Access).where(Access.action == action)))


def test_a_clerk_proposes_another_admin_confirms_and_both_acts_are_logged(app):
    pid = _page_id(app, OPEN_CODE)
    clerk = login(app.test_client())
    register_visit(clerk)
    r = _propose(clerk, app, pid)
    assert r.status_code == 302
    page = clerk.get(r.headers["Location"]).get_data(as_text=True)
    assert "待管理员确认" in page and "曾广财" in page
    (c,) = register.pending(_store(app).db)
    (entry,) = _log(app, "correction")
    assert f"更正 #{c.id}" in entry.detail and c.digest[:16] in entry.detail
    assert entry.page_uid == pid and _chained(app, entry.id)  # in the register's audit chain

    # the clerk cannot confirm their own, nor can another clerk
    r = _post(clerk, f"/corrections/{c.id}/review", decision="confirm")
    assert "不能确认自己提出的更正" in clerk.get(r.headers["Location"]).get_data(as_text=True)
    other = login(app.test_client(), "clerk2", "clerk2-password")
    register_visit(other)
    r = _post(other, f"/corrections/{c.id}/review", decision="confirm")
    assert "只有管理员" in other.get(r.headers["Location"]).get_data(as_text=True)
    assert register.get(_store(app).db, c.id).status == "pending"

    boss = login(app.test_client(), "boss", "boss-password")
    listing = boss.get("/corrections/").get_data(as_text=True)  # no visit: no page's words
    assert "曾广财" not in listing and "内容在查档登记" in listing
    assert _post(boss, f"/corrections/{c.id}/review", decision="confirm").status_code == 403
    register_visit(boss)
    assert "曾广财" in boss.get("/corrections/").get_data(as_text=True)
    r = _post(boss, f"/corrections/{c.id}/review", decision="confirm", note="核对无误")
    assert r.status_code == 302
    assert register.get(_store(app).db, c.id).status == "confirmed"
    (entry,) = _log(app, "correction_review")
    assert "确认更正" in entry.detail
    # searchable at once, through the counter's own index
    found = boss.get("/", query_string={"person": "曾广财"}).get_data(as_text=True)
    assert "精确" in found and "X012-WS·1985-Y-0012" in found


def test_a_one_person_reading_room_may_confirm_its_own(tmp_path):
    cfg = make_archive(tmp_path)
    index(cfg)
    app = make_app(cfg, tmp_path, corrections_self_confirm=True)
    pid = _page_id(app, OPEN_CODE)
    clerk = login(app.test_client())
    register_visit(clerk)
    _propose(clerk, app, pid)
    (c,) = register.pending(_store(app).db)
    _post(clerk, f"/corrections/{c.id}/review", decision="confirm")
    assert register.get(_store(app).db, c.id).status == "confirmed"


def test_correcting_a_page_passes_the_same_gate_as_reading_it(app):
    restricted = _page_id(app, RESTRICTED_CODE)
    clerk = login(app.test_client())
    assert _propose(clerk, app, _page_id(app, OPEN_CODE)).status_code == 403  # no visit
    register_visit(clerk)
    r = _propose(clerk, app, restricted)
    assert r.status_code == 403 and "受控" in r.get_data(as_text=True)
    assert register.pending(_store(app).db) == []


@pytest.mark.parametrize("data", [
    {"target": "nonsense"}, {"line": "99999"}, {"line": "-1"}, {"line": "²"},
    {"reason": ""}, {"value": ""}, {"value": "王" * 300},
    {"target": "fact", "kind": "birth", "fact_value": "1999-01"},
    {"target": "fact", "kind": "name", "row": "٨", "fact_value": "x"},
])
def test_bad_input_is_answered_in_words_and_changes_nothing(shared, data):
    app = shared
    clerk = login(app.test_client())
    register_visit(clerk)
    r = _propose(clerk, app, _page_id(app, OPEN_CODE), **data)
    assert r.status_code == 302
    assert "更正未提交" in clerk.get(r.headers["Location"]).get_data(as_text=True)
    assert register.of_page(_store(app).db, _page_id(app, OPEN_CODE)) == []
    r = _post(clerk, "/corrections/99999/review", decision="confirm")
    assert r.status_code == 302 and "无此更正" in clerk.get(r.headers["Location"]).get_data(
        as_text=True)


def test_a_fact_corrected_from_the_dossier_is_what_the_dossier_states(app):
    from dangan.corrections import fact_locator

    pid = _page_id(app, OPEN_CODE)
    store = _store(app)
    birth = next(f for f in store.page_by_id(pid).fields.facts if f.kind == "birth")
    loc = fact_locator(birth)
    store.close()
    clerk = login(app.test_client())
    register_visit(clerk)
    assert "机器识别" in clerk.get("/dossier/", query_string={"name": "曾广才"}).get_data(
        as_text=True)
    r = _post(clerk, f"/page/{pid}/correct", target="fact", kind=loc["kind"],
              row=loc["row"] or "", subject=loc["subject"] or "", fact_value=loc["value"],
              value="1931年5月", reason="原件为5月", next="/dossier/?name=曾广才")
    assert r.status_code == 302 and r.headers["Location"].startswith("/dossier/")
    (c,) = register.pending(_store(app).db)
    boss = login(app.test_client(), "boss", "boss-password")
    register_visit(boss)
    _post(boss, f"/corrections/{c.id}/review", decision="confirm")
    page = clerk.get("/dossier/", query_string={"name": "曾广才"}).get_data(as_text=True)
    assert "1931年5月" in page and "1931年3月" not in page
    assert "人工核对（clerk" in page
    # a partner archive learns the value and that staff checked it, not who
    from dangan.register import tokens

    auth = {"Authorization": "Bearer " + tokens.create(app.extensions["dangan_db"], "DL01")}
    answer = app.test_client().get("/api/v1/persons?name=曾广才", headers=auth).get_json()
    (birth,) = [f for f in answer["persons"][0]["facts"] if f["kind"] == "birth"]
    (source,) = birth["values"][0]["sources"]
    assert (source["text"], source["checked"]) == ("1931年5月", True)
    assert "clerk" not in str(answer)


def test_a_correction_rewritten_in_the_page_store_fails_audit_verify(tmp_path):
    """Corrections are part of the audit chain: the access-log entry of each act names the row
    and its digest, and `dangan audit verify` holds the page store's rows to it. Someone with
    the file who drops its triggers, rewrites a confirmed value and recomputes the rows' own
    digests is found."""
    import sqlite3

    from conftest import run_dangan

    cfg = make_archive(tmp_path)
    index(cfg)
    cfg.write_text(cfg.read_text(encoding="utf-8") + "\n[web]\n"
                   f'database = "sqlite:///{tmp_path / "web.sqlite3"}"\n', encoding="utf-8")
    app = make_app(cfg, tmp_path, corrections_self_confirm=True)
    clerk = login(app.test_client())
    register_visit(clerk)
    _propose(clerk, app, _page_id(app, OPEN_CODE))
    (c,) = register.pending(_store(app).db)
    _post(clerk, f"/corrections/{c.id}/review", decision="confirm")
    assert "著录更正 2 条记录完整" in run_dangan(cfg, "audit", "verify").stdout

    store = sqlite3.connect(app.config["DANGAN"].store_path)
    for (name,) in store.execute("SELECT name FROM sqlite_master WHERE type='trigger' "
                                 "AND name LIKE 'correction%'").fetchall():
        store.execute(f"DROP TRIGGER {name}")
    cols = ", ".join(register._HASHED)
    (row,) = store.execute(f"SELECT {cols} FROM corrections").fetchall()
    values = [v.replace("曾广财", "曾广发") if isinstance(v, str) else v for v in row]
    store.execute("UPDATE corrections SET value = ?, digest = ?",
                  (values[register._HASHED.index("value")], register._digest("", values)))
    store.commit()
    store.close()
    assert register.verify(sqlite3.connect(app.config["DANGAN"].store_path))[1] is None
    proc = run_dangan(cfg, "audit", "verify", check=False)
    assert proc.returncode == 1
    assert f"更正 #{c.id} 与访问日志（审计链）所记不符" in proc.stderr
