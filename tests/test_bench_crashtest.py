"""bench/crashtest.py in its short form, as CI runs it: `dangan index` killed at random
moments (its whole process group, or the batch process alone), and after every kill no
process of it is left, a search still answers with every page committed before, a re-run
finishes, `dangan check` passes and every page is found exactly once."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_a_short_crash_campaign_loses_nothing_and_leaves_no_process(tmp_path):
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "crashtest.py"), "--runs", "3",
                           "--seed", "7", "--pdfs", "12", "--pages", "1",
                           "--keep", str(tmp_path / "work")],
                          capture_output=True, text=True, timeout=3600, cwd=ROOT)
    totals = json.loads(proc.stdout.strip().splitlines()[-1])
    assert totals["runs"] == 3 and totals["kill_batch_only"] + totals["kill_whole_group"] == 3
    for bad in ("search_failed_after_kill", "search_lost_pages_after_kill",
                "processes_outlived_batch", "rerun_failed", "check_failed",
                "pages_wrong_after_rerun"):
        assert totals[bad] == 0, (bad, proc.stdout)
    assert proc.returncode == 0, proc.stderr
