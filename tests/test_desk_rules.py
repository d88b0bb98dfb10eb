"""The request desk's rules without the web: working-day deadlines, the status flow, what a
request must contain, and the letters it ends with."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from dangan.desk import workflow
from dangan.desk.deadlines import WorkCalendar, urgency
from dangan.desk.forms import normalize_phone, validate
from dangan.papers.ink import default_stamp
from dangan.papers.letters import LetterFacts, not_found_certificate, result_letter

# 2026 National Day: Oct 1–7 off, Sat Oct 10 worked in exchange (调休).
NATIONAL_DAY = WorkCalendar.from_iso(
    ["2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07"], ["2026-10-10"])
D = dt.date.fromisoformat


def test_four_working_days_skip_the_weekend_and_not_the_day_of_acceptance():
    cal = WorkCalendar()
    assert cal.add_working_days(D("2026-11-20"), 4) == D("2026-11-26")  # Fri → Thu
    assert cal.add_working_days(D("2026-11-23"), 4) == D("2026-11-27")  # Mon → Fri


def test_holidays_do_not_count_and_a_worked_saturday_does():
    # Oct 8 (Thu), 9 (Fri), 10 (the worked Saturday), 12 (Mon)
    assert NATIONAL_DAY.add_working_days(D("2026-09-30"), 4) == D("2026-10-12")
    assert NATIONAL_DAY.add_working_days(D("2026-10-08"), 2) == D("2026-10-10")
    assert NATIONAL_DAY.working_days_between(D("2026-09-30"), D("2026-10-12")) == 4
    assert NATIONAL_DAY.working_days_between(D("2026-10-12"), D("2026-09-30")) == -4


def test_the_official_calendar_knows_中秋_and_the_worked_sunday_without_config():
    cal = WorkCalendar()  # nothing in config.toml
    # Accepted Tue 2026-09-22: Wed, Thu, (中秋 Fri 25, weekend), Mon 28, Tue 29.
    assert cal.add_working_days(D("2026-09-22"), 4) == D("2026-09-29")
    assert cal.is_working_day(D("2026-01-04"))  # Sunday worked in exchange for 元旦
    assert not cal.is_working_day(D("2026-10-01"))


def test_config_lists_are_local_overrides_of_the_official_calendar():
    local = WorkCalendar.from_iso(["2026-11-24"], ["2026-11-28"])  # a county's own days
    assert not local.is_working_day(D("2026-11-24"))
    assert local.is_working_day(D("2026-11-28"))
    assert local.add_working_days(D("2026-11-23"), 4) == D("2026-11-28")


def test_a_year_the_calendar_does_not_cover_is_flagged():
    from dangan.desk.deadlines import calendar_warning

    cal = WorkCalendar()
    assert cal.uncovered_years(D("2026-05-01")) == []
    years = cal.uncovered_years(D("2026-12-30"), D("2099-01-05"))
    assert years == [2099] and "2099" in calendar_warning(years)


def test_urgency_marks_overdue_and_due_today_until_a_result_exists():
    due = D("2026-11-26")
    assert urgency(due, D("2026-11-27"), done=False) == "overdue"
    assert urgency(due, due, done=False) == "due_today"
    assert urgency(due, D("2026-11-25"), done=False) == "open"
    assert urgency(due, D("2026-12-30"), done=True) == "done"


@pytest.mark.parametrize(("current", "new", "allowed"), [
    ("已提交", "已受理", True), ("已提交", "查找中", False), ("已提交", "已出具", False),
    ("已受理", "查找中", True), ("查找中", "已出具", True), ("查找中", "未查到", True),
    ("已出具", "已反馈", True), ("未查到", "已反馈", True), ("已受理", "转外馆", True),
    ("已受理", "已反馈", False), ("已受理", "已出具", False), ("已反馈", "查找中", False),
    ("查找中", "无此状态", False)])
def test_status_flow(current, new, allowed):
    if allowed:
        workflow.check(current, new)
    else:
        with pytest.raises(workflow.TransitionError):
            workflow.check(current, new)


def test_statuses_that_say_a_step_happened_are_set_by_that_step_only():
    """已出具 / 未查到 come with the reply that makes them true, 转外馆 with the forward: the
    status form neither offers nor accepts them."""
    assert workflow.choosable_by_hand("查找中") == ()
    assert workflow.choosable_by_hand("已受理") == ("查找中",)
    assert workflow.choosable_by_hand("已出具") == ("已反馈", "查找中")
    for new in ("已出具", "未查到", "转外馆"):
        with pytest.raises(workflow.TransitionError):
            workflow.check_by_hand("查找中" if new != "转外馆" else "已受理", new)
    workflow.check_by_hand("已出具", "已反馈")


GOOD = {"requester_name": "王小兰", "requester_id_number": "11010519491231002X",
        "requester_phone": "13812345678", "applicant_type": "本人", "channel": "电话",
        "purpose": "退休核定", "year_from": "1985", "year_to": "1993",
        "doc_types": ["wage_adjustment"]}


def test_a_complete_request_passes_and_本人_is_the_subject():
    values, errors = validate(GOOD, holding=("DL01",))
    assert errors == []
    assert values["subject_name"] == "王小兰" and values["holding_archive"] == "DL01"
    assert values["year_from"] == 1985 and values["doc_types"] == "wage_adjustment"


@pytest.mark.parametrize(("change", "message"), [
    ({"requester_id_number": "110105194912310021"}, "身份证号码无效"),
    ({"requester_phone": "12345"}, "联系电话"),
    ({"applicant_type": "亲属", "subject_name": "王大山"}, "与档案当事人的关系"),
    ({"applicant_type": "代理", "subject_name": "王大山"}, "授权委托书"),
    ({"delegated": "1"}, "邮寄地址"),
    ({"year_from": "1995"}, "起始年份不能晚于终止年份"),
    ({"year_to": "3000"}, "终止年份应为"),
    ({"doc_types": ["pension"]}, "档案类型无效"),
    ({"purpose": ""}, "查档用途"),
    ({"subject_former_names": "王<b>"}, "曾用名"),
])
def test_each_problem_is_named(change, message):
    _values, errors = validate({**GOOD, **change}, holding=("DL01",))
    assert any(message in e for e in errors), errors


def test_numbers_are_taken_as_people_write_them_and_made_one_form():
    """The ID as printed on the card (in groups), a phone with dashes, years of two digits
    by the archive's one rule: accepted and stored in one form, nothing cut off."""
    values, errors = validate({**GOOD, "requester_id_number": "110105 19491231 002x",
                               "requester_phone": "139-0931-2345", "year_from": "61",
                               "year_to": "93", "subject_birth_year": "1944年"},
                              holding=("DL01",))
    assert errors == []
    assert values["requester_id_number"] == "11010519491231002X"
    assert values["requester_phone"] == "13909312345"
    assert (values["year_from"], values["year_to"], values["subject_birth_year"]) == (
        1961, 1993, 1944)
    dashed, errors = validate({**GOOD, "requester_id_number": "110105-19491231-002X",
                               "requester_phone": "(0931) 812 3456"}, holding=("DL01",))
    assert errors == [] and dashed["requester_phone"] == "0931-8123456"
    assert dashed["requester_id_number"] == "11010519491231002X"


