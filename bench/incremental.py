"""How fast `dangan index` passes over files it already has.

    .venv/bin/python bench/incremental.py [--files 1000]

Copies the sample's born-digital PDF (text layer, so no OCR is needed) to N files, indexes them
once, then times a second run where nothing changed, and a third after `touch` changed every
mtime (content the same: each file is hashed once, nothing re-indexed).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTICE = next((ROOT / "scans").glob("东政发*.pdf"))


def run(cfg: Path) -> tuple[float, str]:
    t0 = time.monotonic()
    out = subprocess.run([sys.executable, "-m", "dangan.cli", "--config", str(cfg), "index"],
                         capture_output=True, text=True, check=True).stdout
    return time.monotonic() - t0, out.splitlines()[0]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=1000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        scans = tmp / "scans"
        scans.mkdir()
        for i in range(args.files):
            shutil.copy(NOTICE, scans / f"notice-{i:05d}.pdf")
        cfg = tmp / "config.toml"
        cfg.write_text(f'[paths]\nscan_root = "{scans}"\nindex_dir = "{tmp / "index"}"\n'
                       f'data_dir = "{tmp / "data"}"\n', encoding="utf-8")
        first, line = run(cfg)
        print(f"first run ({line}): {first:.1f} s")
        # Process start-up (Python, whoosh, jieba imports) is part of what staff wait for.
        t0 = time.monotonic()
        subprocess.run([sys.executable, "-c", "import dangan.indexer.batch"], check=True)
        startup = time.monotonic() - t0
        second, line = run(cfg)
        print(f"nothing changed ({line}): {second:.2f} s, of which start-up {startup:.2f} s "
              f"→ {(second - startup) / args.files * 1000:.3f} s per 1,000 files")
        now = time.time()
        for p in scans.iterdir():
            os.utime(p, (now, now))
        third, line = run(cfg)
        print(f"all touched, same content ({line}): {third:.2f} s")


if __name__ == "__main__":
    main()
