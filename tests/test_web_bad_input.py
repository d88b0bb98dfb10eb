"""Bad input gets a 400 or 404 with a Chinese message, never a 500: oversized and
non-ASCII ids, dates at the calendar's ends, endless years and names, malformed API
parameters — and a sweep sending malformed values to every route of the app."""

from __future__ import annotations

import re
import time

import pytest
from webhelpers import VALID_ID, login, make_app, register_visit, token

from dangan.register import tokens

HUGE = "99999999999999999999999"


@pytest.fixture(scope="module")
def app(sample_config, tmp_path_factory):
    return make_app(sample_config, tmp_path_factory.mktemp("badinputdb"), api_per_minute=1000)


@pytest.fixture(scope="module")
def staff(app):
    c = login(app.test_client(), "boss", "boss-password")
    assert register_visit(c).status_code == 302
    return c


@pytest.mark.parametrize("url", [f"/page/{HUGE}", f"/page/{HUGE}/image", f"/visits/{HUGE}",
                                 "/page/٨", "/page/²", "/page/１", "/visits/٣"])
def test_ids_that_are_not_ours_are_404(staff, url):
    r = staff.get(url)
    assert r.status_code == 404, url


@pytest.mark.parametrize("value", [HUGE, "²", "٨", "-1", "1e3", " "])
def test_page_ids_in_forms_are_400(staff, value):
    t = token(staff, "/visits/new")
    r = staff.post("/copy", data={"page_id": value, "csrf_token": t})
    assert r.status_code == 400 and "页面编号无效" in r.get_data(as_text=True)


def test_the_register_filter_takes_the_ends_of_the_calendar(staff):
    r = staff.get("/visits/?from=0001-01-01&to=9999-12-31")
    assert r.status_code == 200
    assert staff.get("/visits/export.csv?from=0001-01-01&to=9999-12-31").status_code == 200
    assert staff.get("/visits/?from=２０２６-０１-０１&to=x").status_code == 200


def test_an_endless_year_is_not_echoed_back_whole(staff):
    r = staff.get("/?year=" + "9" * 5000)
    message = re.search(r'<div class="error">([^<]*)</div>', r.get_data(as_text=True))
    assert r.status_code == 200 and "年份格式不正确" in message.group(1)
    assert len(message.group(1)) < 60


def test_an_endless_name_is_refused_at_once(staff):
    t0 = time.perf_counter()
    r = staff.get("/?person=" + "王" * 10_000)
    assert time.perf_counter() - t0 < 2
    assert r.status_code == 200 and "检索条件过长" in r.get_data(as_text=True)


def test_full_width_digits_in_an_id_number_are_read_and_a_bad_date_is_named(staff):
    t = token(staff, "/visits/new")
    full = VALID_ID.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    r = staff.post("/visits/new", data={"requester_name": "李四", "id_number": full,
                                        "relationship": "本人", "purpose": "工龄认定",
                                        "csrf_token": t})
    assert r.status_code == 302
    t = token(staff, "/visits/new")
    feb31 = "11010519490231" + "001"
    from dangan.text.idnumbers import check_digit

    r = staff.post("/visits/new", data={"requester_name": "李四",
                                        "id_number": feb31 + check_digit(feb31),
                                        "relationship": "本人", "purpose": "工龄认定",
                                        "csrf_token": t})
    assert r.status_code == 400 and "出生日期不存在" in r.get_data(as_text=True)


@pytest.fixture(scope="module")
def api(app):
    return {"Authorization": "Bearer " + tokens.create(app.extensions["dangan_db"], "P01")}


@pytest.mark.parametrize("query", ["limit=abc", "limit=²", f"limit={HUGE}", "page=x",
                                   "page=0"])
def test_api_parameters_that_are_not_numbers_get_a_clear_json_400(app, api, query):
    r = app.test_client().get(f"/api/v1/search?person=王秀英&{query}", headers=api)
    body = r.get_json()
    assert r.status_code == 400 and ("limit" in body["error"] or "page" in body["error"])
    assert "invalid literal" not in body["error"]


def test_unknown_api_paths_are_json_404_not_the_login_page(app, api):
    for headers in (api, {}):
        r = app.test_client().get("/api/v1/nothing-here", headers=headers)
        assert r.status_code == 404 and r.is_json and "error" in r.get_json()


def test_an_endless_api_query_is_refused_quickly(app, api):
    t0 = time.perf_counter()
    r = app.test_client().get("/api/v1/search?person=" + "王" * 24_000, headers=api)
    assert r.status_code == 400 and "过长" in r.get_json()["error"]
    assert time.perf_counter() - t0 < 2


