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


def test_every_entry_the_counter_writes_reads_as_a_sentence_without_codes():
    assert describe("dossier_decision", "刘桂芬 确认为同一人：49,50,42") == \
        "人员档案 刘桂芬：确认为同一人（3 条记录）"
    assert describe("dossier", "人员档案线索 刘桂芬：5 条记录，2 个候选人员") == \
        "查看 人员档案线索 刘桂芬：5 条记录，2 个候选人员"
    assert describe("login") == "登录"
    assert describe("account", "新建账号 lixiumei（窗口人员）") == "新建账号 lixiumei（窗口人员）"
    assert describe("log_export", "登记 T01-V1") == "导出访问日志 登记 T01-V1"
