"""Index and query at scale: dangan (Whoosh behind dangan/search/backend.py) against tantivy.

    .venv/bin/python bench/scale.py [--pages 100000] [--queries 60]

Builds a corpus of OCR results from the sample generator (each page's text items with boxes,
as a perfect OCR would return them — the OCR itself is skipped), then measures:
  - indexing: pages/s for field extraction and for index writing, peak RSS, index size;
  - query latency p50/p95 per class, cold (a freshly opened index) and warm, including the
    snippet highlighting of the first page of hits, through dangan's own search code;
  - the same corpus and queries in tantivy (jieba-tokenised words, character bigrams), and the
    ratio.
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dangan.indexer.fields import extract  # noqa: E402
from dangan.indexer.indexing import index_document  # noqa: E402
from dangan.indexer.ocr.base import Line  # noqa: E402
from dangan.indexer.store import PageStore, StoredPage  # noqa: E402
from dangan.search import policies  # noqa: E402
from dangan.search.analysis import jieba_words  # noqa: E402
from dangan.search.backend import SearchIndex  # noqa: E402
from dangan.search.query import SearchRequest  # noqa: E402
from dangan.search.searching import search  # noqa: E402
from dangan.text.normalize import HAN  # noqa: E402
from samplegen.archive import _page_truth, bulk_plan, layout_lines  # noqa: E402

CLASSES = ["person", "person+year", "文号", "policy name", "free text 2 words", "phrase",
           "roster person"]


def rss_mb() -> tuple[float, float]:
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return me, kids


def corpus(pages: int, seed: int):
    """(key, lines, truth) per page, streamed: a 100k-page corpus never sits in memory twice."""
    n = 0
    for item in bulk_plan(seed, pages):
        for i, sheet in enumerate(item.doc.sheets, 1):
            truth = _page_truth(sheet)
            lines = [Line(t, tuple(b)) for t, b in layout_lines(sheet, item.dpi)]
            yield f"{item.names[0]}", i, lines, truth
            n += 1
            if n >= pages:
                return


def build_dangan(pages, tmp: Path, commit_every: int):
    store = PageStore(tmp / "pages.sqlite3")
    index = SearchIndex(tmp / "index")
    index.create()
    t_extract = t_write = t_store = 0.0
    n = 0
    samples = []
    batch: list[StoredPage] = []

    def flush():
        nonlocal t_write, t_store
        t0 = time.monotonic()
        with index.writer() as w:
            for p in batch:
                w.replace_pages(p.path, [index_document(p, p.fields.doc_type, None, False)])
        t_write += time.monotonic() - t0
        t0 = time.monotonic()
        for p in batch:
            store.replace_file(p.path, "-", 0, 0, p.document, [p], None)
        store.commit()
        t_store += time.monotonic() - t0
        batch.clear()

    rng = random.Random(7)
    for key, page_no, lines, truth in pages:
        t0 = time.monotonic()
        fields = extract(lines)
        t_extract += time.monotonic() - t0
        batch.append(StoredPage(key, page_no, key, page_no, "ocr", 1654, 2339, lines, fields))
        if rng.random() < 0.02:
            samples.append((key, page_no, truth, fields))
        n += 1
        if len(batch) >= commit_every:
            flush()
    if batch:
        flush()
    size = index.size_bytes()
    index.close()
    store.close()
    return n, t_extract, t_write, t_store, size, samples


def reuse_samples(pages: int, seed: int) -> list:
    """The pages build_dangan() sampled, regenerated without indexing (same seeds)."""
    rng = random.Random(7)
    samples = []
    for key, page_no, lines, truth in corpus(pages, seed):
        if rng.random() < 0.02:
            samples.append((key, page_no, truth, extract(lines)))
    return samples


def make_queries(samples, per_class: int, seed: int) -> dict[str, list[SearchRequest]]:
    rng = random.Random(seed)
    q: dict[str, list[SearchRequest]] = {c: [] for c in CLASSES}
    names = [(p["simplified"], t) for _, _, t, _ in samples for p in t["persons"]
             if p["role"] == "姓名"]
    roster = [p["simplified"] for _, _, t, _ in samples for p in t["persons"]
              if p["role"] == "roster"]
    nos = [d["normalized"] for _, _, t, _ in samples for d in t["doc_numbers"]]
    texts = [f.text for _, _, _, f in samples]
    pols = [p.name for p in policies.load()]
    import re

    han = re.compile(f"[{HAN}]{{6,}}")
    for _ in range(per_class):
        name, truth = rng.choice(names)
        q["person"].append(SearchRequest(person=name))
        years = [y for y in truth["years"] if 1949 <= y <= 2025] or [1993]
        q["person+year"].append(SearchRequest(person=name, year=rng.choice(years)))
        q["文号"].append(SearchRequest(policy=rng.choice(nos)))
        q["policy name"].append(SearchRequest(policy=rng.choice(pols)))
        words = [w for w, _, _ in jieba_words(rng.choice(texts)) if len(w) >= 2
                 and han.pattern and re.fullmatch(f"[{HAN}]+", w)]
        q["free text 2 words"].append(SearchRequest(text=" ".join(rng.sample(words, 2))))
        runs = han.findall(rng.choice(texts))
        run = rng.choice(runs) if runs else "工资调整审批"
        start = rng.randrange(0, max(1, len(run) - 4))
        q["phrase"].append(SearchRequest(text=f'"{run[start:start + 4]}"'))
        q["roster person"].append(SearchRequest(person=rng.choice(roster)))
    return q


def time_dangan(tmp: Path, queries, engine: str = "fast", per_class: int | None = None,
                show_slow: float | None = None, warmup=None) -> dict[str, tuple]:
    """Latency per class through dangan's own search(); `engine` "whoosh" times Whoosh's
    matchers alone (the reference the numpy fast path replaced).

    Cold is the first query on a freshly opened index. Warm is measured after `warmup`:
    queries of the same class drawn with another seed, which page in the index and the term
    tables as a day at the counter would, without caching the very terms that are timed."""
    out = {}
    for cls, reqs in queries.items():
        reqs = reqs[:per_class] if per_class else reqs
        # Cold: a freshly opened index, its first query of this class.
        gc.collect()
        index = SearchIndex(tmp / "index", engine=engine)
        store = PageStore(tmp / "pages.sqlite3")
        t0 = time.monotonic()
        search(index, reqs[0], store.page_view, store.aliases_of)
        cold = (time.monotonic() - t0) * 1000
        for req in (warmup or {}).get(cls, []):
            search(index, req, store.page_view, store.aliases_of)
        times, totals = [], []
        for req in reqs:
            t0 = time.monotonic()
            r = search(index, req, store.page_view, store.aliases_of)
            times.append((time.monotonic() - t0) * 1000)
            totals.append(r.total)
            if show_slow and times[-1] > show_slow:
                print(f"  slow: {times[-1]:.0f} ms {r.total} hits {req}")
        index.close()
        store.close()
        out[cls] = (cold, statistics.median(times), _p95(times), statistics.mean(totals))
    return out


def _p95(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(0.95 * (len(xs) - 1)))]


# ------------------------------------------------------------------------------ tantivy
def build_tantivy(pages_again, tmp: Path):
    import tantivy

    sb = tantivy.SchemaBuilder()
    sb.add_text_field("key", stored=True, tokenizer_name="raw")
    sb.add_text_field("words", tokenizer_name="whitespace", index_option="freq")
    sb.add_text_field("unigrams", tokenizer_name="whitespace", index_option="freq")
    sb.add_text_field("bigrams", tokenizer_name="whitespace", index_option="position")
    sb.add_text_field("persons", tokenizer_name="raw")
    sb.add_text_field("doc_numbers", tokenizer_name="raw")
    sb.add_integer_field("years", indexed=True, fast=True)
    schema = sb.build()
    folder = tmp / "tantivy"
    folder.mkdir()
    ix = tantivy.Index(schema, path=str(folder))
    w = ix.writer(heap_size=500_000_000, num_threads=1)
    t0 = time.monotonic()
    n = 0
    for key, page_no, lines, _truth in pages_again:
        f = extract(lines)
        text = f.text
        bigrams, unigrams = [], []
        for run in __import__("re").findall(f"[{HAN}]+", text):
            unigrams.extend(run)
            bigrams.extend(run[i:i + 2] for i in range(len(run) - 1))
            bigrams.append("|")  # a break so phrases never span runs
        w.add_document(tantivy.Document(
            key=f"{key}#{page_no}", words=[" ".join(x for x, _, _ in jieba_words(text))],
            unigrams=[" ".join(unigrams)], bigrams=[" ".join(bigrams)],
            persons=[p.name for p in f.persons] or [""], doc_numbers=f.doc_numbers or [""],
            years=f.years or [0]))
        n += 1
    w.commit()
    ix.reload()
    return ix, schema, n / (time.monotonic() - t0)


def time_tantivy(ix, schema, queries) -> dict[str, tuple]:
    from tantivy import Occur, Query

    from dangan.text.docnumbers import normalize_doc_number

    s = ix.searcher()

    def build(req: SearchRequest):
        must = []
        if req.person:
            must.append(Query.term_query(schema, "persons", req.person))
        if req.year:
            must.append(Query.range_query(schema, "years", __import__("tantivy").FieldType.Integer,
                                          req.year, req.year))
        if req.policy:
            no = normalize_doc_number(req.policy)
            if no:
                must.append(Query.term_query(schema, "doc_numbers", no))
            else:
                p = policies.find(req.policy)
                must.append(Query.boolean_query(
                    [(Occur.Should, Query.term_query(schema, "doc_numbers", n))
                     for n in (p.doc_numbers if p else ())] or
                    [(Occur.Should, Query.term_query(schema, "words", req.policy))]))
        if req.text:
            for part in req.text.replace('"', " ").split():
                grams = [part[i:i + 2] for i in range(len(part) - 1)]
                must.append(Query.phrase_query(schema, "bigrams", grams) if len(grams) > 1
                            else Query.term_query(schema, "bigrams", grams[0]))
        return Query.boolean_query([(Occur.Must, q) for q in must])

    out = {}
    for cls, reqs in queries.items():
        times, totals = [], []
        for req in reqs:
            t0 = time.monotonic()
            hits = s.search(build(req), 20).hits
            for _score, addr in hits:
                s.doc(addr)
            times.append((time.monotonic() - t0) * 1000)
            totals.append(len(hits))
        out[cls] = (statistics.median(times), _p95(times))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=60)
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--commit-every", type=int, default=2000)
    ap.add_argument("--whoosh-queries", type=int, default=12,
                    help="queries per class also timed on Whoosh's own matchers (0: skip)")
    ap.add_argument("--show-slow", type=float, metavar="MS",
                    help="print each query slower than this")
    ap.add_argument("--reuse", type=Path, metavar="DIR",
                    help="time queries on an index kept earlier with --keep (same --pages and "
                         "--seed); skips indexing and tantivy")
    ap.add_argument("--keep", type=Path, metavar="DIR",
                    help="build in DIR and keep it (index + page store), for profiling with "
                         "bench/profile_query.py")
    args = ap.parse_args()
    if args.reuse:
        samples = reuse_samples(args.pages, args.seed)
        queries = make_queries(samples, args.queries, args.seed)
        warm = make_queries(samples, 15, args.seed + 1)
        ours = time_dangan(args.reuse, queries, show_slow=args.show_slow, warmup=warm)
        print(f"\n{'query class':<20}{'hits':>8}{'cold ms':>9}{'p50 ms':>9}{'p95 ms':>9}")
        for cls in CLASSES:
            cold, p50, p95, hits = ours[cls]
            print(f"{cls:<20}{hits:>8.0f}{cold:>9.1f}{p50:>9.1f}{p95:>9.1f}")
        return
    with tempfile.TemporaryDirectory() as scratch:
        tmp = args.keep or Path(scratch)
        tmp.mkdir(parents=True, exist_ok=True)
        t0 = time.monotonic()
        n, t_extract, t_write, t_store, size, samples = build_dangan(
            corpus(args.pages, args.seed), tmp, args.commit_every)
        total = time.monotonic() - t0
        me, kids = rss_mb()
        print(f"corpus: {n} pages (generated, OCR skipped)")
        print(f"dangan indexing: extraction {n / t_extract:.0f} pages/s, index writing "
              f"{n / t_write:.0f} pages/s, page store {n / t_store:.0f} pages/s; "
              f"end to end {n / total:.0f} pages/s ({total:.0f} s)")
        print(f"peak RSS: {me:.0f} MB (writer process), {kids:.0f} MB (largest shard writer); "
              f"index {size / 1e6:.0f} MB = {size / n * 1000 / 1e6:.2f} MB per 1,000 pages")
        queries = make_queries(samples, args.queries, args.seed)
        warm = make_queries(samples, 15, args.seed + 1)
        ours = time_dangan(tmp, queries, warmup=warm)
        slow = (time_dangan(tmp, queries, "whoosh", args.whoosh_queries, warmup=warm)
                if args.whoosh_queries else {})
        ix, schema, rate = build_tantivy(corpus(args.pages, args.seed), tmp)
        print(f"tantivy indexing (same extraction, 1 thread): {rate:.0f} pages/s")
        theirs = time_tantivy(ix, schema, queries)
    print(f"\n{'query class':<20}{'hits':>8}{'cold ms':>9}{'p50 ms':>9}{'p95 ms':>9}"
          f"{'tantivy p50':>13}{'p95':>8}{'ratio p95':>11}{'whoosh-only p50':>17}{'p95':>8}")
    for cls in CLASSES:
        cold, p50, p95, hits = ours[cls]
        t50, t95 = theirs[cls]
        w = slow.get(cls)
        print(f"{cls:<20}{hits:>8.0f}{cold:>9.1f}{p50:>9.1f}{p95:>9.1f}{t50:>13.2f}{t95:>8.2f}"
              f"{p95 / max(t95, 0.001):>11.0f}×"
              + (f"{w[1]:>17.1f}{w[2]:>8.1f}" if w else ""))


if __name__ == "__main__":
    main()
