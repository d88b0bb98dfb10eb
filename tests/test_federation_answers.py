"""What a careless or broken partner answers must never break our pages: every answer is
checked against the documented shape (openapi.json), a bad one marks that partner 出错 with
the reason in Chinese, and partner calls never go through the environment's proxy."""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import free_port
from webhelpers import login, make_app, token

from dangan import federation
from dangan.config import Peer

GOOD_HIT = {"archive_code": "B-1", "document": "d", "path": "", "page": 1, "title": "工资表",
            "doc_type": "wage_adjustment", "persons": ["王秀英"], "years": [1993],
            "doc_numbers": [], "why": ["精确"], "row": None, "score": 1.5,
            "snippet": "王秀英 1993", "highlights": [[0, 3]], "restricted": False}


class Partner:
    """A real HTTP server on loopback that answers whatever the test sets, and counts calls
    (a proxy is a server too: it sees absolute URLs)."""

    def __init__(self):
        self.body: object = {"total": 1, "hits": [GOOD_HIT]}
        self.status = 200
        self.seen: list[str] = []
        partner = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                partner.seen.append(self.path)
                if self.command == "POST":
                    self.rfile.read(int(self.headers.get("Content-Length", 0)))
                data = (partner.body if isinstance(partner.body, bytes)
                        else json.dumps(partner.body).encode())
                self.send_response(partner.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _answer

            def log_message(self, *args):
                pass

        self.port = free_port()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.port}"

    def peer(self, code="B02", name="乙区档案馆") -> Peer:
        return Peer(code=code, name=name, url=self.url, token="dgn_test")

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def partner():
    p = Partner()
    yield p
    p.close()


