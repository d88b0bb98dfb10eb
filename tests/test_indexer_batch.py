"""`dangan index` on real scans with real OCR: finds what is on the page, incrementally,
survives kill -9, and reports bad files without stopping."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import DANGAN, SCANS, run_dangan, search_json, wait_for_rows, write_config

from dangan.text.dates import MIN_YEAR, max_year

MAIN_ROLES = ("姓名", "roster", "prose")


def _where(truth: dict):
    """(simplified name, file, page) for every person the sample puts on a page."""
    for name, f in truth["files"].items():
        for page in f["pages"]:
            for p in page["persons"]:
                if p["role"] in MAIN_ROLES:
                    yield p["simplified"], name, page["page"]


def test_every_person_is_found_on_the_right_file_and_page(sample_config, truth):
    expected = list(_where(truth))
    found = 0
    misses = []
    for name, file, page in expected:
        hits = search_json(sample_config, "--person", name, "--limit", "20")["hits"]
        if any(h["path"] == file and h["page"] == page for h in hits):
            found += 1
        else:
            misses.append((name, file, page))
    recall = found / len(expected)
    print(f"person recall {recall:.3f} ({found}/{len(expected)}); misses: {misses}")
    assert recall >= 0.95, misses


def test_a_labelled_person_ranks_their_own_form_first(sample_config):
    hits = search_json(sample_config, "--person", "王秀英")["hits"]
    assert hits[0]["path"].startswith(("X012-WS·1993-Y-0031", "IMG_"))
    assert "王秀英" in hits[0]["persons"]
    assert "【" not in hits[0]["snippet"]  # JSON snippets are plain text


def test_every_document_number_is_found_by_its_normalised_form(sample_config, truth):
    expected = {(d["normalized"], name, page["page"]) for name, f in truth["files"].items()
                for page in f["pages"] for d in page["doc_numbers"]}
    found = 0
    for canonical, file, page in expected:
        hits = search_json(sample_config, "--policy", canonical, "--limit", "50")["hits"]
        found += any(h["path"] == file and h["page"] == page for h in hits)
    recall = found / len(expected)
    print(f"文号 recall {recall:.3f} ({found}/{len(expected)})")
    assert recall >= 0.9


def test_a_document_number_typed_in_another_variant_finds_the_same_pages(sample_config):
    a = search_json(sample_config, "--policy", "劳人薪〔1985〕41号", "--limit", "50")
    b = search_json(sample_config, "--policy", "劳人薪[85]41号", "--limit", "50")
    assert a["total"] > 0
    assert [h["path"] for h in a["hits"]] == [h["path"] for h in b["hits"]]


def test_year_filter_returns_only_pages_with_that_year(sample_config, truth):
    result = search_json(sample_config, "--year", "1985", "--limit", "100")
    assert result["total"] > 0
    for h in result["hits"]:
        assert 1985 in h["years"]
    truth_pages = {(n, p["page"]) for n, f in truth["files"].items() for p in f["pages"]
                   if 1985 in p["years"]}
    returned = {(h["path"], h["page"]) for h in result["hits"]}
    false_positives = returned - truth_pages
    assert not false_positives, false_positives


def test_year_range_and_type_filters(sample_config, truth):
    result = search_json(sample_config, "--from", "1990", "--to", "1999", "--type",
                         "retirement", "--limit", "100")
    assert result["total"] > 0
    for h in result["hits"]:
        assert h["doc_type"] == "retirement"
        assert any(1990 <= y <= 1999 for y in h["years"])
    types = {n: f["doc_type"] for n, f in truth["files"].items()}
    wrong = [h["path"] for h in result["hits"] if types[h["path"]] != "retirement"]
    assert not wrong


def test_document_types_match_the_truth(sample_config, truth):
    right = total = 0
    for doc_type in ("wage_adjustment", "recruitment", "community_teacher", "military",
                     "retirement"):
        hits = search_json(sample_config, "--type", doc_type, "--from", str(MIN_YEAR),
                           "--to", str(max_year()), "--limit", "200")["hits"]
        for h in hits:
            total += 1
            right += truth["files"][h["path"]]["doc_type"] == doc_type
    assert total > 30 and right / total >= 0.95


def test_pdf_text_layer_and_traditional_records_are_searchable(sample_config):
    hits = search_json(sample_config, "--person", "单国栋")["hits"]
    assert hits and hits[0]["path"].endswith(".pdf")
    hits = search_json(sample_config, "--person", "陈秀兰")["hits"]  # printed as 陳秀蘭
    assert hits and hits[0]["path"].startswith("X012-WS·1962-Y-0005")


def test_status_reports_the_batch(sample_config):
    status = json.loads(run_dangan(sample_config, "status", "--json").stdout)
    assert status["pages"] >= 40 and status["failed_files"] == 0
    assert status["last_batch"]["summary"]["pages"] >= 0


# ----------------------------------------------------------------------- incremental
def _copy(names: list[str], dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    for n in names:
        shutil.copy2(SCANS / n, dest / n)


def _summary(proc) -> str:
    return proc.stdout


def test_incremental_runs_skip_unchanged_replace_changed_and_prune(tmp_path):
    folder = tmp_path / "scans"
    _copy(["scan0007.jpg", "东政发〔1993〕52号关于做好工资套改工作的通知.pdf"], folder)
    cfg = write_config(tmp_path / "config.toml", folder, tmp_path)
    first = run_dangan(cfg, "index")
    assert "2 indexed" in first.stdout

    t0 = time.monotonic()
    second = run_dangan(cfg, "index")
    assert "0 indexed, 2 unchanged" in second.stdout, second.stdout
    assert "0 OCR'd" in second.stdout
    assert time.monotonic() - t0 < 30  # process start-up dominates; no OCR, no hashing

    # Replace the letter by another scan under the same name: only it is re-indexed.
    shutil.copy2(SCANS / "scan0008.png", folder / "scan0007.jpg")
    third = run_dangan(cfg, "index")
    assert "1 indexed, 1 unchanged" in third.stdout, third.stdout
    assert search_json(cfg, "--person", "瞿德明")["total"] == 0
    assert search_json(cfg, "--person", "朴永红")["total"] == 1

    (folder / "scan0007.jpg").unlink()
    fourth = run_dangan(cfg, "index", "--prune")
    assert "1 pruned" in fourth.stdout
    assert search_json(cfg, "--person", "朴永红")["total"] == 0
    assert search_json(cfg, "--person", "单国栋")["total"] == 1


def test_kill_9_mid_batch_then_rerun_gives_no_duplicates_and_nothing_missing(tmp_path):
    names = ["X012-WS·1993-Y-0033-0001.jpg", "X012-WS·1993-Y-0033-0002.jpg",
             "scan0007.jpg", "scan0008.png", "工龄证明_覃桂兰.jpg", "IMG_20190412_0042.jpg"]
    folder = tmp_path / "scans"
    _copy(names, folder)
    cfg = write_config(tmp_path / "config.toml", folder, tmp_path, commit_every=1, workers=2)
    proc = subprocess.Popen([*DANGAN, "--config", str(cfg), "index"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    committed = wait_for_rows(tmp_path / "data" / "pages.sqlite3", "files", 2, proc)
    assert proc.poll() is None, "the batch finished before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)  # the writer and its OCR workers, as a crash would
    proc.wait()
    assert committed < len(names)

    rerun = run_dangan(cfg, "index")
    assert "0 failed" in rerun.stdout
    status = json.loads(run_dangan(cfg, "status", "--json").stdout)
    assert status["files"] == len(names)
    # Every page exactly once in the index.
    from dangan.search.backend import SearchIndex

    index = SearchIndex(tmp_path / "index")
    keys = list(index.all_keys())
    index.close()
    assert len(keys) == len(set(keys)) == len(names)


def test_bad_files_are_reported_and_good_files_beside_them_are_indexed(tmp_path):
    folder = tmp_path / "scans"
    _copy(["东政发〔1993〕52号关于做好工资套改工作的通知.pdf", "scan0008.png"], folder)
    (folder / "empty.jpg").write_bytes(b"")
    data = (SCANS / "scan0007.jpg").read_bytes()
    (folder / "truncated.jpg").write_bytes(data[: len(data) // 4])
    (folder / "readme.png").write_text("not an image", encoding="utf-8")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    from PIL import Image
    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(595, 842)
    w.encrypt(user_password="secret")
    with open(folder / "locked.pdf", "wb") as f:
        w.write(f)
    Image.new("1", (12000, 12000)).save(folder / "bomb.png")

    cfg = write_config(tmp_path / "config.toml", folder, tmp_path)
    proc = run_dangan(cfg, "index")  # exit 0: the index itself was written
    out = proc.stdout
    for bad, reason in [("empty.jpg", "空"), ("truncated.jpg", "损坏"), ("readme.png", "图像"),
                        ("broken.pdf", "PDF"), ("locked.pdf", "加密"), ("bomb.png", "像素")]:
        line = next((ln for ln in out.splitlines() if bad in ln), "")
        assert reason in line, (bad, out)
    assert "2 indexed, 0 unchanged, 6 failed" in out
    assert search_json(cfg, "--person", "朴永红")["total"] == 1
    report = sorted((tmp_path / "data" / "reports").glob("batch-*.txt"))[-1]
    assert "locked.pdf" in report.read_text(encoding="utf-8")
    status = json.loads(run_dangan(cfg, "status", "--json").stdout)
    assert status["failed_files"] == 6


def test_search_cli_explains_bad_queries(sample_config):
    proc = run_dangan(sample_config, "search", "--year", "3000", "--person", "王", check=False)
    assert proc.returncode == 2
    assert "超出范围" in proc.stderr and "Traceback" not in proc.stderr


def test_dangan_index_without_config_file_uses_defaults(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "dangan.cli", "--config",
                           str(tmp_path / "missing.toml"), "status"], capture_output=True,
                          text=True)
    assert proc.returncode == 2 and "not found" in proc.stderr


# ----------------------------------------------------------------- search quality (issue 4)
def _first(config, *args):
    return search_json(config, *args)["hits"][0]


def test_the_citizens_story_a_homophone_on_a_roster_row_is_found_with_its_reason(sample_config):
    hits = search_json(sample_config, "--person", "王秀英", "--year", "1993")["hits"]
    roster = next(h for h in hits if h["path"].startswith("X012-WS·1993-Y-0033"))
    assert roster["why"] == ["同音：王秀瑛"] and roster["row"] == 1
    x1, y1, x2, y2 = roster["box"]
    assert x2 - x1 > 5 * (y2 - y1)  # the whole row, not the page
    assert hits[0]["why"] == ["精确"]  # her own form ranks above the homophone


def test_a_year_typed_as_clerks_write_it_finds_the_same_pages_as_the_full_year(sample_config):
    def paths(year):
        return [h["path"] for h in search_json(sample_config, "--person", "王秀英",
                                                "--year", year)["hits"]]

    assert paths("93") == paths("1993") and paths("93")


def test_a_look_alike_typed_name_finds_the_person(sample_config):
    hit = _first(sample_config, "--person", "王季英")
    assert hit["why"][0].startswith("形近")


def test_a_former_name_finds_the_current_one(sample_config):
    paths = {h["path"]: h["why"] for h in
             search_json(sample_config, "--person", "曾满仓", "--limit", "20")["hits"]}
    assert "X012-WS·1985-Y-0012-0001.jpg" in paths  # his own form, under his current name
    assert paths["X012-WS·1985-Y-0012-0001.jpg"] == ["现用名：曾广才"]


def test_traditional_print_is_explained(sample_config):
    hit = _first(sample_config, "--person", "陈秀兰")
    assert hit["why"] == ["繁简：陈秀兰"]


def test_policy_names_find_pages_by_document_number_or_keywords_and_years(sample_config):
    result = search_json(sample_config, "--policy", "93套改", "--limit", "50")
    assert result["total"] >= 5
    assert all(1993 in h["years"] or set(h["doc_numbers"]) & {
        "国发〔1993〕79号", "甘政发〔1993〕45号", "东政发〔1993〕52号"} for h in result["hits"])
    assert result["hits"][0]["why"][0].startswith("政策：1993年工资套改")
    # 周红梅's 1997-2006 工资调整 forms say 工资调整 and her 1994 参加工作, but were written
    # years after the reform: another adjustment, not 93套改.
    assert not any("周红梅" in h["path"] for h in result["hits"])


def test_free_text_phrase_and_exclusion(sample_config):
    both = search_json(sample_config, '"工资套改"', "--limit", "50")
    without = search_json(sample_config, '"工资套改"', "-通知", "--limit", "50")
    assert any(h["path"].endswith(".pdf") for h in both["hits"])  # the notice mentions it
    assert both["total"] > without["total"] > 0
    assert not any(h["path"].endswith(".pdf") for h in without["hits"])


def test_whoosh_syntax_for_power_users(sample_config):
    result = search_json(sample_config, "--syntax", "whoosh", "套改 OR 退伍")
    assert result["total"] > 0


def test_facets_count_types_and_decades(sample_config):
    result = search_json(sample_config, "--facets", "--from", "1980", "--to", "1999",
                         "--limit", "5")
    assert sum(result["facets"]["doc_type"].values()) == result["total"]
    assert "1990s" in result["facets"]["decade"]