def test_a_partner_token_is_rate_limited(sample_config, tmp_path):
    app = make_app(sample_config, tmp_path, api_per_minute=3)
    auth = {"Authorization": "Bearer " + tokens.create(app.extensions["dangan_db"], "P02")}
    c = app.test_client()
    codes = [c.get("/api/v1/search?person=王秀英", headers=auth).status_code
             for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]
    assert "调用过于频繁" in c.get("/api/v1/search?person=王秀英", headers=auth
                               ).get_json()["error"]


FORWARD = {"origin_number": "P01-20261123-R001", "requester_name": "王小兰",
           "requester_id_number": VALID_ID, "requester_phone": "13812345678",
           "applicant_type": "本人", "subject_name": "王秀英", "purpose": "工龄认定"}


def test_partners_see_status_changes_and_the_reply_but_not_staff_notes(app, api, staff):
    r = app.test_client().post("/api/v1/requests", json=FORWARD, headers=api)
    number = r.get_json()["number"]
    t = token(staff, f"/requests/{number}")
    staff.post(f"/requests/{number}/status", data={
        "status": "查找中", "note": "已电话联系申请人家属 13900000000", "csrf_token": t})
    body = app.test_client().get(f"/api/v1/requests/{number}", headers=api).get_json()
    assert [h["status"] for h in body["history"]] == ["已受理", "查找中"]
    assert "13900000000" not in str(body) and all("note" not in h for h in body["history"])


def test_forwarded_cannot_be_set_by_hand(app, staff):
    t = token(staff, "/requests/new")
    r = staff.post("/requests/new", data={
        "channel": "窗口", "requester_name": "王小明", "requester_id_number": VALID_ID,
        "requester_phone": "13800000000", "applicant_type": "本人", "subject_name": "王秀英",
        "purpose": "工龄认定", "csrf_token": t})
    number = r.headers["Location"].rsplit("/", 1)[1]
    t = token(staff, f"/requests/{number}")
    r = staff.post(f"/requests/{number}/status", data={"status": "转外馆", "csrf_token": t})
    assert r.status_code == 400  # refused, on the request's page, in red
    assert "只能通过“转外馆办理”设置" in r.get_data(as_text=True)
    page = staff.get(f"/requests/{number}").get_data(as_text=True)
    assert re.search(r"状态[^<]*</th>\s*<td[^>]*>[^<]*已受理", page) or "转外馆</td>" not in page


# -- the sweep -------------------------------------------------------------------------
# Each is sent in every field at once; path parts get PATH_VALUES.
BAD_VALUES = [HUGE, "²", "٨", "-1", "", "\x00", "<script>alert(1)</script>", "王" * 300,
              "9999-12-31", "0001-01-01", "1993-02-31", "１２３", "'; DROP TABLE users; --"]
PATH_VALUES = [HUGE, "٨", "²", "..", "王" * 300, "%00", "1"]
PARAMS = ["person", "year", "from", "to", "policy", "type", "unit", "code", "q", "p", "w",
          "limit", "page", "name", "outcome", "purpose", "status", "terms", "next", "number",
          "id_tail", "page_id", "reason", "use", "note", "delivery", "peer", "outcome",
          "copied", "requester_name", "id_number", "relationship", "holding_archive",
          "subject_birth_year", "year_from", "year_to", "requester_id_number", "doc_types",
          "username", "password"]


def _requests(app):
    """(method, url, value): every route with each malformed path part (past the
    converter's regex too), and every route with each malformed value in all its fields."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.rule == "/logout":
            continue  # /logout would end the sweep's own session
        methods = sorted((rule.methods or set()) & {"GET", "POST"})
        for value in PATH_VALUES if rule.arguments else []:
            yield "GET", re.sub(r"<[^>]+>", value, rule.rule), ""
        plain = re.sub(r"<[^>]+>", "1", rule.rule)
        for method in methods:
            for value in BAD_VALUES:
                yield method, plain, value


def test_no_route_answers_500_to_malformed_values(app, staff):
    """Logged in as an admin with a visit registered; partner routes with a valid token."""
    api = {"Authorization": "Bearer " + tokens.create(app.extensions["dangan_db"], "SWEEP")}
    csrf = token(staff, "/visits/new")  # one per session
    failures = []
    seen = 0
    for method, url, value in _requests(app):
        fields = {p: value for p in PARAMS}
        headers = api if url.startswith("/api") else {}
        if method == "GET":
            r = staff.get(url, query_string=fields, headers=headers)
        else:
            r = staff.post(url, data={**fields, "csrf_token": csrf},
                           query_string={"next": value}, headers=headers)
        seen += 1
        if r.status_code >= 500:
            failures.append(f"{method} {url[:40]} {value[:20]!r}: {r.status_code}")
    assert seen > 300
    assert not failures, "\n".join(failures[:30])
