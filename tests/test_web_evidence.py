"""Evidence no clerk can bend (issue 27), tried as a colleague at the next window would:
a clearance holds for the admin who gave it, on the visit or request it was given for; a visit
is its registering clerk's until handed over or taken over (recorded, ending its clearances);
only its holder or an admin closes it; the register's 复制内容 is what was issued, never what a
form says; request work is logged to the request, never to the visit open at the counter."""

from __future__ import annotations

import pytest
from archivekit import RESTRICTED_CODE, index, make_archive
from sqlalchemy import select
from webhelpers import login, make_app, register_visit, token

from dangan.register.accounts import Access, Visit, VisitEvent

SECRET = ("解玉堂", "1938", "粮食局", "病历")


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    root = tmp_path_factory.mktemp("evidence")
    cfg = make_archive(root)
    index(cfg)
    app = make_app(cfg, root)
    app.extensions["dangan_db"].add_user("boss2", "boss2-password", "admin")
    app.extensions["dangan_db"].add_user("clerk2", "clerk2-password", "staff")
    return app


def _page_id(app, code: str) -> int:
    from dangan.web.stores import page_store

    with app.test_request_context():
        return page_store().first_page_id(code)


def _visit_id(client) -> int:
    with client.session_transaction() as s:
        return s["visit_id"]


def _post(client, url, **data):
    return client.post(url, data={**data, "csrf_token": token(client, "/visits/new")})


def _clean(body: str) -> None:
    for word in SECRET:
        assert word not in body, word


def _cleared_visit(app):
    """An admin registers a visit and opens the 控制 page with a reason."""
    page_id = _page_id(app, RESTRICTED_CODE)
    boss = login(app.test_client(), "boss", "boss-password")
    register_visit(boss, name="张三")
    r = _post(boss, f"/page/{page_id}", reason="退休核定，经馆领导批准")
    assert r.status_code == 200 and "解玉堂" in r.get_data(as_text=True)
    return boss, _visit_id(boss), page_id


def test_a_clerk_cannot_take_over_anothers_visit_and_its_clearance(app):
    boss, visit_id, page_id = _cleared_visit(app)
    clerk = login(app.test_client())
    r = _post(clerk, f"/visits/{visit_id}/resume")
    assert r.status_code == 403
    with clerk.session_transaction() as s:
        assert s.get("visit_id") is None
    # Handed over by its owner, the visit is the clerk's: the admin's clearance is not.
    r = _post(boss, f"/visits/{visit_id}/handover", to="clerk")
    assert r.status_code == 302
    r = _post(clerk, f"/visits/{visit_id}/resume")
    assert r.status_code == 302 and _visit_id(clerk) == visit_id
    for url in (f"/page/{page_id}", f"/page/{page_id}/image", f"/page/{page_id}/image?w=200"):
        r = clerk.get(url)
        assert r.status_code == 403, url
        assert r.mimetype != "image/jpeg"
        _clean(r.get_data(as_text=True))
    r = _post(clerk, "/copy", page_id=str(page_id))
    assert r.status_code == 403 and r.mimetype != "application/pdf"
    dossier = clerk.get("/dossier/?name=解玉堂").get_data(as_text=True)
    assert "共找到 0 条记录" in dossier and "粮食局" not in dossier
    # The hand-over ended the clearance for everyone, its admin included.
    with app.extensions["dangan_db"].session() as s:
        events = [(e.action, e.user_id) for e in s.scalars(
            select(VisitEvent).where(VisitEvent.visit_id == visit_id))]
    assert [a for a, _ in events] == ["handover"]


def test_an_admin_takeover_is_recorded_and_ends_the_clearances(app):
    boss, visit_id, page_id = _cleared_visit(app)
    boss2 = login(app.test_client(), "boss2", "boss2-password")
    r = _post(boss2, f"/visits/{visit_id}/resume")
    assert r.status_code == 302 and _visit_id(boss2) == visit_id
    assert boss2.get(f"/page/{page_id}").status_code == 403  # not boss2's clearance
    # The clearance ended with the takeover: the admin who gave it is asked again too.
    assert _post(boss, f"/visits/{visit_id}/resume").status_code == 302
    assert boss.get(f"/page/{page_id}").status_code == 403
    html = boss.get(f"/visits/{visit_id}").get_data(as_text=True)
    assert "接管" in html


