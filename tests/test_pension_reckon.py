"""退休时间线测算 on a real dossier (text PDFs indexed into a real Whoosh index and page store):
each figure with the facts it rests on and their records, every uncertainty in words."""

from __future__ import annotations

import pytest
from archivekit import index, make_archive

from dangan import config as config_mod
from dangan.dossier import open_dossier
from dangan.indexer.store import PageStore
from dangan.pension.reckon import NOTICE, reckon
from dangan.pension.special import PensionSettings, load_special_jobs
from dangan.search.backend import SearchIndex

MILL = "东岭县农机修造厂"
FILES = {
    # 周红梅, a woman worker born 1975-02: 合同制 hire as 喷漆工 in 1994, wage forms 1997 and
    # 2003 still 喷漆工, 2006 装配工.
    "zhou/招工登记表.pdf": ["劳动合同制工人招工登记表", "姓名 周红梅 性别 女 出生年月 1975.2",
                          "用工形式 合同制 工种 喷漆工 招工时间 1994.3",
                          f"招工单位 {MILL} 填报日期 1994年3月8日"],
    "zhou/工资1997.pdf": ["职工工资调整审批表", "姓名 周红梅 性别 女 出生年月 1975年2月",
                         f"工作单位 {MILL} 参加工作时间 1994年3月", "职务(工种) 喷漆工",
                         "执行时间 1997年7月"],
    "zhou/工资2003.pdf": ["职工工资调整审批表", "姓名 周红梅 性别 女 出生年月 1975年2月",
                         f"工作单位 {MILL} 参加工作时间 1994年3月", "职务(工种) 喷漆工",
                         "执行时间 2003年7月"],
    "zhou/工资2006.pdf": ["职工工资调整审批表", "姓名 周红梅 性别 女 出生年月 1975年2月",
                         f"工作单位 {MILL} 参加工作时间 1994年3月", "职务(工种) 装配工",
                         "执行时间 2006年10月"],
    # 孙丽华: a woman whose one record says neither 干部 nor 工人 (职务 保管)
    "sun/工资1993.pdf": ["职工工资调整审批表", "姓名 孙丽华 性别 女 出生年月 1972年6月",
                        "工作单位 东岭县百货公司 参加工作时间 1990年9月", "职务(工种) 保管",
                        "执行时间 1993年10月"],
    # 李建军: a man born 1965-03, started 1983
    "li/工资1993.pdf": ["职工工资调整审批表", "姓名 李建军 性别 男 出生年月 1965年3月",
                       "工作单位 东岭县水泥厂 参加工作时间 1983年7月", "职务(工种) 车工",
                       "执行时间 1993年10月"],
    # 吴建国: a man whose one record gives his birth and start of work as years only
    "wu/登记表.pdf": ["职工登记表", "姓名 吴建国 性别 男 出生年月 1965年",
                     "工作单位 东岭县水泥厂 参加工作时间 1983年"],
}


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    root = tmp_path_factory.mktemp("pension")
    cfg = make_archive(root, FILES)
    index(cfg)
    c = config_mod.load(cfg)
    store, idx = PageStore(c.store_path), SearchIndex(c.index_dir)
    yield store, idx
    idx.close()
    store.close()


def _reckon(archive, name, account_start="1996-01"):
    store, idx = archive
    d = open_dossier(idx, store, name)
    assert len(d.persons) == 1
    person = d.persons[0]
    return person, reckon(person, PensionSettings(account_start, load_special_jobs()))


def _line(r, key, prefix=""):
    return next(ln for ln in r.lines if ln.key == key and ln.label.startswith(prefix))


def test_a_woman_worker_born_1975_02_gets_the_tables_age_and_month(archive):
    person, r = _reckon(archive, "周红梅")
    assert r.notice == NOTICE == "测算参考；以社保经办机构核定为准"
    age = _line(r, "age")
    assert age.value == "原规定 50岁；2025年起新规定 50岁1个月"
    assert "原法定退休年龄为五十周岁的女职工" in age.notes[0]
    # rests on: 性别, the birth date by the rule, and the 用工形式 / 工种 saying 工人
    said = {(b.label, b.text) for b in age.basis}
    assert ("性别", "女") in said and ("出生时间（按最先记载）", "1975.2") in said
    assert ("身份", "合同制") in said and ("工种/职务", "喷漆工") in said
    assert {b.record_key for b in age.basis} <= set(person.group.keys)
    assert _line(r, "month").value == "原规定 2025年2月；新规定 2025年3月"
    assert _line(r, "flexible").value.startswith("最早可申请弹性提前退休 2025年2月（50岁）")
    assert "弹性延迟最晚 2028年3月" in _line(r, "flexible").value
    assert _line(r, "minimum").value == "2025年退休 15年"
    assert any("只记至月" in u for u in r.uncertainties)
    assert not any("干部" in u for u in r.uncertainties)


