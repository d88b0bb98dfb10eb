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


def test_year_field_must_be_four_digits():
    with pytest.raises(QueryError, match="年份格式"):
        parse_year("九三年")
    assert parse_year(" 1993 ") == 1993
    assert parse_year("") is None


def test_year_and_type_are_filters_not_scored_clauses():
    built = build(SearchRequest(person="王秀英", year=1993, doc_type="wage_adjustment"))
    assert built.filter is not None
    assert "years" not in str(built.query)
