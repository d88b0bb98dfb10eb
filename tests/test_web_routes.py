"""Every route of the counter app through Flask's test client: login required, CSRF enforced,
ID numbers masked, restricted items closed to staff, untrusted text escaped."""

from __future__ import annotations

import re

import pytest
from webhelpers import VALID_ID, login, make_app, register_visit, token


@pytest.fixture(scope="module")
def app(sample_config, tmp_path_factory, records_url):
    return make_app(sample_config, tmp_path_factory.mktemp("webdb"), records_url)


ROUTES = ["/", "/?person=王秀英", "/visits/", "/visits/new", "/visits/export.csv",
          "/visits/1", "/page/1", "/page/1/image", "/admin/status", "/admin/log",
          "/admin/api-log", "/requests/", "/requests/new", "/requests/T01-20260101-R001",
          "/requests/export.csv", "/federated/?person=王秀英"]


@pytest.mark.parametrize("url", ROUTES)
def test_nothing_but_login_is_reachable_without_a_session(app, url):
    r = app.test_client().get(url)
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_wrong_password_is_refused(app):
    c = app.test_client()
    t = token(c)
    r = c.post("/login", data={"username": "clerk", "password": "nope", "csrf_token": t})
    assert r.status_code == 401 and "用户名或密码错误" in r.get_data(as_text=True)


def test_forms_without_the_csrf_token_are_rejected(app):
    c = app.test_client()
    r = c.post("/login", data={"username": "clerk", "password": "clerk-password"})
    assert r.status_code == 400 and "CSRF" in r.get_data(as_text=True)
    login(c)
    r = c.post("/visits/new", data={"requester_name": "李四", "id_number": VALID_ID,
                                    "relationship": "本人", "purpose": "工龄认定"})
    assert r.status_code == 400


def test_session_cookie_flags(app):
    c = app.test_client()
    t = token(c)
    r = c.post("/login", data={"username": "clerk", "password": "clerk-password",
                               "csrf_token": t})
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie


def test_viewing_needs_a_registered_visit(app):
    c = login(app.test_client())
    r = c.get("/page/1")
    assert r.status_code == 302 and "/visits/new" in r.headers["Location"]


def test_visit_form_validates_every_field(app):
    c = login(app.test_client())
    r = register_visit(c, name="<", id_number="110105194912310021")
    html = r.get_data(as_text=True)
    assert r.status_code == 400
    assert "身份证号码无效" in html and "姓名应为" in html


def test_search_shows_reasons_and_links_by_id(app):
    c = login(app.test_client())
    register_visit(c)
    html = c.get("/?person=王秀英").get_data(as_text=True)
    assert "同音：王秀瑛" in html and "精确" in html
    assert re.search(r'href="/page/\d+\?person=', html)
    assert "scans/" not in html.split("<main>")[1].split("href")[0]


def test_page_view_is_logged_against_the_visit_and_image_served(app):
    c = login(app.test_client())
    register_visit(c, name="王小明")
    html = c.get("/?person=瞿德明").get_data(as_text=True)
    page_id = re.search(r'href="/page/(\d+)\?', html).group(1)
    view = c.get(f"/page/{page_id}?person=瞿德明")
    assert view.status_code == 200
    assert 'class="hl"' in view.get_data(as_text=True)
    img = c.get(f"/page/{page_id}/image")
    assert img.status_code == 200 and img.data[:2] == b"\xff\xd8"
    visits = c.get("/visits/").get_data(as_text=True)
    assert "王小明" in visits
    assert "110105********002X" in visits and VALID_ID not in visits


def test_register_export_masks_id_numbers(app):
    c = login(app.test_client())
    register_visit(c, name="赵六")
    csv = c.get("/visits/export.csv").get_data(as_text=True)
    assert csv.startswith("\ufeff登记号")
    assert "赵六" in csv and VALID_ID not in csv


def _restricted_page(app):
    from dangan.web.stores import page_store

    with app.test_request_context():
        store = page_store()
        return store.first_page_id("X012-WS·1985-Y-0013")  # the sample's 控制 item


def test_restricted_items_are_closed_to_staff_and_open_to_admin_with_a_reason(app):
    page_id = _restricted_page(app)
    c = login(app.test_client())
    register_visit(c)
    r = c.get(f"/page/{page_id}")
    assert r.status_code == 403 and "受控档案，需审批" in r.get_data(as_text=True)
    assert c.get(f"/page/{page_id}/image").status_code == 403
    html = c.get("/?code=X012-WS·1985-Y-0013").get_data(as_text=True)
    assert "受控档案，需审批" in html and "1938" not in html.split("受控")[1]

    a = login(app.test_client(), "boss", "boss-password")
    register_visit(a)
    assert a.get(f"/page/{page_id}").status_code == 403  # asks for a reason first
    t = token(a, "/visits/new")
    r = a.post(f"/page/{page_id}", data={"reason": "退休核定，经馆领导批准", "csrf_token": t})
    assert r.status_code == 200 and "解玉堂" in r.get_data(as_text=True)
    log = a.get("/admin/log").get_data(as_text=True)
    assert "调阅受控档案" in log and "经馆领导批准" in log


def test_admin_pages_are_for_admins(app):
    c = login(app.test_client())
    assert c.get("/admin/status").status_code == 403
    a = login(app.test_client(), "boss", "boss-password")
    html = a.get("/admin/status").get_data(as_text=True)
    assert "索引状态" in html and "页面" in html


def test_untrusted_text_is_escaped(app):
    c = login(app.test_client())
    r = register_visit(c, name="<script>alert(1)</script>")
    assert "<script>alert(1)</script>" not in r.get_data(as_text=True)
    html = c.get("/?q=<script>alert(1)</script>").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html


def test_bad_query_and_unknown_page_render_chinese_errors(app):
    c = login(app.test_client())
    register_visit(c)
    assert "超出范围" in c.get("/?person=王&year=3000").get_data(as_text=True)
    r = c.get("/page/999999")
    assert r.status_code == 404 and "无此页面" in r.get_data(as_text=True)
    assert "Traceback" not in r.get_data(as_text=True)


def test_certified_copy_is_a_pdf_with_footer_and_is_logged(app):
    from io import BytesIO

    from pypdf import PdfReader

    c = login(app.test_client())
    register_visit(c, name="钱七")
    html = c.get("/?person=王秀英").get_data(as_text=True)
    page_id = re.search(r'href="/page/(\d+)\?', html).group(1)
    c.get(f"/page/{page_id}")
    t = token(c, f"/page/{page_id}")
    r = c.post("/copy", data={"page_id": page_id, "use": "退休核定", "csrf_token": t})
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    text = PdfReader(BytesIO(r.data)).pages[0].extract_text()
    assert "本复制件与馆藏档案一致" in text and "仅供退休核定使用" in text
    assert "DL01-" in text or "T01-" in text  # the visit number
    visits = c.get("/visits/").get_data(as_text=True)
    assert "钱七" in visits and "第1页" in visits
