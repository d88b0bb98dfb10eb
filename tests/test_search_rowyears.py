"""A roster hit shows the years of the person's own row (dangan/search/rowyears.py)."""

from dangan.indexer.ocr.base import Line
from dangan.search.rowyears import row_years


def test_only_the_lines_in_the_rows_band_count():
    lines = [Line("1993年工资套改人员花名册", (100, 10, 900, 40)),
             Line("王秀瑛 女 1943.07.03 65.05", (100, 100, 900, 130)),
             Line("欧阳春梅 女 1950-03-23 1971年3月", (100, 140, 900, 170))]
    assert row_years(lines, (90, 95, 910, 135)) == [1943, 1965]
    assert row_years(lines, None) == []
