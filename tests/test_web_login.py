"""Login waits that stop guessing without handing anyone a way to lock a clerk out: failures
count per account and address pair (and per address), an admin lifts them at once with
`dangan user unlock`, and the counters' memory stays bounded whatever names are tried."""

from __future__ import annotations

import pytest
from archivekit import make_archive
from conftest import run_dangan
from webhelpers import make_app, token

from dangan.web.limits import SlidingWindow


@pytest.fixture(scope="module")
def kit(tmp_path_factory):
    root = tmp_path_factory.mktemp("login")
    cfg = make_archive(root, files={}, catalog="")
    with open(cfg, "a", encoding="utf-8") as f:
        f.write(f'[web]\ndatabase = "sqlite:///{root / "web.sqlite3"}"\n')
    return cfg, make_app(cfg, root)


def _try(app, address: str, password: str, user: str = "clerk"):
    c = app.test_client()
    c.environ_base["REMOTE_ADDR"] = address
    return c.post("/login", data={"username": user, "password": password,
                                  "csrf_token": token(c)})


def test_failures_elsewhere_do_not_lock_a_clerk_out_and_an_admin_unlocks(kit):
    cfg, app = kit
    for _ in range(5):
        assert _try(app, "10.0.0.66", "wrong-password").status_code == 401
    assert _try(app, "10.0.0.66", "clerk-password").status_code == 429
    # The clerk's own window is not locked by someone failing elsewhere.
    assert _try(app, "10.0.0.5", "clerk-password").status_code == 302
    proc = run_dangan(cfg, "user", "unlock", "clerk")
    assert "已解除" in proc.stdout
    assert _try(app, "10.0.0.66", "clerk-password").status_code == 302


def test_the_counters_memory_stays_bounded():
    window = SlidingWindow(900, max_keys=1000)
    for n in range(20_000):
        assert window.count(f"user:name{n}") == 0  # asking stores nothing
    assert len(window) == 0
    for n in range(20_000):
        window.add(f"user:name{n}")
    assert len(window) == 1000
    assert window.count("user:name19999") == 1 and window.count("user:name0") == 0
