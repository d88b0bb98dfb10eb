"""Index and query at scale: dangan (Whoosh behind dangan/search/backend.py) against tantivy.

    .venv/bin/python bench/scale.py [--pages 100000] [--queries 60]
    .venv/bin/python bench/scale.py --sizes 25000,50000,100000     # growth, in one build

Builds a corpus of OCR results from the sample generator (each page's text items with boxes,
as a perfect OCR would return them — the OCR itself is skipped), then measures:
  - indexing: pages/s for field extraction and for index writing, index writing's pages per
    CPU-second (every process's CPU, waiting left out), peak RSS of the whole process tree
    (this process plus every shard writer, sampled and summed), index size;
  - query latency p50/p95 per class, cold (a freshly opened index) and warm, including the
    snippet highlighting of the first page of hits, through dangan's own search code — also
    with the posting arrays beside segments ignored ("blocks": decoding Whoosh's blocks, as
    before the arrays existed);
  - the same corpus and queries in tantivy (jieba-tokenised words, character bigrams), and the
    ratio.
With --sizes the one index (and tantivy's) grows through each size, and every figure is
taken at each: writing speed over the last stretch, and query latency at that size.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import pickle
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


class TreeRSS:
    """Peak resident memory of this process and all its children (shard writers), summed
    at each sample: the figure a machine must have, not the largest single process."""

    def __init__(self, every: float = 0.2):
        import threading

        import psutil

        self._me = psutil.Process()
        self.peak = 0
        self.mine_at_peak = 0  # this process's share of the peak; the rest is shard writers
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(every,), daemon=True)
        self._thread.start()

    def _run(self, every: float) -> None:
        import psutil

        while not self._stop.is_set():
            total = mine = 0
            for proc in [self._me, *self._me.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):  # a writer that just ended
                    rss = proc.memory_info().rss
                    total += rss
                    if proc is self._me:
                        mine = rss
            if total > self.peak:
                self.peak, self.mine_at_peak = total, mine
            self._stop.wait(every)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak / 1e6


class DanganBuild:
    """The dangan index (and page store) grown in commits of `commit_every` pages."""

    def __init__(self, tmp: Path, commit_every: int, spill: Path | None = None):
        """`spill`: a file to which each page's extracted fields are appended (pickled), so
        tantivy indexes the very same fields without generating and extracting them again."""
        self.spill = open(spill, "ab") if spill else None  # noqa: SIM115 (closed in close())
        self.store = PageStore(tmp / "pages.sqlite3")
        self.index = SearchIndex(tmp / "index")
        self.index.create()
        self.commit_every = commit_every
        self.t_extract = self.t_write = self.t_store = 0.0
        self.cpu_write = 0.0  # this process's CPU time in index writing (the shard writers'
        # is counted when they end: os.times() of reaped children)
        self.n = 0
        self.samples = []
        self._rng = random.Random(7)

    def _flush(self, batch: list) -> None:
        t0, c0 = time.monotonic(), time.process_time()
        with self.index.writer() as w:
            for p in batch:
                w.replace_pages(p.path, [index_document(p, p.fields.doc_type, None, False)])
        self.t_write += time.monotonic() - t0
        self.cpu_write += time.process_time() - c0
        t0 = time.monotonic()
        for p in batch:
            self.store.replace_file(p.path, "-", 0, 0, p.document, [p], None)
        self.store.commit()
        self.t_store += time.monotonic() - t0
        batch.clear()

    def add(self, pages, upto: int) -> None:
        """Index pages from the stream until `upto` pages are in."""
        batch: list[StoredPage] = []
        for key, page_no, lines, truth in pages:
            t0 = time.monotonic()
            fields = extract(lines)
            self.t_extract += time.monotonic() - t0
            if self.spill:
                pickle.dump((key, page_no, fields), self.spill, pickle.HIGHEST_PROTOCOL)
            batch.append(StoredPage(key, page_no, key, page_no, "ocr", 1654, 2339, lines,
                                    fields))
            if self._rng.random() < 0.02:
                self.samples.append((key, page_no, truth, fields))
            self.n += 1
            if len(batch) >= self.commit_every:
                self._flush(batch)
            if self.n >= upto:
                break
        if batch:
            self._flush(batch)
        if self.spill:
            self.spill.flush()

    def close(self) -> None:
        self.index.close()
        self.store.close()
        if self.spill:
            self.spill.close()


def spilled(path: Path):
    """(key, page_no, fields) per page, as DanganBuild spilled them, read as they come."""
    with open(path, "rb") as f:
        while True:
            try:
                yield pickle.load(f)
            except EOFError:
                return


def reuse_samples(pages: int, seed: int) -> list:
    """The pages build_dangan() sampled, regenerated without indexing (same seeds)."""
    rng = random.Random(7)
    samples = []
    for key, page_no, lines, truth in corpus(pages, seed):
        if rng.random() < 0.02:  # only the sampled pages are read (extraction is the cost)
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

    Cold is the first query on a freshly opened index (the query libraries loaded, as
    `dangan serve` loads them at start, in the background). Warm is measured after `warmup`:
    queries of the same class drawn with another seed, which page in the index and the term
    tables as a day at the counter would, without caching the very terms that are timed."""
    from dangan.text.pinyin import name_key

    name_key("王秀英")  # pypinyin's tables: loaded once per process (serve: at start)
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
            # Each timed query finds none of its own terms in the executor's term cache (as
            # a name typed for the first time today): only the index is warm.
            index.executor().forget_terms()
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
class TantivyBuild:
    def __init__(self, tmp: Path):
        import tantivy

        sb = tantivy.SchemaBuilder()
        sb.add_text_field("key", stored=True, tokenizer_name="raw")
        sb.add_text_field("words", tokenizer_name="whitespace", index_option="freq")
        sb.add_text_field("unigrams", tokenizer_name="whitespace", index_option="freq")
        sb.add_text_field("bigrams", tokenizer_name="whitespace", index_option="position")
        sb.add_text_field("persons", tokenizer_name="raw")
        sb.add_text_field("doc_numbers", tokenizer_name="raw")
        sb.add_integer_field("years", indexed=True, fast=True)
        self.schema = sb.build()
        folder = tmp / "tantivy"
        folder.mkdir()
        self.ix = tantivy.Index(self.schema, path=str(folder))
        self.writer = self.ix.writer(heap_size=500_000_000, num_threads=1)
        self.seconds = 0.0
        self.cpu = 0.0  # this process's, tantivy's indexing thread included
        self.n = 0

    def add(self, pages, upto: int) -> None:
        import re

        import tantivy

        for key, page_no, f in pages:  # extracted by DanganBuild (not timed, as for dangan)
            t0, c0 = time.monotonic(), time.process_time()
            text = f.text
            bigrams, unigrams = [], []
            for run in re.findall(f"[{HAN}]+", text):
                unigrams.extend(run)
                bigrams.extend(run[i:i + 2] for i in range(len(run) - 1))
                bigrams.append("|")  # a break so phrases never span runs
            self.writer.add_document(tantivy.Document(
                key=f"{key}#{page_no}", words=[" ".join(x for x, _, _ in jieba_words(text))],
                unigrams=[" ".join(unigrams)], bigrams=[" ".join(bigrams)],
                persons=[p.name for p in f.persons] or [""],
                doc_numbers=f.doc_numbers or [""], years=f.years or [0]))
            self.seconds += time.monotonic() - t0
            self.cpu += time.process_time() - c0
            self.n += 1
            if self.n >= upto:
                break
        t0, c0 = time.monotonic(), time.process_time()
        self.writer.commit()
        self.ix.reload()
        self.seconds += time.monotonic() - t0
        self.cpu += time.process_time() - c0


