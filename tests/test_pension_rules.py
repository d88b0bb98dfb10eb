"""The 2025 retirement rules against the published 对照表 (国务院关于渐进式提高职工法定退休年龄的
办法, 附件), every birth month from 1964-09 to 1985-12 for the three groups.

The expected values are built here from the table as published — its first row, its rows of
equal length each one month older, its capped last row, and the unaffected before 2025-01 —
not from the module's formula; the module's rule is then walked month by month against them.
"""

from __future__ import annotations

import pytest

from dangan.pension.rules import (
    MEN,
    WOMEN_50,
    WOMEN_55,
    age_text,
    chinese,
    iso,
    minimum_contribution,
    month,
    parse_month,
    special_month,
    statutory,
    years_text,
)

# The published table's anchor points, as printed: (first birth month of the first delayed
# row, its row length in birth months, first birth month of the capped row, the capped age,
# the original age).
ANCHORS = {
    "men": (MEN, "1965-01", 4, "1976-09", "63岁", 60),
    "women55": (WOMEN_55, "1970-01", 4, "1981-09", "58岁", 55),
    "women50": (WOMEN_50, "1975-01", 2, "1984-11", "55岁", 50),
}
WALK = range(month(1964, 9), month(1985, 12) + 1)


def published_table(first: str, row: int, capped: str, cap_text: str, original: int
                    ) -> dict[int, int]:
    """Birth month → age in months, row by row as the table prints them: before the first row
    the original age; the first row original + 1 month; each next row of `row` birth months one
    month more; from the capped row on the cap (it must come exactly where the rows reach it)."""
    out, m, age = {}, WALK.start, original * 12
    while m < parse_month(first):
        out[m] = age
        m += 1
    while m <= WALK.stop:
        age += 1
        for _ in range(row):
            out[m] = age
            m += 1
        if m >= parse_month(capped):
            break
    assert m == parse_month(capped), "the rows reach the cap at the published capped row"
    age += 1
    assert age_text(age) == cap_text, "and the capped row is one month older than the last"
    while m <= WALK.stop:
        out[m] = age
        m += 1
    return out


@pytest.mark.parametrize("key", list(ANCHORS))
def test_every_birth_month_gets_the_tables_age_and_month(key):
    group, first, row, capped, cap_text, original = ANCHORS[key]
    table = published_table(first, row, capped, cap_text, original)
    for birth in WALK:
        r = statutory(group, birth)
        assert r.age == table[birth], f"{group.label} born {iso(birth)}"
        assert r.month == birth + table[birth]
        assert r.original_month == birth + original * 12
    assert age_text(statutory(group, parse_month(capped)).age) == cap_text
    assert age_text(statutory(group, parse_month(capped) - 1).age) != cap_text


@pytest.mark.parametrize("key", list(ANCHORS))
def test_nobody_retires_before_someone_older(key):
    group = ANCHORS[key][0]
    months = [statutory(group, b).month for b in WALK]
    assert months == sorted(months) and len(set(months)) == len(months)


@pytest.mark.parametrize("group, birth, age, first_month, last_birth, last_month", [
    # the first delayed row of each group, as printed
    (MEN, "1965-01", "60岁1个月", "2025年2月", "1965-04", "2025年5月"),
    (WOMEN_55, "1970-01", "55岁1个月", "2025年2月", "1970-04", "2025年5月"),
    (WOMEN_50, "1975-01", "50岁1个月", "2025年2月", "1975-02", "2025年3月"),
    # the second row: one month more, and one retirement month skipped
    (MEN, "1965-05", "60岁2个月", "2025年7月", "1965-08", "2025年10月"),
    (WOMEN_55, "1970-05", "55岁2个月", "2025年7月", "1970-08", "2025年10月"),
    (WOMEN_50, "1975-03", "50岁2个月", "2025年5月", "1975-04", "2025年6月"),
    # the last row before the cap
    (MEN, "1976-05", "62岁11个月", "2039年4月", "1976-08", "2039年7月"),
    (WOMEN_55, "1981-05", "57岁11个月", "2039年4月", "1981-08", "2039年7月"),
    (WOMEN_50, "1984-09", "54岁11个月", "2039年8月", "1984-10", "2039年9月"),
    # the capped row
    (MEN, "1976-09", "63岁", "2039年9月", "1985-12", "2048年12月"),
    (WOMEN_55, "1981-09", "58岁", "2039年9月", "1985-12", "2043年12月"),
    (WOMEN_50, "1984-11", "55岁", "2039年11月", "1985-12", "2040年12月"),
])
def test_published_rows(group, birth, age, first_month, last_birth, last_month):
    first, last = statutory(group, parse_month(birth)), statutory(group, parse_month(last_birth))
    assert age_text(first.age) == age and chinese(first.month) == first_month
    assert chinese(last.month) == last_month


