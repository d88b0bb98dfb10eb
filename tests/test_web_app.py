"""`dangan serve` over plain HTTP: the login wall, then a search answered by the real server."""

import re
import subprocess
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

from conftest import DANGAN, free_port


def test_served_app_requires_login_then_finds_a_person(sample_config, tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text(Path(sample_config).read_text(encoding="utf-8") +
                   f'\n[web]\ndatabase = "sqlite:///{tmp_path / "web.sqlite3"}"\n',
                   encoding="utf-8")
    first = subprocess.run([*DANGAN, "--config", str(cfg), "user", "ensure-admin"],
                           capture_output=True, text=True, check=True).stdout
    password = re.search(r"密码 ([A-Za-z0-9_-]+)", first).group(1)
    again = subprocess.run([*DANGAN, "--config", str(cfg), "user", "ensure-admin"],
                           capture_output=True, text=True, check=True).stdout
    assert again == ""  # only on first start
    port = free_port()
    proc = subprocess.Popen([*DANGAN, "--config", str(cfg), "serve", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        for _ in range(100):
            try:
                html = opener.open(base + "/", timeout=2).read().decode()
                break
            except OSError:
                time.sleep(0.2)
        assert "工作人员登录" in html  # redirected to the login page
        token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        form = urllib.parse.urlencode({"username": "admin", "password": password,
                                       "csrf_token": token}).encode()
        opener.open(base + "/login?next=/", form, timeout=10)
        q = urllib.parse.urlencode({"person": "瞿德明"})
        html = opener.open(f"{base}/?{q}", timeout=10).read().decode()
        assert "<mark>瞿德明</mark>" in html
    finally:
        proc.terminate()
        proc.wait(timeout=10)