def time_tantivy(ix, schema, queries, warmup=None) -> dict[str, tuple]:
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
        for req in (warmup or {}).get(cls, []):  # the same warm-up as dangan gets
            for _score, addr in s.search(build(req), 20).hits:
                s.doc(addr)
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
    ap.add_argument("--sizes", help="grow through these page counts (e.g. 25000,50000,100000) "
                    "and measure at each; overrides --pages")
    ap.add_argument("--queries", type=int, default=60)
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--commit-every", type=int, default=2000)
    ap.add_argument("--whoosh-queries", type=int, default=12,
                    help="queries per class also timed on Whoosh's own matchers (0: skip)")
    ap.add_argument("--blocks-queries", type=int, default=20,
                    help="queries per class also timed ignoring the posting arrays (0: skip)")
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
        blocks = (time_dangan(args.reuse, queries, "fast-blocks", args.blocks_queries,
                              warmup=warm) if args.blocks_queries else {})
        print(f"\n{'query class':<20}{'hits':>8}{'cold ms':>9}{'p50 ms':>9}{'p95 ms':>9}"
              f"{'blocks cold':>13}{'p50':>8}{'p95':>8}")
        for cls in CLASSES:
            cold, p50, p95, hits = ours[cls]
            k = blocks.get(cls)
            print(f"{cls:<20}{hits:>8.0f}{cold:>9.1f}{p50:>9.1f}{p95:>9.1f}"
                  + (f"{k[0]:>13.1f}{k[1]:>8.1f}{k[2]:>8.1f}" if k else ""))
        return
    sizes = [int(x) for x in args.sizes.split(",")] if args.sizes else [args.pages]
    growth = []
    with tempfile.TemporaryDirectory() as scratch:
        tmp = args.keep or Path(scratch)
        tmp.mkdir(parents=True, exist_ok=True)
        spill = Path(scratch) / "fields.pickles"
        ours_build = DanganBuild(tmp, args.commit_every, spill)
        theirs_build = TantivyBuild(tmp)
        stream, stream_again = corpus(sizes[-1], args.seed), spilled(spill)
        for size in sizes:
            n0, w0, t0_all = ours_build.n, ours_build.t_write, time.monotonic()
            cpu0 = ours_build.cpu_write + _reaped_children_cpu()
            rss = TreeRSS()
            ours_build.add(stream, size)
            peak = rss.stop()
            n = ours_build.n
            stretch = (n - n0) / max(ours_build.t_write - w0, 1e-9)
            total = time.monotonic() - t0_all
            b = ours_build
            size_bytes = b.index.size_bytes()
            print(f"\n=== {n} pages (generated, OCR skipped) ===", flush=True)
            print(f"dangan indexing: extraction {n / b.t_extract:.0f} pages/s, index writing "
                  f"{n / b.t_write:.0f} pages/s overall, {stretch:.0f} pages/s for pages "
                  f"{n0 + 1}–{n}; page store {n / b.t_store:.0f} pages/s; this stretch end to "
                  f"end {(n - n0) / total:.0f} pages/s")
            mine = rss.mine_at_peak / 1e6
            print(f"peak RSS, whole process tree summed (writer + shard writers): {peak:.0f} MB "
                  f"(this process {mine:.0f}, shard writers {peak - mine:.0f} at that moment); "
                  f"index {size_bytes / 1e6:.0f} MB = {size_bytes / n * 1000 / 1e6:.2f} MB per "
                  "1,000 pages", flush=True)
            b.index.close()  # ends the shard writers: their CPU time is counted now
            cpu = b.cpu_write + _reaped_children_cpu() - cpu0
            print(f"index writing CPU for pages {n0 + 1}–{n}: {cpu:.1f} CPU-s "
                  f"(writing process and shard writers) = {(n - n0) / cpu:.0f} pages per "
                  "CPU-second", flush=True)
            queries = make_queries(b.samples, args.queries, args.seed)
            warm = make_queries(b.samples, 15, args.seed + 1)
            ours = time_dangan(tmp, queries, warmup=warm)
            blocks = (time_dangan(tmp, queries, "fast-blocks", args.blocks_queries, warmup=warm)
                      if args.blocks_queries else {})
            slow = (time_dangan(tmp, queries, "whoosh", args.whoosh_queries, warmup=warm)
                    if args.whoosh_queries else {})
            tn0, ts0, tc0 = theirs_build.n, theirs_build.seconds, theirs_build.cpu
            theirs_build.add(stream_again, size)
            rate = (theirs_build.n - tn0) / (theirs_build.seconds - ts0)
            print(f"tantivy index writing (1 thread; extraction not timed, as for dangan): "
                  f"{rate:.0f} pages/s for pages {tn0 + 1}–{theirs_build.n}, "
                  f"{(theirs_build.n - tn0) / (theirs_build.cpu - tc0):.0f} pages per "
                  "CPU-second")
            theirs = time_tantivy(theirs_build.ix, theirs_build.schema, queries, warmup=warm)
            _table(ours, theirs, blocks, slow)
            growth.append((n, stretch, rate, peak, ours, theirs, size_bytes))
        ours_build.close()
    if len(growth) > 1:
        _growth_table(growth)


