"""`dangan serve` over plain HTTP: the login wall, then a search answered by the real server."""

import re
import subprocess
import urllib.parse
from pathlib import Path

from conftest import DANGAN, free_port
from webhelpers import Browserless


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
        staff = Browserless(f"http://127.0.0.1:{port}")
        staff.wait_until_up()
        status, _, headers = staff.get("/")
        assert status == 302 and "/login" in headers["Location"]
        staff.login("admin", password)
        _, html, _ = staff.get("/?" + urllib.parse.urlencode({"person": "瞿德明"}))
        assert "<mark>瞿德明</mark>" in html
    finally:
        proc.terminate()
        proc.wait(timeout=10)
