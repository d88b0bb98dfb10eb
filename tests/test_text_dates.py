"""Dates: every form clerks wrote is read as the same date; amounts and IDs are not dates."""

import pytest

from dangan.text.dates import find_dates, year_mentions


@pytest.mark.parametrize("text, iso", [
    ("1985年10月", "1985-10"),
    ("1985年10月20日", "1985-10-20"),
    ("一九八五年十月", "1985-10"),
    ("一九八八年九月二十五日", "1988-09-25"),
    ("一九六〇年五月", "1960-05"),
    ("85.10", "1985-10"),
    ("1985.10", "1985-10"),
    ("1985.10.20", "1985-10-20"),
    ("19851020", "1985-10-20"),
    ("1985-10-20", "1985-10-20"),
    ("九三.10", "1993-10"),
    ("八五年十月", "1985-10"),
])
def test_every_written_form_gives_the_same_date(text, iso):
    assert [d.iso for d in find_dates(text)] == [iso]


@pytest.mark.parametrize("text", ["155.86元", "49.51", "电话：2213。", "620421194104081231",
                                  "工龄32年", "2031年", "1931年5月"])
def test_amounts_phone_numbers_ids_and_implausible_years_are_not_dates(text):
    assert find_dates(text) == []


def test_dates_inside_prose_are_found_in_order():
    text = "该同志于1976.12入伍，一九八〇年一月十五日退伍。"
    assert [d.iso for d in find_dates(text)] == ["1976-12", "1980-01-15"]


def test_a_year_on_its_own_in_a_title_counts():
    assert year_mentions("1993年工资套改人员花名册") == [1993]
