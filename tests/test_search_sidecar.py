"""Posting arrays beside each segment: written with every commit, and a search that uses
them finds exactly what Whoosh finds — also when they are missing or damaged, when a term's
postings span many blocks, and after pages were replaced."""

from __future__ import annotations

import random

import pytest

from dangan.search import sidecar
from dangan.search.backend import SearchIndex, shard_of
from dangan.search.query import SearchRequest, build
from dangan.search.searching import FACETS

WORDS = ["工资调整", "审批表", "退休", "花名册", "招工", "套改", "民办教师", "工龄"]


def _doc(path: str, rng: random.Random) -> dict:
    text = "。".join(rng.sample(WORDS, 4)) + "。" + "".join(rng.choice("王李张刘陈杨")
                                                         for _ in range(3))
    year = rng.choice([1985, 1993, 1999])
    return {"key": f"{path}#1", "path": path, "page": 1, "document": path,
            "page_in_document": 1, "archive_code": "", "doc_type": "other", "title": "",
            "persons_labelled": "", "persons": "", "persons_pinyin": "", "years": [year],
            "year_keys": str(year), "decades": f"{year // 10 * 10}s", "doc_numbers": "",
            "units": "", "id_numbers": "", "restricted": False, "words": text, "grams": text}


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """600 pages in two commits (postings of common grams run over several 128-posting
    blocks), then 50 of them replaced (deletions in older segments)."""
    rng = random.Random(5)
    where = tmp_path_factory.mktemp("sidecar") / "ix"
    index = SearchIndex(where, shards=2)
    index.create()
    for batch in range(2):
        with index.writer() as w:
            for i in range(300):
                p = f"f{batch}-{i}.jpg"
                w.replace_pages(p, [_doc(p, rng)])
    with index.writer() as w:
        for i in range(50):
            p = f"f0-{i}.jpg"
            w.replace_pages(p, [_doc(p, rng)])
    index.close()
    return where


REQUESTS = [SearchRequest(text="工资 审批"), SearchRequest(text='"工资调整"'), SearchRequest(text='"办教师"'),
            SearchRequest(text='"调整"'), SearchRequest(text="退休 -花名册"),
            SearchRequest(text="招工", year=1993), SearchRequest(text='"王李"')]


def _same(where, req):
    fast, whoosh = SearchIndex(where), SearchIndex(where, engine="whoosh")
    built = build(req)
    a = fast.search(built.query, filter=built.filter, mask=built.mask, limit=30,
                    facets=FACETS)
    b = whoosh.search(built.query, filter=built.filter, mask=built.mask, limit=30,
                      facets=FACETS)
    assert a.total == b.total > 0
    # (Whoosh's engine lists every hit when it also counts facets; the first 30 compare.)
    assert [d for d, _ in a.docs] == [d for d, _ in b.docs[:30]]
    assert [round(s, 6) for _, s in a.docs] == [round(s, 6) for _, s in b.docs[:30]]
    assert a.facets == b.facets
    fast.close()
    whoosh.close()
    return fast


def test_every_segment_gets_its_arrays_at_commit(folder):
    index = SearchIndex(folder)
    for ix in index._open():
        with ix.reader() as reader:
            assert sidecar.missing(reader) == []
    assert list(index.live_dir().rglob("*" + sidecar.SUFFIX))
    index.close()


@pytest.mark.parametrize("req", REQUESTS, ids=lambda r: r.text)
def test_searching_through_the_arrays_agrees_with_whoosh(folder, req):
    index = SearchIndex(folder)
    executor = index.executor()
    executor.postings("grams", "工资")
    assert all(a is not None and a.has_keys for a in executor._arrays.values())  # used
    index.close()
    _same(folder, req)


def test_missing_or_damaged_arrays_are_ignored(tmp_path, folder):
    import shutil

    copy = tmp_path / "ix"
    shutil.copytree(folder, copy)
    files = sorted(copy.rglob("*" + sidecar.SUFFIX))
    files[0].unlink()
    files[1].write_bytes(files[1].read_bytes()[:100])  # truncated
    if len(files) > 2:
        data = bytearray(files[2].read_bytes())
        data[:8] = b"XXXXXXXX"
        files[2].write_bytes(bytes(data))
    for req in REQUESTS:
        _same(copy, req)
    index = SearchIndex(copy)
    assert sum(len(sidecar.missing(ix.reader())) for ix in index._open()) >= 2
    index.close()


def test_a_commit_writes_the_arrays_a_segment_lost(tmp_path, folder):
    import shutil

    copy = tmp_path / "ix"
    shutil.copytree(folder, copy)
    next(copy.rglob("*" + sidecar.SUFFIX)).unlink()
    index = SearchIndex(copy)
    assert len(index.segments_without_arrays()) == 1
    with index.writer() as w:
        for shard in range(2):  # a page in each shard: both commit
            p = next(f"new-{i}.jpg" for i in range(99) if shard_of(f"new-{i}.jpg", 2) == shard)
            w.replace_pages(p, [_doc(p, random.Random(shard))])
    assert index.segments_without_arrays() == []
    index.close()


def test_every_term_is_found_in_the_arrays_whatever_its_hash(folder):
    """Half of all term hashes fall below 2**63; each must be found in the segment's own
    dictionary (a numpy quirk once made those cost a conversion of the whole table)."""
    from dangan.search.whoosh_internals import term_hash, term_key

    index = SearchIndex(folder)
    executor = index.executor()
    arrays = [executor._segment_arrays(i) for i in range(len(executor.leaves))]
    low = high = 0
    for gram in {g for w in WORDS for g in (w[i:i + 2] for i in range(len(w) - 1))}:
        key = term_key(executor.schema, "grams", gram)
        hashed = term_hash(key)
        low, high = low + (hashed < 2**63), high + (hashed >= 2**63)
        assert any(a.lookup(key, hashed) is not None for a in arrays), gram
    assert low and high
    index.close()


def test_a_term_asked_twice_is_read_once(folder):
    """Staff repeat the same names all day: the second lookup comes from the term cache."""
    index = SearchIndex(folder)
    executor = index.executor()
    first = executor.postings("grams", "工资")
    assert executor.postings("grams", "工资") is first
    executor.forget_terms()
    again = executor.postings("grams", "工资")
    assert again is not first and list(again.ids) == list(first.ids)
    index.close()
