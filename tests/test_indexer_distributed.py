"""OCR on a real Dask cluster: a scheduler and two workers on loopback, one killed mid-batch.
Every page must end up indexed exactly once."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import (
    DANGAN,
    SCANS,
    free_port,
    run_dangan,
    search_json,
    wait_for_rows,
    write_config,
)

BIN = Path(sys.executable).parent


def _start(args: list[str], log: Path) -> subprocess.Popen:
    with open(log, "w") as out:
        # Own session: killing it takes the nanny and its worker, as a PC switched off would.
        return subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True, cwd=log.parent)


def _wait_for_workers(address: str, n: int) -> None:
    from distributed import Client

    with Client(address, timeout="30s") as c:
        c.wait_for_workers(n, timeout=120)


def test_a_worker_dies_mid_batch_and_every_page_is_indexed_once(tmp_path):
    names = ["东岭县水泥厂1993年工资套改花名册.tif", "scan0007.jpg", "scan0008.png",
             "工龄证明_覃桂兰.jpg", "X012-WS·1993-Y-0033-0002.jpg"]
    folder = tmp_path / "scans"
    folder.mkdir()
    for n in names:
        shutil.copy2(SCANS / n, folder / n)
    expected_pages = 3 + 4
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    procs = [_start([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port",
                     str(port), "--no-dashboard"], tmp_path / "scheduler.log")]
    try:
        time.sleep(2)
        for i in range(2):
            procs.append(_start([str(BIN / "dask"), "worker", address, "--nthreads", "1",
                                 "--nworkers", "1", "--no-dashboard", "--name", f"pc{i}"],
                                tmp_path / f"worker{i}.log"))
        _wait_for_workers(address, 2)
        cfg = write_config(tmp_path / "config.toml", folder, tmp_path, commit_every=1)
        batch = subprocess.Popen([*DANGAN, "--config", str(cfg), "index", "--scheduler",
                                  address], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True)
        wait_for_rows(tmp_path / "data" / "pages.sqlite3", "ocr_cache", 1, batch)
        os.killpg(procs[1].pid, signal.SIGKILL)  # one office PC goes away mid-batch
        out, err = batch.communicate(timeout=900)
        assert batch.returncode == 0, err
        assert "0 failed" in out, out
    finally:
        for p in procs:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGKILL)
    status = json.loads(run_dangan(cfg, "status", "--json").stdout)
    assert status["files"] == len(names) and status["pages"] == expected_pages

    from dangan.search.backend import SearchIndex

    index = SearchIndex(tmp_path / "index")
    keys = list(index.all_keys())
    index.close()
    assert len(keys) == len(set(keys)) == expected_pages
    assert search_json(cfg, "--person", "张付明")["total"] == 1

    # A restarted batch re-OCRs nothing: every page is in the cache by file hash.
    again = run_dangan(cfg, "index")
    assert "0 indexed" in again.stdout
