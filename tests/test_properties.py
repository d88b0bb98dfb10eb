"""Property-based tests (Hypothesis) of every parser that takes what a person or a partner
typed: whatever comes in, the answer is a value or the parser's own error with a message,
never an exception that would become a 500."""

from __future__ import annotations

import datetime as dt
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dangan.desk.forms import validate as validate_request
from dangan.search.query import QueryError, SearchRequest, build, parse_year
from dangan.text.dates import MIN_YEAR, expand_two_digit_year, find_dates, max_year
from dangan.text.docnumbers import find_doc_numbers, normalize_doc_number
from dangan.text.idnumbers import check_digit, clean, is_valid, mask, problem
from dangan.text.numbers import parse_int
from dangan.web.security import local_target

# What people type: CJK, digits of every script, full-width forms, punctuation, controls.
typed = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80)
cjkish = st.text(st.sampled_from(
    list("王秀英张付明李〔〕[]（）()号第字年月日一二三九十零〇-.／/ ０１９٨²1985934号劳人薪")),
    max_size=40)
text = st.one_of(typed, cjkish)
quick = settings(max_examples=300, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow])


@quick
@given(text)
def test_a_year_field_is_a_year_or_a_chinese_error(value):
    try:
        year = parse_year(value)
    except QueryError as e:
        assert "年份格式不正确" in str(e) and len(str(e)) < 70
    else:
        typed = value.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
        # four digits as typed, or two read by the archive's one pivot (93 → 1993)
        assert year is None or (1000 <= year <= 9999 and str(year) in typed) or \
            (f"{year % 100:02d}" in typed and year == expand_two_digit_year(year % 100))


@quick
@given(st.dictionaries(st.sampled_from(SearchRequest.PARAMS), text, max_size=5))
def test_any_search_form_builds_a_query_or_says_why(params):
    try:
        build(SearchRequest.from_params(params))
    except QueryError as e:
        assert str(e) and re.search(r"[\u4e00-\u9fff]", str(e))


@quick
@given(text)
def test_doc_numbers_are_read_from_anything(value):
    normalize_doc_number(value)
    for d in find_doc_numbers(value):
        assert d.year is None or 1900 <= d.year <= 2100


@quick
@given(text)
def test_dates_are_read_from_anything_and_exist(value):
    for d in find_dates(value):
        assert MIN_YEAR <= d.year <= max_year()
        if d.month and d.day:
            dt.date(d.year, d.month, d.day)  # a real day of the calendar


@st.composite
def id_numbers(draw):
    born = draw(st.dates(dt.date(1900, 1, 1), dt.date(2020, 12, 31)))
    body = (f"{draw(st.integers(110000, 659999))}{born:%Y%m%d}"
            f"{draw(st.integers(0, 999)):03d}")
    return body + check_digit(body)


@quick
@given(id_numbers())
def test_every_real_id_number_is_valid_also_typed_full_width(number):
    assert problem(number) is None and is_valid(number)
    full = number.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    assert clean(full) == number
    masked = mask(number)
    assert masked[6:14] == "*" * 8 and number[6:14] not in masked[4:16]


@quick
@given(st.integers(1900, 2020), st.integers(1, 12), st.integers(29, 31))
def test_a_birth_date_that_does_not_exist_is_named(year, month, day):
    try:
        dt.date(year, month, day)
        return
    except ValueError:
        pass
    body = f"110105{year}{month:02d}{day:02d}001"
    assert problem(body + check_digit(body)) == "其中的出生日期不存在"


@quick
@given(text)
def test_any_id_number_is_valid_or_has_a_named_problem(value):
    reason = problem(clean(value))
    assert reason is None or re.search(r"[\u4e00-\u9fff]", reason)
    if reason is None:
        assert re.fullmatch(r"[0-9]{17}[0-9X]", clean(value))


@quick
@given(text, st.integers(0, 10), st.integers(10, 10**6))
def test_numbers_are_ascii_digits_within_bounds(value, lo, hi):
    n = parse_int(value, lo, hi)
    assert n is None or lo <= n <= hi
    if n is not None:
        assert value.strip().translate(str.maketrans("０１２３４５６７８９",
                                                     "0123456789")).isascii()


form_fields = st.sampled_from(
    ["requester_name", "requester_id_number", "requester_phone", "requester_address",
     "applicant_type", "relationship", "attorney_note", "channel", "delegated", "subject_name",
     "subject_former_names", "subject_unit", "subject_birth_year", "year_from", "year_to",
     "doc_types", "purpose", "detail", "holding_archive"])
json_values = st.one_of(text, st.integers(), st.none(), st.booleans(),
                        st.lists(text, max_size=3), st.floats(allow_nan=True))


@quick
@given(st.dictionaries(form_fields, json_values, max_size=12))
def test_any_request_form_or_partner_json_is_checked_without_failing(form):
    values, errors = validate_request(form, holding=("T01",))
    assert all(isinstance(e, str) and e for e in errors)
    if not errors:
        assert is_valid(values["requester_id_number"])
        for key in ("year_from", "year_to", "subject_birth_year"):
            assert values[key] is None or 1900 <= values[key] <= max_year()


@quick
@given(text)
def test_a_next_target_is_this_site_or_the_fallback(value):
    target = local_target(value, "/fallback")
    assert target == "/fallback" or (
        target.startswith("/") and not target.startswith("//") and "\\" not in target
        and not any(ord(c) < 32 or ord(c) == 127 for c in target))
