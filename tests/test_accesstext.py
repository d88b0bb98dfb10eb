"""The access register read aloud (dangan/accesstext.py): what a supervisor sees."""

from dangan.accesstext import describe, search_words
from dangan.doctypes import TYPES


def test_a_search_reads_as_its_criteria_not_a_query_string():
    logged = "person=%E7%8E%8B%E7%A7%80%E8%8B%B1&year=1993&type=wage_adjustment&p=2"
    assert describe("search", logged, type_labels=TYPES) == \
        f"检索 姓名 王秀英 年份1993 类型 {TYPES['wage_adjustment']} 第2页结果"
    assert search_words("") == "（空条件）"


def test_a_view_names_the_item_and_page_and_who_was_looked_for():
    assert describe("view", "person=王秀英 terms=", "X012-WS·1993-Y-0031", 1) == \
        "查看 X012-WS·1993-Y-0031 第1页（姓名 王秀英）"
    assert describe("view", "person= terms=", "X012-WS·1993-Y-0031", 2) == \
        "查看 X012-WS·1993-Y-0031 第2页"


def test_other_entries_keep_their_detail_after_the_verb():
    assert describe("copy", "仅供退休核定使用 核验码 K7QF", "X012", 1) == \
        "复制 X012 第1页 仅供退休核定使用 核验码 K7QF"
    assert describe("request_export", "12 rows") == "导出申请表（12 条）"
    assert describe("image", "w=1600", "X012", 1) == "扫描件 X012 第1页"
    assert describe("image", "", "X012", 1) == "扫描件 X012 第1页（原尺寸）"
    assert describe("something_new", "x") == "something_new x"  # never hidden
