"""A Whoosh release, simulated (tests/whoosh_release.py): with only its version string
changed, and again with one private name renamed, every `dangan` command and the web app
work — on the fast path when the check passes, on stock Whoosh with one warning when it
does not — and find the same pages as today's Whoosh on the fast path."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import urllib.parse
from pathlib import Path

import pytest
from conftest import DANGAN, free_port, search_json, write_config
from webhelpers import Browserless
from whoosh_release import RENAMED, env_with, make_release

SEARCHES = [("--person", "王秀英"), ("--person", "瞿德明", "--facets"), ("工资", "调整"),
            ("--policy", "劳人薪〔1985〕41号"), ("--syntax", "whoosh", "grams:工资")]
RELEASES = {"version": None, "renamed": RENAMED}
EXPECTED_PATH = {"version": "fast", "renamed": "stock"}


def _dangan(env, cfg: Path, *args: str, check: bool = True):
    proc = subprocess.run([*DANGAN, "--config", str(cfg), *args], capture_output=True,
                          text=True, env=env, timeout=900)
    assert "Traceback" not in proc.stderr, proc.stderr
    if check:
        assert proc.returncode == 0, f"{args}: {proc.stdout}\n{proc.stderr}"
    return proc


def _pages(found: dict) -> list:
    return [(h["path"], h["page"]) for h in found["hits"]], found["total"], found["facets"]


@pytest.fixture(scope="module")
def today(sample_config):
    """What today's Whoosh finds, on the fast path."""
    return {args: search_json(sample_config, *args) for args in SEARCHES}


@pytest.mark.slow
@pytest.mark.parametrize("release", list(RELEASES))
def test_every_command_and_the_web_app_work_after_a_whoosh_release(
        release, sample_config, today, tmp_path):
    site = make_release(tmp_path / "site", version="2.7.6", rename=RELEASES[release])
    env = env_with(site)
    path = EXPECTED_PATH[release]
    sample = Path(sample_config).parent
    data = tmp_path / "archive"
    shutil.copytree(sample / "data", data / "data")
    shutil.copytree(sample / "index", data / "index")
    scans = re.search(r'scan_root = "([^"]+)"', Path(sample_config).read_text()).group(1)
    cfg = write_config(tmp_path / "config.toml", Path(scans), data)

    status = _dangan(env, cfg, "status")
    assert "whoosh-reloaded 2.7.6" in status.stdout
    if path == "stock":
        assert "标准 Whoosh stock path" in status.stdout and "警告 warning" in status.stdout
        assert "W3LeafMatcher._read_data" in status.stdout
    else:
        assert "快速路径 fast path" in status.stdout and "警告" not in status.stdout
    engine = json.loads(_dangan(env, cfg, "status", "--json").stdout)["engine"]
    assert engine["path"] == path and engine["whoosh"] == "2.7.6"

    def same_as_today() -> None:
        for args in SEARCHES:
            found = json.loads(_dangan(env, cfg, "search", "--json", *args).stdout)
            assert found["engine"] == path
            assert _pages(found) == _pages(today[args]), args

    same_as_today()
    assert _dangan(env, cfg, "check").returncode == 0
    _dangan(env, cfg, "repair")
    _dangan(env, cfg, "backup", str(tmp_path / "backup"))
    # A rebuild from the page store (no OCR), written by this release's writer.
    shutil.rmtree(data / "index")
    _dangan(env, cfg, "index")
    same_as_today()
    assert _dangan(env, cfg, "check").returncode == 0

    # The web app, over HTTP: a search, and the admin page naming the path.
    web = tmp_path / "web.toml"
    web.write_text(cfg.read_text(encoding="utf-8")
                   + f'\n[web]\ndatabase = "sqlite:///{tmp_path / "web.sqlite3"}"\n',
                   encoding="utf-8")
    _dangan(env, web, "db", "upgrade")
    first = _dangan(env, web, "user", "ensure-admin").stdout
    password = re.search(r"密码 ([A-Za-z0-9_-]+)", first).group(1)
    port = free_port()
    log = tmp_path / "serve.log"
    with open(log, "w") as err:
        proc = subprocess.Popen([*DANGAN, "--config", str(web), "serve", "--port", str(port)],
                                stdout=subprocess.DEVNULL, stderr=err, env=env)
    try:
        staff = Browserless(f"http://127.0.0.1:{port}")
        staff.wait_until_up()
        staff.login("admin", password)
        status_code, html, _ = staff.get("/?" + urllib.parse.urlencode({"person": "瞿德明"}))
        assert status_code == 200 and "<mark>瞿德明</mark>" in html
        _, admin, _ = staff.get("/admin/status")
        if path == "stock":
            assert 'id="engine-warning"' in admin and "标准 Whoosh" in admin
        else:
            assert 'id="engine-warning"' not in admin and "快速路径" in admin
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    served = log.read_text(encoding="utf-8")
    assert "Traceback" not in served
    assert (f"({path} path)" in served) or ("warm-up" not in served)
    assert ("检索引擎以标准 Whoosh 运行" in served) == (path == "stock")
