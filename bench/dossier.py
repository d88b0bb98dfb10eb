"""Opening a person's dossier at scale: a person with 30 records in a 100,000-page archive.

    .venv/bin/python bench/dossier.py [--pages 100000] [--keep DIR]

Builds a synthetic archive as bench/scale.py does (the generator's pages as a perfect OCR would
return them; OCR skipped), adds a person with 30 records (forms of every type and roster rows,
birth dates that disagree) and a namesake with 5, then times `open_dossier` — gather through
the search index, facts from the page store, grouping, rule, timeline — cold (a freshly
opened index) and warm (p50/p95). Goal: under 300 ms. With --keep DIR the archive is built
once and reused by later runs with the same --pages.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from scale import DanganBuild, corpus  # noqa: E402

from dangan.dossier import open_dossier  # noqa: E402
from dangan.indexer.fields import extract  # noqa: E402
from dangan.indexer.indexing import index_document  # noqa: E402
from dangan.indexer.ocr.base import Line  # noqa: E402
from dangan.indexer.store import PageStore, StoredPage  # noqa: E402
from dangan.search.backend import SearchIndex  # noqa: E402
from samplegen import documents as D  # noqa: E402
from samplegen import people as P  # noqa: E402
from samplegen.archive import layout_lines  # noqa: E402

NAME = "欧阳桂芬"


def person_docs(seed: int) -> list[tuple[str, D.GeneratedDoc]]:
    """30 records of one 欧阳桂芬 (born 1941.4; later forms say 1942) and 5 of a namesake."""
    rng = random.Random(seed)
    st = D.Styles(rng)
    taken: set[str] = set()
    her = P.make_person(rng, taken, name=NAME, gender="女", unit="东岭县针织厂", birth_year=1941)
    her.birth, her.work_start = (1941, 4, 12), (1958, 3, 5)
    later = dataclasses.replace(her, birth=(1942, 4, 12))
    other = P.make_person(rng, set(), name=NAME, gender="女", unit="东岭县百货公司",
                          birth_year=1950)
    docs = [("her", D.recruitment(rng, st, her, two_pages=False))]
    for k in range(29):
        kind = k % 5
        # one person, one ID number: the forms that print it (退休审批表) all say 1942
        p = her if k < 5 and kind != 2 else later
        if kind == 0:
            doc = D.wage_form(rng, st, p, rng.choice([1985, 1993]))
        elif kind == 1:
            staff = [p, *[P.make_person(rng, taken, unit=p.unit) for _ in range(9)]]
            rng.shuffle(staff)
            sh, when, title = D.wage_roster(rng, st, staff, rng.choice([1985, 1993]), p.unit)
            doc = D.GeneratedDoc("wage_adjustment", p.unit + title, p.unit, when, [sh])
        elif kind == 2:
            doc = D.retirement(rng, st, p)
        elif kind == 3:
            doc = D.service_certificate(rng, st, p)
        else:
            doc = D.wage_form(rng, st, p, 1993)
        docs.append(("her", doc))
    docs += [("other", D.wage_form(rng, st, other, 1993)) for _ in range(5)]
    return docs


def add_person(tmp: Path, seed: int) -> int:
    store, index = PageStore(tmp / "pages.sqlite3"), SearchIndex(tmp / "index")
    pages = []
    for n, (_, doc) in enumerate(person_docs(seed)):
        for i, sheet in enumerate(doc.sheets, 1):
            key = f"dossier/{n:03d}.jpg"
            lines = [Line(t, tuple(b)) for t, b in layout_lines(sheet, 200)]
            pages.append(StoredPage(key, i, key, i, "ocr", 1654, 2339, lines, extract(lines)))
    with index.writer() as w:
        for p in pages:
            w.replace_pages(p.path, [index_document(p, p.fields.doc_type, None, False)])
    for p in pages:
        store.replace_file(p.path, f"sha-{p.path}", 0, 0, p.document, [p], None)
    store.commit()
    index.close()
    store.close()
    return len(pages)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--keep", type=Path, metavar="DIR")
    args = ap.parse_args()
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        tmp = args.keep or Path(scratch)
        tmp.mkdir(parents=True, exist_ok=True)
        if not (tmp / "built").exists():
            t0 = time.monotonic()
            build = DanganBuild(tmp, 2000)
            build.add(corpus(args.pages, args.seed), args.pages)
            n = build.n
            build.close()
            n += add_person(tmp, args.seed)
            (tmp / "built").write_text(str(n))
            print(f"archive: {n} pages built in {time.monotonic() - t0:.0f} s")
        n = int((tmp / "built").read_text())
        store, index = PageStore(tmp / "pages.sqlite3"), SearchIndex(tmp / "index")
        from dangan.search.query import SearchRequest
        from dangan.search.searching import search

        search(index, SearchRequest(person="王秀英", limit=1), store.page_view)  # load analysers
        t0 = time.monotonic()
        d = open_dossier(index, store, NAME)
        cold = (time.monotonic() - t0) * 1000
        warm = []
        for _ in range(args.runs):
            t0 = time.monotonic()
            d = open_dossier(index, store, NAME)
            warm.append((time.monotonic() - t0) * 1000)
        warm.sort()
        p95 = warm[min(len(warm) - 1, round(0.95 * (len(warm) - 1)))]
        print(f"archive: {n} pages; dossier of {NAME}: {len(d.records)} records, "
              f"{len(d.persons)} candidate persons ({[len(p.group.records) for p in d.persons]}),"
              f" {len(d.variants)} variants")
        for p in d.persons:
            print(f"  birth by rule: {p.birth.text if p.birth else '—'} "
                  f"({p.birth.record_date if p.birth else ''}); conflicts: "
                  f"{[f.label for f in p.conflicts]}")
        print(f"\n{'open dossier':<16}{'cold ms':>9}{'p50 ms':>9}{'p95 ms':>9}{'goal ms':>9}")
        print(f"{'':<16}{cold:>9.0f}{statistics.median(warm):>9.0f}{p95:>9.0f}{300:>9}")
        index.close()
        store.close()


if __name__ == "__main__":
    main()
