"""The web app served for real by `dangan serve`, over HTTP."""

import socket
import subprocess
import time
import urllib.parse
import urllib.request

from conftest import DANGAN


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_served_search_page_finds_a_person(sample_config):
    port = _free_port()
    proc = subprocess.Popen([*DANGAN, "--config", str(sample_config), "serve", "--port",
                             str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        html = urllib.request.urlopen(base + "/", timeout=5).read().decode()
        assert "民生档案检索" in html
        q = urllib.parse.urlencode({"person": "瞿德明"})
        html = urllib.request.urlopen(f"{base}/?{q}", timeout=10).read().decode()
        assert "<mark>瞿德明</mark>" in html
        q = urllib.parse.urlencode({"year": "3000", "person": "王"})
        html = urllib.request.urlopen(f"{base}/?{q}", timeout=10).read().decode()
        assert "超出范围" in html and "Traceback" not in html
    finally:
        proc.terminate()
        proc.wait(timeout=10)
