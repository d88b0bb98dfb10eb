"""Fact extraction (出生年月, 参加工作时间 … from form cells and roster columns): precision and
recall per fact type, against the generator's truth.

    .venv/bin/python bench/facts.py [--pages 600] [--sample CONFIG] [--real-dev CONFIG]

- generated: forms and rosters of every template as a perfect OCR would return them (the
  generator's text items with their boxes): the extraction rules alone;
- --sample CONFIG: the shipped sample as indexed with real OCR (its page store), against
  scans/truth.json: rules and recogniser together;
- --real-dev CONFIG: the real-dev forms (../shared/real-dev) indexed into a folder of their
  own (never into this repository); judged against the hand transcription, which is partial.

A fact is right when its kind and value match a fact the page truly states (dates at the
precision written). Truth per page: birth and 参加工作/招工/任教 dates and 退休时间 and the
执行/转正 dates by their role, ID numbers, the names in 姓名 cells and roster rows, 曾用名.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from scale import corpus  # noqa: E402

from dangan import config as config_mod  # noqa: E402
from dangan.indexer.fields import extract  # noqa: E402
from dangan.indexer.ocr.base import Line  # noqa: E402
from dangan.indexer.store import PageStore  # noqa: E402

# Our kinds, as the truth names them (the generator marks 招工时间 and 任教时间 "work_start").
KIND = {"birth": "birth", "work_start": "work_start", "recruited": "work_start",
        "teaching_start": "work_start", "retired": "retired", "wage_effective": "effective",
        "regularized": "effective", "id_number": "id_number", "name": "name",
        "former_name": "former_name", "enlisted": "enlisted", "discharged": "discharged"}
ROLE = {"birth": "birth", "work_start": "work_start", "retire": "retired",
        "effective": "effective", "enlisted": "enlisted", "discharged": "discharged"}
TYPES = ["name", "former_name", "birth", "work_start", "effective", "enlisted", "discharged",
         "retired", "id_number"]
# The real-dev forms: what the transcription says of our kinds (truth.json lines/entities).
REAL_DEV = {"form_xfund_zh_val_42.jpg": {("name", "岳欣欣"), ("birth", "1997-12-17")},
            "form_resume_20110037.jpg": {("native_place", "山东")},
            "form_settlement_seals.jpeg": set()}


def truth_facts(t: dict) -> set[tuple[str, str]]:
    out = {(ROLE[d["role"]], d["value"]) for d in t["dates"] if d.get("role") in ROLE}
    out |= {("id_number", n) for n in t.get("id_numbers", [])}
    out |= {("name", p["simplified"]) for p in t["persons"] if p["role"] in ("姓名", "roster")}
    out |= {("former_name", p["simplified"]) for p in t["persons"] if p["role"] == "曾用名"}
    return out


def found_facts(fields) -> set[tuple[str, str]]:
    return {(KIND[f.kind], f.value) for f in fields.facts if f.kind in KIND}


def score(pairs) -> dict[str, tuple[int, int, int]]:
    """Per type: (true positives, extracted, true) over all pages."""
    tp, got, true = Counter(), Counter(), Counter()
    for found, truth in pairs:
        for kind, _ in found:
            got[kind] += 1
        for kind, _ in truth:
            true[kind] += 1
        for kind, _ in found & truth:
            tp[kind] += 1
    return {k: (tp[k], got[k], true[k]) for k in TYPES}


def table(title: str, scores: dict) -> None:
    print(f"\n{title}")
    print(f"{'fact':<14}{'extracted':>10}{'true':>7}{'right':>7}{'precision':>11}{'recall':>8}")
    for kind, (tp, got, true) in scores.items():
        p = f"{tp / got:.3f}" if got else "—"
        r = f"{tp / true:.3f}" if true else "—"
        print(f"{kind:<14}{got:>10}{true:>7}{tp:>7}{p:>11}{r:>8}")
    tp = sum(v[0] for v in scores.values())
    got = sum(v[1] for v in scores.values())
    true = sum(v[2] for v in scores.values())
    print(f"{'all':<14}{got:>10}{true:>7}{tp:>7}{tp / max(got, 1):>11.3f}{tp / max(true, 1):>8.3f}")


def generated(pages: int, seed: int) -> None:
    pairs, forms, rosters = [], 0, 0
    for _, _, lines, truth in corpus(pages, seed):
        pairs.append((found_facts(extract(lines)), truth_facts(truth)))
        roster = any(p["role"] == "roster" for p in truth["persons"])
        rosters += roster
        forms += not roster
    table(f"generated pages (perfect OCR): {forms} forms and letters, {rosters} rosters",
          score(pairs))


def tilted(lines: list[list], degrees: float) -> list[list]:
    """The page's text boxes as a scan turned by `degrees` would give them (axis-aligned boxes
    of the turned text, as OCR returns them)."""
    import math

    a = math.radians(degrees)
    out = []
    for text, (x1, y1, x2, y2) in lines:
        cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
        nx, ny = cx * math.cos(a) - cy * math.sin(a), cx * math.sin(a) + cy * math.cos(a)
        w, h = x2 - x1, y2 - y1
        out.append([text, [round(nx - w / 2), round(ny - h / 2), round(nx + w / 2),
                           round(ny + h / 2)]])
    return out


def person_facts_score(docs: int, seed: int) -> None:
    """Facts by subject, as the dossier states them: every (person, kind, value) a pattern
    page (samplegen/staffdocs.py: office rosters, two-line labels, 15-digit IDs, prose) states,
    against what extraction gives that person; a third of the pages turned 1–2 degrees."""
    import random

    from samplegen.archive import layout_lines
    from samplegen.staffdocs import pattern_docs

    rng = random.Random(seed)
    tp, got, true = Counter(), Counter(), Counter()
    wrong: Counter = Counter()
    pages = 0
    for doc in pattern_docs(seed, docs):
        for sheet in doc.sheets:
            raw = layout_lines(sheet, 200)
            if rng.random() < 0.33:
                raw = tilted(raw, rng.choice([-2, -1.2, 1.2, 2]))
            lines = [Line(t, tuple(b)) for t, b in raw]
            truth = {(f["subject"], f["kind"], f["value"]) for f in sheet.facts}
            subjects = {s for s, _, _ in truth}
            found = {(f.subject, f.kind, f.value) for f in extract(lines).facts
                     if f.subject in subjects}
            pages += 1
            for s, k, v in found:
                got[k] += 1
                if (s, k, v) not in truth and any(t[:2] == (s, k) for t in truth):
                    wrong[k] += 1
            for _, k, _ in truth:
                true[k] += 1
            for _, k, _ in found & truth:
                tp[k] += 1
    kinds = sorted(true, key=lambda k: -true[k])
    table(f"pattern pages by person (perfect OCR, a third tilted): {pages} pages",
          {k: (tp[k], got[k], true[k]) for k in kinds})
    print("wrong values (a value the page does not give that person): "
          + ", ".join(f"{k} {wrong[k]}" for k in kinds if wrong[k]))


def sample(config: Path) -> None:
    truth = json.loads((ROOT / "scans" / "truth.json").read_text(encoding="utf-8"))
    store = PageStore(config_mod.load(config).store_path)
    pairs = []
    for p in store.all_pages():
        f = truth["files"].get(p.path)
        if not f or f["format"] == "pdf_text":
            continue
        t = next(x for x in f["pages"] if x["page"] == p.page)
        pairs.append((found_facts(extract(p.lines)), truth_facts(t)))  # the rules of now
    store.close()
    table(f"shipped sample, real OCR: {len(pairs)} scanned pages", score(pairs))


def real_dev(config: Path) -> None:
    store = PageStore(config_mod.load(config).store_path)
    print("\nreal-dev forms, real OCR (truth: the hand transcription, partial)")
    for p in store.all_pages():
        want = REAL_DEV.get(Path(p.path).name)
        if want is None:
            continue
        got = {(f.kind, f.value) for f in extract(p.lines).facts}
        print(f"  {p.path}: extracted {sorted(got)}; transcribed {sorted(want)}; "
              f"found {len(got & want)}/{len(want)}")
    store.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=600)
    ap.add_argument("--seed", type=int, default=4242)
    ap.add_argument("--patterns", type=int, default=0, metavar="DOCS",
                    help="also score facts by person on DOCS pattern documents")
    ap.add_argument("--sample", type=Path, metavar="CONFIG")
    ap.add_argument("--real-dev", type=Path, metavar="CONFIG")
    args = ap.parse_args()
    generated(args.pages, args.seed)
    if args.patterns:
        person_facts_score(args.patterns, args.seed)
    if args.sample:
        sample(args.sample)
    if args.real_dev:
        real_dev(args.real_dev)


if __name__ == "__main__":
    main()
