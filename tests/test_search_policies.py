"""The policy table: names and reform years staff type map to 文号, years and keywords."""

import pytest

from dangan.search import policies


@pytest.mark.parametrize("typed, name", [
    ("1985年工资改革", "1985年工资改革"), ("93套改", "1993年工资套改"),
    ("九三套改", "1993年工资套改"), ("民办教师转正", "民办教师转正"), ("民师转正", "民办教师转正"),
])
def test_policy_names_and_aliases(typed, name):
    assert policies.find(typed).name == name


def test_unknown_text_is_no_policy():
    assert policies.find("黑龙江") is None


def test_an_archive_extends_the_table_in_its_own_file(tmp_path):
    extra = tmp_path / "local.toml"
    extra.write_text('[[policy]]\nname = "东岭县1979年调资"\naliases = ["79调资"]\n'
                     'years = [1979]\ndoc_numbers = ["东劳字[1979]5号"]\nkeywords = ["调资"]\n',
                     encoding="utf-8")
    p = policies.find("79调资", str(extra))
    assert p.name == "东岭县1979年调资" and p.doc_numbers == ("东劳字〔1979〕5号",)
    assert policies.find("93套改", str(extra)).name == "1993年工资套改"


@pytest.mark.parametrize("said", ["85年41号文", "1985年第41号", "八五年41号文", "〔85〕41号",
                                  "(1985)41号文件", "41号文（85年）", "８５年４１号文"])
def test_a_document_said_by_year_and_number_reaches_its_full_number(said):
    assert policies.spoken_doc_numbers(said) == ("劳人薪〔1985〕41号",)


@pytest.mark.parametrize("said", ["85年42号文", "85年", "41号文", "劳人薪", "104号文"])
def test_no_full_number_is_invented_for_what_the_table_does_not_know(said):
    assert policies.spoken_doc_numbers(said) == ()
