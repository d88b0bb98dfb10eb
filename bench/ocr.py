"""OCR benchmark: speed on this machine, character error rate and field recall, per engine.

    .venv/bin/python bench/ocr.py [--engines rapidocr tesseract] [--workers 2] [--pages 12]
                                  [--paths portable native] [--repeat 2]

Runs each engine over the same pages of the shipped sample (scans/, with truth.json), with all
workers busy, and prints pages/min, CER on prose pages (reading order is well defined there),
and recall of the fields search depends on (persons, years, 文号) on every page.

It says what ran: the CPU and the flags that decide the kernels, each model's runtime,
precision and kernels; and what a page costs, step by step, in CPU-seconds. `--paths portable`
runs everything as on an AVX2-only office PC (DANGAN_OCR_PORTABLE=1: f32, oneDNN capped at
AVX2, tesseract's dot product at AVX2), `native` as this CPU allows (bf16 where it has bf16
units); both paths, engines and repeats are interleaved in one run, and each rapidocr figure
is given as a ratio to tesseract's on the same path in the same round.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dangan.indexer import fields as fields_module  # noqa: E402
from dangan.indexer.ocr import cpu, seals  # noqa: E402
from dangan.indexer.ocr.base import Line  # noqa: E402
from dangan.text.dates import MIN_YEAR, max_year  # noqa: E402
from dangan.text.normalize import normalize  # noqa: E402

PROSE_TYPES = ("military",)
STEPS = ("detection", "recognition", "alternatives", "seals", "OCR other", "layout", "fields")
_engine = None

# CPU-seconds per step of the pages read in this process. Exclusive: a step's time leaves out
# the steps it calls, except that everything inside the seal pass (its own detection and
# recognition of each seal) is the seal pass's.
_costs: dict[str, float] = {}
_stack: list[list] = []


def _cpu_now() -> float:
    """CPU-seconds of this process (all threads, ns resolution) and of its finished children
    (tesseract runs as one; os.times counts those in clock ticks)."""
    t = os.times()
    return time.process_time() + t.children_user + t.children_system


def _timed(step: str, fn):
    def timed(*args, **kwargs):
        if _stack and _stack[0][0] == "seals":
            return fn(*args, **kwargs)
        t0 = _cpu_now()
        _stack.append([step, 0.0])
        try:
            return fn(*args, **kwargs)
        finally:
            _, inner = _stack.pop()
            spent = _cpu_now() - t0
            _costs[step] = _costs.get(step, 0.0) + spent - inner
            if _stack:
                _stack[-1][1] += spent
    return timed


class _TimedModel:
    """One of rapidocr's models, its calls timed as `step`, everything else passed through."""

    def __init__(self, model, step: str):
        self._model, self._call = model, _timed(step, model.__call__)

    def __call__(self, *args, **kwargs):
        return self._call(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._model, name)

    def __setattr__(self, name, value):
        # the engine sets the detector's input side for seals (read_small): on the model
        if name.startswith("_"):
            object.__setattr__(self, name, value)
        else:
            setattr(self._model, name, value)


def _init(name: str, max_side: int) -> None:
    global _engine
    from dangan.indexer.ocr.base import create_engine

    _engine = create_engine(name, threads=1, max_side_len=max_side)
    seals.lift_red = _timed("seals", seals.lift_red)
    seals.read_seals = _timed("seals", seals.read_seals)
    if name == "tesseract":  # one pass finds and reads the lines
        _engine.read = _timed("recognition", _engine.read)
    if name == "rapidocr":
        ocr = _engine._ocr
        ocr.text_det = _TimedModel(ocr._load_det_model(), "detection")
        ocr.text_rec = _TimedModel(ocr._load_rec_model(), "recognition")
        _engine._alts._alternatives = _timed("alternatives", _engine._alts._alternatives)


def _what_ran() -> dict[str, str]:
    return dict(getattr(_engine, "models", {}))


def _read(job: tuple[str, int]) -> tuple[list, float, dict[str, float]]:
    from dangan.indexer.sources import PageRef, render_page

    path, index = job
    kind = "pdf_scan" if path.endswith(".pdf") else "image"
    image = render_page(PageRef(Path(path), index, kind), 200_000_000)
    _costs.clear()
    t0, c0 = time.monotonic(), _cpu_now()
    lines = seals.read_page(_engine, image)
    costs = dict(_costs)
    costs["OCR other"] = _cpu_now() - c0 - sum(costs.values())
    return [ln.to_json() for ln in lines], time.monotonic() - t0, costs


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


def run(engine: str, pages, workers: int, max_side: int = 2000, show: bool = False,
        path: str = "native") -> dict:
    """One engine over the pages; `path` "portable" runs it as on an AVX2-only PC."""
    ctx = get_context("spawn")
    jobs = [(str(ROOT / "scans" / name), idx) for name, idx, _, _ in pages]
    saved = os.environ.get(cpu.PORTABLE_ENV)
    os.environ[cpu.PORTABLE_ENV] = "1" if path == "portable" else "0"  # the workers inherit it
    try:
        with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init,
                                 initargs=(engine, max_side)) as pool:
            list(pool.map(_read, jobs[:workers]))  # warm up: model load is not per-page cost
            models = pool.submit(_what_ran).result()
            t0 = time.monotonic()
            results = list(pool.map(_read, jobs))
            wall = time.monotonic() - t0
    finally:
        if saved is None:
            os.environ.pop(cpu.PORTABLE_ENV, None)
        else:
            os.environ[cpu.PORTABLE_ENV] = saved
    costs: dict[str, float] = {}
    for _, _, page_costs in results:
        for step, spent in page_costs.items():
            costs[step] = costs.get(step, 0.0) + spent
    _costs.clear()
    scores = score(pages, [r[0] for r in results], show)
    costs.update(_costs)  # layout and fields, timed in this process while scoring
    return {"engine": engine, "path": path, "pages": len(pages), "models": models,
            "pages_per_min": round(len(pages) / wall * 60, 1),
            "costs": {k: v / len(pages) for k, v in costs.items()}, **scores}