def test_only_the_holder_or_an_admin_closes_and_closing_records_who(app):
    clerk = login(app.test_client())
    register_visit(clerk)
    visit_id = _visit_id(clerk)
    clerk2 = login(app.test_client(), "clerk2", "clerk2-password")
    r = _post(clerk2, f"/visits/{visit_id}/close", outcome="未查到")
    assert r.status_code == 403
    r = _post(clerk, f"/visits/{visit_id}/close", outcome="查到", copied="（无）")
    assert r.status_code == 302
    with app.extensions["dangan_db"].session() as s:
        v = s.get(Visit, visit_id)
        clerk_id = app.extensions["dangan_db"].user("clerk").id
        assert v.closed_by == clerk_id and v.ended_at is not None


def test_the_copies_list_is_what_was_issued_not_what_the_form_says(app):
    page_id = _page_id(app, "a/scan0001.pdf")
    clerk = login(app.test_client())
    register_visit(clerk)
    visit_id = _visit_id(clerk)
    codes = []
    for _ in range(3):
        r = _post(clerk, "/copy", page_id=str(page_id))
        assert r.status_code == 200 and r.mimetype == "application/pdf"
    with app.extensions["dangan_db"].session() as s:
        codes = [a.detail.rsplit(" ", 1)[1] for a in s.scalars(select(Access).where(
            Access.visit_id == visit_id, Access.action == "copy"))]
    assert len(set(codes)) == 3
    r = _post(clerk, f"/visits/{visit_id}/close", outcome="未查到", copied="（无）")
    assert r.status_code == 302
    html = clerk.get(f"/visits/{visit_id}").get_data(as_text=True)
    for code in codes:
        assert html.count(code) >= 1
    assert "（无）" not in html
    csv = clerk.get("/visits/export.csv").get_data(as_text=True)
    row = next(line for line in csv.splitlines() if codes[0] in line)
    assert all(code in row for code in codes) and "（无）" not in row


def _request(client) -> str:
    t = token(client, "/requests/new")
    r = client.post("/requests/new", data={
        "requester_name": "王小兰", "requester_id_number": "11010519491231002X",
        "requester_phone": "13812345678", "applicant_type": "本人", "channel": "电话",
        "subject_name": "曾广才", "purpose": "退休核定", "csrf_token": t})
    assert r.status_code == 302, r.get_data(as_text=True)
    return r.headers["Location"].rsplit("/", 1)[1]


def test_request_work_is_logged_to_the_request_and_suspends_the_visit(app):
    clerk = login(app.test_client())
    register_visit(clerk, name="甲某某")
    visit_id = _visit_id(clerk)
    number = _request(clerk)
    _post(clerk, f"/requests/{number}/work")
    html = clerk.get("/?person=曾广才").get_data(as_text=True)
    assert "已暂停" in html
    page_id = _page_id(app, "X012-WS·1985-Y-0012")
    assert clerk.get(f"/page/{page_id}").status_code == 200
    with app.extensions["dangan_db"].session() as s:
        rows = list(s.scalars(select(Access).where(Access.request_number == number)))
        on_visit = list(s.scalars(select(Access).where(Access.visit_id == visit_id,
                                                       Access.request_number == number)))
    assert {"search", "view"} <= {a.action for a in rows} and not on_visit
    detail = clerk.get(f"/requests/{number}").get_data(as_text=True)
    assert 'id="request-log"' in detail and "曾广才" in detail.split('id="request-log"')[1]
    # Released, the visit applies again.
    _post(clerk, f"/requests/{number}/release")
    clerk.get("/?person=王秀英")
    with app.extensions["dangan_db"].session() as s:
        last = s.scalars(select(Access).order_by(Access.id.desc()).limit(1)).one()
    assert last.visit_id == visit_id and last.request_number is None


