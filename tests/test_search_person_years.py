"""A person+year search matches a roster through that person's own row (dangan/search/
rowyears.py): another row's year, or money in a 增资额 cell, never makes the page theirs;
the years the whole page states (its title, 填报日期) belong to everyone on it."""

from __future__ import annotations

import pytest

from dangan.indexer.fields import extract
from dangan.indexer.indexing import index_document
from dangan.indexer.ocr.base import Line
from dangan.indexer.store import StoredPage
from dangan.search.backend import SearchIndex
from dangan.search.query import SearchRequest
from dangan.search.searching import search

HEADER = ["序号", "姓名", "性别", "出生年月", "参加工作时间", "套改前工资", "套改后工资", "增资额"]
XS = [100, 250, 450, 600, 850, 1100, 1350, 1600]


def _roster(title: str, rows: list[list[str]]) -> list[Line]:
    lines = [Line(title, (500, 40, 1300, 90)), Line("填报日期： 1993.11", (1200, 110, 1600, 150))]
    lines += [Line(h, (x, 200, x + 200, 250)) for h, x in zip(HEADER, XS, strict=True)]
    for i, cells in enumerate(rows):
        y = 300 + 80 * i
        lines += [Line(v, (x, y, x + 200, y + 50)) for v, x in zip(cells, XS, strict=True)]
    return lines


def _form(name: str, year: int) -> list[Line]:
    return [Line("工资调整审批表", (500, 40, 1000, 90)),
            Line("姓名", (100, 200, 250, 250)), Line(name, (300, 200, 500, 250)),
            Line("出生年月", (600, 200, 800, 250)), Line(f"{year}年3月", (850, 200, 1100, 250))]


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    pages = {
        "roster.jpg": _roster("1993年工资套改人员花名册", [
            ["1", "曾广才", "男", "1985.3", "1993.7", "101.16", "159.27", "58.11"],
            ["2", "李春生", "男", "1958.4", "1976.9", "90.20", "130.50", "40.30"],
            ["3", "王秀瑛", "女", "1943.07", "65.05", "111.22", "160.73", "49.51"]]),
        "form.jpg": _form("李春生", 1958),
    }
    idx = SearchIndex(tmp_path_factory.mktemp("person_years") / "index")
    idx.create()
    with idx.writer() as w:
        for key, lines in pages.items():
            fields = extract(lines)
            page = StoredPage(key, 1, key, 1, "ocr", 1654, 2339, lines, fields)
            w.replace_pages(key, [index_document(page, "wage_adjustment", None, False)])
    yield idx
    idx.close()


def _paths(index, **kw) -> set[str]:
    return {h.path for h in search(index, SearchRequest(**kw)).hits}


def test_another_rows_year_does_not_make_the_roster_the_persons(index):
    assert _paths(index, year=1958) == {"roster.jpg", "form.jpg"}  # a year alone: any page
    assert _paths(index, person="曾广才", year=1958) == set()
    assert _paths(index, person="李春生", year=1958) == {"roster.jpg", "form.jpg"}


def test_the_persons_own_row_years_and_the_pages_own_years_match(index):
    assert _paths(index, person="曾广才", year=1985) == {"roster.jpg"}  # 出生年月 in the row
    assert _paths(index, person="曾广才", year=1993) == {"roster.jpg"}  # row and title
    assert _paths(index, person="王秀瑛", year=1993) == {"roster.jpg"}  # only the title's
    assert _paths(index, person="王秀瑛", year=1965) == {"roster.jpg"}  # 65.05 under 参加工作时间
    assert _paths(index, person="王秀瑛", year_from=1957, year_to=1960) == set()
    assert _paths(index, person="王秀英", year=1943) == {"roster.jpg"}  # homophone, own row


def test_money_under_its_heading_is_never_a_year_of_the_row(index):
    assert _paths(index, person="曾广才", year=1940) == set()  # 40.30 is 李春生's 增资额
    assert _paths(index, person="王秀瑛", year=1949) == set()  # her 增资额 49.51
