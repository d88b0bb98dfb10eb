"""文号: any printed variant normalises to 代字〔YYYY〕N号, in text and in queries."""

import pytest

from dangan.text.docnumbers import find_doc_numbers, normalize_doc_number


@pytest.mark.parametrize("printed, canonical", [
    ("劳人薪〔1985〕41号", "劳人薪〔1985〕41号"),
    ("劳人薪[1985]41号", "劳人薪〔1985〕41号"),
    ("劳人薪［1985］41号", "劳人薪〔1985〕41号"),
    ("甘政发（1993）第45号", "甘政发〔1993〕45号"),
    ("国发【1993】79号", "国发〔1993〕79号"),
    ("国发(93)79号", "国发〔1993〕79号"),
    ("劳人薪〔85〕41号", "劳人薪〔1985〕41号"),
    ("東勞字〔1962〕15號", "东劳字〔1962〕15号"),
    ("劳 人 薪 〔1985〕 41 号", "劳人薪〔1985〕41号"),
])
def test_printed_variants_normalise_to_one_key(printed, canonical):
    assert normalize_doc_number(printed) == canonical


def test_words_before_the_issuer_are_not_part_of_it():
    text = "根据国务院（国发〔1993〕79号）和省人民政府甘政发〔1993〕45号文件精神；调资依据根据甘政发[1993]45号"
    assert [d.normalized for d in find_doc_numbers(text)] == [
        "国发〔1993〕79号", "甘政发〔1993〕45号", "甘政发〔1993〕45号"]


def test_a_number_wrapped_across_lines_is_still_found():
    assert [d.normalized for d in find_doc_numbers("根据东民安〔1984\n〕23号文件")] == ["东民安〔1984〕23号"]


def test_text_that_is_not_a_document_number():
    assert normalize_doc_number("1985年工资改革") is None


def test_a_title_glued_before_the_number_is_not_its_issuer():
    for glued in ("关于印发职工退休退职暂行办法国发〔1978〕104号",
                  "关于做好工资套改工作劳人薪〔1985〕41号"):
        (d,) = find_doc_numbers(glued)
        assert d.normalized in ("国发〔1978〕104号", "劳人薪〔1985〕41号")


def test_ocr_noise_inside_the_number_is_tolerated():
    assert normalize_doc_number("国.办发[1997]32号") == "国办发〔1997〕32号"
    assert normalize_doc_number("国·办发（1997）32号") == "国办发〔1997〕32号"


@pytest.mark.parametrize("issuer", ["劳社部发", "人社部发", "甘政办发", "国办函", "东政发", "财社字"])
def test_real_issuers_keep_every_character(issuer):
    assert normalize_doc_number(f"{issuer}〔1999〕8号") == f"{issuer}〔1999〕8号"


def test_a_docnumber_year_is_a_year_by_the_one_date_rule(monkeypatch):
    """文号 years come from dangan/text/dates.py: from 1900 to this year, no fixed end."""
    import datetime as dt

    from dangan import clock

    monkeypatch.setattr(clock, "today", lambda: dt.date(2026, 12, 6))
    assert normalize_doc_number("东政发〔2026〕52号") == "东政发〔2026〕52号"
    assert normalize_doc_number("东政发〔2031〕52号") is None  # a year still to come
    monkeypatch.setattr(clock, "today", lambda: dt.date(2031, 3, 1))
    assert normalize_doc_number("东政发〔2031〕52号") == "东政发〔2031〕52号"
    assert normalize_doc_number("国民政府〔1899〕3号") is None
    assert [d.year for d in find_doc_numbers("民国文件 渝字〔1946〕8号")] == [1946]