def score(pages, results: list[list], show: bool = False) -> dict:
    """CER on prose pages and field recall, from each page's lines (as JSON)."""
    cer_num = cer_den = 0
    found = {"persons": [0, 0], "years": [0, 0], "doc_numbers": [0, 0]}
    for (name, _, page, f), lines_json in zip(pages, results, strict=True):
        lines = [Line.from_json(x) for x in lines_json]
        ocr_text = _squash("".join(ln.text for ln in lines))
        if f["doc_type"] in PROSE_TYPES or "工龄证明" in name:
            ref = _squash(page["text"])
            # Prose reading order: compare line by line in page order. A seal's own lines are
            # kept out, as the product keeps them out of the page's text (indexed apart).
            ordered = _squash("".join(ln.text for ln in sorted(lines, key=lambda ln: ln.cy)
                                      if ln.kind != "seal"))
            errors = levenshtein(ordered, ref)
            cer_num += errors
            cer_den += len(ref)
            if show and errors:
                print(f"  {name}: {errors} errors\n    ocr:   {ordered}\n    truth: {ref}")
        fields = _extract(lines)
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


# Layout (visual rows, reading order) and field extraction, timed apart while scoring.
fields_module.rows = _timed("layout", fields_module.rows)
fields_module.reading_text = _timed("layout", fields_module.reading_text)
_extract = _timed("fields", fields_module.extract)


def print_costs(results: list[dict]) -> None:
    """CPU-seconds a page per step, one column per engine and path (means over repeats)."""
    cols: dict[str, list[dict]] = {}
    for r in results:
        cols.setdefault(f"{r['engine']} {r['path']}", []).append(r["costs"])
    print("\nCPU-seconds a page, per step (exclusive; the seal pass includes its own reading;"
          " layout and fields timed in the parent while scoring)")
    print(f"{'step':<14}" + "".join(f"{c:>20}" for c in cols))
    for step in (*STEPS, "total"):
        row = f"{step:<14}"
        for runs in cols.values():
            vals = [sum(c.values()) if step == "total" else c.get(step, 0.0) for c in runs]
            row += f"{sum(vals) / len(vals):>20.3f}"
        print(row)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--engines", nargs="+", default=["rapidocr", "tesseract"])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--pages", type=int, default=12)
    ap.add_argument("--max-side", type=int, nargs="+", default=[2000],
                    help="longest page side fed to the detector (several values compare them)")
    ap.add_argument("--show-errors", action="store_true")
    ap.add_argument("--paths", nargs="+", choices=("portable", "native"), default=["native"],
                    help="portable: as on an AVX2-only PC (f32, no AVX-512); native: this CPU")
    ap.add_argument("--repeat", type=int, default=1, help="rounds, interleaved")
    args = ap.parse_args()
    truth = json.loads((ROOT / "scans" / "truth.json").read_text(encoding="utf-8"))
    pages = pick_pages(truth, args.pages)
    print(cpu.describe().replace("; PORTABLE", "; (this process) PORTABLE"))
    print(f"{len(pages)} pages ({sum(1 for p in pages if p[3]['degradation'] == 'heavy')} "
          f"heavily degraded), {args.workers} worker processes × 1 thread, "
          f"load average {os.getloadavg()[0]:.1f} at start")
    print(f"{'round':<5} {'path':<8} {'engine':<10} {'max side':>8} {'pages/min':>9} "
          f"{'vs tess':>7} {'CER prose':>9} {'persons':>8} {'years':>6} {'文号':>6}")
    results, seen_models = [], set()
    for round_ in range(1, args.repeat + 1):
        for path in args.paths:
            tess = None
            for engine in sorted(args.engines, key=lambda e: e != "tesseract"):
                for max_side in args.max_side if engine == "rapidocr" else [0]:
                    r = run(engine, pages, args.workers, max_side or 2000, args.show_errors,
                            path)
                    results.append(r)
                    for role, what in r["models"].items():
                        if (path, engine, role) not in seen_models:
                            seen_models.add((path, engine, role))
                            print(f"      {path} {engine} {role}: {what}")
                    if engine == "tesseract":
                        tess = r["pages_per_min"]
                    ratio = f"{r['pages_per_min'] / tess:.2f}×" if tess else "-"
                    cer = f"{r['cer_prose'] * 100:.2f}%" if r["cer_prose"] is not None else "-"
                    side = max_side or "-"
                    print(f"{round_:<5} {path:<8} {engine:<10} {side:>8} {r['pages_per_min']:>9} "
                          f"{ratio:>7} {cer:>9} {r['recall_persons']:>8} "
                          f"{r['recall_years']:>6} {r['recall_doc_numbers']:>6}", flush=True)
    print_costs(results)


if __name__ == "__main__":
    main()
