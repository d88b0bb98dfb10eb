"""Importing a catalogue (目录) kept in a spreadsheet: the report names every row without a
scan, every scan without a row, every 开放标识 the rule does not know and every 档号 given
twice, and which items would open or close — before anything changes; --apply then imports
and the index follows at once, without OCR."""

from __future__ import annotations

import pytest
from archivekit import CLOSED_CODE, OPEN_CODE, RESTRICTED_CODE, index, make_archive
from conftest import run_dangan

from dangan import config as config_mod
from dangan.indexer.catalog import CatalogError, read_catalog, read_rows
from dangan.indexer.catalog_import import import_catalogue
from dangan.indexer.store import PageStore
from dangan.search.backend import SearchIndex
from dangan.search.query import SearchRequest
from dangan.search.searching import search

HEADER = ["档号", "题名", "责任者", "日期", "保管期限", "开放标识", "题名开放"]
NO_SCAN = "X012-WS·1999-Y-0001"


def _xlsx(path, rows):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["东岭县档案馆 民生档案目录"])  # the title row spreadsheets carry
    sheet.append(HEADER)
    for r in rows:
        sheet.append(r)
    book.save(path)
    return path


ROWS = [
    [RESTRICTED_CODE, "解玉堂1985年工资调整审批表", "东岭县粮食局", 19851006, "永久", "开放", ""],
    [OPEN_CODE, "曾广才1985年工资调整审批表", "东岭县第二机床厂", 19851003, "永久", "开放", ""],
    [NO_SCAN, "无扫描件的条目", "东岭县劳动局", 19990101, "永久", "开放", ""],
    [OPEN_CODE, "曾广才1985年工资调整审批表", "东岭县第二机床厂", 19851003, "永久", "待定", ""],
]


@pytest.fixture()
def kit(tmp_path):
    cfg_path = make_archive(tmp_path)
    index(cfg_path)
    return cfg_path, config_mod.load(cfg_path), _xlsx(tmp_path / "目录.xlsx", ROWS)


def _restricted(cfg, code: str) -> bool:
    ix, store = SearchIndex(cfg.index_dir), PageStore(cfg.store_path)
    try:
        hits = search(ix, SearchRequest(archive_code=code), store.page_view, store.aliases_of,
                      show_restricted=True).hits
        return hits[0].restricted
    finally:
        ix.close()
        store.close()


def test_a_spreadsheet_reads_like_the_csv_export(kit):
    _, _, xlsx = kit
    rows = read_rows(xlsx)
    assert [r.line for r in rows] == [3, 4, 5, 6]  # as the clerk sees them in the sheet
    entry = read_catalog(xlsx)[RESTRICTED_CODE]
    assert (entry.date, entry.openness, entry.creator) == ("19851006", "开放", "东岭县粮食局")
    assert read_catalog(xlsx)[OPEN_CODE].openness == "待定"  # a 档号 twice: the later row


def test_the_report_comes_first_and_changes_nothing(kit):
    _, cfg, xlsx = kit
    report = import_catalogue(cfg, xlsx)
    assert not report.applied and report.has_problems
    assert report.duplicates == {OPEN_CODE: [4, 6]}
    assert report.bad_openness == [(6, OPEN_CODE, "无法识别的开放标识“待定”（按受控处理）")]
    assert report.no_scan == [(5, NO_SCAN)]
    assert report.no_row == [CLOSED_CODE]
    assert report.opens == [RESTRICTED_CODE] and report.closes == [OPEN_CODE]
    assert "尚未做任何改动" in report.lines()[-1]
    assert _restricted(cfg, RESTRICTED_CODE) and not _restricted(cfg, OPEN_CODE)


def test_apply_imports_and_the_index_follows_at_once(kit):
    _, cfg, xlsx = kit
    report = import_catalogue(cfg, xlsx, apply=True)
    assert report.applied and report.reindexed_pages == 2
    assert not _restricted(cfg, RESTRICTED_CODE) and _restricted(cfg, OPEN_CODE)
    again = import_catalogue(cfg, xlsx)
    assert again.new == [] and again.changed == [] and again.opens == []


def test_the_command_prints_the_report_and_says_how_to_apply(kit, tmp_path):
    cfg_path, _, xlsx = kit
    out = run_dangan(cfg_path, "catalog", str(xlsx), check=False)
    assert out.returncode == 1  # problems named
    assert f"重复档号 DUPLICATE {OPEN_CODE}：第 4、6 行" in out.stdout
    assert f"无对应扫描件 NO SCAN 第 5 行 {NO_SCAN}" in out.stdout
    assert f"扫描件无目录行 NO ROW {CLOSED_CODE}" in out.stdout
    assert "--apply" in out.stdout
    broken = tmp_path / "坏.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really")
    out = run_dangan(cfg_path, "catalog", str(broken), check=False)
    assert out.returncode == 2 and "不是可读的 .xlsx 文件" in out.stderr


def test_a_sheet_without_a_dangan_column_is_refused(tmp_path):
    path = _xlsx(tmp_path / "x.xlsx", [])
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["题名", "日期"])
    book.save(path)
    with pytest.raises(CatalogError, match="no 档号 column"):
        read_rows(path)


def test_an_admin_uploads_reads_the_report_and_then_imports(kit):
    import io

    from webhelpers import login, make_app, token

    cfg_path, cfg, xlsx = kit
    app = make_app(cfg_path, cfg.data_dir)
    clerk = login(app.test_client())
    assert clerk.get("/admin/catalog/").status_code == 403
    boss = login(app.test_client(), "boss", "boss-password")
    t = token(boss, "/admin/catalog/")
    r = boss.post("/admin/catalog/", data={"csrf_token": t, "file": (
        io.BytesIO(xlsx.read_bytes()), "目录.xlsx")}, content_type="multipart/form-data")
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and f"重复档号 DUPLICATE {OPEN_CODE}" in page
    assert "将有 1 件受控档案变为开放" in page and _restricted(cfg, RESTRICTED_CODE)
    name = page.split('name="name" value="')[1].split('"')[0]
    r = boss.post("/admin/catalog/apply", data={"csrf_token": t, "name": name})
    assert "已导入" in boss.get(r.headers["Location"]).get_data(as_text=True)
    assert not _restricted(cfg, RESTRICTED_CODE)
    for bad in ("../../config.toml", "x.xlsx"):
        assert boss.post("/admin/catalog/apply", data={"csrf_token": t, "name": bad}
                         ).status_code == 400
    r = boss.post("/admin/catalog/", data={"csrf_token": t, "file": (
        io.BytesIO(b"PK\x03\x04broken"), "坏.xlsx")}, content_type="multipart/form-data")
    assert "无法读取目录" in boss.get(r.headers["Location"]).get_data(as_text=True)
