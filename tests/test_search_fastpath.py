"""The numpy fast path finds what Whoosh finds, scored the same, on the indexed sample: the
same totals, the same pages in the same order, the same facet counts. Whoosh's own matchers
are the reference; the fast path is only allowed to be quicker."""

from __future__ import annotations

import pytest

from dangan import config as config_mod
from dangan.indexer.store import PageStore
from dangan.search.backend import SearchIndex
from dangan.search.query import SearchRequest, build
from dangan.search.searching import FACETS

REQUESTS = [
    SearchRequest(person="王秀英"),  # labelled, roster, homophone
    SearchRequest(person="曾广才"),  # 曾用名 / 现用名
    SearchRequest(person="王秀英", year=1993),
    SearchRequest(person="解玉堂"),  # a restricted file
    SearchRequest(policy="劳人薪〔1985〕41号"),
    SearchRequest(policy="93套改"),  # policy: 文号 or keywords in its years
    SearchRequest(text="工资 调整"),
    SearchRequest(text='"工资调整"'),  # phrase over grams
    SearchRequest(text='"工资调整审批表"'),  # long phrase: tiled positions
    SearchRequest(text="工资 -花名册"),  # exclusion mask
    SearchRequest(year_from=1985, year_to=1990),  # filters only
    SearchRequest(doc_type="retirement"),
    SearchRequest(unit="第二机床厂"),
    SearchRequest(archive_code="X012-WS·1985"),  # prefix
    SearchRequest(text="招工", year_from=1970, year_to=1995, doc_type="recruitment"),
    SearchRequest(text="无此词语"),
]


@pytest.fixture(scope="module")
def engines(sample_config):
    cfg = config_mod.load(sample_config)
    store = PageStore(cfg.store_path)
    return (SearchIndex(cfg.index_dir), SearchIndex(cfg.index_dir, engine="whoosh"),
            store.aliases_of)


@pytest.mark.parametrize("req", REQUESTS, ids=lambda r: r.person or r.policy or r.text or
                         r.doc_type or r.unit or r.archive_code or str(r.year_from))
def test_fast_path_agrees_with_whoosh(engines, req):
    fast, whoosh, aliases = engines
    built = build(req, aliases)
    a = fast.search(built.query, filter=built.filter, mask=built.mask, limit=50, facets=FACETS)
    b = whoosh.search(built.query, filter=built.filter, mask=built.mask, limit=50,
                      facets=FACETS)
    assert a.total == b.total
    assert [d for d, _ in a.docs] == [d for d, _ in b.docs]
    assert [round(s, 6) for _, s in a.docs] == [round(s, 6) for _, s in b.docs]
    assert a.facets == b.facets
    assert [f["path"] for f in a.stored] == [f["path"] for f in b.stored]


@pytest.mark.parametrize("req", REQUESTS[6:10], ids=lambda r: r.text)
def test_a_first_page_of_ten_is_the_top_ten_on_both_paths(engines, req):
    """Whoosh's top-k collector under a limit left out pages of the top 10 ("工资 调整" on the
    sample); the stock path scores every hit and cuts the page itself."""
    fast, whoosh, aliases = engines
    built = build(req, aliases)
    full = whoosh.search(built.query, filter=built.filter, mask=built.mask, limit=None)
    for index in (fast, whoosh):
        ten = index.search(built.query, filter=built.filter, mask=built.mask, limit=10)
        assert ten.total == full.total
        assert [d for d, _ in ten.docs] == [d for d, _ in full.docs[:10]]


def test_second_page_continues_the_first(engines):
    fast, whoosh, aliases = engines
    built = build(SearchRequest(text="工资"), aliases)
    first = fast.search(built.query, limit=5, page=1)
    second = fast.search(built.query, limit=5, page=2)
    reference = whoosh.search(built.query, limit=5, page=2)
    assert second.total == first.total == reference.total
    assert [d for d, _ in second.docs] == [d for d, _ in reference.docs]
    assert not {d for d, _ in first.docs} & {d for d, _ in second.docs}


