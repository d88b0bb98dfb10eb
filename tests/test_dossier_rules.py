"""The dossier's rules on records built by hand: the birth-date rule, what makes two records
one person, what a conflict is, and how 连续工龄 is counted."""

from __future__ import annotations

from dangan.dossier.appearances import Record
from dangan.dossier.dossier import assemble
from dangan.dossier.facts import person_facts
from dangan.dossier.grouping import HARD, evidence, group_records
from dangan.dossier.rules import earliest_recorded_birth
from dangan.dossier.timeline import service
from dangan.indexer.facts import Fact


def rec(key: str, date: str, relation: str = "精确", **facts) -> Record:
    return Record(key=key, page_id=int(key), path=f"{key}.jpg", page=1, document=key,
                  archive_code="", doc_type="other", title="", date=date, relation=relation,
                  name="刘桂芬", facts=[Fact(k, v, v) for k, v in facts.items()])


def test_the_rule_takes_the_earliest_dated_records_birth_date_and_says_which():
    records = [rec("2", "1985-10", birth="1942-04"), rec("1", "1958-03-05", birth="1941-04"),
               rec("3", "", birth="1940-01")]  # undated: cannot be shown to be earliest
    choice = earliest_recorded_birth(records)
    assert (choice.value, choice.record_key, choice.record_date) == ("1941-04", "1", "1958-03-05")
    assert earliest_recorded_birth([rec("4", "1990-01")]) is None


def test_an_id_number_or_gender_that_differs_keeps_two_records_apart_whatever_else_agrees():
    a = rec("1", "1990", id_number="620421194104124821", unit="东岭县针织厂", work_start="1958-03")
    b = rec("2", "1991", id_number="620421194204124820", unit="东岭县针织厂", work_start="1958-03")
    assert evidence(a, b)[0] == HARD
    c, d = rec("3", "1990", gender="女", birth="1941-04"), rec("4", "1991", gender="男",
                                                               birth="1941-04")
    assert evidence(c, d) == (HARD, ["性别不同"])


def test_a_birth_year_one_off_with_everything_else_agreeing_is_one_person():
    a = rec("1", "1958", birth="1941-04", work_start="1958-03", unit="东岭县针织厂")
    b = rec("2", "1985", birth="1942-04", work_start="1958-03", unit="东岭县针织厂")
    c = rec("3", "1993", birth="1948-02", work_start="1968-09", unit="东岭县百货公司")
    g = group_records([a, b, c])
    assert [[r.key for r in x.records] for x in g.groups] == [["1", "2"], ["3"]]
    assert "出生年月相近" in g.groups[0].reasons["1"]


def test_a_variant_spelling_waits_for_staff_and_a_bare_mention_joins_the_only_candidate():
    a = rec("1", "1958", birth="1941-04", work_start="1958-03")
    v = rec("2", "1985", relation="形近", birth="1941-04", work_start="1958-03")
    mention = rec("3", "1990", relation="正文提及")
    g = group_records([a, v, mention])
    assert [[r.key for r in x.records] for x in g.groups] == [["1", "3"]]
    assert [(r.key, fits) for r, fits, _ in g.variants] == [("2", 0)]


def test_dates_written_more_or_less_precisely_agree_and_are_no_conflict():
    facts = person_facts([rec("1", "1958", birth="1941-04"), rec("2", "1985", birth="1941-04-12"),
                          rec("3", "1993", wage_before="55.50"), rec("4", "1994",
                                                                      wage_before="92.00")])
    by = {f.kind: f for f in facts}
    # each quoted as written: the month is not credited with the day
    assert [v.value for v in by["birth"].values] == ["1941-04", "1941-04-12"]
    assert not by["birth"].conflict
    assert not by["wage_before"].conflict  # a wage changes over a working life


def test_service_counts_from_the_earliest_start_to_retirement_and_names_the_gaps():
    records = [rec("1", "1958-03", recruited="1958-03"), rec("2", "1985-10",
                                                             wage_effective="1985-10"),
               rec("3", "1992-04", work_start="1958-05", retired="1992-04")]
    s = service(records)
    assert (s.start, s.end, s.years, s.months, s.end_is_retirement) == (
        "1958-03", "1992-04", 34, 1, True)
    assert s.gaps == [("1958-05", "1985-10")]


