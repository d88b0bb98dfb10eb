"""Rebuilding the index from the page store (a schema change, `dangan repair`): pages/s and
the peak memory of the whole process tree, on an archive kept by `bench/scale.py --keep DIR`.

    .venv/bin/python bench/rebuild.py DIR

This is where index writing speed matters at the counter's scale: a batch writes as fast as
OCR reads (about a page a second on two cores), a rebuild writes the whole archive at once.
Prints the time in field extraction and the page store, the time in index commits (the
shard writers), the pages per second of each and the peak RSS summed over the tree.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from scale import TreeRSS  # noqa: E402

from dangan.indexer import integrity  # noqa: E402
from dangan.indexer.store import PageStore  # noqa: E402
from dangan.search.backend import SearchIndex  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dir", type=Path, help="a folder kept by bench/scale.py --keep")
    ap.add_argument("--commit-every", type=int, default=2000)
    args = ap.parse_args()
    store = PageStore(args.dir / "pages.sqlite3")
    index = SearchIndex(args.dir / "index")
    committing = 0.0
    commit = index._commit

    def timed(w, dirs) -> None:
        nonlocal committing
        t0 = time.monotonic()
        commit(w, dirs)
        committing += time.monotonic() - t0

    index._commit = timed
    rss = TreeRSS()
    t0 = time.monotonic()
    n = integrity.rebuild(index, store, commit_every=args.commit_every)
    total = time.monotonic() - t0
    peak = rss.stop()
    index.close()
    store.close()
    print(f"rebuilt {n} pages in {total:.0f} s: {n / total:.0f} pages/s end to end; index "
          f"commits {committing:.0f} s ({n / committing:.0f} pages/s), extraction, page store "
          f"and index documents {total - committing:.0f} s; peak RSS of the process tree, "
          f"summed: {peak:.0f} MB")


if __name__ == "__main__":
    main()
