"""Processes, signals and locks of `dangan index`, on real processes: nothing outlives a
killed batch, Ctrl-C and SIGTERM stop cleanly after a commit, and one batch runs at a time."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from conftest import DANGAN, SCANS, run_dangan, wait_for_rows, write_config
from test_indexer_badfiles import text_image

from dangan.search.backend import shard_of

PEOPLE = ["张建国", "李秀兰", "王志强", "赵德胜", "刘桂芳", "陈永福", "杨淑珍", "周玉兰", "吴春生", "孙丽华", "马德明", "朱桂英"]


def _corpus(tmp_path: Path, commit_every: int = 4) -> Path:
    folder = tmp_path / "scans"
    folder.mkdir()
    names = [f"p{i:02d}.png" for i in range(len(PEOPLE))]
    assert len({shard_of(n, 2) for n in names[:commit_every]}) == 2  # a commit uses the pool
    for name, person in zip(names, PEOPLE, strict=True):
        text_image(f"姓名{person}").save(folder / name)
    return write_config(tmp_path / "config.toml", folder, tmp_path, commit_every=commit_every,
                        workers=1)


def _start(cfg: Path) -> subprocess.Popen:
    return subprocess.Popen([*DANGAN, "--config", str(cfg), "index"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})


def _group_gone(pgid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.5)
    return False


def test_nothing_outlives_a_killed_batch_and_a_pipe_reader_sees_the_end(tmp_path):
    cfg = _corpus(tmp_path)
    proc = _start(cfg)
    wait_for_rows(tmp_path / "data" / "pages.sqlite3", "files", 4, proc)
    assert proc.poll() is None, "the batch finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)  # the batch alone, as the OOM killer would
    try:
        proc.communicate(timeout=30)  # `dangan index | tee` ends: nobody holds the pipe
    finally:
        gone = _group_gone(proc.pid, 30)
        if not gone:
            os.killpg(proc.pid, signal.SIGKILL)
    assert gone, "shard writers or OCR workers outlived the batch"
    status = json.loads(run_dangan(cfg, "status", "--json").stdout)
    assert [b["id"] for b in status["interrupted_batches"]] == [1]
    assert "未正常结束" in run_dangan(cfg, "status").stdout


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_and_sigterm_stop_after_the_current_commit_with_one_line(tmp_path, sig):
    cfg = _corpus(tmp_path)
    proc = _start(cfg)
    wait_for_rows(tmp_path / "data" / "pages.sqlite3", "files", 4, proc)
    assert proc.poll() is None
    os.killpg(proc.pid, sig)  # Ctrl-C reaches the whole process group, workers included
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 128 + sig, (out, err)
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert "已中断" in err and f"收到 {signal.Signals(sig).name} 信号" in err
    assert _group_gone(proc.pid, 30)
    status = json.loads(run_dangan(cfg, "status", "--json").stdout)
    assert status["interrupted_batches"][0]["reason"].startswith("收到")
    assert status["files"] >= 4 and status["failed_files"] == 0  # no page blamed for it
    rerun = run_dangan(cfg, "index")  # carries on from there; nothing done twice
    assert f"{len(PEOPLE) - status['files']} indexed" in rerun.stdout, rerun.stdout
    assert json.loads(run_dangan(cfg, "status", "--json").stdout)["files"] == len(PEOPLE)


def test_a_second_batch_says_who_holds_the_lock_and_leaves(tmp_path):
    cfg = _corpus(tmp_path)
    first = _start(cfg)
    try:
        wait_for_rows(tmp_path / "data" / "pages.sqlite3", "batches", 1, first)
        second = run_dangan(cfg, "index", check=False, timeout=120)
        assert second.returncode == 75, second.stderr
        assert f"另一个索引任务正在运行：进程 {first.pid}" in second.stderr
        assert "Traceback" not in second.stderr
        assert "正在运行 running" in run_dangan(cfg, "status").stdout
    finally:
        os.killpg(first.pid, signal.SIGTERM)
        first.communicate(timeout=120)


def _ps() -> list[tuple[int, int, str, str]]:
    """`ps` of every process: pid, parent pid, state, command line."""
    rows = subprocess.run(["ps", "-ww", "-eo", "pid=,ppid=,stat=,args="], capture_output=True,
                          text=True, check=True).stdout.splitlines()
    return [(int(r.split()[0]), int(r.split()[1]), r.split()[2],
             " ".join(r.split()[3:])) for r in rows]


def _descendants(pid: int) -> dict[int, str]:
    """Every live process below `pid` (children, grandchildren): pid → command line."""
    table = _ps()
    found: dict[int, str] = {}
    frontier = {pid}
    while frontier:
        frontier = {p for p, pp, stat, _ in table
                    if pp in frontier and p not in found and not stat.startswith("Z")}
        found.update({p: a for p, _, _, a in table if p in frontier})
    return found


def _alive(pids) -> dict[int, str]:
    """Which of `pids` `ps` still lists (zombies waiting for a reaper do not count)."""
    return {p: a for p, _, stat, a in _ps() if p in pids and not stat.startswith("Z")}
@pytest.mark.slow
@pytest.mark.parametrize("after", [0.0, 0.7, 3.0])
def test_killing_the_batch_alone_mid_rebuild_leaves_no_process_behind(tmp_path, after):
    """kill -9 of the batch process only (the OOM killer's way), `after` seconds into its
    shard writers' lives (0: while they are still starting up; 0.7: writing; 3: done, the
    batch going on) — and `ps` shows none of its shard writers, OCR workers or
    multiprocessing's resource tracker 10 s later."""
    from test_indexer_integrity import _pdfs

    cfg = _pdfs(tmp_path, n=40, commit_every=5)
    run_dangan(cfg, "index")
    for marker in (tmp_path / "index").rglob("dangan-schema.json"):  # a schema bump: rebuild
        marker.write_text(json.dumps({**json.loads(marker.read_text()), "version": 1}))
    # New scans that need OCR: the batch goes on after the rebuild (a rebuild from the page
    # store alone is over in a second or two on a fast CPU), so at 3 s it is still running.
    for name in ("scan0031.jpg", "X012-WS·1985-Y-0012-0001.jpg", "招工登记表_刘桂芬.jpg"):
        shutil.copy2(SCANS / name, tmp_path / "scans" / name)
    proc = _start(cfg)
    seen: dict[int, str] = {}
    deadline = time.monotonic() + 300
    while proc.poll() is None and time.monotonic() < deadline:
        seen.update(_descendants(proc.pid))
        if any("multiprocessing" in a for a in seen.values()):
            break  # the shard writers' pool (and its resource tracker) is starting
        time.sleep(0.05)
    time.sleep(after)
    assert proc.poll() is None, ("the batch finished before it could be killed", seen,
                                 proc.communicate())
    seen.update(_descendants(proc.pid))
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=60)
    deadline = time.monotonic() + 10
    while _alive(seen) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = _alive(seen)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert len(seen) >= 2 and not left, f"outlived the batch: {left} (children were {seen})"
    run_dangan(cfg, "index")  # the rebuild again, from the start
    assert "检查通过" in run_dangan(cfg, "check").stdout
