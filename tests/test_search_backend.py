"""The one door to Whoosh: shards written in parallel, one searcher reused until a commit."""

from dangan.search.backend import SearchIndex, shard_of
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
    (tmp_path / "ix" / "dangan-schema.json").write_text('{"version": 0, "shards": 2}')
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
