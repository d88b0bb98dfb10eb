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


def _three_page_pdf(path: Path) -> list[str]:
    """A scanned PDF of three pages, each a different person, with no text layer."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 56,
                              index=2)
    persons = ["王秀英", "李新华", "张付明"]
    pages = []
    for person in persons:
        im = Image.new("RGB", (620, 140), "white")
        ImageDraw.Draw(im).text((20, 30), f"姓名{person}", fill="black", font=font)
        pages.append(im)
    pages[0].save(path, save_all=True, append_images=pages[1:], resolution=72)
    return persons


def test_each_page_task_of_a_multi_page_pdf_carries_that_page_alone(tmp_path):
    """A 300-page PDF must not cross the network 300 times: the batch cuts each page out
    where it runs, and the worker reads the page it was sent."""
    from io import BytesIO

    from pypdf import PdfReader

    from dangan.indexer.batch import _Pending, sha256_of
    from dangan.indexer.distributed import OcrCluster
    from dangan.indexer.ocr.base import Line
    from dangan.indexer.sources import pages

    path = tmp_path / "三页.pdf"
    persons = _three_page_pdf(path)
    data = path.read_bytes()
    item = _Pending(path, path.name, sha256_of(data), len(data), 0.0, pages(path, 10**8))
    assert [r.kind for r in item.refs] == ["pdf_scan"] * 3
    sent = []
    with OcrCluster(1, None, "rapidocr", 1, 2000, 10**8) as cluster:
        submit = cluster.client.submit

        def recording(fn, *args, **kw):  # the real submit, noting what each task carries
            sent.append(args[0])
            return submit(fn, *args, **kw)

        cluster.client.submit = recording
        results = {ref.index: (result, error)
                   for (_, ref), result, error in cluster.run([(item, r) for r in item.refs],
                                                              window=3)}
    assert len(sent) == 3
    for payload in sent:
        assert len(PdfReader(BytesIO(payload)).pages) == 1
        assert len(payload) < len(data) * 0.6
    for i, person in enumerate(persons):
        result, error = results[i]
        assert error is None, error
        text = "".join(Line.from_json(x).text for x in result[2])
        assert person in text, (i, text)


def test_a_batch_prints_no_dashboard_warning_when_port_8787_is_taken(tmp_path):
    """`./run.sh` printed "Port 8787 is already in use" whenever anything held the Dask
    dashboard's port; the batch opens no dashboard and says nothing about it."""
    import contextlib
    import socket

    from PIL import Image, ImageDraw, ImageFont

    folder = tmp_path / "scans"
    folder.mkdir()
    font = ImageFont.truetype("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 56,
                              index=2)
    im = Image.new("L", (520, 110), 255)
    ImageDraw.Draw(im).text((20, 20), "姓名王秀英", fill=0, font=font)
    im.save(folder / "page.png")
    cfg = write_config(tmp_path / "config.toml", folder, tmp_path)
    holder = socket.socket()
    with contextlib.suppress(OSError):  # taken by someone else already: the same situation
        holder.bind(("0.0.0.0", 8787))
        holder.listen()
    try:
        proc = run_dangan(cfg, "index", "--workers", "1")
    finally:
        holder.close()
    out = proc.stdout + proc.stderr
    assert "8787" not in out and "already in use" not in out, out
    assert "1 indexed" in proc.stdout