MALFORMED = {
    "a list": [GOOD_HIT],
    "total not a number": {"total": "many", "hits": []},
    "hits an int": {"total": 1, "hits": 3},
    "why an int": {"total": 1, "hits": [{**GOOD_HIT, "why": 7}]},
    "years of text": {"total": 1, "hits": [{**GOOD_HIT, "years": ["一九九三"]}]},
    "snippet a number": {"total": 1, "hits": [{**GOOD_HIT, "snippet": 12}]},
    "highlights a string": {"total": 1, "hits": [{**GOOD_HIT, "highlights": "0-3"}]},
    "highlight of one number": {"total": 1, "hits": [{**GOOD_HIT, "highlights": [[1]]}]},
    "hit a string": {"total": 1, "hits": ["王秀英"]},
    "score text": {"total": 1, "hits": [{**GOOD_HIT, "score": "high"}]},
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_a_malformed_answer_marks_that_partner_as_error_in_chinese(partner, case):
    good = Partner()
    try:
        partner.body = MALFORMED[case]
        answers = federation.search_peers([partner.peer(), good.peer("C03", "丙区档案馆")],
                                          {"person": "王秀英"}, timeout=3)
    finally:
        good.close()
    bad, fine = answers
    assert bad.state == "error" and bad.label == "出错"
    assert "答复格式不符" in bad.message and bad.hits == []
    assert fine.state == "ok" and fine.total == 1 and fine.hits[0]["persons"] == ["王秀英"]


def test_a_partner_that_is_not_listening_is_reported_in_chinese():
    peer = Peer(code="X", name="停机馆", url=f"http://127.0.0.1:{free_port()}", token="t")
    [answer] = federation.search_peers([peer], {"person": "王秀英"}, timeout=2)
    assert answer.state == "down"
    assert answer.message == "停机馆 无法连接：对方服务未启动或拒绝连接"
    assert "Errno" not in answer.message and "refused" not in answer.message


def test_partner_calls_ignore_the_environments_proxy_unless_configured(partner, monkeypatch):
    proxy = Partner()  # would answer everything, and counts what it is sent
    try:
        for var in ("http_proxy", "HTTP_PROXY"):
            monkeypatch.setenv(var, proxy.url)
        for var in ("no_proxy", "NO_PROXY"):
            monkeypatch.delenv(var, raising=False)
        [answer] = federation.search_peers([partner.peer()], {"person": "王秀英"}, timeout=3)
        assert answer.state == "ok" and len(partner.seen) == 1 and proxy.seen == []
        [answer] = federation.search_peers([partner.peer()], {"person": "王秀英"}, timeout=3,
                                           proxy=proxy.url)
        assert answer.state == "ok" and len(proxy.seen) == 1
        assert proxy.seen[0].startswith(partner.url + "/api/v1/search")
    finally:
        proxy.close()


@pytest.fixture
def app_with(sample_config, tmp_path):
    def build(peers):
        return make_app(sample_config, tmp_path, peers=tuple(peers), peer_timeout=3.0)
    return build


def test_the_federated_page_shows_everyone_else_when_one_partner_answers_garbage(
        app_with, partner):
    good = Partner()
    try:
        partner.body = {"total": 1, "hits": [{**GOOD_HIT, "why": {"a": 1}}]}
        good.body = {"total": 1, "hits": [{**GOOD_HIT, "title": "丙馆的工资表"}]}
        app = app_with([partner.peer(), good.peer("C03", "丙区档案馆")])
        c = login(app.test_client())
        r = c.get("/federated/?person=王秀英")
    finally:
        good.close()
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert 'data-archive="B02" data-state="error"' in html and "答复格式不符" in html
    assert "丙馆的工资表" in html


FORM = {"channel": "窗口", "requester_name": "王小明", "requester_id_number": "11010519491231002X",
        "requester_phone": "13800000000", "applicant_type": "本人", "subject_name": "王秀英",
        "purpose": "工龄认定"}


@pytest.mark.parametrize("body", [[1, 2], {"number": ["x"], "status": "已受理"},
                                  {"number": "B-1", "status": 5}, {"status": "已受理"},
                                  b"<html>oops</html>"])
def test_accepting_a_request_for_a_garbled_partner_saves_it_and_says_why(
        app_with, partner, body):
    partner.body = body
    app = app_with([partner.peer()])
    c = login(app.test_client())
    t = token(c, "/requests/new")
    r = c.post("/requests/new", data={**FORM, "holding_archive": "B02", "csrf_token": t})
    assert r.status_code == 302, r.get_data(as_text=True)[:300]
    page = c.get(r.headers["Location"]).get_data(as_text=True)
    assert "申请已保存" in page and "乙区档案馆" in page
    assert "已受理" in page  # saved, not forwarded


def test_partner_status_answers_are_checked_too(partner):
    partner.body = {"number": "B-1", "status": "办好了"}
    with pytest.raises(federation.PeerError, match="不是已知状态"):
        federation.request_status(partner.peer(), "B-1", timeout=3)
    partner.body = {"number": "B-1", "status": "查找中", "result_note": "正在查"}
    assert federation.request_status(partner.peer(), "B-1", timeout=3)["status"] == "查找中"


def test_peer_config_takes_an_optional_proxy(tmp_path):
    from dangan import config as config_mod

    path = tmp_path / "c.toml"
    path.write_text('[federation]\nproxy = "http://10.0.0.1:3128"\n', encoding="utf-8")
    assert config_mod.load(path).peer_proxy == "http://10.0.0.1:3128"
    path.write_text("", encoding="utf-8")
    assert replace(config_mod.load(path)).peer_proxy is None


def test_a_deeply_nested_answer_is_an_error_not_a_crash(partner):
    partner.body = b'{"total": 1, "hits": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"
    (answer,) = federation.search_peers([partner.peer()], {"person": "王秀英"}, timeout=5)
    assert answer.state == "error" and answer.label == "出错"


def test_a_partners_redirect_is_not_followed_with_our_token(partner):
    """A redirect to another host would carry our bearer token there: never followed."""
    elsewhere = Partner()
    seen_auth: list[str | None] = []
    try:
        class Redirect(BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(302)
                self.send_header("Location", elsewhere.url + "/api/v1/search?person=x")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        partner.server.RequestHandlerClass = Redirect
        original = elsewhere.server.RequestHandlerClass

        class Recording(original):
            def _answer(self):
                seen_auth.append(self.headers.get("Authorization"))
                super()._answer()

            do_GET = do_POST = _answer

        elsewhere.server.RequestHandlerClass = Recording
        (answer,) = federation.search_peers([partner.peer()], {"person": "王秀英"}, timeout=3)
    finally:
        elsewhere.close()
    assert answer.state == "error" and "重定向" in answer.message
    assert seen_auth == []  # the other host never heard from us
