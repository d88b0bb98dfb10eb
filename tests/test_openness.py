"""Openness: one rule decides what is closed, the catalogue alone changes it, and the index
flag follows the stored catalogue through every commit and rebuild."""

from __future__ import annotations

import shutil

import pytest
from archivekit import CLOSED_CODE, OPEN_CODE, RESTRICTED_CODE, index, make_archive

from dangan import config as config_mod
from dangan.indexer.catalog import CatalogEntry
from dangan.indexer.store import PageStore
from dangan.openness import is_restricted, is_restricted_openness, open_title
from dangan.search.backend import SearchIndex
from dangan.search.query import SearchRequest
from dangan.search.searching import search


@pytest.mark.parametrize("word", ["控制", "延期开放", "不开放", "延期", "限制利用", "部分开放"])
def test_every_closed_word_restricts(word):
    assert is_restricted_openness(word)
    assert CatalogEntry(code="X", openness=word).restricted


@pytest.mark.parametrize("word", ["开放", "", None])
def test_open_and_uncatalogued_items_are_open(word):
    assert not is_restricted_openness(word)


def test_a_restricted_title_shows_only_when_the_catalogue_opens_it():
    closed = {"openness": "控制", "title": "解玉堂1985年工资调整审批表", "title_open": ""}
    assert is_restricted(closed) and open_title(closed) == ""
    assert open_title({**closed, "title_open": "是"}) == "解玉堂1985年工资调整审批表"
    assert open_title({"openness": "开放", "title": "曾广才"}) == "曾广才"


@pytest.fixture()
def kit(tmp_path):
    cfg_path = make_archive(tmp_path)
    index(cfg_path)
    return config_mod.load(cfg_path)


def _hits(cfg, **req):
    store = PageStore(cfg.store_path)
    try:
        return search(SearchIndex(cfg.index_dir), SearchRequest(**req), store.page_view,
                      store.aliases_of, facets=True, catalogue=store.restricted_catalogue)
    finally:
        store.close()


def _flags(cfg) -> dict[str, bool]:
    ix = SearchIndex(cfg.index_dir)
    with ix.searcher() as s:
        return {d["document"]: d["restricted"] for d in s.all_stored_fields()}


def test_index_flag_follows_the_catalogue_through_a_rebuild(kit):
    assert _flags(kit)[CLOSED_CODE] is True  # 不开放
    shutil.rmtree(kit.index_dir)  # what a schema change does: rebuild from the page store
    summary = index(kit_config(kit))
    assert summary.rebuilt_index
    flags = _flags(kit)
    assert flags[CLOSED_CODE] is True and flags[RESTRICTED_CODE] is True
    assert flags[OPEN_CODE] is False
    assert _hits(kit, person="覃桂香").total == 0


def kit_config(cfg):
    return cfg.data_dir.parent / "config.toml"


def test_indexing_one_file_without_a_catalogue_keeps_it_closed(kit):
    scan = kit.scan_root / f"{RESTRICTED_CODE}.pdf"
    from archivekit import FILES, text_pdf

    text_pdf(scan, [*FILES[f"{RESTRICTED_CODE}.pdf"], "补扫一页说明"])  # changed: re-read
    summary = index(kit_config(kit), scan)  # one file: no catalog.csv next to it
    assert summary.files_indexed == 1
    store = PageStore(kit.store_path)
    assert store.document(RESTRICTED_CODE)["openness"] == "控制"
    store.close()
    assert _flags(kit)[RESTRICTED_CODE] is True
    assert _hits(kit, person="解玉堂").total == 0


def test_a_new_catalogue_reopens_or_closes_items_in_the_index(kit):
    csv = (kit.scan_root / "catalog.csv").read_text(encoding="utf-8")
    (kit.scan_root / "catalog.csv").write_text(
        csv.replace(f"{OPEN_CODE},曾广才1985年工资调整审批表,东岭县第二机床厂,19851003,永久,开放",
                    f"{OPEN_CODE},曾广才1985年工资调整审批表,东岭县第二机床厂,19851003,永久,延期开放"),
        encoding="utf-8")
    index(kit_config(kit))
    assert _flags(kit)[OPEN_CODE] is True
    assert _hits(kit, person="曾广才").total == 0


def test_content_of_a_closed_item_is_no_yes_no_oracle(kit):
    # 解玉堂 is 男 on the closed page: the answer must not depend on what it says.
    male, female = _hits(kit, text="解玉堂 男"), _hits(kit, text="解玉堂 女")
    assert male.total == female.total == 0
    assert _hits(kit, person="解玉堂").total == 0
    facets = _hits(kit, text="工资调整审批表").facets
    assert "东岭县粮食局" not in str(facets)


def test_closed_items_match_on_their_open_catalogue_fields_only(kit):
    by_code = _hits(kit, archive_code=RESTRICTED_CODE)
    assert by_code.total == 1
    hit = by_code.hits[0]
    assert hit.restricted and hit.title == "" and hit.persons == [] and hit.years == []
    assert hit.snippet == "受控档案，需审批" and hit.page_id
    # 不开放 with an open title: found by its title, shown with the title and nothing else
    by_title = _hits(kit, text="招工登记表")
    closed = [h for h in by_title.hits if h.restricted]
    assert [h.title for h in closed] == ["招工登记表（1961年）"]
    assert closed[0].persons == [] and "覃桂香" not in str(by_title.to_json())
    # a content criterion never reaches a closed item, even with its 档号
    assert _hits(kit, archive_code=RESTRICTED_CODE, person="解玉堂").total == 0


def test_loose_scans_of_the_same_name_in_two_folders_are_two_documents(kit):
    store = PageStore(kit.store_path)
    docs = {p.path: p.document for p in store.all_pages()}
    store.close()
    assert docs["a/scan0001.pdf"] != docs["b/scan0001.pdf"]
