"""Relevance harness: labelled queries over a generated corpus, ours against two baselines.

    .venv/bin/python bench/relevance/run.py [--pages 600] [--seed 4242] [--damage 0.05]

The corpus comes from the sample generator in text-only mode (never the shipped sample we tune
on): each page's text items with their boxes, as a perfect OCR would return them, then damaged
the way OCR damages names — a share of names get one character replaced by a look-alike
(秀→季, 傅→付). Queries and their relevant pages come from the generator's ground truth.

On top of that, a share of pages get one of the patterns seen on real scans
(samplegen/ocrdamage.py): a box cut in two, a title glued to the 文号 under it and a
stray dot in the 代字, numbers that look like dates (lab ranges, figure labels, wages), a year
that lost a digit. Each has a query class; prose wraps are a class of their own, and so are
persons named in prose. Wrong years (a measure read as 2019, "201年" as 2001) are asked for
as negatives and counted in the year filter's false-positive rate.

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
from dangan.search.query import QueryError, SearchRequest  # noqa: E402
from dangan.search.searching import search  # noqa: E402
from dangan.text.lookalikes import groups as lookalike_groups  # noqa: E402
from dangan.text.normalize import HAN  # noqa: E402
from samplegen import ocrdamage, printed  # noqa: E402

HAN_RUN = re.compile(f"[{HAN}]{{6,}}")
CLASSES = ["person_exact", "roster_person", "person_variant", "person_year", "person_prose",
           "policy", "policy_glued", "free_text", "wrapped_text", "split_box", "damaged_year"]
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
            page["patterns"] = _damage(page, rng)
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


PATTERN_SHARE = 0.35  # pages that get one real-scan pattern


def _damage(page: dict, rng: random.Random) -> dict:
    """Apply at most one real-scan pattern to the page's OCR lines; say what was done."""
    if rng.random() > PATTERN_SHARE:
        return {}
    kind = rng.choice(["split", "glue", "measures", "year"])
    lines = page["ocr_lines"]
    done: dict = {}
    if kind == "split":
        lines, phrase = ocrdamage.split_a_box(lines, rng)
        if phrase:
            done["split"] = phrase
    elif kind == "glue" and page["doc_numbers"]:
        lines, glued = ocrdamage.glue_title_to_number(lines)
        lines, dotted = ocrdamage.dot_in_number(lines, rng)
        if glued or dotted:
            done["glued"] = True
    elif kind == "measures":
        lines, done["measures"] = ocrdamage.add_measures(lines, rng)
    elif kind == "year":
        lines, lost = ocrdamage.damage_a_year(lines, rng)
        if lost:
            done["year"] = lost
    page["ocr_lines"] = lines
    return done


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
        try:
            res = search(self.index, req, self.store.page_view, self.store.aliases_of)
        except QueryError:  # a year this version refuses finds nothing
            return []
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
        years_of[key] = {y for y in page["years"] if 1900 <= y <= 2025}
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
    joined = {(n, pg): "".join(t for t, _b in pp["ocr_lines"]) for n, pg, _f, pp, _ in corpus}

    def holding(phrase: str) -> set:
        return {k for k, t in joined.items() if phrase in t}

    for p, name, page_no, _page in persons:
        if p["role"] == "prose" and len(q["person_prose"]) < per_class and \
                (name, page_no, p["simplified"]) not in damaged:
            q["person_prose"].append({"person": p["simplified"],
                                      "relevant": by_name[p["simplified"]]})
    for name, page_no, _f, page, _ in corpus:
        key, done = (name, page_no), page["patterns"]
        if "split" in done and len(q["split_box"]) < per_class:
            q["split_box"].append({"text": done["split"], "relevant": holding(done["split"])})
        if "glued" in done and len(q["policy_glued"]) < per_class:
            for d in page["doc_numbers"][:1]:
                issuer, rest = d["normalized"].split("〔")
                year, num = rest.split("〕")
                q["policy_glued"].append({"policy": printed.doc_number(
                    issuer, int(year), int(num.rstrip("号")), "square"),
                    "relevant": by_docno[d["normalized"]]})
        people = [p["simplified"] for p in page["persons"]]
        if "year" in done and people and len(q["damaged_year"]) < per_class:
            who = people[0]
            lost = done["year"]
            q["damaged_year"].append({"person": who, "year": lost,
                                      "relevant": {k for k in by_name[who]
                                                   if lost in years_of[k]}})
            # what a careless reader makes of "201年" / "一九八年": a year the page lacks
            for wrong in _wrong_years(lost):
                if wrong not in YEARS.get(key, set()):
                    q.setdefault("year_negative", []).append(
                        {"person": who, "year": wrong, "relevant": set()})
        if "measures" in done and people:
            for wrong in (2019, 2010, 1955, 2012, 1906):
                if wrong not in YEARS.get(key, set()):
                    q.setdefault("year_negative", []).append(
                        {"person": people[0], "year": wrong, "relevant": set()})
        for phrase in ocrdamage.wrapped_phrases(page["ocr_lines"]):
            if len(q["wrapped_text"]) < per_class:
                q["wrapped_text"].append({"text": phrase, "relevant": holding(phrase)})
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


def _wrong_years(year: int) -> list[int]:
    """Years a damaged date is misread as: the last two digits of what is left."""
    s = str(year)
    out = set()
    for drop in range(4):
        rest = s[:drop] + s[drop + 1:]
        yy = int(rest[-2:])
        out.add(yy + (1900 if yy >= 30 else 2000))
    return sorted(y for y in out - {year} if 1900 <= y <= 2025)


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


def person_extraction(corpus, damaged) -> dict:
    """Recall per role and overall precision of the names dangan extracts."""
    by_role: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    right = extracted = 0
    for name, page_no, _f, page, lines in corpus:
        got = set(extract(lines).person_names)
        truth = {p["simplified"] for p in page["persons"]}
        bad = {d for (n, pg, _r), d in damaged.items() if (n, pg) == (name, page_no)}
        for p in page["persons"]:
            if (name, page_no, p["simplified"]) in damaged:
                continue
            by_role[p["role"]][0] += 1
            by_role[p["role"]][1] += p["simplified"] in got
        extracted += len(got - bad)
        right += len((got - bad) & truth)
    return {"by_role": dict(by_role), "right": right, "extracted": extracted}


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
        extraction = person_extraction(corpus, damaged)
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
    print("\nperson extraction (dangan's fields against the generator's truth, undamaged names)")
    print(f"{'role':<10}{'truth':>8}{'found':>8}{'recall':>9}")
    for role, (n, found) in extraction["by_role"].items():
        print(f"{role:<10}{n:>8}{found:>8}{found / n if n else float('nan'):>9.3f}")
    print(f"precision: {extraction['right']} of {extraction['extracted']} extracted names are "
          f"on the page's truth ({extraction['right'] / max(1, extraction['extracted']):.3f})")


if __name__ == "__main__":
    main()
