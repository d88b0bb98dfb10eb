"""Progress lines off a terminal (cron, CI): a rate only once it means something."""

from __future__ import annotations

import io

from dangan.indexer import progress as progress_mod


def test_the_first_line_states_no_rate_and_later_lines_a_sane_one(monkeypatch):
    now = [100.0]
    monkeypatch.setattr(progress_mod.time, "monotonic", lambda: now[0])
    out = io.StringIO()
    p = progress_mod.Progress(51, out, interval=5.0)
    now[0] += 0.0005  # a page from a text layer, in half a millisecond
    p.update()
    now[0] += 10
    p.update(4)
    now[0] += 10
    p.update(5, failed=1)
    lines = out.getvalue().splitlines()
    assert lines[0] == "[dangan] 1/51 pages, 测速中 measuring, 0 failed"
    assert lines[1] == "[dangan] 5/51 pages, 0.50 pages/s, ETA 92s, 0 failed"
    assert lines[2] == "[dangan] 10/51 pages, 0.50 pages/s, ETA 82s, 1 failed"
