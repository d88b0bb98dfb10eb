"""A roster hit shows the years of the person's own row (dangan/search/rowyears.py)."""

from dangan.indexer.ocr.base import Line
from dangan.search.rowyears import row_years


def test_only_the_lines_in_the_rows_band_count():
    lines = [Line("1993年工资套改人员花名册", (100, 10, 900, 40)),
             Line("王秀瑛 女 1943.07.03 65.05", (100, 100, 900, 130)),
             Line("欧阳春梅 女 1950-03-23 1971年3月", (100, 140, 900, 170))]
    assert row_years(lines, (90, 95, 910, 135)) == [1943, 1965]
    assert row_years(lines, None) == []


def test_with_the_rows_facts_money_under_its_heading_is_no_year():
    from dangan.indexer.fields import extract

    header = ["序号", "姓名", "出生年月", "套改前工资", "套改后工资", "增资额"]
    xs = [100, 300, 600, 900, 1200, 1500]
    lines = [Line(h, (x, 100, x + 150, 150)) for h, x in zip(header, xs, strict=True)]
    cells = ["1", "曾广才", "1933年12月", "101.16", "159.27", "58.11"]
    lines += [Line(v, (x, 200, x + 150, 250)) for v, x in zip(cells, xs, strict=True)]
    facts = [f for f in extract(lines).facts if f.row == 1]
    assert row_years(lines, (90, 195, 1700, 255), facts) == [1933]
    assert 1958 not in extract(lines).years