def _reaped_children_cpu() -> float:
    """CPU seconds of this process's children that have ended (the shard writers, once the
    index is closed). CPU time leaves out the time the processes waited — on each other, or
    for a core the shared host gave to someone else — so beside pages/s it helps to tell a
    slower host from slower code."""
    t = os.times()
    return t.children_user + t.children_system


def _growth_table(growth: list) -> None:
    """How each figure changes with the archive's size, and where it heads: a power law
    fitted through the measured sizes (log-log least squares), extrapolated to 500,000
    pages. An estimate from the trend, printed as one, not a measurement."""
    import math

    sizes = [g[0] for g in growth]
    target = 500_000

    def fit(values: list[float]) -> tuple[float, float]:
        xs, ys = [math.log(n) for n in sizes], [math.log(max(v, 1e-6)) for v in values]
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        b = (sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
             / max(sum((x - mx) ** 2 for x in xs), 1e-12))
        return b, math.exp(my + b * (math.log(target) - mx))

    print(f"\ngrowth ({', '.join(f'{n:,}' for n in sizes)} pages; 'exp' = b in value ∝ "
          f"pages^b; '{target:,} est.' extrapolates that trend)")
    head = "".join(f"{n:>22,}" for n in sizes)
    print(f"{'warm p95 ms (tantivy, ratio)':<30}{head}{'exp':>7}{f'{target:,} est.':>14}")
    for c in CLASSES:
        ours = [g[4][c][2] for g in growth]
        cells = "".join(f"{g[4][c][2]:>9.1f} ({g[5][c][1]:>5.2f}, "
                        f"{g[4][c][2] / max(g[5][c][1], 0.001):>3.0f}×)" for g in growth)
        b, est = fit(ours)
        print(f"{c:<30}{cells}{b:>7.2f}{est:>14.1f}")
    rows = [("first query ms (max class)", [max(g[4][c][0] for c in CLASSES) for g in growth],
             None),
            ("writing pages/s (tantivy)", [g[1] for g in growth], [g[2] for g in growth]),
            ("peak RSS MB, tree summed", [g[3] for g in growth], None),
            ("index MB", [g[6] / 1e6 for g in growth], None)]
    for label, ours, theirs in rows:
        cells = "".join(f"{v:>14.0f} ({t:>5.0f})" if theirs else f"{v:>22.0f}"
                        for v, t in zip(ours, theirs or ours, strict=True))
        b, est = fit(ours)
        print(f"{label:<30}{cells}{b:>7.2f}{est:>14.0f}")


def _table(ours, theirs, blocks, slow) -> None:
    print(f"\n{'query class':<20}{'hits':>8}{'cold ms':>9}{'p50 ms':>9}{'p95 ms':>9}"
          f"{'tantivy p50':>13}{'p95':>8}{'ratio p95':>11}{'blocks p50':>12}{'p95':>8}"
          f"{'whoosh-only p50':>17}{'p95':>8}")
    for cls in CLASSES:
        cold, p50, p95, hits = ours[cls]
        t50, t95 = theirs[cls]
        k = blocks.get(cls)
        w = slow.get(cls)
        print(f"{cls:<20}{hits:>8.0f}{cold:>9.1f}{p50:>9.1f}{p95:>9.1f}{t50:>13.2f}{t95:>8.2f}"
              f"{p95 / max(t95, 0.001):>10.0f}×"
              + (f"{k[1]:>12.1f}{k[2]:>8.1f}" if k else f"{'':>20}")
              + (f"{w[1]:>17.1f}{w[2]:>8.1f}" if w else ""), flush=True)


if __name__ == "__main__":
    main()