def test_deemed_years_run_from_the_earliest_start_to_the_account_start(archive):
    _, r = _reckon(archive, "周红梅")
    deemed = _line(r, "deemed")
    assert deemed.value == "1年10个月（测算上限）"
    assert [(b.label, b.text) for b in deemed.basis] == [("招工时间", "1994.3")]
    assert any("1994年3月" in n and "1996年1月" in n for n in deemed.notes)


def test_a_gap_between_records_is_named(archive):
    _, r = _reckon(archive, "李建军")  # started 1983-07, next record 1993-10, accounts 1996-01
    deemed = _line(r, "deemed")
    assert deemed.value == "12年6个月（测算上限）"
    assert "1983年7月 至 1993年10月 无档案记载，须另有材料证明连续工作" in deemed.notes


def test_deemed_years_are_not_reckoned_without_the_provinces_account_start(archive):
    _, r = _reckon(archive, "周红梅", account_start=None)
    assert "未配置本省建立个人账户的年月" in _line(r, "deemed").value


def test_special_job_stretch_with_its_records_and_the_classes_source(archive):
    _, r = _reckon(archive, "周红梅")
    special = _line(r, "special")
    assert special.value.startswith("喷漆工（其他有害身体健康）：1994年3月 至 2003年7月，记录跨度 9年4个月，"
                                    "已达该类累计年限")
    assert len(special.basis) == 3  # the 招工表 and the two wage forms saying 喷漆工
    assert any("须累计满8年" in n and "国发〔1978〕104号" in n for n in special.notes)
    assert any("2006年10月" in n and "装配工" in n for n in special.notes)
    assert "仅在经办机构认定符合条件时适用" in _line(r, "special_age").value
    assert "女45岁（2020年2月）" in _line(r, "special_age").value


def test_a_woman_whose_records_leave_the_original_age_open_gets_both(archive):
    _, r = _reckon(archive, "孙丽华")
    assert any("未载明干部或工人身份" in u for u in r.uncertainties)
    cadre, worker = _line(r, "month", "如为干部"), _line(r, "month", "如为工人")
    # born 1972-06: 干部 55 → 2027-06, 55岁8个月 → 2028-02; 工人 50 → 2022-06, untouched
    assert cadre.value == "原规定 2027年6月；新规定 2028年2月"
    assert worker.value == "原规定 2022年6月；新规定 2022年6月"
    assert "按原规定" in _line(r, "age", "如为工人").value
    assert _line(r, "flexible", "如为工人").value.startswith("不适用：原退休时间在2025年1月之前")
    assert _line(r, "flexible", "如为干部").value.startswith("最早可申请弹性提前退休 2027年6月")
    assert not [ln for ln in r.lines if ln.key == "special"]  # 保管 is on no list


def test_a_man_born_1965_03(archive):
    _, r = _reckon(archive, "李建军")
    assert _line(r, "age").value == "原规定 60岁；2025年起新规定 60岁1个月"
    assert _line(r, "month").value == "原规定 2025年3月；新规定 2025年4月"
    assert not [ln for ln in r.lines if ln.key == "special"]  # 车工 is on no list


def test_a_provinces_list_replaces_a_class_and_names_its_own_source(archive, tmp_path):
    local = tmp_path / "special.toml"
    local.write_text('source = "某省特殊工种名录（示例）"\n[[class]]\nname = "其他有害身体健康"\n'
                     'years = 10\njobs = ["喷漆"]\n', encoding="utf-8")
    store, idx = archive
    person = open_dossier(idx, store, "周红梅").persons[0]
    r = reckon(person, PensionSettings("1996-01", load_special_jobs(str(local))))
    special = _line(r, "special")
    assert "未达该类累计年限" in special.value  # 9年4个月 of 喷漆工 against 10
    assert any("须累计满10年（某省特殊工种名录（示例））" in n for n in special.notes)


def test_a_birth_known_only_to_the_year_gives_the_range_and_says_so(archive):
    _, r = _reckon(archive, "吴建国")
    # born January 1965: 60岁1个月 (2025-02); December 1965: 60岁3个月 (2026-03)
    assert _line(r, "age").value == "原规定 60岁；2025年起新规定 60岁1个月 至 60岁3个月"
    assert _line(r, "month").value == ("原规定 2025年1月 至 2025年12月；"
                                       "新规定 2025年2月 至 2026年3月")
    assert any("只记至年" in u and "1月和12月" in u for u in r.uncertainties)
    deemed = _line(r, "deemed")
    assert deemed.value == "13年（测算上限）"  # from January 1983, said to be the earliest
    assert any("只记至年" in n for n in deemed.notes)