def test_staff_decisions_are_applied_in_order():
    a = rec("1", "1958", birth="1941-04", work_start="1958-03")
    b = rec("2", "1985", birth="1941-04", work_start="1958-03")

    class D:
        def __init__(self, action, keys):
            self.action, self.keys = action, keys

    d = assemble("刘桂芬", [a, b], [D("split", ["2"]), D("merge", ["1", "2"]),
                                   D("confirm", ["1"])])
    assert [([r.key for r in p.group.records], p.group.confirmed) for p in d.persons] == [
        (["1", "2"], True)]


def _row(key: str, date: str, row: int, **facts) -> Record:
    r = rec(key, date, **facts)
    r.row = row
    return r


def test_each_wage_change_is_one_event_with_its_figures_and_its_source_row():
    form = rec("1", "1985-07-20", grade_before="五级", wage_before="54.71", grade_after="六级",
               wage_after="71.01", wage_raise="16.30", wage_doc="劳人薪〔1985〕41号",
               wage_effective="1985-07", birth="1933-12-14")
    roster85 = _row("2", "1985", 4, wage_before="150.09", wage_after="205.55", birth="1933-12")
    roster93 = _row("3", "1993", 7, wage_before="101.16", wage_after="159.27",
                    wage_raise="58.11", birth="1933-12")
    person = assemble("曾广才", [form, roster85, roster93]).persons[0]
    wages = [(e.date, e.detail) for e in person.timeline if e.what == "工资调整"]
    assert wages == [
        ("1985", "原 150.09元 → 205.55元（第4行）"),
        ("1985-07", "原 五级 54.71元 → 六级 71.01元；增资额 16.30元；依据 劳人薪〔1985〕41号；"
                    "执行时间 1985-07"),
        ("1993", "原 101.16元 → 159.27元；增资额 58.11元（第7行）")]


def test_a_date_is_quoted_as_written_and_a_day_agrees_with_its_month():
    records = [rec("1", "1960", birth="1933-12-14"), rec("2", "1985", birth="1933-12"),
               rec("3", "1993", birth="1933-12")]
    birth = next(f for f in person_facts(records) if f.kind == "birth")
    assert [(v.value, [s.record.key for s in v.sources]) for v in birth.values] == [
        ("1933-12-14", ["1"]), ("1933-12", ["2", "3"])]
    assert not birth.conflict
    records.append(rec("4", "1995", birth="1934-12"))
    assert next(f for f in person_facts(records) if f.kind == "birth").conflict


def test_derived_dates_are_shown_in_one_form():
    from dangan.dossier.timeline import shown_date

    assert [shown_date(x) for x in ("1939-12-23", "1933-12", "1933", "")] == [
        "1939年12月23日", "1933年12月", "1933年", ""]


def test_service_without_a_retirement_says_it_runs_to_the_last_record():
    from dangan.dossier.timeline import service_line

    s = service([rec("1", "1993-11", work_start="1956-06")])
    assert not s.end_is_retirement
    line = service_line(s)
    assert "截至最后记载" in line and not line.startswith("连续工龄")
    s = service([rec("1", "1958", work_start="1958-03"), rec("2", "1992", retired="1992-04")])
    assert service_line(s).startswith("连续工龄：自最早记载的参加工作时间 1958年3月 至退休 1992年4月")


def test_a_look_alike_whose_unit_birth_and_start_all_differ_is_called_another_person():
    a = rec("1", "1993", birth="1939-12", work_start="1961-12", unit="东岭县水泥厂")
    v = rec("2", "1985", relation="同音", birth="1935-04", work_start="1956-06",
            unit="东岭县粮食局")
    g = group_records([a, v])
    why = g.variants[0][2]
    assert why.startswith("记载表明为另一人") and "出生年月不同" in why and "单位不同" in why


def test_a_roster_dated_by_its_year_alone_is_dated_that_year():
    from dangan.dossier.appearances import record_date

    fields = {"dates": ["1933-12", "1955-03"], "years": [1933, 1955, 1993]}
    assert record_date(fields, None) == "1993"
    assert record_date({"dates": ["1985-07-20"], "years": [1985]}, None) == "1985-07-20"


def test_a_wage_change_on_a_form_and_on_a_roster_row_is_one_event():
    form = rec("1", "1993-11-20", wage_before="101.16", wage_after="159.27",
               wage_effective="1993-10", birth="1933-12", work_start="1955-03")
    row = _row("2", "1993", 3, wage_before="101.16", wage_after="159.27", wage_raise="58.11",
               birth="1933-12", work_start="1955-03")
    person = assemble("曾广才", [form, row]).persons[0]
    assert [e.date for e in person.timeline if e.what == "工资调整"] == ["1993-10"]
