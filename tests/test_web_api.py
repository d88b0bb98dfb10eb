"""The partner API through Flask's test client: token auth, the same query model as the UI,
restricted items withheld, forwarded requests filed once, status only for the sender."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from webhelpers import VALID_ID, make_app

from dangan.register import tokens
from dangan.register.requests import Request

FORWARD = {"origin_number": "DL01-20261123-R001", "requester_name": "王小兰",
           "requester_id_number": VALID_ID, "requester_phone": "13812345678",
           "applicant_type": "本人", "subject_name": "王秀英", "purpose": "工龄认定",
           "year_from": 1985, "year_to": 1993, "doc_types": ["wage_adjustment"]}


@pytest.fixture(scope="module")
def app(sample_config, tmp_path_factory, records_url):
    return make_app(sample_config, tmp_path_factory.mktemp("apidb"), records_url)


@pytest.fixture(scope="module")
def auth(app):
    return {"Authorization": "Bearer " + tokens.create(app.extensions["dangan_db"], "DL01")}


def test_no_token_or_a_wrong_one_is_refused_with_json(app, auth):
    c = app.test_client()
    for headers in ({}, {"Authorization": "Bearer dgn_not-a-token"},
                    {"Authorization": auth["Authorization"] + "x"}):
        r = c.get("/api/v1/search?person=王秀英", headers=headers)
        assert r.status_code == 401 and "令牌无效" in r.get_json()["error"]
        assert r.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_stops_working(app):
    db = app.extensions["dangan_db"]
    tok = tokens.create(db, "OLD9")
    headers = {"Authorization": f"Bearer {tok}"}
    c = app.test_client()
    assert c.get("/api/v1/search?person=王秀英", headers=headers).status_code == 200
    assert tokens.revoke(db, "OLD9") == 1
    assert c.get("/api/v1/search?person=王秀英", headers=headers).status_code == 401


def test_tokens_are_stored_only_as_hashes(app, auth):
    plain = auth["Authorization"].split()[1]
    rows = tokens.listing(app.extensions["dangan_db"])
    assert all(plain != r.token_hash and plain[10:] not in r.hint for r in rows)


def test_search_answers_the_ui_query_model_in_json(app, auth):
    r = app.test_client().get("/api/v1/search?person=王秀英&from=1985&to=1995", headers=auth)
    data = r.get_json()
    assert r.status_code == 200 and data["archive"]["code"] == "T01"
    assert data["total"] >= 1
    hit = data["hits"][0]
    assert any("王秀" in p for p in hit["persons"]) and hit["why"]
    assert any(1985 <= y <= 1995 for y in hit["years"])
    s, e = hit["highlights"][0]
    assert "王秀" in hit["snippet"][s:e]
    assert "page_id" not in hit and "box" not in hit


def test_restricted_items_are_reported_without_their_content(app, auth):
    data = app.test_client().get("/api/v1/search?code=X012-WS·1985-Y-0013",
                                 headers=auth).get_json()
    locked = [h for h in data["hits"] if h["restricted"]]
    assert locked, data
    for h in locked:
        assert h["persons"] == [] and h["title"] == "" and "解玉堂" not in str(h)
        assert h["archive_code"].startswith("X012")


def test_a_bad_query_is_a_400_with_a_chinese_message(app, auth):
    c = app.test_client()
    r = c.get("/api/v1/search?year=19x3", headers=auth)
    assert r.status_code == 400 and "年份" in r.get_json()["error"]
    assert c.get("/api/v1/search", headers=auth).status_code == 400


def test_a_forwarded_request_is_filed_once_and_its_status_shown_to_the_sender_only(app, auth):
    c = app.test_client()
    r = c.post("/api/v1/requests", json=FORWARD, headers=auth)
    assert r.status_code == 201, r.get_json()
    number = r.get_json()["number"]
    assert r.get_json()["status"] == "已受理" and r.get_json()["due_on"]
    again = c.post("/api/v1/requests", json=FORWARD, headers=auth)
    assert again.status_code == 200 and again.get_json()["number"] == number
    with app.extensions["dangan_db"].session() as s:
        req = s.scalar(select(Request).where(Request.number == number))
        assert req.channel == "外馆转来" and req.origin_archive == "DL01"
        assert req.receiving_archive == "DL01" and req.holding_archive == "T01"
    status = c.get(f"/api/v1/requests/{number}", headers=auth).get_json()
    assert status["status"] == "已受理" and status["history"][0]["status"] == "已受理"
    other = {"Authorization": "Bearer " + tokens.create(app.extensions["dangan_db"], "XS02")}
    assert c.get(f"/api/v1/requests/{number}", headers=other).status_code == 404


def test_an_incomplete_forwarded_request_lists_its_problems(app, auth):
    r = app.test_client().post("/api/v1/requests", headers=auth,
                               json={**FORWARD, "requester_id_number": "1", "purpose": "x"})
    assert r.status_code == 422
    problems = r.get_json()["problems"]
    assert any("身份证" in p for p in problems) and any("用途" in p for p in problems)
    r = app.test_client().post("/api/v1/requests", headers=auth, data="not json",
                               content_type="application/json")
    assert r.status_code == 400


def test_the_openapi_document_is_served_without_a_token(app):
    r = app.test_client().get("/api/v1/openapi.json")
    spec = r.get_json()
    assert r.status_code == 200 and spec["openapi"].startswith("3.")
    assert {"/search", "/requests", "/requests/{number}"} <= set(spec["paths"])
    assert spec["info"]["x-archive"]["code"] == "T01"


def test_every_call_is_logged(app, auth):
    app.test_client().get("/api/v1/search?q=工资", headers=auth)
    app.test_client().get("/api/v1/search?q=工资")
    with app.extensions["dangan_db"].session() as s:
        rows = list(s.scalars(select(tokens.ApiAccess).order_by(tokens.ApiAccess.id)))
    assert rows[-2].peer == "DL01" and rows[-2].status == 200 and "q=" in rows[-2].detail
    assert rows[-1].peer == "" and rows[-1].status == 401


def test_admins_see_the_api_log_and_the_tokens_staff_do_not(app, auth):
    from webhelpers import login

    app.test_client().get("/api/v1/search?q=工资", headers=auth)
    staff = login(app.test_client())
    assert staff.get("/admin/api-log").status_code == 403
    html = login(app.test_client(), "boss", "boss-password").get("/admin/api-log").get_data(
        as_text=True)
    assert "DL01" in html and "q=工资" in html and "有效" in html
    assert auth["Authorization"].split()[1] not in html  # only the hint, never the token
