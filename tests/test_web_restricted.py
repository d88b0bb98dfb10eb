"""Restricted records at the counter, the desk and the partner API: without clearance a closed
item is "受控档案，需审批" and nothing of its content; clearance is per document and per visit or
request, with a reason, logged, and asked again for a reply PDF."""

from __future__ import annotations

import re

import pytest
from archivekit import CLOSED_CODE, RESTRICTED_CODE, index, make_archive
from sqlalchemy import select
from webhelpers import login, make_app, register_visit, token

from dangan.register import tokens
from dangan.register.accounts import Access, Clearance

SECRET = ("解玉堂", "1938", "粮食局", "病历")  # what the closed page says


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    root = tmp_path_factory.mktemp("restricted")
    cfg = make_archive(root)
    index(cfg)
    return make_app(cfg, root)


def _page_id(app, code: str) -> int:
    from dangan.web.stores import page_store

    with app.test_request_context():
        return page_store().first_page_id(code)


def _clean(html: str) -> None:
    for word in SECRET:
        assert word not in html, word


def test_results_counts_and_facets_say_nothing_of_a_closed_page(app):
    c = login(app.test_client())
    register_visit(c)
    for query in ("person=解玉堂", "q=解玉堂+男", "q=解玉堂+女", "unit=东岭县粮食局",
                  "q=工资调整审批表"):
        html = c.get(f"/?{query}").get_data(as_text=True)
        _clean(html.split('class="results"')[1] if 'class="results"' in html else "")
    assert "共 <b>0</b> 条" in c.get("/?person=解玉堂").get_data(as_text=True)
    html = c.get(f"/?code={RESTRICTED_CODE}").get_data(as_text=True)
    assert "受控档案，需审批" in html and "共 <b>1</b> 条" in html
    _clean(html.split('class="results"')[1])


def test_the_partner_api_is_no_oracle_either(app):
    auth = {"Authorization": "Bearer " + tokens.create(app.extensions["dangan_db"], "XS02")}
    c = app.test_client()
    male = c.get("/api/v1/search?q=解玉堂 男", headers=auth).get_json()
    female = c.get("/api/v1/search?q=解玉堂 女", headers=auth).get_json()
    assert male["total"] == female["total"] == 0
    by_code = c.get(f"/api/v1/search?code={RESTRICTED_CODE}", headers=auth).get_json()
    assert by_code["total"] == 1 and by_code["hits"][0]["restricted"]
    _clean(str(by_code))
    titled = c.get(f"/api/v1/search?code={CLOSED_CODE}", headers=auth).get_json()
    assert titled["hits"][0]["title"] == "招工登记表（1961年）"  # 题名开放
    assert "覃桂香" not in str(titled)


def test_staff_see_only_the_open_catalogue_fields(app):
    page_id = _page_id(app, RESTRICTED_CODE)
    c = login(app.test_client())
    register_visit(c)
    r = c.get(f"/page/{page_id}")
    assert r.status_code == 403 and "受控档案，需审批" in r.get_data(as_text=True)
    _clean(r.get_data(as_text=True))
    r = c.get(f"/page/{page_id}/image")
    assert r.status_code == 403
    _clean(r.get_data(as_text=True))


def test_an_admins_clearance_holds_for_one_visit_only(app):
    page_id = _page_id(app, RESTRICTED_CODE)
    a = login(app.test_client(), "boss", "boss-password")
    register_visit(a, name="张三")
    assert a.get(f"/page/{page_id}").status_code == 403  # a reason first
    r = a.post(f"/page/{page_id}", data={"reason": "退休核定，经馆领导批准",
                                         "csrf_token": token(a, "/visits/new")})
    assert r.status_code == 200 and "解玉堂" in r.get_data(as_text=True)
    assert a.get(f"/page/{page_id}/image").status_code == 200
    # The next citizen at the same window: the same admin, the same login, asked again.
    register_visit(a, name="李四")
    assert a.get(f"/page/{page_id}").status_code == 403
    assert a.get(f"/page/{page_id}/image").status_code == 403
    with app.extensions["dangan_db"].session() as s:
        cleared = list(s.scalars(select(Clearance)))
        logged = list(s.scalars(select(Access).where(Access.action == "view_restricted")))
    assert [c.reason for c in cleared] == ["退休核定，经馆领导批准"]
    assert cleared[0].visit_id is not None and logged


