"""The visit flow at the counter (web/counter/visits.py) as a clerk lives it: sent to register
and back to the page, the previous visit not left open unnoticed, picked up after a logout,
nothing preselected, the note and the closing time kept."""

from __future__ import annotations

import csv
import io
import re

import pytest
from webhelpers import VALID_ID, login, make_app, register_visit, token


@pytest.fixture(scope="module")
def app(sample_config, tmp_path_factory):
    return make_app(sample_config, tmp_path_factory.mktemp("visitsdb"))


def _page_id(client) -> str:
    html = client.get("/?person=王秀英&year=1993").get_data(as_text=True)
    return re.search(r'href="/page/(\d+)', html).group(1)


def test_registering_leads_back_to_the_page_the_clerk_was_opening(app):
    c = login(app.test_client())
    page_id = _page_id(c)
    r = c.get(f"/page/{page_id}?person=王秀英")
    assert r.status_code == 302 and "/visits/new?next=" in r.headers["Location"]
    form = c.get(r.headers["Location"]).get_data(as_text=True)
    nxt = re.search(r'name="next" value="([^"]*)"', form).group(1)
    assert nxt.startswith(f"/page/{page_id}")
    # nothing preselected: the clerk chooses relationship and purpose
    assert '<option value="">请选择</option>' in form and "selected" not in form
    t = token(c, "/visits/new")
    r = c.post("/visits/new", data={"requester_name": "周建国", "id_number": VALID_ID,
                                    "relationship": "本人", "purpose": "工龄认定",
                                    "note": "查 1993 年套改", "next": nxt.replace("&amp;", "&"),
                                    "csrf_token": t})
    assert r.status_code == 302 and r.headers["Location"].startswith(f"/page/{page_id}")
    # an outside address in next is never followed
    t = token(c, "/visits/new")
    r = c.post("/visits/new", data={"requester_name": "周建国", "id_number": VALID_ID,
                                    "relationship": "本人", "purpose": "工龄认定",
                                    "next": "//evil.example/", "csrf_token": t})
    assert r.headers["Location"] == "/"


def test_a_new_visit_warns_of_the_open_one_and_an_open_visit_is_resumed_after_logout(app):
    c = login(app.test_client())
    register_visit(c, name="吴美兰")
    html = c.get("/visits/new").get_data(as_text=True)
    assert 'id="open-visit"' in html and "尚未办结" in html
    number = re.search(r"当前登记 <b>([^<]+)</b>", html).group(1)
    c.post("/logout", data={"csrf_token": token(c, "/")})

    c = login(app.test_client())
    bar = c.get("/").get_data(as_text=True)
    assert "继续办理未办结的登记" in bar and number in bar
    listing = c.get("/visits/?outcome=办理中").get_data(as_text=True)
    assert number in listing
    visit_id = re.search(rf'href="/visits/(\d+)">{number}<', listing).group(1)
    detail = c.get(f"/visits/{visit_id}").get_data(as_text=True)
    assert 'id="resume-form"' in detail
    r = c.post(f"/visits/{visit_id}/resume", data={"csrf_token": token(c, "/")})
    assert r.status_code == 302
    assert f"当前查档登记：<b>{number}</b>" in c.get("/").get_data(as_text=True)


def test_closing_needs_an_outcome_chosen_and_the_csv_has_note_and_closing_time(app):
    c = login(app.test_client())
    t = token(c, "/visits/new")
    c.post("/visits/new", data={"requester_name": "郑海燕", "id_number": VALID_ID,
                                "relationship": "亲属", "subject_name": "郑国栋",
                                "purpose": "继承", "note": "查其父 1985 年调资",
                                "csrf_token": t})
    listing = c.get("/visits/?name=郑海燕").get_data(as_text=True)
    visit_id = re.search(r'href="/visits/(\d+)"', listing).group(1)
    detail = c.get(f"/visits/{visit_id}").get_data(as_text=True)
    assert "查其父 1985 年调资" in detail  # the note typed at registration
    r = c.post(f"/visits/{visit_id}/close", data={"outcome": "", "csrf_token": token(c, "/")},
               follow_redirects=True)
    html = r.get_data(as_text=True)
    assert 'class="flash error"' in html and "请先选择查档结果" in html
    assert 'name="copied"' not in html  # 复制内容 is the system's, never typed
    c.post(f"/visits/{visit_id}/close", data={"outcome": "查到", "csrf_token": token(c, "/")})
    rows = list(csv.reader(io.StringIO(
        c.get("/visits/export.csv?name=郑海燕").get_data(as_text=True).lstrip("\ufeff"))))
    head, row = rows[0], rows[1]
    assert "办结时间" in head and "备注" in head
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", row[head.index("办结时间")])
    assert row[head.index("备注")] == "查其父 1985 年调资"
    assert row[head.index("办结人")] == "clerk"


def test_the_visit_log_reads_as_sentences(app):
    c = login(app.test_client())
    register_visit(c, name="冯玉珍")
    page_id = _page_id(c)
    c.get(f"/page/{page_id}?person=王秀英")
    listing = c.get("/visits/?name=冯玉珍").get_data(as_text=True)
    visit_id = re.search(r'href="/visits/(\d+)"', listing).group(1)
    log = c.get(f"/visits/{visit_id}").get_data(as_text=True).split('id="visit-log"')[1]
    assert "检索 姓名 王秀英 年份1993" in log and "查看 X012-WS" in log and "第1页" in log
    assert "person=" not in log and "%E" not in log and ".jpg" not in log


@pytest.mark.parametrize("query, message", [
    ("year=1993&from=1995", "只填一种"), ("person=王秀英&p=40", "没有第 40 页"),
    ("q=%22工资", "引号")])
def test_search_mistakes_are_told_in_chinese(app, query, message):
    c = login(app.test_client())
    html = c.get("/?" + query).get_data(as_text=True)
    assert message in html and "没有找到符合条件" not in html


def test_a_visit_says_whose_records_are_sought_and_a_number_to_call_back(app):
    c = login(app.test_client())
    t = token(c, "/visits/new")
    missing = c.post("/visits/new", data={"requester_name": "郑海鸥", "id_number": VALID_ID,
                                          "relationship": "亲属", "purpose": "继承",
                                          "phone": "139-0931", "csrf_token": t})
    page = missing.get_data(as_text=True)
    assert missing.status_code == 400 and "所查人员" in page and "回电号码" in page
    c.post("/visits/new", data={"requester_name": "郑海鸥", "id_number": VALID_ID,
                                "relationship": "亲属", "subject_name": "郑国栋",
                                "phone": "139-0931-2345", "purpose": "继承", "csrf_token": t})
    # (a name of its own: another test registers 郑海燕, maybe within the same minute)
    listing = c.get("/visits/?name=郑海鸥").get_data(as_text=True)
    visit_id = re.search(r'href="/visits/(\d+)"', listing).group(1)
    detail = c.get(f"/visits/{visit_id}").get_data(as_text=True)
    assert '<b id="visit-subject">郑国栋</b>' in detail
    assert '<span id="visit-phone">13909312345</span>' in detail
    assert "人员档案线索：郑国栋（所查人员）" in detail
