"""The dossier's rules on records built by hand: the birth-date rule, what makes two records
one person, what a conflict is, and how 连续工龄 is counted."""

from __future__ import annotations

from dangan.dossier.dossier import assemble
from dangan.dossier.facts import person_facts
from dangan.dossier.grouping import HARD, evidence, group_records
from dangan.dossier.records import Record
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


def test_dates_written_more_or_less_precisely_are_one_value_not_a_conflict():
    facts = person_facts([rec("1", "1958", birth="1941-04"), rec("2", "1985", birth="1941-04-12"),
                          rec("3", "1993", wage_before="55.50"), rec("4", "1994",
                                                                      wage_before="92.00")])
    by = {f.kind: f for f in facts}
    assert [v.value for v in by["birth"].values] == ["1941-04-12"] and not by["birth"].conflict
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
