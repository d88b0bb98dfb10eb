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