@pytest.mark.parametrize("group, birth, original", [
    (MEN, "1964-12", "2024年12月"), (WOMEN_55, "1969-12", "2024年12月"),
    (WOMEN_50, "1974-12", "2024年12月"), (MEN, "1964-09", "2024年9月"),
])
def test_original_retirement_before_2025_keeps_the_original_age(group, birth, original):
    r = statutory(group, parse_month(birth))
    assert r.age == r.original_age and r.delayed == 0
    assert chinese(r.month) == chinese(r.original_month) == original


def test_women_of_the_two_original_ages_born_the_same_month_differ():
    """1975-02: a 工人 retires at 50岁1个月 (2025年3月), a 干部 at 56岁4个月 (2031年6月)."""
    birth = parse_month("1975-02")
    worker, cadre = statutory(WOMEN_50, birth), statutory(WOMEN_55, birth)
    assert (age_text(worker.age), chinese(worker.month)) == ("50岁1个月", "2025年3月")
    assert (age_text(cadre.age), chinese(cadre.month)) == ("56岁4个月", "2031年6月")


@pytest.mark.parametrize("group, birth, earliest, earliest_age, latest", [
    # three years earlier than the new age, which only a delay of over three years allows
    # (women of original age 50)
    (WOMEN_50, "1984-11", "2036年11月", "52岁", "2042年11月"),
    (WOMEN_50, "1982-01", "2032年8月", "50岁7个月", "2038年8月"),
    # a men's delay is at most three years: the earliest date is the original one
    (MEN, "1976-09", "2036年9月", "60岁", "2042年9月"),
    (MEN, "1972-01", "2032年1月", "60岁", "2036年11月"),
    # never below the original age: a short delay is taken back only to the original month
    (MEN, "1965-01", "2025年1月", "60岁", "2028年2月"),
    (WOMEN_55, "1975-02", "2030年2月", "55岁", "2034年6月"),
    # unaffected: the original month, both ways three years
    (MEN, "1964-12", "2024年12月", "60岁", "2027年12月"),
])
def test_flexible_retirement(group, birth, earliest, earliest_age, latest):
    r = statutory(group, parse_month(birth))
    assert chinese(r.earliest_flexible) == earliest
    assert age_text(r.earliest_flexible_age) == earliest_age
    assert r.earliest_flexible >= r.original_month
    assert r.month - r.earliest_flexible <= 36
    assert chinese(r.latest_flexible) == latest


def test_flexible_early_never_below_original_age_for_any_birth_month():
    for group, *_ in ANCHORS.values():
        for birth in WALK:
            r = statutory(group, birth)
            assert r.earliest_flexible == max(r.month - 36, r.original_month)
            assert r.latest_flexible == r.month + 36


def test_minimum_contribution_years_2029_to_2040():
    expected = {2029: "15年", 2030: "15年6个月", 2031: "16年", 2032: "16年6个月", 2033: "17年",
                2034: "17年6个月", 2035: "18年", 2036: "18年6个月", 2037: "19年",
                2038: "19年6个月", 2039: "20年", 2040: "20年"}
    assert {y: years_text(minimum_contribution(y)) for y in expected} == expected
    assert minimum_contribution(2025) == 15 * 12 and minimum_contribution(2060) == 20 * 12


def test_special_job_ages_are_55_for_men_and_45_for_women():
    birth = parse_month("1975-02")
    assert chinese(special_month("女", birth)) == "2020年2月"
    assert chinese(special_month("男", birth)) == "2030年2月"


def test_month_arithmetic_reads_iso_and_prints_chinese():
    assert iso(parse_month("1975-02-14")) == "1975-02"
    assert chinese(parse_month("1965-01") + 60 * 12 + 1) == "2025年2月"
    assert age_text(0) == "0岁" and years_text(214) == "17年10个月"
