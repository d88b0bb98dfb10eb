"""The app served under a path prefix (a reverse proxy's /dangan/): every link, form and image
on every page stays under the prefix, so nothing points at the proxy's other sites."""

from __future__ import annotations

import re

import pytest
from webhelpers import VALID_ID, make_app

PREFIX = "http://archive.local/dangan/"


@pytest.fixture(scope="module")
def client(sample_config, tmp_path_factory):
    c = make_app(sample_config, tmp_path_factory.mktemp("prefixdb")).test_client()
    c.base = PREFIX
    return c


def get(client, path: str, **kw):
    return client.get(path, base_url=PREFIX, **kw)


def post_form(client, path: str, data: dict, form_page: str):
    html = get(client, form_page).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    return client.post(path, base_url=PREFIX, data={**data, "csrf_token": token})


def urls(html: str) -> list[str]:
    return re.findall(r'(?:href|action|src)="([^"#][^"]*)"', html)


def test_every_link_form_and_image_stays_under_the_prefix(client):
    r = post_form(client, "/login", {"username": "boss", "password": "boss-password"}, "/login")
    assert r.status_code == 302 and r.headers["Location"].startswith("/dangan/")
    r = post_form(client, "/visits/new", {"requester_name": "李四", "id_number": VALID_ID,
                                          "relationship": "本人", "purpose": "工龄认定"},
                  "/visits/new")
    assert r.status_code == 302
    r = post_form(client, "/requests/new", {"subject_name": "王秀英", "requester_name": "王小明",
                                            "requester_id": VALID_ID, "relationship": "本人",
                                            "channel": "窗口", "purpose": "工龄认定"},
                  "/requests/new")
    pages = ["/", "/?person=王秀英", "/visits/", "/visits/1", "/requests/", "/requests/new",
             "/admin/status", "/admin/log", "/admin/api-log", "/federated/?person=王秀英",
             "/apply/", "/apply/status"]
    html = get(client, "/?person=王秀英").get_data(as_text=True)
    page_ids = re.findall(r'/dangan/page/(\d+)', html)
    assert page_ids, "the search should find 王秀英 in the sample archive"
    pages.append(f"/page/{page_ids[0]}")
    seen = 0
    for page in pages:
        r = get(client, page)
        assert r.status_code == 200, page
        for url in urls(r.get_data(as_text=True)):
            if url.startswith(("http://", "https://", "data:", "javascript:", "?")):
                continue
            assert url.startswith("/dangan/"), f"{page}: {url}"
            seen += 1
    assert seen > 30


def test_behind_the_proxy_its_prefix_and_the_clients_address_are_used(sample_config, tmp_path):
    app = make_app(sample_config, tmp_path, web_proxy=True)
    c = app.test_client()
    headers = {"X-Forwarded-Prefix": "/dangan", "X-Forwarded-For": "10.1.2.3",
               "X-Forwarded-Proto": "https", "X-Forwarded-Host": "archive.example"}
    r = c.get("/", headers=headers)
    assert r.status_code == 302 and r.headers["Location"].startswith("/dangan/login")
    html = c.get("/apply/", headers=headers).get_data(as_text=True)
    assert 'action="/dangan/apply/' in html or "/dangan/apply/" in html


def test_without_the_proxy_setting_forwarded_headers_are_ignored(sample_config, tmp_path):
    c = make_app(sample_config, tmp_path).test_client()
    r = c.get("/", headers={"X-Forwarded-Prefix": "/evil"})
    assert r.headers["Location"].startswith("/login")


def test_behind_the_proxy_the_public_form_is_limited_per_citizen_not_per_proxy(sample_config,
                                                                             tmp_path):
    """Every request reaches dangan from nginx's 127.0.0.1: without the proxy setting the whole
    town would share one address's allowance."""
    from dataclasses import replace

    app = make_app(sample_config, tmp_path, web_proxy=True)
    cfg = app.config["DANGAN"]
    app.config["DANGAN"] = replace(cfg, desk=replace(cfg.desk, intake_per_hour=2))
    c = app.test_client()
    html = c.get("/apply/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    form = {"requester_name": "王小兰", "requester_id_number": VALID_ID,
            "requester_phone": "13812345678", "applicant_type": "亲属", "relationship": "女儿",
            "requester_address": "北京市西城区某某街 12 号", "subject_name": "王秀英",
            "year_from": "1985", "year_to": "1995", "purpose": "退休核定", "csrf_token": token}

    def post(citizen: str) -> int:
        return c.post("/apply/", data=form, headers={"X-Forwarded-For": citizen},
                      environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code

    # 302: filed, then redirected to the answer page (post/redirect/get)
    assert [post("10.0.0.3") for _ in range(3)] == [302, 302, 429]
    assert post("10.0.0.4") == 302
