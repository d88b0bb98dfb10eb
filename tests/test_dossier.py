"""The person dossier (人员档案线索): a name's records gathered from a real index and page
store, grouped into candidate persons with reasons, the facts with their sources, conflicts,
the birth-date rule (劳社部发〔1999〕8号), the timeline and 连续工龄, staff decisions."""

from __future__ import annotations

import pytest
import sqlalchemy
from archivekit import index, make_archive

from dangan import config as config_mod
from dangan.dossier import open_dossier
from dangan.dossier.rules import BIRTH_RULE
from dangan.indexer.store import PageStore
from dangan.register.accounts import Database
from dangan.register.dossiers import decisions_for, record_decision
from dangan.search.backend import SearchIndex

FILES = {
    # 刘桂芬 of the knitting mill: her 1958 招工登记表 says 1941.4, later forms 一九四二年四月
    "liu/招工登记表.pdf": ["招工登记表", "姓名 刘桂芬 曾用名 刘二妮 性别 女",
                          "出生年月 1941.4 招工时间 1958年3月",
                          "招工单位 东岭县针织厂 填报日期 1958年3月5日"],
    "liu/工资调整.pdf": ["职工工资调整审批表", "姓名 刘桂芬 性别 女 出生年月 一九四二年四月",
                        "工作单位 东岭县针织厂 参加工作时间 1958年3月",
                        "原工资等级 五级 原标准 55.50元 调整后等级 六级 新标准 62.00元",
                        "执行时间 1985年10月"],
    "liu/退休审批.pdf": ["职工退休审批表", "姓名 刘桂芬 性别 女 出生年月 一九四二年四月",
                        "参加工作时间 1958.3 退休时间 1992年4月", "单位 东岭县针织厂"],
    # her name written 刘桂芳 (形近): listed apart until staff confirm it
    "liu/scan0031.pdf": ["职工工资调整审批表", "姓名 刘桂芳 性别 女 出生年月 1941年4月",
                         "工作单位 东岭县针织厂 参加工作时间 1958年3月", "执行时间 1993年10月"],
    # another 刘桂芬: born 1948, another unit
    "other/工资调整.pdf": ["职工工资调整审批表", "姓名 刘桂芬 性别 女 出生年月 1948年2月",
                          "工作单位 东岭县百货公司 参加工作时间 1968年9月",
                          "执行时间 1993年10月"],
    # a restricted record of the first 刘桂芬
    "X012-WS·1990-Y-0001.pdf": ["职工调动审批表", "姓名 刘桂芬 性别 女 出生年月 1941年4月",
                                "工作单位 东岭县针织厂 参加工作时间 1958年3月 填报日期 1990年1月"],
}
CATALOG = ("档号,题名,责任者,日期,保管期限,开放标识\n"
           "X012-WS·1990-Y-0001,刘桂芬调动审批表,东岭县针织厂,19900105,永久,控制\n")


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    root = tmp_path_factory.mktemp("dossier")
    cfg = make_archive(root, FILES, CATALOG)
    index(cfg)
    c = config_mod.load(cfg)
    store, idx = PageStore(c.store_path), SearchIndex(c.index_dir)
    yield c, store, idx
    idx.close()
    store.close()


def _open(archive, decisions=(), cleared=()):
    _, store, idx = archive
    return open_dossier(idx, store, "刘桂芬", decisions, cleared)


def _paths(person):
    return sorted(r.path for r in person.group.records)


def test_same_name_people_are_two_candidate_persons_with_reasons(archive):
    d = _open(archive)
    assert [_paths(p) for p in d.persons] == [
        ["liu/工资调整.pdf", "liu/招工登记表.pdf", "liu/退休审批.pdf"], ["other/工资调整.pdf"]]
    first = d.persons[0]
    reasons = [first.group.reasons[r.key] for r in first.group.records]
    assert all("参加工作时间相同（1958-03）" in why and "单位相同（东岭县针织厂）" in why
               for why in reasons)


