"""Dates: every form clerks wrote is read as the same date; amounts and IDs are not dates."""

import pytest

from dangan import clock
from dangan.text.dates import find_dates, read_year, year_mentions


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
    ("03.7", "2003-07"),
    ("28.11", "1928-11"),  # a birth in the 1920s, never a year still to come
])
def test_every_written_form_gives_the_same_date(text, iso):
    assert [d.iso for d in find_dates(text)] == [iso]


@pytest.mark.parametrize("text", ["155.86元", "49.51", "电话：2213。", "620421194104081231",
                                  "工龄32年", "2031年", "1899年5月"])
def test_amounts_phone_numbers_ids_and_implausible_years_are_not_dates(text):
    assert find_dates(text) == []


def test_dates_inside_prose_are_found_in_order():
    text = "该同志于1976.12入伍，一九八〇年一月十五日退伍。"
    assert [d.iso for d in find_dates(text)] == ["1976-12", "1980-01-15"]


def test_a_year_on_its_own_in_a_title_counts():
    assert year_mentions("1993年工资套改人员花名册") == [1993]


# --- years that are true, and only true --------------------------------------------------
def test_this_years_dates_count_and_next_years_do_not():

    from dangan.text.dates import max_year

    this = clock.today().year
    assert max_year() == this
    assert [d.year for d in find_dates(f"{this}年3月4日")] == [this]
    assert find_dates(f"{this + 1}年3月4日") == []


def test_birth_years_before_1949_are_years():
    assert [d.year for d in find_dates("1925年3月出生")] == [1925]
    assert [d.iso for d in find_dates("41.4")] == ["1941-04"]
    assert year_mentions("1938年参加革命") == [1938]


def test_numbers_that_are_not_dates_name_no_year():
    assert find_dates("参考范围 9.01--19.04pmol/L") == []
    assert find_dates("如图10.2-1所示") == []
    assert find_dates("月工资155.86元") == []
    assert find_dates("增资额 55.86元") == []
    assert find_dates("体温 37.5℃，血糖 10.12mmol") == []


def test_a_range_of_dates_keeps_both_ends():
    assert [d.iso for d in find_dates("1976.12—1980.01 在部队服役")] == ["1976-12", "1980-01"]


def test_a_year_is_never_the_tail_of_a_longer_number():
    # handwritten 2011年3月4日 read as 201年3月4日: not 2001
    assert [d.year for d in find_dates("201年3月4日")] == []
    # 一九八〇年 read as 一九八年: not 1998
    assert [d.year for d in find_dates("一九八年十月")] == []


def test_a_damaged_year_offers_only_candidates_for_the_page_to_confirm():
    from dangan.text.dates import damaged_years

    (cands,) = damaged_years("一九八年十月")
    assert 1980 in cands and 1998 in cands and all(y >= 1900 for y in cands)
    (cands,) = damaged_years("201年3月4日")
    assert 2011 in cands and 2001 in cands
    assert damaged_years("1993年3月") == []


def test_catalogue_dates_are_shown_as_staff_read_them():
    from dangan.text.dates import display_date

    assert display_date("19931023") == "1993年10月23日"
    assert display_date("1993-10") == "1993年10月"
    assert display_date("见附件") == "见附件"  # not one date: as written
    assert display_date(None) == ""


@pytest.mark.parametrize(("typed", "year"), [
    ("1961", 1961), ("61", 1961), ("93", 1993), ("六一", 1961), ("１９９３", 1993),
    ("1961年", 1961), (" 85 ", 1985), ("2213", None), ("abc", None), ("", None),
    ("²", None), ("٨٥", None), ("1९61", None)])
def test_a_year_as_typed_in_a_form_by_the_one_rule(typed, year):
    assert read_year(typed) == year
