"""One shard writer, timed alone: writing new pages, and merging segments.

    .venv/bin/python bench/writing.py [--pages 1000] [--merge 4] [--stock] [--profile]

The pages are bench/scale.py's generated corpus after field extraction (cached in the temp
folder, so a second run starts at once). Two figures, in CPU-seconds of this one process (the
machine is shared, so CPU time says more than wall time; compare runs made side by side):
  - new pages: one commit of --pages pages into an empty shard, posting arrays included
    (what backend._apply does in each shard writer);
  - merge: --merge segments of --pages different pages each merged into one (what Whoosh's
    merge policy does as the index grows; the last segment's pages are the commit's new
    ones), posting arrays of the merged segment included.
--stock writes through stock Whoosh (add_document, its pool, its merge, then the arrays
decoded back from the segment) — main's way before fastwrite.py — for the ratio.
"""

from __future__ import annotations

import argparse
import cProfile
import pickle
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from whoosh import index as windex  # noqa: E402

from dangan.search import engine, fastwrite, sidecar  # noqa: E402
from dangan.search.schema import build_schema  # noqa: E402


def documents(pages: int, seed: int) -> list[dict]:
    cache = Path(tempfile.gettempdir()) / f"dangan-writing-{pages}-{seed}.pkl"
    if cache.exists():
        return pickle.loads(cache.read_bytes())
    from scale import corpus

    from dangan.indexer.fields import extract
    from dangan.indexer.indexing import index_document
    from dangan.indexer.store import StoredPage

    docs = []
    for key, page_no, lines, _truth in corpus(pages, seed):
        fields = extract(lines)
        page = StoredPage(key, page_no, key, page_no, "ocr", 1654, 2339, lines, fields)
        docs.append(index_document(page, fields.doc_type, None, False))
    cache.write_bytes(pickle.dumps(docs))
    return docs


def commit(folder: Path, docs: list[dict], stock: bool, **how) -> None:
    ix = windex.open_dir(str(folder))
    w = ix.writer(limitmb=128)
    lengths = w.per_document_reader
    w.per_document_reader = lambda: fastwrite.LengthsInMemory(lengths())
    postings = None
    if stock:
        for d in docs:
            w.add_document(**d)
    else:
        add, postings = fastwrite.install(w)
        for d in docs:
            add(d)
    w.commit(**how)
    if postings is not None and postings.pst_size is not None:
        sidecar.write(sidecar.path_in(folder, w.newsegment.segment_id()), postings.pst_size,
                      postings.columns())
    with ix.reader() as reader:
        sidecar.ensure(reader)
    ix.close()


def main() -> None:
    # As a shard writer: the start-up check, and with it segments kept mapped (engine.py).
    if not engine.status().fast:
        raise SystemExit(f"the fast path is off: {engine.status().problem}")
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=1000)
    ap.add_argument("--merge", type=int, default=4, help="segments to merge (0: skip)")
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--stock", action="store_true", help="stock Whoosh, for the ratio")
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args()
    docs = documents(args.pages * max(1, args.merge), args.seed)
    way = "stock Whoosh" if args.stock else "fastwrite"
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "shard"
        folder.mkdir()
        windex.create_in(str(folder), build_schema()).close()
        prof = cProfile.Profile()
        t0 = time.process_time()
        if args.profile:
            prof.enable()
        commit(folder, docs[:args.pages], args.stock)
        prof.disable()
        new = time.process_time() - t0
        print(f"{way}: {args.pages} new pages in {new:.2f} CPU-s = {args.pages / new:.0f} "
              "pages per CPU-second", flush=True)
        if args.merge:
            shutil.rmtree(folder)
            folder.mkdir()
            windex.create_in(str(folder), build_schema()).close()
            part = [docs[i * args.pages:(i + 1) * args.pages] for i in range(args.merge)]
            for i in range(args.merge - 1):
                commit(folder, part[i], args.stock, merge=False)
            t0 = time.process_time()
            if args.profile:
                prof.enable()
            commit(folder, part[-1], args.stock, optimize=True)
            prof.disable()
            merged = time.process_time() - t0
            n = args.merge * args.pages
            print(f"{way}: merge into one segment of {n} pages in {merged:.2f} CPU-s = "
                  f"{n / merged:.0f} pages per CPU-second (the last {args.pages} new)")
    if args.profile:
        pstats.Stats(prof).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