def test_an_unset_or_loopback_public_url_is_warned_of_loudly(app):
    from dataclasses import replace

    boss = login(app.test_client(), "boss", "boss-password")
    html = boss.get("/admin/status").get_data(as_text=True)
    assert 'id="public-url-warning"' in html and "public_url" in html
    assert 'id="audit-head"' in html  # the chain's head, to copy onto paper
    cfg = app.config["DANGAN"]
    try:
        app.config["DANGAN"] = replace(cfg, public_url="http://127.0.0.1:8080")
        assert "指向本机" in boss.get("/admin/status").get_data(as_text=True)
        app.config["DANGAN"] = replace(cfg, public_url="https://dangan.example.gov.cn")
        assert 'id="public-url-warning"' not in boss.get("/admin/status").get_data(as_text=True)
    finally:
        app.config["DANGAN"] = cfg


def test_a_request_number_is_locked_after_a_few_wrong_id_tails(app):
    number = _request(login(app.test_client()))
    citizen = app.test_client()

    def ask(client, tail, typed=number):  # by POST, as the status form sends it (issue 30)
        return client.post("/apply/status", data={
            "number": typed, "id_tail": tail, "csrf_token": token(client, "/apply/status")})

    ok = ask(citizen, "002X")
    assert ok.status_code == 200 and number in ok.get_data(as_text=True)
    for tail in ("0000", "0001", "0002", "0003", "0004"):
        other = app.test_client()  # from anywhere, in any case: the number is what is locked
        other.environ_base["REMOTE_ADDR"] = f"10.1.0.{tail[-1]}"
        assert ask(other, tail, number.lower()).status_code == 404
    r = ask(citizen, "002X")
    assert r.status_code == 429 and "错误次数过多" in r.get_data(as_text=True)


def test_a_colleague_picking_up_a_request_ends_its_clearances(app):
    page_id = _page_id(app, RESTRICTED_CODE)
    boss = login(app.test_client(), "boss", "boss-password")
    number = _request(boss)
    _post(boss, f"/requests/{number}/work")
    assert boss.get(f"/page/{page_id}").status_code == 403  # asked for a reason: logged
    assert _post(boss, f"/page/{page_id}", reason="本人申请，经批准").status_code == 200
    boss2 = login(app.test_client(), "boss2", "boss2-password")
    _post(boss2, f"/requests/{number}/work")
    assert boss2.get(f"/page/{page_id}").status_code == 403  # not boss2's clearance
    assert boss.get(f"/page/{page_id}").status_code == 403  # and it ended for boss too
    with app.extensions["dangan_db"].session() as s:
        refused = list(s.scalars(select(Access).where(Access.request_number == number,
                                                      Access.action == "view_refused")))
    assert {a.user_id for a in refused} == {app.extensions["dangan_db"].user(u).id
                                            for u in ("boss", "boss2")}


def test_a_dossier_summary_is_in_the_visits_copies_with_its_code(app):
    from dangan.dossier.summary import TITLE

    page_id = _page_id(app, "X012-WS·1985-Y-0012")
    clerk = login(app.test_client())
    register_visit(clerk, name="曾广才")
    visit_id = _visit_id(clerk)
    key = str(page_id)
    assert _post(clerk, "/dossier/decide", name="曾广才", action="confirm", key=key) \
        .status_code == 302
    r = _post(clerk, "/dossier/summary", name="曾广才", key=key)
    assert r.status_code == 200 and r.mimetype == "application/pdf", r.get_data(as_text=True)
    html = clerk.get(f"/visits/{visit_id}").get_data(as_text=True)
    copied = html.split('id="copied"')[1].split("</div>")[0]
    assert TITLE in copied and "核验码" in copied and "X012-WS·1985-Y-0012 第1页" in copied
