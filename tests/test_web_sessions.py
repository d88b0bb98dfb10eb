"""Logins and sessions as an attacker would try them: redirects off the site, guessing
passwords, reusing a cookie after logout or a password change, an unattended PC, framing
and caching of pages with personal data."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest
from webhelpers import login, make_app, token

from dangan.web.security import local_target


@pytest.fixture
def app(sample_config, tmp_path):
    return make_app(sample_config, tmp_path)


@pytest.mark.parametrize("target", [
    "/\tevil.example", "/\\evil.example", "//evil.example", "/\\/evil.example",
    "https://evil.example/", "/\nevil.example", "/\r//evil.example", "javascript:alert(1)",
    "/%09/evil.example\x00", "/\u2028evil.example", "\\\\evil.example", "evil.example",
    "///evil.example"])
def test_next_never_leads_off_the_site(target):
    assert local_target(target, "/") == "/"


@pytest.mark.parametrize("target", ["/", "/visits/?name=李", "/page/3?person=王秀英&terms=a|b",
                                    "/requests/T01-20260101-R001"])
def test_next_to_a_page_of_this_site_is_kept(target):
    assert local_target(target, "/x") == target


def test_login_with_a_tab_in_next_stays_on_the_site(app):
    c = app.test_client()
    t = token(c)
    r = c.post("/login?next=/%09evil.example", data={
        "username": "clerk", "password": "clerk-password", "csrf_token": t})
    assert r.status_code == 302 and r.headers["Location"] == "/"


def test_the_desks_next_is_checked_the_same_way(app):
    c = login(app.test_client())
    t = token(c, "/requests/new")
    r = c.post("/requests/T01-1/pages", data={"next": "/\\evil.example", "csrf_token": t})
    assert r.status_code in (302, 400)
    assert "evil" not in r.headers.get("Location", "")


def _try(c, password, user="clerk"):
    t = token(c)
    return c.post("/login", data={"username": user, "password": password, "csrf_token": t})


def test_guessing_a_password_is_stopped_and_said_in_chinese(app):
    c = app.test_client()
    for _ in range(5):
        assert _try(c, "wrong-guess").status_code == 401
    r = _try(c, "clerk-password")  # even the right password waits now
    assert r.status_code == 429 and "登录失败次数过多" in r.get_data(as_text=True)
    assert _try(app.test_client(), "boss-password", "boss").status_code == 302  # others not


def test_one_address_guessing_many_accounts_is_stopped(app):
    c = app.test_client()
    for n in range(20):
        _try(c, "x", user=f"nobody{n}")
    assert _try(c, "boss-password", "boss").status_code == 429


def test_an_unknown_name_costs_the_same_hash_as_a_known_one(app):
    c = app.test_client()

    def timed(user):
        t0 = time.perf_counter()
        _try(c, "wrong-guess", user)
        return time.perf_counter() - t0

    known = min(timed("boss") for _ in range(3))
    unknown = min(timed("nobody") for _ in range(3))
    assert unknown > known * 0.5  # was 3 ms against 160 ms


def test_a_cookie_copied_before_logout_no_longer_works(app):
    c = login(app.test_client())
    stolen = c.get_cookie("session").value
    t = token(c, "/")
    c.post("/logout", data={"csrf_token": t})
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    r = thief.get("/visits/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_a_new_password_or_disabling_ends_existing_sessions(app):
    db = app.extensions["dangan_db"]
    c = login(app.test_client())
    assert c.get("/visits/").status_code == 200
    db.update_user("clerk", password="new-password-1")
    assert c.get("/visits/").status_code == 302
    c = login(app.test_client(), password="new-password-1")
    db.update_user("clerk", active=False)
    assert c.get("/visits/").status_code == 302
    db.update_user("clerk", active=True)
    assert c.get("/visits/").status_code == 302  # re-enabling does not revive it


def test_an_unattended_pc_is_logged_out(sample_config, tmp_path):
    app = make_app(sample_config, tmp_path, idle_minutes=1)
    c = login(app.test_client())
    assert c.get("/visits/").status_code == 200
    with c.session_transaction() as s:
        s["seen"] -= 61
    r = c.get("/visits/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    assert "长时间未操作" in c.get("/login").get_data(as_text=True)


def test_every_response_carries_the_security_headers(app):
    c = login(app.test_client())
    for url in ("/login", "/", "/visits/", "/visits/export.csv", "/requests/export.csv",
                "/nowhere"):
        h = c.get(url).headers
        csp = h["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
        assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        assert h["X-Content-Type-Options"] == "nosniff"
        assert h["Referrer-Policy"] == "same-origin"
        assert h["Cache-Control"] == "no-store", url


def test_no_page_has_inline_script(app):
    import re
    from pathlib import Path

    import dangan.web

    for tpl in (Path(dangan.web.__file__).parent / "templates").glob("*.html"):
        html = tpl.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), tpl.name
        assert not re.search(r"\son[a-z]+=|javascript:", html), tpl.name


def test_id_number_fields_are_not_remembered_by_the_browser(app):
    c = login(app.test_client())
    import re

    for url, field in (("/visits/new", "id_number"), ("/requests/new", "requester_id_number"),
                       ("/apply/", "requester_id_number")):
        html = c.get(url).get_data(as_text=True)
        tag = re.search(rf'<input[^>]*name="{field}"[^>]*>', html).group(0)
        assert 'autocomplete="off"' in tag, url


def test_config_reads_the_web_settings(tmp_path):
    from dangan import config as config_mod

    path = tmp_path / "c.toml"
    path.write_text("[web]\nidle_minutes = 10\n[federation]\napi_per_minute = 30\n",
                    encoding="utf-8")
    cfg = config_mod.load(path)
    assert (cfg.idle_minutes, cfg.api_per_minute) == (10, 30)
    assert replace(cfg).idle_minutes == 10
