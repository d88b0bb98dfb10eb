"""Indexing benchmark with OCR already done: pages/s and index size per 1,000 pages.

    .venv/bin/python bench/indexing.py [--pages 3000]

Builds a text-only corpus with the sample generator (the text that OCR would return, line by
line), then times the two stages after OCR: field extraction (which `dangan index` runs in the
OCR worker processes, in parallel) and writing the Whoosh index through dangan's backend (the
single writer, batched commits — also what a rebuild from the page store does).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dangan.indexer.fields import extract  # noqa: E402
from dangan.indexer.indexing import index_document  # noqa: E402
from dangan.indexer.ocr.base import Line  # noqa: E402
from dangan.indexer.store import StoredPage  # noqa: E402
from dangan.search.backend import SearchIndex  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=3000)
    ap.add_argument("--commit-every", type=int, default=500)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        subprocess.run([sys.executable, "-m", "samplegen", "--out", str(corpus),
                        "--pages", str(args.pages), "--text-only"], check=True,
                       capture_output=True, cwd=ROOT)  # samplegen is a top-level tool
        truth = json.loads((corpus / "truth.json").read_text(encoding="utf-8"))
        raw = [(name, p) for name, f in truth["files"].items() for p in f["pages"]]
        chars = sum(len(p["text"]) for _, p in raw)
        print(f"{len(raw)} pages, {chars / len(raw):.0f} characters per page")

        t0 = time.monotonic()
        pages = []
        for name, p in raw:
            lines = [Line(t, None) for t in p["lines"]]
            pages.append(StoredPage(name, p["page"], name, 1, "ocr", None, None, lines,
                                    extract(lines)))
        t_extract = time.monotonic() - t0

        index = SearchIndex(Path(tmp) / "index")
        index.create()
        t0 = time.monotonic()
        for i in range(0, len(pages), args.commit_every):
            chunk = pages[i:i + args.commit_every]
            with index.writer() as w:
                for page in chunk:
                    w.replace_pages(page.path, [index_document(page, page.fields.doc_type,
                                                               None, False)])
        t_index = time.monotonic() - t0
        size = index.size_bytes()
        index.close()
    n = len(pages)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"field extraction: {n / t_extract:8.0f} pages/s")
    print(f"index writing:    {n / t_index:8.0f} pages/s")
    print(f"both (from cached OCR): {n / (t_extract + t_index):8.0f} pages/s")
    print(f"index size: {size / 1e6:.1f} MB, {size / n * 1000 / 1e6:.2f} MB per 1,000 pages")
    print(f"peak RSS: {rss:.0f} MB")


if __name__ == "__main__":
    main()
