"""Driving the web app through Flask's test client: an app on the sample index with a fresh
register, logging in with the form's CSRF token, registering a visit."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from dangan import config as config_mod
from dangan.web.app import create_app

VALID_ID = "11010519491231002X"


def make_app(sample_config: Path, db_dir: Path, **changes):
    """The app over the sample index, with its own database (users clerk and boss)."""
    cfg = config_mod.load(sample_config)
    cfg = replace(cfg, database_url=f"sqlite:///{db_dir / 'web.sqlite3'}", **changes)
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