def test_a_variant_spelling_is_listed_apart_with_the_group_it_fits(archive):
    d = _open(archive)
    assert [(r.name, r.relation, fits) for r, fits, _ in d.variants] == [("刘桂芳", "形近", 0)]


def test_a_restricted_record_is_left_out_unless_cleared(archive):
    assert all(r.path != "X012-WS·1990-Y-0001.pdf" for r in _open(archive).records)
    cleared = _open(archive, cleared=["X012-WS·1990-Y-0001"])
    assert "X012-WS·1990-Y-0001.pdf" in _paths(cleared.persons[0])


def test_conflicting_birth_dates_are_all_shown_and_the_earliest_record_decides(archive):
    person = _open(archive).persons[0]
    births = next(f for f in person.facts if f.kind == "birth")
    assert births.conflict
    assert [(v.text, sorted(s.record.date for s in v.sources)) for v in births.values] == [
        ("1941.4", ["1958-03-05"]), ("一九四二年四月", ["1985-10", "1992-04"])]
    rule = person.birth
    assert (rule.value, rule.text, rule.record_date, rule.rule) == (
        "1941-04", "1941.4", "1958-03-05", BIRTH_RULE)
    assert person.record(rule.record_key).path == "liu/招工登记表.pdf"
    assert "最先记载" in rule.explanation and "1958-03-05" in rule.explanation


def test_facts_carry_their_sources_and_the_former_name(archive):
    person = _open(archive).persons[0]
    facts = {f.kind: f for f in person.facts}
    assert [v.value for v in facts["former_name"].values] == ["刘二妮"]
    assert [v.value for v in facts["unit"].values] == ["东岭县针织厂"]
    assert len(facts["unit"].values[0].sources) == 3
    assert (facts["wage_before"].values[0].value, facts["wage_after"].values[0].value) == (
        "55.50", "62.00")


def test_timeline_and_service_from_the_earliest_recorded_start(archive):
    person = _open(archive).persons[0]
    assert [(e.date[:7], e.what) for e in person.timeline] == [
        ("1941-04", "出生"), ("1958-03", "招工"), ("1958-03", "参加工作"),
        ("1985-10", "工资调整"), ("1992-04", "退休")]
    wage = next(e for e in person.timeline if e.what == "工资调整")
    assert wage.detail == "原 五级 55.50元 → 六级 62.00元；执行时间 1985年10月"
    s = person.service
    assert (s.start, s.end, s.end_is_retirement, s.years, s.months) == (
        "1958-03", "1992-04", True, 34, 1)
    assert s.gaps == [("1958-03", "1985-10")]  # 27 years with nothing on file


def test_staff_confirm_a_variant_split_a_record_and_the_decisions_are_kept(archive, tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'r.sqlite3'}")
    user = db.add_user("clerk", "password123")
    d = _open(archive)
    variant = d.variants[0][0]
    record_decision(db, user_id=user.id, name="刘桂芬", action="confirm",
                    keys=[*d.persons[0].group.keys, variant.key])
    d = _open(archive, decisions_for(db, "刘桂芬"))
    assert d.variants == [] and d.persons[0].group.confirmed
    assert "liu/scan0031.pdf" in _paths(d.persons[0])
    assert "形近（刘桂芳），工作人员确认为同一人" in d.persons[0].group.reasons.values()
    retired = next(r for r in d.persons[0].group.records if r.path == "liu/退休审批.pdf")
    record_decision(db, user_id=user.id, name="刘桂芬", action="split", keys=[retired.key])
    d = _open(archive, decisions_for(db, "刘桂芬"))
    assert [(len(p.group.records), p.group.confirmed) for p in d.persons] == [
        (3, True), (1, False), (1, False)]
    assert _paths(d.persons[1]) == ["liu/退休审批.pdf"]
    with pytest.raises(sqlalchemy.exc.IntegrityError), db.engine.begin() as c:
        c.exec_driver_sql("DELETE FROM dossier_decisions")  # append-only, like the register