def test_power_syntax_falls_back_to_whoosh(engines):
    fast, whoosh, aliases = engines
    built = build(SearchRequest(text="persons:王秀英 OR 套改", syntax="whoosh"), aliases)
    a = fast.search(built.query, limit=20)
    b = whoosh.search(built.query, limit=20)
    assert a.total == b.total > 0 and [d for d, _ in a.docs] == [d for d, _ in b.docs]


def test_positions_decode_like_whoosh_in_every_encoding():
    from whoosh.formats import Positions

    from dangan.search.fastpath import _decode_positions

    fmt = Positions()
    lists = [[5], [300], [70000], [0], [3, 9, 400], [255], [256], [65535], [1, 2],
             # several occurrences a short step apart (read from the bytes), and past
             # pickle's batch of 1,000 items (unpickled)
             [4, 40, 295], [0, 255, 510], list(range(0, 2000, 2)), list(range(0, 2002, 2)),
             [7, 7 + 256], [10, 20, 20 + 300, 20 + 300 + 5]]
    values = [fmt.encode(ps) for ps in lists]
    values += [v[:-1] for v in values if v.endswith(b".")]  # Whoosh may trim the STOP byte
    owner, pos = _decode_positions(values)
    got = sorted(zip(owner.tolist(), pos.tolist(), strict=True))
    want = sorted((i, p) for i, v in enumerate(values) for p in fmt.decode_positions(v))
    assert got == want


_STOCK_RUN = """
import json, sys
from dangan import config as config_mod
from dangan.indexer.store import PageStore
from dangan.search import engine
from dangan.search.backend import SearchIndex
from dangan.search.query import SearchRequest, build
from dangan.search.searching import FACETS
from whoosh.filedb import structfile

cfg = config_mod.load(sys.argv[1])
aliases = PageStore(cfg.store_path).aliases_of
index = SearchIndex(cfg.index_dir)
out = []
for fields in json.loads(sys.stdin.read()):
    built = build(SearchRequest(**fields), aliases)
    found = index.search(built.query, filter=built.filter, mask=built.mask, limit=50,
                         facets=FACETS)
    out.append({"total": found.total, "docs": found.docs, "facets": found.facets,
                "path": found.path})
print(json.dumps({"results": out, "engine": engine.status().path,
                  "patched": structfile.BufferFile.__init__.__module__ != "whoosh.filedb.structfile"}))
"""


def test_fast_path_agrees_with_genuinely_unpatched_stock_whoosh(engines, sample_config):
    """The same queries in a process that never touched Whoosh's internals (DANGAN_WHOOSH=
    stock: no check, no patch, Whoosh's searcher on the fast writer's segments)."""
    import dataclasses
    import json
    import os
    import subprocess
    import sys

    fast, _, aliases = engines
    asked = [{k: v for k, v in dataclasses.asdict(r).items()
              if v != getattr(SearchRequest(), k)} for r in REQUESTS]
    proc = subprocess.run([sys.executable, "-c", _STOCK_RUN, str(sample_config)],
                          input=json.dumps(asked), capture_output=True, text=True, check=True,
                          env={**os.environ, "DANGAN_WHOOSH": "stock"})
    stock = json.loads(proc.stdout)
    assert stock["engine"] == "stock" and not stock["patched"]
    for req, theirs in zip(REQUESTS, stock["results"], strict=True):
        built = build(req, aliases)
        ours = fast.search(built.query, filter=built.filter, mask=built.mask, limit=50,
                           facets=FACETS)
        assert ours.path == "fast" and theirs["path"] == "stock"
        assert ours.total == theirs["total"], req
        assert [d for d, _ in ours.docs] == [d for d, _ in theirs["docs"]], req
        assert [round(s, 6) for _, s in ours.docs] == [round(s, 6) for _, s in theirs["docs"]]
        assert ours.facets == theirs["facets"], req
