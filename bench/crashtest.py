"""Kill `dangan index` at random moments, N times, and check the archive after each re-run.

    .venv/bin/python bench/crashtest.py [--runs 20] [--seed 1] [--keep DIR]

A corpus of text-layer PDFs (no OCR) and small printed pages (OCR'd once, then from the
cache) is indexed once. Each round then changes something — a schema bump (full rebuild), new
files, changed files — starts `dangan index`, and kills it after a random delay within the
time such a run takes: kill -9 of the whole process group (a crash, the OOM killer, power) or
of the batch alone (its shard writers and workers must follow it). Right after the kill a
search must still answer with every page committed before (searches use the old index until a
rebuild is complete); then a re-run must finish, `dangan check` must pass and every page be
found exactly once. Prints one line per round and the totals as JSON.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
NOTICE = next((ROOT / "scans").glob("东政发*.pdf"))  # text layer; names 单国栋
FONT = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2)
PEOPLE = ["张建国", "李秀兰", "王志强", "赵德胜", "刘桂芳", "陈永福", "杨淑珍", "周玉兰"]
DANGAN = [sys.executable, "-m", "dangan.cli"]


def page(text: str) -> Image.Image:
    im = Image.new("L", (520, 110), 255)
    ImageDraw.Draw(im).text((20, 20), text, fill=0,
                            font=ImageFont.truetype(FONT[0], 56, index=FONT[1]))
    return im


def dangan(cfg: Path, *args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([*DANGAN, "--config", str(cfg), *args], capture_output=True,
                          text=True, timeout=1800, **kw)


def pdf_copy(folder: Path, n: int) -> None:
    # A comment after %%EOF makes new content (a new hash) with the same text layer.
    (folder / f"notice-{n:04d}.pdf").write_bytes(NOTICE.read_bytes() + f"\n%{n}\n".encode())


def hits(cfg: Path, person: str) -> int:
    proc = dangan(cfg, "search", "--json", "--limit", "1000", "--person", person)
    if proc.returncode != 0:
        return -1
    return sum(person in h["persons"] for h in json.loads(proc.stdout)["hits"])


def group_gone(pgid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.2)
    return False


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--pdfs", type=int, default=60)
    ap.add_argument("--pages", type=int, default=len(PEOPLE), help="printed pages (OCR'd)")
    ap.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = ap.parse_args()
    rnd = random.Random(args.seed)
    work = args.keep or Path(tempfile.mkdtemp(prefix="dangan-crash-"))
    folder = work / "scans"
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(args.pdfs):
        pdf_copy(folder, i)
    for i, person in enumerate(PEOPLE[:args.pages]):
        page(f"姓名{person}").save(folder / f"page-{i:02d}.png")
    cfg = work / "config.toml"
    cfg.write_text(f'[paths]\nscan_root = "{folder}"\nindex_dir = "{work / "index"}"\n'
                   f'data_dir = "{work / "data"}"\n[ocr]\ncommit_every = 8\nworkers = 2\n',
                   encoding="utf-8")
    t0 = time.monotonic()
    first = dangan(cfg, "index")
    assert first.returncode == 0, first.stderr
    print(f"first index: {time.monotonic() - t0:.1f}s", flush=True)
    # How long each kind of run takes, to kill within it.
    durations = {}
    for kind in ("rebuild", "add", "change"):
        setup(kind, work, folder, rnd, 10_000 + len(durations))
        t = time.monotonic()
        assert dangan(cfg, "index").returncode == 0
        durations[kind] = time.monotonic() - t
    print("run times: " + ", ".join(f"{k} {v:.1f}s" for k, v in durations.items()), flush=True)

    totals = {"runs": 0, "killed_mid_rebuild": 0, "kill_whole_group": 0, "kill_batch_only": 0,
              "search_failed_after_kill": 0, "search_lost_pages_after_kill": 0,
              "processes_outlived_batch": 0, "rerun_failed": 0, "check_failed": 0,
              "pages_wrong_after_rerun": 0, "seconds": 0.0}
    start = time.monotonic()
    for r in range(args.runs):
        kind = rnd.choice(list(durations))
        committed = hits(cfg, "单国栋")  # pages searchable before this round
        setup(kind, work, folder, rnd, r)
        delay = rnd.uniform(0, durations[kind] * 1.1)
        whole = rnd.random() < 0.5
        proc = subprocess.Popen([*DANGAN, "--config", str(cfg), "index"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        time.sleep(delay)
        mid_rebuild = any(not (g / "dangan-schema.json").exists()
                          for g in (work / "index").glob("gen-*"))
        with contextlib.suppress(ProcessLookupError):  # it may have finished already
            (os.killpg if whole else os.kill)(proc.pid, signal.SIGKILL)
        proc.wait()
        outlived = not group_gone(proc.pid, 15)
        lingering = ""
        if outlived:
            lingering = subprocess.run(["ps", "-o", "pid=,etimes=,args=", "-g", str(proc.pid)],
                                       capture_output=True, text=True).stdout.strip()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
        after_kill = hits(cfg, "单国栋")
        rerun = dangan(cfg, "index")
        check = dangan(cfg, "check")
        expected = len(list(folder.glob("notice-*.pdf")))
        final = hits(cfg, "单国栋")
        totals["runs"] += 1
        totals["killed_mid_rebuild"] += mid_rebuild
        totals["kill_whole_group" if whole else "kill_batch_only"] += 1
        totals["search_failed_after_kill"] += after_kill < 0
        totals["search_lost_pages_after_kill"] += 0 <= after_kill < committed
        totals["processes_outlived_batch"] += outlived
        totals["rerun_failed"] += rerun.returncode != 0
        totals["check_failed"] += check.returncode != 0
        totals["pages_wrong_after_rerun"] += final != expected
        print(f"round {r + 1:>3}: {kind:<7} killed after {delay:5.2f}s "
              f"({'group' if whole else 'batch'}{', mid-rebuild' if mid_rebuild else ''}); "
              f"search after kill {after_kill}/{committed}; re-run {rerun.returncode}; "
              f"check {'ok' if check.returncode == 0 else 'FAILED'}; "
              f"pages {final}/{expected}"
              f"{'; OUTLIVED: ' + lingering[:300] if outlived else ''}", flush=True)
        if check.returncode != 0:
            print(check.stdout, flush=True)
    totals["seconds"] = round(time.monotonic() - start, 1)
    print(json.dumps(totals, ensure_ascii=False))
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    bad = ("search_failed_after_kill", "search_lost_pages_after_kill",
           "processes_outlived_batch", "rerun_failed", "check_failed", "pages_wrong_after_rerun")
    return 1 if any(totals[k] for k in bad) else 0


def setup(kind: str, work: Path, folder: Path, rnd: random.Random, n: int) -> None:
    """Make the next run do some work of this kind."""
    if kind == "rebuild":  # a schema bump: the live generation's marker says an old version
        for marker in (work / "index").rglob("dangan-schema.json"):
            data = json.loads(marker.read_text())
            marker.write_text(json.dumps({**data, "version": 1}))
    elif kind == "add":
        for i in range(8):
            pdf_copy(folder, 100_000 + n * 10 + i)
    else:  # changed content under the same names: a new hash, read again
        for p in rnd.sample(sorted(folder.glob("notice-*.pdf")), 8):
            p.write_bytes(p.read_bytes() + b"%changed\n")


if __name__ == "__main__":
    sys.exit(main())
