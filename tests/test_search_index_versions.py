"""The index remembers what shaped its terms (schema, rjieba, pypinyin, OpenCC, the archive's
dictionaries) and is rebuilt from the page store, without OCR, when any of it changes."""

from __future__ import annotations

import json
import shutil

from conftest import SCANS, write_config

from dangan import config as config_mod
from dangan.indexer.batch import run_batch
from dangan.search.backend import VERSION_FILE, SearchIndex
from dangan.search.query import SearchRequest
from dangan.search.schema import TERM_LIBRARIES, term_shapers

NOTICE = "东政发〔1993〕52号关于做好工资套改工作的通知.pdf"  # born digital: no OCR needed


def test_the_shapers_are_the_installed_libraries_and_a_dictionary_hash():
    shapers = term_shapers()
    assert set(shapers) == {*TERM_LIBRARIES, "dictionaries"}
    assert all(v != "absent" for v in shapers.values())
    assert len(shapers["dictionaries"]) == 16


def test_a_new_index_records_them_and_is_current(tmp_path):
    index = SearchIndex(tmp_path / "ix")
    assert index.outdated_reason() == "索引已创建 / index created"
    index.create()
    stored = json.loads((index.live_dir() / VERSION_FILE).read_text())
    assert stored["shapers"] == term_shapers()
    assert index.outdated_reason() is None


def test_an_index_made_with_another_jieba_or_dictionary_is_outdated(tmp_path):
    SearchIndex(tmp_path / "ix").create()
    meta_file = SearchIndex(tmp_path / "ix").live_dir() / VERSION_FILE  # the live generation
    meta = json.loads(meta_file.read_text())
    meta["shapers"] = {**meta["shapers"], "rjieba": "0.0.1", "dictionaries": "0" * 16}
    meta_file.write_text(json.dumps(meta))
    reason = SearchIndex(tmp_path / "ix").outdated_reason()
    assert f"rjieba 0.0.1 → {term_shapers()['rjieba']}" in reason
    assert "dictionaries" in reason and "pypinyin" not in reason
    del meta["shapers"]  # an index from before they were recorded
    meta_file.write_text(json.dumps(meta))
    assert "rjieba ? →" in SearchIndex(tmp_path / "ix").outdated_reason()


def test_first_start_says_created_and_a_new_jieba_rebuilds_from_the_page_store(tmp_path):
    scans = tmp_path / "scans"
    scans.mkdir()
    shutil.copy2(SCANS / NOTICE, scans / NOTICE)
    cfg = config_mod.load(write_config(tmp_path / "config.toml", scans, tmp_path))
    first = run_batch(cfg)
    assert "索引已创建 / index created" in first.lines()
    assert run_batch(cfg).rebuilt_index == ""  # nothing changed: nothing rebuilt
    meta_file = SearchIndex(cfg.index_dir).live_dir() / VERSION_FILE
    meta = json.loads(meta_file.read_text())
    meta["shapers"]["rjieba"] = "0.0.1"
    meta_file.write_text(json.dumps(meta))
    again = run_batch(cfg)
    assert "rjieba 0.0.1" in again.rebuilt_index
    assert again.pages_ocr == 0 and again.files_skipped == 1  # from the store, not re-read
    index = SearchIndex(cfg.index_dir)
    assert index.outdated_reason() is None
    from dangan.search.query import build

    assert index.search(build(SearchRequest(text="工资套改")).query).total >= 1
    index.close()
