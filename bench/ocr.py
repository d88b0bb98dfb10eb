"""OCR benchmark: speed on this machine, character error rate and field recall, per engine.

    .venv/bin/python bench/ocr.py [--engines rapidocr tesseract] [--workers 2] [--pages 12]

Runs each engine over the same pages of the shipped sample (scans/, with truth.json), with all
workers busy, and prints pages/min, CER on prose pages (reading order is well defined there),
and recall of the fields search depends on (persons, years, 文号) on every page.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dangan.indexer.fields import extract  # noqa: E402
from dangan.indexer.ocr.base import Line  # noqa: E402
from dangan.indexer.ocr.seals import read_page  # noqa: E402
from dangan.text.dates import MIN_YEAR, max_year  # noqa: E402
from dangan.text.normalize import normalize  # noqa: E402

PROSE_TYPES = ("military",)
_engine = None


def _init(name: str, max_side: int) -> None:
    global _engine
    from dangan.indexer.ocr.base import create_engine

    _engine = create_engine(name, threads=1, max_side_len=max_side)


def _read(job: tuple[str, int]) -> tuple[list, float]:
    from dangan.indexer.sources import PageRef, render_page

    path, index = job
    kind = "pdf_scan" if path.endswith(".pdf") else "image"
    image = render_page(PageRef(Path(path), index, kind), 200_000_000)
    t0 = time.monotonic()
    lines = read_page(_engine, image)
    return [ln.to_json() for ln in lines], time.monotonic() - t0


def levenshtein(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


_PUNCT_WIDTH = str.maketrans("：，；！？（）", ":,;!?()")


def _squash(text: str) -> str:
    # Punctuation width (：/:) is a typesetting choice, not a reading error.
    return re.sub(r"\s+", "", normalize(text)).translate(_PUNCT_WIDTH)


def pick_pages(truth: dict, n: int) -> list[tuple[str, int, dict, dict]]:
    """Degraded prose pages first, then forms and rosters, alternating dpi."""
    candidates = []
    for name, f in truth["files"].items():
        if f["format"] in ("pdf_text", "tiff"):
            continue
        for page in f["pages"]:
            prose = f["doc_type"] in PROSE_TYPES or "工龄证明" in name
            candidates.append((not prose, f["degradation"] != "heavy", name, page, f))
    candidates.sort(key=lambda c: (c[0], c[1], c[2]))
    return [(c[2], c[3]["page"] - 1, c[3], c[4]) for c in candidates[:n]]


def run(engine: str, pages, workers: int, max_side: int = 2000, show: bool = False) -> dict:
    ctx = get_context("spawn")
    jobs = [(str(ROOT / "scans" / name), idx) for name, idx, _, _ in pages]
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init,
                             initargs=(engine, max_side)) as pool:
        list(pool.map(_read, jobs[:workers]))  # warm up: model load is not per-page cost
        t0 = time.monotonic()
        results = list(pool.map(_read, jobs))
        wall = time.monotonic() - t0
    return {"engine": engine, "pages": len(pages),
            "pages_per_min": round(len(pages) / wall * 60, 1),
            **score(pages, [r[0] for r in results], show)}


def score(pages, results: list[list], show: bool = False) -> dict:
    """CER on prose pages and field recall, from each page's lines (as JSON)."""
    cer_num = cer_den = 0
    found = {"persons": [0, 0], "years": [0, 0], "doc_numbers": [0, 0]}
    for (name, _, page, f), lines_json in zip(pages, results, strict=True):
        lines = [Line.from_json(x) for x in lines_json]
        ocr_text = _squash("".join(ln.text for ln in lines))
        if f["doc_type"] in PROSE_TYPES or "工龄证明" in name:
            ref = _squash(page["text"])
            # Prose reading order: compare line by line in page order.
            ordered = _squash("".join(ln.text for ln in sorted(lines, key=lambda ln: ln.cy)))
            errors = levenshtein(ordered, ref)
            cer_num += errors
            cer_den += len(ref)
            if show and errors:
                print(f"  {name}: {errors} errors\n    ocr:   {ordered}\n    truth: {ref}")
        fields = extract(lines)
        names = {p.name for p in fields.persons} | {p.name for p in fields.persons}
        for p in page["persons"]:
            if p["role"] in ("姓名", "roster", "prose"):
                found["persons"][1] += 1
                found["persons"][0] += p["simplified"] in names
        for y in page["years"]:
            if MIN_YEAR <= y <= max_year():
                found["years"][1] += 1
                found["years"][0] += y in fields.years
        for d in page["doc_numbers"]:
            found["doc_numbers"][1] += 1
            found["doc_numbers"][0] += d["normalized"] in fields.doc_numbers
        del ocr_text
    return {
        "cer_prose": round(cer_num / cer_den, 4) if cer_den else None,
        **{f"recall_{k}": round(v[0] / v[1], 3) if v[1] else None for k, v in found.items()},
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--engines", nargs="+", default=["rapidocr", "tesseract"])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--pages", type=int, default=12)
    ap.add_argument("--max-side", type=int, nargs="+", default=[2000],
                    help="longest page side fed to the detector (several values compare them)")
    ap.add_argument("--show-errors", action="store_true")
    args = ap.parse_args()
    truth = json.loads((ROOT / "scans" / "truth.json").read_text(encoding="utf-8"))
    pages = pick_pages(truth, args.pages)
    print(f"{len(pages)} pages ({sum(1 for p in pages if p[3]['degradation'] == 'heavy')} "
          f"heavily degraded), {args.workers} worker processes × 1 thread")
    print(f"{'engine':<10} {'max side':>8} {'pages/min':>9} {'CER prose':>9} {'persons':>8} "
          f"{'years':>6} {'文号':>6}")
    for engine in args.engines:
        for max_side in args.max_side if engine == "rapidocr" else [0]:
            r = run(engine, pages, args.workers, max_side or 2000, args.show_errors)
            cer = f"{r['cer_prose'] * 100:.2f}%" if r["cer_prose"] is not None else "-"
            side = max_side or "-"
            print(f"{engine:<10} {side:>8} {r['pages_per_min']:>9} {cer:>9} "
                  f"{r['recall_persons']:>8} {r['recall_years']:>6} {r['recall_doc_numbers']:>6}",
                  flush=True)


if __name__ == "__main__":
    main()
