"""Bad queries get a clear Chinese message, never a stack trace."""

import pytest

from dangan.search.query import QueryError, SearchRequest, build, parse_year


@pytest.mark.parametrize("req, message", [
    (SearchRequest(), "请输入查询条件"),
    (SearchRequest(text="，。！？"), "标点"),
    (SearchRequest(text='"工资 套改'), "引号不成对"),
    (SearchRequest(person="王秀英", year=3000), "超出范围"),
    (SearchRequest(person="王秀英", year_from=1995, year_to=1990), "晚于"),
    (SearchRequest(doc_type="nonsense", person="王"), "未知的档案类型"),
    (SearchRequest(person="<script>"), "姓名"),
])
def test_bad_queries_are_explained(req, message):
    with pytest.raises(QueryError, match=message):
        build(req)


def test_year_field_takes_four_digits_or_two_by_the_archives_pivot():
    with pytest.raises(QueryError, match="年份格式"):
        parse_year("九三年")
    with pytest.raises(QueryError, match="年份格式"):
        parse_year("993")
    assert parse_year(" 1993 ") == 1993
    assert parse_year("93") == 1993 and parse_year("05") == 2005  # dangan/text/dates.py
    assert parse_year("") is None


def test_a_year_with_a_range_is_told_not_silently_narrowed():
    with pytest.raises(QueryError, match="只填一种"):
        build(SearchRequest(person="王秀英", year=1993, year_from=1995))


def test_an_apostrophe_is_a_character_and_an_odd_quote_is_told_in_chinese():
    from dangan.search.query import text_terms

    assert text_terms("王'秀英 工资")[0] == ["王", "秀英", "工资"]
    with pytest.raises(QueryError, match="引号"):
        text_terms('"工资')


def test_year_and_type_are_filters_not_scored_clauses():
    built = build(SearchRequest(person="王秀英", year=1993, doc_type="wage_adjustment"))
    assert built.filter is not None
    assert "years" not in str(built.query)


def test_a_document_said_as_year_and_number_is_searched_by_its_full_number():
    built = build(SearchRequest(policy="85年41号文"))
    assert built.doc_numbers == ["劳人薪〔1985〕41号"]
    assert "劳人薪〔1985〕41号" in built.highlight


def test_the_same_said_number_typed_as_keywords_is_the_same_document_number():
    built = build(SearchRequest(text="85年41号文"))
    assert built.doc_numbers == ["劳人薪〔1985〕41号"]
    assert build(SearchRequest(text="85年 工资")).doc_numbers == []
