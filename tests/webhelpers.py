"""Driving the web app through Flask's test client: an app on the sample index with a fresh
register, logging in with the form's CSRF token, registering a visit."""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import replace
from http.cookiejar import CookieJar
from pathlib import Path

from dangan import config as config_mod
from dangan.web.app import create_app

VALID_ID = "11010519491231002X"


def make_app(sample_config: Path, db_dir: Path, database_url: str | None = None, **changes):
    """The app over the sample index, with its own database (users clerk and boss): SQLite in
    `db_dir` unless `database_url` names another (the `records_url` fixture's PostgreSQL)."""
    cfg = config_mod.load(sample_config)
    cfg = replace(cfg, database_url=database_url or f"sqlite:///{db_dir / 'web.sqlite3'}",
                  **changes)
    app = create_app(cfg, testing=True)
    db = app.extensions["dangan_db"]
    db.add_user("clerk", "clerk-password", "staff")
    db.add_user("boss", "boss-password", "admin")
    return app


def token(client, url="/login") -> str:
    html = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def login(client, user="clerk", password="clerk-password"):
    t = token(client)
    r = client.post("/login", data={"username": user, "password": password, "csrf_token": t})
    assert r.status_code == 302, r.get_data(as_text=True)
    return client


def register_visit(client, name="李四", id_number=VALID_ID):
    t = token(client, "/visits/new")
    return client.post("/visits/new", data={
        "requester_name": name, "id_number": id_number, "relationship": "本人",
        "purpose": "工龄认定", "csrf_token": t})


class Browserless:
    """A member of staff talking to a real `dangan serve` over HTTP: cookies, CSRF, forms."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirect())

    def wait_until_up(self, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while True:
            try:
                self.get("/login")
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def get(self, path: str, timeout: float = 30) -> tuple[int, str, dict]:
        try:
            with self.opener.open(self.base + path, timeout=timeout) as r:
                return r.status, r.read().decode("utf-8", "replace"), dict(r.headers)
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode("utf-8", "replace"), dict(e.headers)

    def post(self, path: str, data: dict, form_page: str = "/login",
             timeout: float = 30) -> tuple[int, str, dict]:
        _, html, _ = self.get(form_page)
        fields = {**data, "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"',
                                                  html).group(1)}
        body = urllib.parse.urlencode(fields, doseq=True).encode()
        try:
            with self.opener.open(self.base + path, body, timeout=timeout) as r:
                return r.status, r.read().decode("utf-8", "replace"), dict(r.headers)
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode("utf-8", "replace"), dict(e.headers)

    def login(self, user: str, password: str) -> Browserless:
        status, body, _ = self.post("/login", {"username": user, "password": password})
        assert status == 302, body
        return self


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Let a test see the 302 and where it points, as a browser's network panel would."""

    def redirect_request(self, *args, **kwargs):
        return None


def print_summary(page, selector: str, config_path: Path) -> Path:
    """Click a dossier's 打印 button and return the summary PDF as handed out: it opens inline
    in the browser's PDF viewer (issue 30), and the copy kept with the register is that paper."""
    with page.expect_response(lambda r: "/dossier/summary" in r.url) as answer:
        page.click(selector)
    assert answer.value.ok and answer.value.headers["content-disposition"].startswith("inline")
    kept = config_mod.load(Path(config_path)).data_dir / "summaries"
    return max(kept.glob("*.pdf"), key=lambda p: p.stat().st_mtime)