def _request(client) -> str:
    t = token(client, "/requests/new")
    r = client.post("/requests/new", data={
        "requester_name": "王小兰", "requester_id_number": "11010519491231002X",
        "requester_phone": "13812345678", "applicant_type": "本人", "channel": "电话",
        "subject_name": "解玉堂", "purpose": "退休核定", "csrf_token": t})
    assert r.status_code == 302, r.get_data(as_text=True)
    return r.headers["Location"].rsplit("/", 1)[1]


def _post(client, url, **data):
    return client.post(url, data={**data, "csrf_token": token(client, "/requests/")})


def test_a_restricted_page_joins_a_request_only_with_clearance(app):
    page_id = _page_id(app, RESTRICTED_CODE)
    c = login(app.test_client())
    number = _request(c)
    _post(c, f"/requests/{number}/work")
    r = _post(c, f"/requests/{number}/pages", page_id=str(page_id))
    assert r.status_code == 403 and "受控档案，需审批" in r.get_data(as_text=True)
    _clean(r.get_data(as_text=True))
    _clean(c.get(f"/requests/{number}").get_data(as_text=True).split('id="found"')[-1])


def test_a_reply_with_a_restricted_page_asks_the_admin_for_a_reason_each_time(app):
    page_id = _page_id(app, RESTRICTED_CODE)
    a = login(app.test_client(), "boss", "boss-password")
    number = _request(a)
    _post(a, f"/requests/{number}/work")
    a.post(f"/page/{page_id}", data={"reason": "申请人为本人，经批准",
                                     "csrf_token": token(a, "/requests/")})
    r = _post(a, f"/requests/{number}/pages", page_id=str(page_id))
    assert r.status_code == 302
    detail = a.get(f"/requests/{number}").get_data(as_text=True)
    _clean(detail.split('id="found"')[-1])  # the label is 档号 only
    r = _post(a, f"/requests/{number}/reply.pdf", note="查到")
    assert r.status_code == 403 and "出具理由" in r.get_data(as_text=True)
    _clean(r.get_data(as_text=True))
    r = _post(a, f"/requests/{number}/reply.pdf", reason="本人申请，馆长批准出具")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert a.get(f"/requests/{number}/reply.pdf").status_code == 403  # asked again
    with app.extensions["dangan_db"].session() as s:
        reasons = [c.reason for c in s.scalars(select(Clearance).where(
            Clearance.request_number == number, Clearance.purpose == "reply"))]
    assert reasons == ["本人申请，馆长批准出具"]
    # A clerk cannot print it at all.
    c = login(app.test_client())
    r = c.get(f"/requests/{number}/reply.pdf")
    assert r.status_code == 403
    _clean(r.get_data(as_text=True))


def test_images_are_served_only_within_a_visit_and_logged(app):
    page_id = _page_id(app, "a/scan0001.pdf")
    c = login(app.test_client())
    assert c.get(f"/page/{page_id}/image").status_code == 403
    assert c.get(f"/page/{page_id}/image?w=200").status_code == 403
    register_visit(c)
    assert c.get(f"/page/{page_id}/image?w=200").status_code == 200
    assert c.get(f"/page/{page_id}/image").status_code == 200
    with app.extensions["dangan_db"].session() as s:
        actions = [a.action for a in s.scalars(select(Access).where(
            Access.page_uid == page_id))]
    assert "thumbnail" in actions and "image" in actions


def test_search_results_link_by_page_identity(app):
    c = login(app.test_client())
    register_visit(c)
    html = c.get("/?person=王秀英").get_data(as_text=True)
    ids = re.findall(r'href="/page/(\d+)', html)
    assert str(_page_id(app, "a/scan0001.pdf")) in ids
