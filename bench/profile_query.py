"""Where a query's time goes: cProfile of dangan's search over an index kept by
`bench/scale.py --keep DIR`.

    .venv/bin/python bench/profile_query.py DIR --text "工资 调整" [--person 王秀英]

Prints the warm latency (median of --repeat runs, after one cold run) and the functions that
took the most cumulative time, so a design change can be judged by where it moves the cost.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dangan.indexer.store import PageStore  # noqa: E402
from dangan.search.backend import SearchIndex  # noqa: E402
from dangan.search.query import SearchRequest  # noqa: E402
from dangan.search.searching import search  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dir", type=Path)
    ap.add_argument("--person", default="")
    ap.add_argument("--year", type=int)
    ap.add_argument("--policy", default="")
    ap.add_argument("--text", default="")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--top", type=int, default=25)
    args = ap.parse_args()
    req = SearchRequest(person=args.person, year=args.year, policy=args.policy,
                        text=args.text)
    index = SearchIndex(args.dir / "index")
    store = PageStore(args.dir / "pages.sqlite3")
    t0 = time.monotonic()
    r = search(index, req, store.page_view, store.aliases_of)
    print(f"cold {1000 * (time.monotonic() - t0):.0f} ms, {r.total} hits")
    times = []
    for _ in range(args.repeat):
        t0 = time.monotonic()
        search(index, req, store.page_view, store.aliases_of)
        times.append(1000 * (time.monotonic() - t0))
    print(f"warm median {statistics.median(times):.0f} ms over {args.repeat}")
    prof = cProfile.Profile()
    prof.enable()
    search(index, req, store.page_view, store.aliases_of)
    prof.disable()
    pstats.Stats(prof).sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
