"""Every fact the dossier states about a person, against the generator's truth: the figure the
product is judged by (every fact `GET /api/v1/persons` prints), per fact kind.

    .venv/bin/python bench/dossier_facts.py [--people 40] [--seed 5150]

Builds a small archive (a real page store and Whoosh index; pages as a perfect OCR returns
them, a third turned a degree or two) from samplegen/staffdocs.py: each person on a 登记表, an
入伍通知书 for some, and rows of one or two office rosters among other staff. Then, for each
person, opens the dossier through the index as the partner API does (`open_dossier`,
`public_persons`) and judges every value printed:

- right: the truth has that kind with that value, or a value the printed one agrees with at
  its precision (1933-12 printed, 1933-12-14 true);
- wrong: any other value printed;
- missing: a kind the truth states of the person that the dossier prints no right value of.

Persons named only by the other staff of a roster are judged too (their roster rows are their
only records). Use a seed not used in development for figures.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dangan.dossier import open_dossier  # noqa: E402
from dangan.dossier.export import public_persons  # noqa: E402
from dangan.indexer.fields import extract  # noqa: E402
from dangan.indexer.indexing import index_document  # noqa: E402
from dangan.indexer.ocr.base import Line  # noqa: E402
from dangan.indexer.store import PageStore, StoredPage  # noqa: E402
from dangan.search.backend import SearchIndex  # noqa: E402
from dangan.text.idnumbers import mask  # noqa: E402
from samplegen import people as P  # noqa: E402
from samplegen.archive import layout_lines  # noqa: E402
from samplegen.documents import Styles  # noqa: E402
from samplegen.staffdocs import enlist_notice, office_roster, register_form  # noqa: E402


def turned(items, degrees: float) -> list[Line]:
    a = math.radians(degrees)
    out = []
    for text, (x1, y1, x2, y2) in items:
        cx, cy, w, h = (x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1
        nx, ny = cx * math.cos(a) - cy * math.sin(a), cx * math.sin(a) + cy * math.cos(a)
        out.append(Line(text, (round(nx - w / 2), round(ny - h / 2), round(nx + w / 2),
                               round(ny + h / 2))))
    return out


def archive_docs(people: int, seed: int):
    rng = random.Random(seed)
    st = Styles(rng)
    taken: set[str] = set()
    staff = [P.make_person(rng, taken) for _ in range(people)]
    docs = []
    for p in staff:
        docs.append(register_form(rng, st, p, teacher=rng.random() < 0.4))
        if rng.random() < 0.4:
            docs.append(enlist_notice(rng, st, p))
    for year in (1985, 1993):
        pool = staff[:]
        rng.shuffle(pool)
        while pool:
            n = rng.choice([8, 12, 22])
            docs.append(office_roster(rng, st, pool[:n], year))
            pool = pool[n:]
    return docs


def build(tmp: Path, docs, seed: int) -> dict[str, dict[str, set[str]]]:
    """Index the documents; return the truth: name → kind → values."""
    rng = random.Random(seed)
    store, index = PageStore(tmp / "pages.sqlite3"), SearchIndex(tmp / "index")
    index.create()
    truth: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    pages = []
    for n, doc in enumerate(docs):
        for i, sheet in enumerate(doc.sheets, 1):
            for f in sheet.facts:
                truth[f["subject"]][f["kind"]].add(f["value"])
            key = f"bench/{n:04d}.jpg"
            degrees = rng.choice([0, 0, -1.5, 1.5])
            lines = turned(layout_lines(sheet, 200), degrees)
            pages.append(StoredPage(key, i, key, i, "ocr", 1654, 2339, lines, extract(lines)))
    with index.writer() as w:
        for p in pages:
            w.replace_pages(p.path, [index_document(p, p.fields.doc_type, None, False)])
    for p in pages:
        store.replace_file(p.path, f"sha-{p.path}", 0, 0, p.document, [p], None)
    store.commit()
    index.close()
    store.close()
    return truth


def agrees(kind: str, printed: str, true: str) -> bool:
    if kind == "id_number":  # the API prints it masked
        return printed == mask(true)
    return printed == true or (len(printed) >= 7 and true.startswith(printed + "-"))


def judge(tmp: Path, truth) -> None:
    store, index = PageStore(tmp / "pages.sqlite3"), SearchIndex(tmp / "index")
    right, wrong, missing, stated = Counter(), Counter(), Counter(), Counter()
    examples = defaultdict(list)
    for name, kinds in sorted(truth.items()):
        d = open_dossier(index, store, name)
        persons = public_persons(d, d.references(store))
        printed = defaultdict(set)
        for person in persons:
            for f in person["facts"]:
                for v in f["values"]:
                    printed[f["kind"]].add(v["value"])
        for kind, values in printed.items():
            if kind not in kinds and kind not in ("former_name",):
                continue  # a kind the generator does not state here (not judged)
            for v in values:
                if any(agrees(kind, v, t) for t in kinds[kind]):
                    right[kind] += 1
                else:
                    wrong[kind] += 1
                    examples[kind].append((name, v, sorted(kinds[kind])))
        for kind, values in kinds.items():
            stated[kind] += 1
            if not any(agrees(kind, v, t) for v in printed.get(kind, ()) for t in values):
                missing[kind] += 1
    store.close()
    index.close()
    print(f"\ndossier facts by person ({len(truth)} persons)")
    print(f"{'fact':<16}{'printed':>9}{'right':>7}{'wrong':>7}{'stated':>8}{'missing':>9}"
          f"{'accuracy':>10}")
    total = Counter()
    for kind in sorted(stated, key=lambda k: -stated[k]):
        p = right[kind] + wrong[kind]
        acc = right[kind] / (p + missing[kind]) if p + missing[kind] else 0
        print(f"{kind:<16}{p:>9}{right[kind]:>7}{wrong[kind]:>7}{stated[kind]:>8}"
              f"{missing[kind]:>9}{acc:>10.3f}")
        total.update(right=right[kind], wrong=wrong[kind], missing=missing[kind])
    n = total["right"] + total["wrong"] + total["missing"]
    print(f"{'all':<16}{total['right'] + total['wrong']:>9}{total['right']:>7}"
          f"{total['wrong']:>7}{'':>8}{total['missing']:>9}{total['right'] / max(n, 1):>10.3f}")
    for kind, ex in examples.items():
        print(f"  wrong {kind}: {ex[:3]}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--people", type=int, default=40)
    ap.add_argument("--seed", type=int, default=5150)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        docs = archive_docs(args.people, args.seed)
        truth = build(Path(scratch), docs, args.seed)
        judge(Path(scratch), truth)


if __name__ == "__main__":
    main()
