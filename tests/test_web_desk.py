"""The request desk in the web app: intake at the desk and from the public form, the status
flow with its history, searching and attaching pages for a request, the reply PDFs, the
deadline marks on the list, and the CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select
from webhelpers import VALID_ID, login, make_app, token

from dangan import clock
from dangan.config import DeskSettings
from dangan.register.accounts import Access
from dangan.register.requests import Request

FORM = {"requester_name": "王小兰", "requester_id_number": VALID_ID,
        "requester_phone": "13812345678", "applicant_type": "亲属", "relationship": "女儿",
        "channel": "电话", "subject_name": "王秀英", "year_from": "1985", "year_to": "1995",
        "purpose": "退休核定", "delegated": "1", "requester_address": "北京市西城区某某街 12 号"}


@pytest.fixture(scope="module")
def app(sample_config, tmp_path_factory, records_url):
    return make_app(sample_config, tmp_path_factory.mktemp("deskdb"), records_url,
                    desk=DeskSettings(deadline_days=4, intake_per_hour=3))


def new_request(client, **change) -> str:
    t = token(client, "/requests/new")
    r = client.post("/requests/new", data={**FORM, **change, "csrf_token": t})
    assert r.status_code == 302, r.get_data(as_text=True)
    return r.headers["Location"].rsplit("/", 1)[1]


def post(client, url, **data):
    return client.post(url, data={**data, "csrf_token": token(client, "/requests/")})


def history(client, number) -> str:
    html = client.get(f"/requests/{number}").get_data(as_text=True)
    return html.split('id="history"')[1]


def _text(pdf: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(pdf))
    return "".join(p.extract_text() for p in reader.pages), len(reader.pages)


def test_the_desk_needs_a_login(app):
    for url in ("/requests/", "/requests/new", "/requests/export.csv"):
        r = app.test_client().get(url)
        assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_a_request_taken_at_the_desk_has_a_number_a_deadline_and_a_history(app):
    c = login(app.test_client())
    number = new_request(c)
    assert re.fullmatch(r"T01-\d{8}-R\d{3}-[2-9A-HJ-NP-Z]{4}", number)
    with app.extensions["dangan_db"].session() as s:
        req = s.scalar(select(Request).where(Request.number == number))
    assert req.status == "已受理" and req.channel == "电话" and req.delegated
    assert req.due_on > req.accepted_on and req.due_on.weekday() < 5
    assert (req.due_on - req.accepted_on).days >= 4
    html = c.get(f"/requests/{number}").get_data(as_text=True)
    assert VALID_ID not in html and "110105********002X" in html  # masked on screen
    assert "clerk" in history(c, number) and "已受理" in history(c, number)


def test_a_bad_form_says_what_is_wrong_and_saves_nothing(app):
    c = login(app.test_client())
    with app.extensions["dangan_db"].session() as s:
        before = len(list(s.scalars(select(Request))))
    t = token(c, "/requests/new")
    r = c.post("/requests/new", data={**FORM, "requester_id_number": "123",
                                      "relationship": "", "csrf_token": t})
    html = r.get_data(as_text=True)
    assert r.status_code == 400 and "身份证号码无效" in html and "与档案当事人的关系" in html
    with app.extensions["dangan_db"].session() as s:
        assert len(list(s.scalars(select(Request)))) == before


def test_working_a_request_searches_for_it_attaches_pages_and_issues_the_reply(app):
    c = login(app.test_client())
    number = new_request(c)
    r = post(c, f"/requests/{number}/work")
    assert r.status_code == 302 and "person=" in r.headers["Location"]
    assert "from=1985" in r.headers["Location"] and "to=1995" in r.headers["Location"]
    html = c.get(r.headers["Location"]).get_data(as_text=True)
    assert "正在办理申请：" in html and f"加入申请 {number}" in html
    page_id = re.search(r'name="page_id" value="(\d+)"', html).group(1)

    # Viewing a page is allowed while working a request, and logged against it.
    assert c.get(f"/page/{page_id}?person=王秀英").status_code == 200
    with app.extensions["dangan_db"].session() as s:
        views = list(s.scalars(select(Access).where(Access.request_number == number,
                                                    Access.action == "view")))
    assert views

    # 已出具 is not chosen by hand: the reply sets it. Attaching a page moves it to 查找中.
    r = post(c, f"/requests/{number}/status", status="已出具")
    assert r.status_code == 400 and "随答复一并记下" in r.get_data(as_text=True)
    post(c, f"/requests/{number}/pages", page_id=page_id)
    detail = c.get(f"/requests/{number}").get_data(as_text=True)
    assert 'id="status">查找中' in detail and "第1页" in detail.split('id="found"')[1]

    # The reply is built first, and the request marked 已出具 with it: never "issued"
    # before a paper exists.
    assert c.get(f"/requests/{number}/reply.pdf").status_code == 409
    assert 'id="status">查找中' in c.get(f"/requests/{number}").get_data(as_text=True)
    r = post(c, f"/requests/{number}/reply.pdf", note="查到工资调整表 1 页")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    detail = c.get(f"/requests/{number}").get_data(as_text=True)
    assert 'id="status">已出具' in detail and "档案查询结果告知书 核验码" in history(c, number)
    text, pages = _text(r.data)
    assert pages == 2  # the letter, then the certified copy of the one page
    assert "档案查询结果告知书" in text and number in text and "退休核定" in text
    assert "本复制件与馆藏档案一致" in text

    # 已反馈 needs the way it went out; then the request is closed.
    # A refused change says why, in red, and keeps what the clerk typed.
    r = post(c, f"/requests/{number}/status", status="已反馈", note="挂号信 XA123")
    html = r.get_data(as_text=True)
    assert r.status_code == 400 and "请选择反馈方式" in html
    assert 'id="status-error"' in html and 'value="挂号信 XA123"' in html
    post(c, f"/requests/{number}/status", status="已反馈", delivery="邮寄")
    h = history(c, number)
    assert h.count("clerk") >= 4 and "已出具 → 已反馈" in h and "查到工资调整表 1 页" in h


def test_not_found_produces_the_certificate(app):
    c = login(app.test_client())
    number = new_request(c, subject_name="欧阳无此人", applicant_type="本人", relationship="")
    r = post(c, f"/requests/{number}/status", status="未查到")
    assert r.status_code == 400 and "随答复一并记下" in r.get_data(as_text=True)
    post(c, f"/requests/{number}/status", status="查找中")
    r = post(c, f"/requests/{number}/reply.pdf", note="已查 1985–1995 年全部工资档案")
    assert r.status_code == 200
    text, _ = _text(r.data)
    assert "查无档案证明" in text and "欧阳无此人" in text and number in text
    assert "已查 1985–1995 年全部工资档案" in text
    assert 'id="status">未查到' in c.get(f"/requests/{number}").get_data(as_text=True)
    assert c.get(f"/requests/{number}/reply.pdf").status_code == 200  # printed again


def test_a_reply_before_a_result_is_refused(app):
    c = login(app.test_client())
    number = new_request(c)
    r = c.get(f"/requests/{number}/reply.pdf")
    assert r.status_code == 409 and "尚在办理" in r.get_data(as_text=True)


def test_overdue_and_due_today_requests_stand_out_at_the_top(app):
    c = login(app.test_client())
    late, today, fresh = new_request(c), new_request(c), new_request(c)
    with app.extensions["dangan_db"].session() as s:  # as if accepted a week ago / earlier
        for number, due in ((late, clock.today() - dt.timedelta(days=2)),
                            (today, clock.today())):
            s.scalar(select(Request).where(Request.number == number)).due_on = due
        s.commit()
    html = c.get("/requests/").get_data(as_text=True)
    assert "逾期" in html and "今日到期" in html
    rows = re.findall(r'<tr class="(\w+)" data-number="([^"]+)"', html)
    order = [n for _, n in rows]
    assert dict((n, m) for m, n in rows)[late] == "overdue"
    assert dict((n, m) for m, n in rows)[today] == "due_today"
    assert order.index(late) < order.index(today) < order.index(fresh)


def test_export_lists_every_request_with_masked_ids(app):
    c = login(app.test_client())
    number = new_request(c)
    r = c.get("/requests/export.csv")
    assert r.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(r.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["申请编号", "受理日期", "办理期限"]
    mine = next(row for row in rows if row[0] == number)
    assert mine[8] == "110105********002X" and VALID_ID not in r.get_data(as_text=True)


def test_the_public_form_needs_no_login_and_gives_a_number_and_status(app):
    c = app.test_client()
    t = token(c, "/apply/")
    db = app.extensions["dangan_db"]

    def filed() -> int:
        with db.session() as s:
            return s.scalar(select(func.count(Request.id)))

    before = filed()
    r = c.post("/apply/", data={**FORM, "channel": "窗口", "csrf_token": t},
               environ_base={"REMOTE_ADDR": "10.0.0.1"})
    # Post/redirect/get: the answer page is a GET, so refreshing it files nothing again.
    assert r.status_code == 302 and r.headers["Location"].endswith("/apply/done")
    html = c.get("/apply/done").get_data(as_text=True)
    number = re.search(r'id="number"[^>]*>([^<]+)<', html).group(1)
    assert number in c.get("/apply/done").get_data(as_text=True)
    assert filed() == before + 1
    assert "/login" not in html and "网上查档" in html  # the citizen's own header
    with app.extensions["dangan_db"].session() as s:
        req = s.scalar(select(Request).where(Request.number == number))
    assert req.channel == "网上"  # whatever the form said
    # The citizen is told 已提交 until someone at the archive has accepted it.
    assert "申请已提交" in html and "已受理" not in html

    def status(number, tail):
        return c.post("/apply/status", data={"number": number, "id_tail": tail,
                                             "csrf_token": token(c, "/apply/status")})

    asked = status(number, "002x").get_data(as_text=True)
    assert 'id="status">已提交' in asked and "王小兰" not in asked
    # The number as typed in lower case finds it too; a GET never looks anything up.
    assert 'id="status">已提交' in status(number.lower(), "002X").get_data(as_text=True)
    assert 'id="status"' not in c.get(f"/apply/status?number={number}&id_tail=002X"
                                      ).get_data(as_text=True)
    wrong = status(number, "0000")
    assert wrong.status_code == 404 and "未找到该申请" in wrong.get_data(as_text=True)
    staff = login(app.test_client())
    staff.post(f"/requests/{number}/work", data={"csrf_token": token(staff, f"/requests/{number}")})
    assert 'id="status">已受理' in status(number, "002X").get_data(as_text=True)


def test_the_public_form_validates_and_refuses_robots(app):
    c = app.test_client()
    t = token(c, "/apply/")
    r = c.post("/apply/", data={**FORM, "requester_phone": "abc", "csrf_token": t},
               environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert r.status_code == 400 and "联系电话" in r.get_data(as_text=True)
    r = c.post("/apply/", data={**FORM, "website": "http://spam", "csrf_token": t},
               environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert r.status_code == 400
    r = c.post("/apply/", data=FORM, environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert r.status_code == 400 and "CSRF" in r.get_data(as_text=True)


def test_the_public_form_is_rate_limited_per_address(app):
    c = app.test_client()
    t = token(c, "/apply/")
    codes = [c.post("/apply/", data={**FORM, "csrf_token": t},
                    environ_base={"REMOTE_ADDR": "10.0.0.3"}).status_code for _ in range(4)]
    assert codes == [302, 302, 302, 429]
    other = c.post("/apply/", data={**FORM, "csrf_token": t},
                   environ_base={"REMOTE_ADDR": "10.0.0.4"})
    assert other.status_code == 302
