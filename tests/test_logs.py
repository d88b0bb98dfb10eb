"""The application log: configured once, one line per event, no personal data in clear;
`dangan serve` writes it to the data dir and to stderr, and a failed warm-up is logged."""

from __future__ import annotations

import logging
import subprocess
import sys
import time
import urllib.parse

import pytest
from conftest import free_port, write_config
from webhelpers import VALID_ID, Browserless

from dangan import logs


def test_configured_once_and_one_line_per_event(tmp_path, capsys):
    logs.configure(tmp_path, stderr=False)
    logs.configure(tmp_path, stderr=False)
    logger = logging.getLogger("dangan.test")
    try:
        raise ValueError("first\nsecond")
    except ValueError:
        logger.exception("it failed")
    for h in logging.getLogger("dangan").handlers:
        h.flush()
    lines = (tmp_path / "logs" / "dangan.log").read_text(encoding="utf-8").splitlines()
    mine = [x for x in lines if "it failed" in x]
    assert len(mine) == 1 and "Traceback" in mine[0] and "ValueError: first" in mine[0]
    files = [h for h in logging.getLogger("dangan").handlers
             if isinstance(h, logging.FileHandler)]
    assert len(files) == 1


@pytest.mark.slow
def test_serve_logs_to_the_data_dir_and_stderr_without_personal_data(tmp_path):
    data = tmp_path / "a"
    config = write_config(tmp_path / "config.toml", tmp_path / "scans", data)
    (tmp_path / "scans").mkdir()
    # An index folder that is there but broken: the warm-up must say so.
    shard = data / "index" / "shard-00"
    shard.mkdir(parents=True)
    (data / "index" / "dangan-schema.json").write_text('{"version": 999, "shards": 1}')
    (shard / "_MAIN_1.toc").write_bytes(b"not an index")
    subprocess.run([sys.executable, "-m", "dangan.cli", "--config", str(config), "user",
                    "add", "clerk", "--password-stdin"], input="clerk-password\n",
                   text=True, check=True, capture_output=True)
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "dangan.cli", "--config", str(config),
                             "serve", "--port", str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    try:
        staff = Browserless(f"http://127.0.0.1:{port}")
        staff.wait_until_up()
        staff.post("/login", {"username": "clerk", "password": "wrong-password"})
        staff.login("clerk", "clerk-password")
        staff.get("/?person=" + urllib.parse.quote("王秀英") + "&q=" + VALID_ID)
        time.sleep(0.5)
    finally:
        proc.terminate()
        _, stderr = proc.communicate(timeout=10)
    log = (data / "data" / "logs" / "dangan.log").read_text(encoding="utf-8")
    for text in (log, stderr):
        assert "warm-up failed" in text and "serving T01" in text
        assert "login failed" in text and "login: user 1" in text
        assert "王秀英" not in text and VALID_ID not in text and "clerk" not in text
