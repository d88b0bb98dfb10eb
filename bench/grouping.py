"""Grouping a name's records into persons: pairwise precision and recall of "same person"
against the generator's truth, on an archive built for it.

    .venv/bin/python bench/grouping.py [--names 40] [--seed 7]

Each name is shared by one to three people (同名同姓: different birth dates, units, 参加工作
时间); a fifth of the people have records that disagree on the birth year (the case the
birth-date rule is for), and a fifth have one record with their name written another way
(a look-alike character: 桂芳 for 桂芬). Every person has 2–6 records: forms of every type
and rows of rosters. Pages are the generator's text with boxes, as a perfect OCR would
return them; the archive is indexed with the real indexer code into a temporary folder.

For each name the dossier is opened as the counter opens it; over every pair of its records,
"same person" as grouped is compared with the truth. Variants are kept apart until staff
confirm them, so they are scored twice: as left apart (what the clerk sees first), and with
each variant joined to the group the dossier suggests for it.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dangan.dossier import open_dossier  # noqa: E402
from dangan.indexer.fields import extract  # noqa: E402
from dangan.indexer.indexing import index_document  # noqa: E402
from dangan.indexer.ocr.base import Line  # noqa: E402
from dangan.indexer.store import PageStore, StoredPage  # noqa: E402
from dangan.search.backend import SearchIndex  # noqa: E402
from dangan.text.lookalikes import variants  # noqa: E402
from samplegen import documents as D  # noqa: E402
from samplegen import people as P  # noqa: E402
from samplegen.archive import layout_lines  # noqa: E402


def plan(names: int, seed: int):
    """(person id, the name written on the record, document, roster row or None)."""
    rng = random.Random(seed)
    st = D.Styles(rng)
    taken: set[str] = set()
    out = []
    for _ in range(names):
        name = None
        while name is None or not variants(name):
            name = P.make_name(rng, rng.choice("男女"), taken)
        gender = "女" if name[-1] in "英兰珍芬芳梅霞凤华秀" else rng.choice("男女")
        for k in range(rng.choice([1, 2, 2, 3])):
            pid = f"{name}#{k}"
            p = P.make_person(rng, set(), name=name, gender=gender)
            later = dataclasses.replace(p, birth=(p.birth[0] + 1, *p.birth[1:])) \
                if rng.random() < 0.2 else p
            alias = rng.choice(variants(name)) if rng.random() < 0.2 else None
            for n in range(rng.randint(2, 6)):
                who = later if n else p
                if alias and n == 1:
                    who = dataclasses.replace(who, name=alias)
                kind = rng.randrange(5)
                if kind == 0:
                    staff = [who, *[P.make_person(rng, taken, unit=who.unit) for _ in range(7)]]
                    rng.shuffle(staff)
                    sh, when, title = D.wage_roster(rng, st, staff, rng.choice([1985, 1993]),
                                                    who.unit)
                    doc = D.GeneratedDoc("wage_adjustment", title, who.unit, when, [sh])
                    out.append((pid, who.name, doc, staff.index(who) + 1))
                    continue
                if kind == 1:
                    doc = D.wage_form(rng, st, who, rng.choice([1985, 1993]))
                elif kind == 2:
                    doc = D.recruitment(rng, st, who, two_pages=False)
                elif kind == 3:
                    doc = D.retirement(rng, st, who)
                else:
                    doc = D.service_certificate(rng, st, who)
                out.append((pid, who.name, doc, None))
    return out


def build(records, tmp: Path) -> dict[str, str]:
    """Index the records; truth: "path" or "path:row" → person id."""
    store, index = PageStore(tmp / "pages.sqlite3"), SearchIndex(tmp / "index")
    index.create()
    truth, pages = {}, []
    for n, (pid, _, doc, row) in enumerate(records):
        key = f"g/{n:05d}.jpg"
        sheet = doc.sheets[0]
        lines = [Line(t, tuple(b)) for t, b in layout_lines(sheet, 200)]
        pages.append(StoredPage(key, 1, key, 1, "ocr", 1654, 2339, lines, extract(lines)))
        truth[key if row is None else f"{key}:{row}"] = pid
    with index.writer() as w:
        for p in pages:
            w.replace_pages(p.path, [index_document(p, p.fields.doc_type, None, False)])
    for p in pages:
        store.replace_file(p.path, "sha-" + p.path, 0, 0, p.document, [p], None)
    store.commit()
    index.close()
    store.close()
    return truth


def pairs_score(groups: list[list[str]], truth: dict[str, str]) -> tuple[int, int, int]:
    """(true positives, predicted same, truly same) over every pair of records shown."""
    of = {k: i for i, g in enumerate(groups) for k in g}
    keys = [k for g in groups for k in g]
    tp = pred = real = 0
    for a, b in itertools.combinations(keys, 2):
        same_pred, same_true = of[a] == of[b], truth[a] == truth[b]
        tp += same_pred and same_true
        pred += same_pred
        real += same_true
    return tp, pred, real


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--names", type=int, default=40)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    records = plan(args.names, args.seed)
    people = {pid for pid, *_ in records}
    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(scratch)
        truth = build(records, tmp)
        store, index = PageStore(tmp / "pages.sqlite3"), SearchIndex(tmp / "index")
        totals = {"left apart": [0, 0, 0], "suggestions taken": [0, 0, 0]}
        shown = missing = 0
        for name in sorted({pid.split("#")[0] for pid in people}):
            d = open_dossier(index, store, name)
            path_of = {r.key: r.path + (f":{r.row}" if r.row else "") for r in d.records}
            known = {k for k, p in path_of.items() if p in truth}
            missing += sum(1 for k, p in path_of.items() if p not in truth)

            def keys(rs, path_of=path_of, known=known):
                return [path_of[r.key] for r in rs if r.key in known]

            groups = [keys(p.group.records) for p in d.persons]
            apart = groups + [[k] for k in keys([v for v, _, _ in d.variants] + d.unassigned)]
            joined = [list(g) for g in groups]
            for v, fits, _ in d.variants:
                if v.key not in known:
                    continue
                if fits is None:
                    joined.append([path_of[v.key]])
                else:
                    joined[fits].append(path_of[v.key])
            joined += [[k] for k in keys(d.unassigned)]
            shown += sum(len(g) for g in apart)
            for label, gs in (("left apart", apart), ("suggestions taken", joined)):
                for i, v in enumerate(pairs_score([g for g in gs if g], truth)):
                    totals[label][i] += v
        store.close()
        index.close()
    print(f"archive: {len(records)} records of {len(people)} people under {args.names} names; "
          f"{shown} records shown in dossiers ({missing} of other people's names not scored)")
    print(f"\n{'variants':<20}{'pairs same (pred)':>19}{'same (truth)':>14}{'precision':>11}"
          f"{'recall':>8}")
    for label, (tp, pred, real) in totals.items():
        print(f"{label:<20}{pred:>19}{real:>14}{tp / max(pred, 1):>11.3f}{tp / max(real, 1):>8.3f}")


if __name__ == "__main__":
    main()
