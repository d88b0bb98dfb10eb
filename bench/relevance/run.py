"""Relevance harness: labelled queries over a generated corpus, ours against two baselines.

    .venv/bin/python bench/relevance/run.py [--pages 600] [--seed 4242] [--damage 0.05]

The corpus comes from the sample generator in text-only mode (never the shipped sample we tune
on): each page's text items with their boxes, as a perfect OCR would return them, then damaged
the way OCR damages names — a share of names get one character replaced by a look-alike
(秀→季, 傅→付). Queries and their relevant pages come from the generator's ground truth.

Engines, all on Whoosh:
  dangan        the full pipeline: field extraction, person/文号/year fields, folds, filters
  jieba-only    one text field with jieba's ChineseAnalyzer; every criterion typed as text
  bigram-only   one text field of character bigrams (the paperless-ngx approach)

Prints recall@10 and MRR per query class, and the year filter's false-positive rate.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from whoosh import fields as wf  # noqa: E402
from whoosh import index as windex  # noqa: E402
from whoosh import qparser  # noqa: E402
from whoosh.analysis import NgramTokenizer  # noqa: E402

from dangan.indexer.fields import extract  # noqa: E402
from dangan.indexer.indexing import index_document  # noqa: E402
from dangan.indexer.ocr.base import Line  # noqa: E402
from dangan.indexer.store import PageStore, StoredPage  # noqa: E402
from dangan.search.backend import SearchIndex  # noqa: E402
from dangan.search.query import SearchRequest  # noqa: E402
from dangan.search.searching import search  # noqa: E402
from dangan.text.lookalikes import groups as lookalike_groups  # noqa: E402
from dangan.text.normalize import HAN  # noqa: E402
from samplegen import printed  # noqa: E402

HAN_RUN = re.compile(f"[{HAN}]{{6,}}")
CLASSES = ["person_exact", "roster_person", "person_variant", "person_year", "policy",
           "free_text"]
HOMOPHONES = [set("英瑛鹰莺"), set("付傅富"), set("明铭鸣"), set("华骅桦"), set("兰蓝岚"),
              set("珍祯贞"), set("国帼"), set("红宏鸿洪"), set("军君钧"), set("梅玫媒"),
              set("强墙蔷"), set("东冬栋"), set("平萍苹"), set("芳方坊"), set("杰洁"),
              set("林琳霖"), set("斌彬滨"), set("霞侠"), set("静靖婧"), set("燕艳雁")]


# ------------------------------------------------------------------------------ corpus
def build_corpus(pages: int, seed: int, damage: float, out: Path) -> tuple[list, dict]:
    subprocess.run([sys.executable, "-m", "samplegen", "--out", str(out), "--pages",
                    str(pages), "--seed", str(seed), "--text-only"], check=True,
                   capture_output=True, cwd=ROOT)  # samplegen is a top-level tool
    truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    rng = random.Random(seed)
    table = lookalike_groups()
    corpus, damaged = [], {}
    for name, f in truth["files"].items():
        for page in f["pages"]:
            lines = []
            for text, box in page["ocr_lines"]:
                for p in page["persons"]:
                    if p["name"] in text and rng.random() < damage:
                        spots = [i for i, c in enumerate(p["name"]) if c in table]
                        if spots:
                            i = rng.choice(spots)
                            bad = p["name"][:i] + sorted(table[p["name"][i]])[0] + \
                                p["name"][i + 1:]
                            text = text.replace(p["name"], bad)
                            damaged[(name, page["page"], p["simplified"])] = bad
                lines.append(Line(text, tuple(box)))
            corpus.append((name, page["page"], f, page, lines))
    return corpus, damaged


# ------------------------------------------------------------------------------ engines
class Dangan:
    name = "dangan"

    def __init__(self, corpus, tmp: Path):
        self.store = PageStore(tmp / "pages.sqlite3")
        self.index = SearchIndex(tmp / "ours")
        self.index.create()
        with self.index.writer() as w:
            for name, page_no, _f, _page, lines in corpus:
                sp = StoredPage(name, page_no, name, page_no, "ocr", None, None, lines,
                                extract(lines))
                self.store.replace_file(name, name, 0, 0, name, [sp], None)
                w.replace_pages(name, [index_document(sp, sp.fields.doc_type, None, False)])
        self.store.commit()

    def run(self, person="", year=None, policy="", text="") -> list[tuple[str, int]]:
        req = SearchRequest(person=person, year=year, policy=policy, text=text, limit=10)
        res = search(self.index, req, self.store.page_view, self.store.aliases_of)
        return [(h.path, h.page) for h in res.hits]


class TextOnly:
    """A plain full-text engine: everything the user knows is typed into one box."""

    def __init__(self, name, analyzer, corpus, tmp: Path):
        self.name = name
        schema = wf.Schema(key=wf.ID(stored=True), page=wf.STORED(),
                           text=wf.TEXT(analyzer=analyzer, phrase=False))
        folder = tmp / name
        folder.mkdir()
        self.ix = windex.create_in(str(folder), schema)
        w = self.ix.writer(limitmb=256)
        for name_, page_no, _f, _page, lines in corpus:
            w.add_document(key=name_, page=page_no, text="\n".join(ln.text for ln in lines))
        w.commit()
        self.searcher = self.ix.searcher()
        self.parser = qparser.QueryParser("text", schema, group=qparser.AndGroup)

    def run(self, person="", year=None, policy="", text="") -> list[tuple[str, int]]:
        words = " ".join(x for x in (person, str(year) if year else "", policy, text) if x)
        try:
            q = self.parser.parse(words)
        except Exception:
            return []
        return [(r["key"], r["page"]) for r in self.searcher.search(q, limit=10)]


def jieba_analyzer():
    from jieba.analyse import ChineseAnalyzer

    return ChineseAnalyzer()


# ------------------------------------------------------------------------------ queries
def make_queries(corpus, damaged, seed: int, per_class: int) -> dict[str, list[dict]]:
    rng = random.Random(seed + 1)
    by_name: dict[str, set] = defaultdict(set)
    by_docno: dict[str, set] = defaultdict(set)
    years_of: dict[tuple, set] = {}
    for name, page_no, _f, page, _ in corpus:
        key = (name, page_no)
        years_of[key] = {y for y in page["years"] if 1949 <= y <= 2025}
        for p in page["persons"]:
            by_name[p["simplified"]].add(key)
        for d in page["doc_numbers"]:
            by_docno[d["normalized"]].add(key)
    q: dict[str, list[dict]] = {c: [] for c in CLASSES}
    persons = [(p, name, page_no, page) for name, page_no, _f, page, _ in corpus
               for p in page["persons"]]
    rng.shuffle(persons)
    for p, name, page_no, _page in persons:
        key = (name, page_no)
        real = p["simplified"]
        if (name, page_no, real) in damaged:  # OCR damaged it: a variant query by nature
            if len(q["person_variant"]) < per_class:
                q["person_variant"].append({"person": real, "relevant": {key},
                                            "kind": "ocr_lookalike"})
            continue
        relevant = by_name[real]
        if p["role"] == "姓名" and len(q["person_exact"]) < per_class:
            q["person_exact"].append({"person": real, "relevant": relevant})
        elif p["role"] == "roster" and len(q["roster_person"]) < per_class:
            q["roster_person"].append({"person": real, "relevant": relevant})
        if p["role"] in ("姓名", "roster", "prose") and len(q["person_variant"]) < per_class:
            variant = _variant(real, rng)
            if variant:
                q["person_variant"].append({"person": variant[0], "relevant": relevant,
                                            "kind": variant[1]})
        if years_of[key] and len(q["person_year"]) < per_class:
            y = rng.choice(sorted(years_of[key]))
            rel = {k for k in relevant if y in years_of[k]}
            q["person_year"].append({"person": real, "year": y, "relevant": rel})
            # the negative: a year on none of this person's pages
            others = {y2 for k in relevant for y2 in years_of[k]}
            neg = next((y2 for y2 in range(1950, 2011) if y2 not in others), None)
            if neg:
                q.setdefault("year_negative", []).append(
                    {"person": real, "year": neg, "relevant": set()})
    docnos = sorted(by_docno)
    rng.shuffle(docnos)
    for no in docnos[:per_class]:
        issuer, rest = no.split("〔")
        year, num = rest.split("〕")
        style = rng.choice(["square", "paren_di", "lenticular", "paren", "short_year"])
        typed = printed.doc_number(issuer, int(year), int(num.rstrip("号")), style)
        q["policy"].append({"policy": typed, "relevant": by_docno[no]})
    texts = [(name, page_no, page) for name, page_no, _f, page, _ in corpus]
    rng.shuffle(texts)
    # A phrase lies inside one printed item (a cell, a line of prose), never across cells.
    for _name, _page_no, page in texts:
        # users type runs of Han characters, not punctuation or half a house number
        han = [m for t, _box in page["ocr_lines"] for m in HAN_RUN.findall(t)]
        if not han:
            continue
        run = rng.choice(han)
        start = rng.randrange(0, len(run) - 5)
        phrase = run[start:start + rng.choice([4, 5, 6])]
        relevant = {(n, pg) for n, pg, _f, pp, _ in corpus
                    if any(phrase in t for t, _box in pp["ocr_lines"])}
        q["free_text"].append({"text": phrase, "relevant": relevant})
        if len(q["free_text"]) >= per_class:
            break
    return q


def _variant(name: str, rng: random.Random) -> tuple[str, str] | None:
    import opencc

    kinds = ["homophone", "lookalike", "traditional"]
    rng.shuffle(kinds)
    table = lookalike_groups()
    for kind in kinds:
        if kind == "traditional":
            t = opencc.OpenCC("s2t").convert(name)
            if t != name:
                return t, kind
        for i, ch in enumerate(name[1:], 1):  # the surname stays: clerks rarely miswrite it
            if kind == "homophone":
                group = next((g for g in HOMOPHONES if ch in g), None)
                if group:
                    return name[:i] + sorted(group - {ch})[0] + name[i + 1:], kind
            elif ch in table:
                return name[:i] + sorted(table[ch])[0] + name[i + 1:], kind
    return None


# ------------------------------------------------------------------------------ scoring
def evaluate(engine, queries) -> dict:
    out = {}
    fp_returned = fp_total = 0
    for cls, qs in queries.items():
        recalls, rrs = [], []
        for q in qs:
            got = engine.run(person=q.get("person", ""), year=q.get("year"),
                             policy=q.get("policy", ""), text=q.get("text", ""))
            if "year" in q:
                for key in got:
                    fp_total += 1
                    if q["year"] not in YEARS[key]:
                        fp_returned += 1
                        if VERBOSE:
                            print(f"  year FP [{engine.name}] {q} → {key} {sorted(YEARS[key])}")
            if cls == "year_negative":
                continue
            rel = q["relevant"]
            if not rel:
                continue
            found = [k for k in got if k in rel]
            if VERBOSE and len(found) < min(10, len(rel)) and engine.name == "dangan":
                print(f"  miss [{cls}] {q.get('person') or q.get('policy') or q.get('text')}"
                      f" found {len(found)}/{min(10, len(rel))}, got {len(got)}")
            recalls.append(len(found) / min(10, len(rel)))
            rank = next((i for i, k in enumerate(got, 1) if k in rel), None)
            rrs.append(1 / rank if rank else 0.0)
        if cls != "year_negative":
            out[cls] = (sum(recalls) / len(recalls) if recalls else float("nan"),
                        sum(rrs) / len(rrs) if rrs else float("nan"), len(recalls))
    out["year_fp"] = fp_returned / fp_total if fp_total else 0.0
    return out


YEARS: dict[tuple, set] = {}
VERBOSE = False


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=600)
    ap.add_argument("--seed", type=int, default=4242)
    ap.add_argument("--damage", type=float, default=0.05,
                    help="share of names OCR misreads by one look-alike character")
    ap.add_argument("--per-class", type=int, default=150)
    ap.add_argument("--verbose", action="store_true", help="print every year-filter error")
    args = ap.parse_args()
    global VERBOSE
    VERBOSE = args.verbose
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        corpus, damaged = build_corpus(args.pages, args.seed, args.damage, tmp / "corpus")
        for name, page_no, _f, page, _ in corpus:
            YEARS[(name, page_no)] = set(page["years"])
        queries = make_queries(corpus, damaged, args.seed, args.per_class)
        print(f"corpus: {len(corpus)} generated pages (seed {args.seed}), "
              f"{len(damaged)} names damaged by OCR look-alikes; queries: "
              + ", ".join(f"{c} {len(v)}" for c, v in queries.items()))
        engines = [Dangan(corpus, tmp), TextOnly("jieba-only", jieba_analyzer(), corpus, tmp),
                   TextOnly("bigram-only", NgramTokenizer(2, 2), corpus, tmp)]
        results = {e.name: evaluate(e, queries) for e in engines}
    head = f"{'class':<16}" + "".join(f"{e:>22}" for e in results)
    print(head)
    print(f"{'':<16}" + "".join(f"{'recall@10':>12}{'MRR':>10}" for _ in results))
    for cls in CLASSES:
        row = f"{cls:<16}"
        for r in results.values():
            rec, mrr, _n = r[cls]
            row += f"{rec:>12.3f}{mrr:>10.3f}"
        print(row)
    print(f"{'year filter FP':<16}" + "".join(f"{r['year_fp']:>22.3f}" for r in results.values()))


if __name__ == "__main__":
    main()