@pytest.mark.parametrize(("typed", "read"), [
    ("139 0931 2345", "13909312345"), ("+86 139-0931-2345", "13909312345"),
    ("１３９０９３１２３４５", "13909312345"), ("010-12345678", "010-12345678"),
    ("02112345678", "021-12345678"), ("0931-8123456", "0931-8123456")])
def test_phone_numbers_in_every_usual_form(typed, read):
    assert normalize_phone(typed) == read


def test_a_request_for_an_archive_that_is_not_a_partner_is_refused():
    _values, errors = validate({**GOOD, "holding_archive": "ZZ99"}, holding=("DL01", "XS02"))
    assert any("保管馆" in e for e in errors)


FACTS = LetterFacts(archive_name="东岭县档案馆", number="DL01-20261123-R001",
                    requester_name="王小兰", requester_id_number="11010519491231002X",
                    accepted_on=D("2026-11-23"), subject_name="王秀英", purpose="退休核定",
                    staff="clerk", subject_former_names="王秀瑛", year_from=1985, year_to=1993,
                    doc_types=["工资调整"], found=["X012-WS·1993-Y-0002 第1页（工资套改审批表）"])


def _text(pdf: bytes) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def test_result_letter_cites_the_number_the_pages_and_the_purpose():
    text = _text(result_letter(FACTS, default_stamp("东岭县档案馆"), copy_pages=1))
    for part in ("档案查询结果告知书", "DL01-20261123-R001", "X012-WS·1993-Y-0002", "王秀瑛",
                 "退休核定", "东岭县档案馆"):
        assert part in text


def test_not_found_certificate_says_what_was_searched_and_masks_the_id():
    text = _text(not_found_certificate(FACTS, default_stamp("东岭县档案馆")))
    assert "查无档案证明" in text and "未查到王秀英" in text and "1985年至1993年" in text
    assert "工资调整" in text and "11010519491231002X" not in text and "002X" in text


def test_a_reply_names_the_request_number_the_issuer_and_an_open_year_range():
    facts = LetterFacts(**{**FACTS.__dict__, "year_to": None, "staff": "李秀梅",
                           "search_note": "已查1958年以来全部招工、工资档案"})
    text = _text(not_found_certificate(facts, default_stamp("东岭县档案馆")))
    assert "申请编号：DL01-20261123-R001" in text and "查档登记号" not in text
    assert "经办人：李秀梅" in text
    assert "1985年以来" in text and "1985–" not in text
    assert "已查1958年以来全部招工、工资档案" in text


def test_a_long_letter_runs_onto_a_second_page():
    many = LetterFacts(**{**FACTS.__dict__, "found": [f"X012-WS·1993-Y-{n:04d} 第1页"
                                                       for n in range(60)]})
    pdf = result_letter(many, default_stamp("东岭县档案馆"), copy_pages=60)
    assert len(PdfReader(io.BytesIO(pdf)).pages) >= 2
    assert "X012-WS·1993-Y-0059" in _text(pdf)
