"""Shared fixtures: the shipped sample archive, indexed once per test session with real OCR."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCANS = ROOT / "scans"
DANGAN = [sys.executable, "-m", "dangan.cli"]


# The everyday layer is `./test.sh -m "not slow"` (under a minute: parsers, rules, records,
# config, index versions); the whole suite stays the CI command. Slow, and marked here in one
# place: every test on the OCR'd sample archive (the `sample_config` fixture costs three
# CPU-minutes of OCR on a fresh checkout), and these modules, which run OCR, start servers or
# other archives' processes, or drive Chromium.
SLOW_MODULES = {"test_indexer_ocr", "test_indexer_batch", "test_indexer_distributed",
                "test_federation", "test_web_app", "test_web_browser", "test_web_concurrent",
                "test_register", "test_papers",  # these two: real `dangan` processes
                "test_indexer_processes", "test_indexer_integrity", "test_web_browser_dossier"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "sample_config" in item.fixturenames or item.module.__name__ in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)


def write_config(path: Path, scan_root: Path, data: Path, **ocr) -> Path:
    lines = [
        "[archive]", 'name = "测试档案馆"', 'code = "T01"',
        "[paths]", f'scan_root = "{scan_root}"', f'index_dir = "{data / "index"}"',
        f'data_dir = "{data / "data"}"',
        "[ocr]", *[f"{k} = {json.dumps(v)}" for k, v in ocr.items()],
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_dangan(config: Path, *args: str, check: bool = True, timeout: float = 1800):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.run([*DANGAN, "--config", str(config), *args], capture_output=True,
                          text=True, timeout=timeout, env=env)
    if check and proc.returncode != 0:
        raise AssertionError(f"dangan {' '.join(args)} failed ({proc.returncode}):\n"
                             f"{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture(scope="session")
def truth() -> dict:
    return json.loads((SCANS / "truth.json").read_text(encoding="utf-8"))


def _run_root(tmp_path_factory) -> Path:
    """A folder of this test run shared by every pytest-xdist worker (each worker's basetemp
    is a folder in it); without xdist, the run's own basetemp."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def sample_config(tmp_path_factory) -> Path:
    """The shipped scans/ indexed with real OCR into a private data folder.

    Each image is OCR'd once per run: the first worker to ask indexes the sample (under a
    lock), and every worker gets its own copy of that page store and index — the OCR cache
    in it is keyed by the image's bytes, so nothing is read twice and no state is shared.

    DANGAN_TEST_SAMPLE_CONFIG may name the config of a sample indexed earlier, to iterate on
    tests without three minutes of OCR; CI never sets it."""
    import fcntl
    import shutil

    if os.environ.get("DANGAN_TEST_SAMPLE_CONFIG"):
        return Path(os.environ["DANGAN_TEST_SAMPLE_CONFIG"])
    root = _run_root(tmp_path_factory)
    built = root / "sample-ocr"
    with open(root / "sample-ocr.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (built / "indexed").exists():
            shutil.rmtree(built, ignore_errors=True)
            built.mkdir()
            run_dangan(write_config(built / "config.toml", SCANS, built), "index")
            (built / "indexed").touch()
    data = tmp_path_factory.mktemp("sample")
    for part in ("data", "index"):
        shutil.copytree(built / part, data / part,
                        ignore=shutil.ignore_patterns("*.lock", "logs", "reports"))
    return write_config(data / "config.toml", SCANS, data)


@pytest.fixture(scope="session")
def postgres():
    """A real PostgreSQL server for the session (tests/pgcluster.py)."""
    from pgcluster import Cluster

    cluster = Cluster()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def records_url(request, tmp_path_factory) -> str:
    """A fresh records database, once on SQLite and once on a real PostgreSQL: the register,
    desk and token tests that take it run against both."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('records') / 'web.sqlite3'}"
    return request.getfixturevalue("postgres").new_database()


def search_json(config: Path, *args: str) -> dict:
    proc = run_dangan(config, "search", "--json", *args)
    return json.loads(proc.stdout)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_rows(store: Path, table: str, at_least: int, proc=None, timeout: float = 600) -> int:
    """Poll a running batch's page store until `table` has `at_least` rows (or the batch
    ends); returns the count seen. Used to strike while a batch is half done."""
    deadline = time.monotonic() + timeout
    count = 0
    while time.monotonic() < deadline and (proc is None or proc.poll() is None):
        time.sleep(0.5)
        if not store.exists():
            continue
        try:
            with sqlite3.connect(store) as db:
                count = db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        except sqlite3.OperationalError:  # the batch holds the write lock right now
            continue
        if count >= at_least:
            break
    return count
