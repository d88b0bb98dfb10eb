"""One access gate, every route (issue 27 (5)): every route of the app, taken from Flask's URL
map (not a hand list), is called with the restricted page's id — as staff and as an admin who
has not opened it, with no scope, within a visit and while working a request — and nothing of
the page comes back: no text of it, no image, no copy, no dossier fact, no API answer."""

from __future__ import annotations

import io
import re

import pytest
from archivekit import RESTRICTED_CODE, index, make_archive
from pypdf import PdfReader
from webhelpers import login, make_app, register_visit, token

from dangan.register import tokens

# What only the 控制 page says (its catalogue title is not open either). The person's name is
# typed into the queries, so it is echoed back by search boxes: it is not among these.
SECRET = ("粮食局", "1938", "病历", "调整时间 1985年10月", "11010519380512", "工资调整审批表（")
ARGS = {"page_id", "visit_id", "row_id", "n", "number", "code", "correction_id", "username"}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    root = tmp_path_factory.mktemp("gate")
    cfg = make_archive(root)
    index(cfg)
    return make_app(cfg, root)


def _page_id(app) -> int:
    from dangan.web.stores import page_store

    with app.test_request_context():
        return page_store().first_page_id(RESTRICTED_CODE)


def _request(client) -> str:
    t = token(client, "/requests/new")
    r = client.post("/requests/new", data={
        "requester_name": "王小兰", "requester_id_number": "11010519491231002X",
        "requester_phone": "13812345678", "applicant_type": "本人", "channel": "电话",
        "subject_name": "解玉堂", "purpose": "退休核定", "csrf_token": t})
    assert r.status_code == 302, r.get_data(as_text=True)
    return r.headers["Location"].rsplit("/", 1)[1]


def _scoped(app, user: str, password: str, scope: str):
    c = login(app.test_client(), user, password)
    number = _request(c)
    if scope == "visit":
        register_visit(c, name="解玉堂")
    elif scope == "request":
        c.post(f"/requests/{number}/work", data={"csrf_token": token(c, "/requests/")})
    return c, number


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    # The QR code (198 px) and the drawn use-stamp (600 px) are a paper's own pictures; a
    # scan is larger.
    sizes = [i.image.size for page in reader.pages for i in page.images]
    assert all(max(size) <= 600 for size in sizes), f"a paper carries a scan: {sizes}"
    return "".join(page.extract_text() for page in reader.pages)


def _still(c, scope: str) -> bool:
    with c.session_transaction() as s:
        return {"visit": "visit_id" in s, "request": "request_number" in s, "none": True}[scope]


def _calls(app, page_id: int, number: str):
    """(method, url, form) for every rule of the URL map and every method it takes."""
    values = {"page_id": page_id, "visit_id": 1, "row_id": 1, "n": 0, "number": number,
              "code": "AAAA-BBBB-CCCC", "correction_id": 1, "username": "clerk"}
    query = (f"?page_id={page_id}&person=解玉堂&name=解玉堂&q=解玉堂&code={RESTRICTED_CODE}"
             "&w=200&terms=解玉堂")
    form = {"page_id": str(page_id), "name": "解玉堂", "key": str(page_id), "action": "confirm",
            "reason": "", "use": "查档", "target": "line", "line": "0", "value": "改",
            "status": "查找中", "note": "x", "outcome": "查到"}
    for rule in app.url_map.iter_rules():
        if rule.endpoint in ("static", "auth.logout", "auth.login"):
            continue
        assert set(rule.arguments) <= ARGS, f"new route argument in {rule.rule}: add it here"
        url = rule.rule
        for arg in rule.arguments:
            url = re.sub(rf"<(?:\w+:)?{arg}>", str(values[arg]), url)
        for method in sorted(rule.methods & {"GET", "POST"}):
            yield method, url + (query if method == "GET" else ""), form, rule.endpoint


@pytest.mark.parametrize("user,password", [("clerk", "clerk-password"),
                                           ("boss", "boss-password")])
@pytest.mark.parametrize("scope", ["none", "visit", "request"])
def test_no_route_shows_a_restricted_page_without_its_clearance(app, user, password, scope):
    page_id = _page_id(app)
    bearer = {"Authorization": "Bearer " + tokens.create(app.extensions["dangan_db"], "XS02")}
    c, number = _scoped(app, user, password, scope)
    walked = set()
    for method, url, form, endpoint in _calls(app, page_id, number):
        if not _still(c, scope):
            c, number = _scoped(app, user, password, scope)
        if method == "POST":
            r = c.post(url, data={**form, "csrf_token": token(c, "/requests/")}, headers=bearer)
        else:
            r = c.get(url, headers=bearer)
        walked.add(endpoint)
        assert r.status_code < 500, (method, url, r.status_code)
        assert r.mimetype not in ("image/jpeg", "image/png"), (method, url)
        # A paper may come back (a request's 查无档案证明 needs no page), but none of the
        # restricted page is in it.
        body = _pdf_text(r.get_data()) if r.mimetype == "application/pdf" else \
            r.get_data(as_text=True)
        for word in SECRET:
            assert word not in body, (method, url, word)
    assert {"viewer.view", "viewer.image", "copies.make_copy", "dossier.show",
            "dossier.summary", "desk.attach", "desk.reply", "api.search",
            "api.persons"} <= walked
