"""The one door to Whoosh: shards written in parallel, one searcher reused until a commit."""

import json

import pytest

from dangan.search.backend import VERSION_FILE, SearchIndex, shard_of
from dangan.search.query import SearchRequest, build


def _doc(path: str, name: str) -> dict:
    return {"key": f"{path}#1", "path": path, "page": 1, "document": path,
            "page_in_document": 1, "archive_code": "", "doc_type": "other", "title": "",
            "persons_labelled": name, "persons": name, "persons_pinyin": "", "years": [1993],
            "year_keys": "1993", "decades": "1990s", "doc_numbers": "", "units": "",
            "id_numbers": "", "restricted": False, "words": name, "grams": name}


def test_searcher_is_reused_and_refreshed_after_a_commit(tmp_path):
    index = SearchIndex(tmp_path / "ix", shards=2)
    index.create()
    paths = [f"f{i}.jpg" for i in range(6)]
    assert {shard_of(p, 2) for p in paths} == {0, 1}  # both shards get pages
    with index.writer() as w:
        for i, p in enumerate(paths):
            w.replace_pages(p, [_doc(p, f"王{'一二三四五六'[i]}明")])
    first = index.searcher()
    assert index.searcher() is first  # no reopening per query
    assert index.doc_count() == 6
    with index.writer() as w:
        w.replace_pages("new.jpg", [_doc("new.jpg", "李新")])
        w.replace_pages("f0.jpg", [_doc("f0.jpg", "赵改")])  # replaced, not duplicated
    assert index.searcher() is not first
    assert index.doc_count() == 7
    q = build(SearchRequest(person="李新")).query
    assert index.search(q).total == 1
    assert index.search(build(SearchRequest(person="王一明")).query).total == 0
    index.close()


def test_schema_version_change_means_not_current(tmp_path):
    index = SearchIndex(tmp_path / "ix")
    assert not index.is_current()
    index.create()
    assert index.is_current()
    (index.live_dir() / VERSION_FILE).write_text('{"version": 0, "shards": 2}')
    assert not SearchIndex(tmp_path / "ix").is_current()


NAMES = "一二三四五六七八"


def test_searching_threads_never_fail_while_batches_commit(tmp_path):
    """Waitress serves searches on several threads while `dangan index` commits: a commit
    must never close a searcher another thread is still reading from."""
    import threading

    index = SearchIndex(tmp_path / "ix", shards=2)
    index.create()
    with index.writer() as w:
        for i in range(40):
            w.replace_pages(f"f{i}.jpg", [_doc(f"f{i}.jpg", "王" + NAMES[i % 8] + "明")])
    queries = [build(SearchRequest(person=n)).query for n in ("王一明", "王七明", "李新")]
    errors: list[BaseException] = []
    searches = [0]
    stop = threading.Event()

    def searching():
        while not stop.is_set():
            for q in queries:
                try:
                    found = index.search(q, limit=None)
                    found.stored  # noqa: B018  (stored fields are read from the segments too)
                    index.doc_count()
                    searches[0] += 1
                except BaseException as e:
                    errors.append(e)

    threads = [threading.Thread(target=searching) for _ in range(4)]
    for t in threads:
        t.start()
    try:
        for n in range(25):  # real commits, each replacing pages in both shards
            with index.writer() as w:
                for i in range(0, 40, 3):
                    w.replace_pages(f"f{(i + n) % 40}.jpg",
                                    [_doc(f"f{(i + n) % 40}.jpg", "李新" + NAMES[n % 8])])
    finally:
        stop.set()
        for t in threads:
            t.join()
    index.close()
    assert searches[0] > 50
    assert not errors, f"{len(errors)} failed searches, first: {errors[0]!r}"
def _search(index: SearchIndex, name: str) -> int:
    return index.search(build(SearchRequest(person=name)).query).total


def _old_index(path, names=("王秀英", "李新")) -> SearchIndex:
    index = SearchIndex(path)
    index.create()
    with index.writer() as w:
        for i, n in enumerate(names):
            w.replace_pages(f"f{i}.jpg", [_doc(f"f{i}.jpg", n)])
    (index.live_dir() / VERSION_FILE).write_text('{"version": 0, "shards": 2}')  # a schema bump
    return index


def test_an_interrupted_rebuild_leaves_the_old_index_searchable_and_still_due(tmp_path):
    index = _old_index(tmp_path / "ix")
    web = SearchIndex(tmp_path / "ix")  # another process's view, e.g. the counter app
    assert _search(web, "王秀英") == 1
    with pytest.raises(MemoryError), index.rebuilding() as w:
        w.replace_pages("f0.jpg", [_doc("f0.jpg", "王秀英")])
        raise MemoryError  # killed, out of memory, out of disk: the block never ends
    assert _search(web, "王秀英") == 1 and _search(SearchIndex(tmp_path / "ix"), "李新") == 1
    assert not SearchIndex(tmp_path / "ix").is_current()  # the next run rebuilds again


def test_searches_use_the_old_index_until_the_rebuild_is_complete(tmp_path):
    index = _old_index(tmp_path / "ix")
    web = SearchIndex(tmp_path / "ix")
    with index.rebuilding() as w:
        for i, n in enumerate(["王秀英", "李新", "赵大"]):
            w.replace_pages(f"f{i}.jpg", [_doc(f"f{i}.jpg", n)])
        assert _search(web, "王秀英") == 1 and _search(web, "赵大") == 0  # old, not empty
    assert _search(web, "赵大") == 1  # switched at once, in the other process's view too
    assert SearchIndex(tmp_path / "ix").is_current()
    assert len(list((tmp_path / "ix").glob("gen-*"))) == 1  # the old generation is gone


def test_the_version_marker_is_written_last(tmp_path):
    index = _old_index(tmp_path / "ix")
    with index.rebuilding() as w:
        w.replace_pages("f0.jpg", [_doc("f0.jpg", "王秀英")])
        new = max((tmp_path / "ix").glob("gen-*"))
        assert new != index.live_dir() and not (new / VERSION_FILE).exists()
    assert json.loads((new / VERSION_FILE).read_text())["version"] > 0


def test_an_index_from_before_generations_is_read_and_then_replaced(tmp_path):
    from whoosh import index as windex

    from dangan.search.schema import SCHEMA_VERSION, build_schema, term_shapers

    folder = tmp_path / "ix"
    for i in range(2):
        (folder / f"shard-{i:02d}").mkdir(parents=True)
        windex.create_in(str(folder / f"shard-{i:02d}"), build_schema()).close()
    (folder / VERSION_FILE).write_text(json.dumps({"version": SCHEMA_VERSION, "shards": 2,
                                                   "shapers": term_shapers()}))
    index = SearchIndex(folder)
    assert index.is_current()
    with index.writer() as w:
        w.replace_pages("a.jpg", [_doc("a.jpg", "王秀英")])
    assert _search(index, "王秀英") == 1
    with index.rebuilding() as w:
        w.replace_pages("a.jpg", [_doc("a.jpg", "王秀英")])
    assert _search(index, "王秀英") == 1 and not (folder / "shard-00").exists()


def test_searching_an_empty_index_finds_nothing_without_error(tmp_path):
    index = SearchIndex(tmp_path / "ix")
    index.create()
    found = index.search(build(SearchRequest(person="王秀英", year=1993)).query,
                         facets={"decade": "decades"})
    assert found.total == 0 and found.facets == {"decade": {}}
