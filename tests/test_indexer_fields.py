"""Field extraction from OCR lines: labelled form cells, roster rows, prose, dates, 文号."""

from dangan.indexer.fields import extract
from dangan.indexer.ocr.base import Line


def L(text, x1, y1, x2, y2):
    return Line(text, (x1, y1, x2, y2))


def test_labelled_name_and_former_name_on_a_form():
    lines = [L("招工登记表", 800, 100, 1400, 180),
             L("姓 名", 100, 300, 250, 360), L("张付明", 400, 300, 560, 362),
             L("曾用名", 700, 300, 850, 360), L("张小明", 1000, 298, 1160, 360),
             L("出生年月", 100, 420, 300, 480), L("19391223", 400, 420, 600, 480)]
    f = extract(lines)
    assert [(p.name, p.role) for p in f.persons] == [("张付明", "姓名"), ("张小明", "曾用名")]
    assert f.persons[1].alias_of == "张付明"
    assert f.persons[0].box == (400, 300, 560, 362)
    assert f.doc_type == "recruitment"
    assert f.years == [1939]  # a birth year before 1949 is searchable too


def test_roster_rows_each_give_a_person_with_the_row_box():
    header = ["序号", "姓名", "性别", "出生年月", "增资额"]
    xs = [100, 300, 600, 800, 1200]
    lines = [L("1993年工资套改人员花名册", 500, 50, 1500, 120)]
    lines += [L(h, x, 200, x + 150, 260) for h, x in zip(header, xs, strict=True)]
    rows = [("1", "王秀瑛", "女", "1943.7", "49.51"), ("2", "欧阳春梅", "女", "50.03", "58.11")]
    for r, values in enumerate(rows):
        y = 300 + r * 100
        lines += [L(v, x, y, x + 150, y + 60) for v, x in zip(values, xs, strict=True)]
    f = extract(lines)
    assert [(p.name, p.role, p.row) for p in f.persons] == [
        ("王秀瑛", "roster", 1), ("欧阳春梅", "roster", 2)]
    assert f.persons[1].row_box == (100, 400, 1350, 460)
    # 58.11 in the money column is an amount, not November 1958
    assert f.years == [1943, 1950, 1993]
    assert f.doc_type == "wage_adjustment"


def test_prose_letter_names_and_document_numbers():
    lines = [L("退伍军人安置介绍信", 500, 100, 1200, 180),
             L("兹介绍退伍军人瞿德明同志（男，1945年7月生）到你单位报到。该同志于", 100, 300, 1900, 360),
             L("1976.12入伍，1980.01.15退伍。根据东民安〔1984", 100, 380, 1900, 440),
             L("〕23号文件精神，安置到你单位工作。", 100, 460, 1200, 520)]
    f = extract(lines)
    assert [(p.name, p.role) for p in f.persons] == [("瞿德明", "prose")]
    assert f.doc_numbers == ["东民安〔1984〕23号"]
    assert f.years == [1945, 1976, 1980]
    assert f.doc_type == "military"


def test_text_layer_lines_without_boxes():
    f = extract([Line("东政发〔1993〕52号", None), Line("联系人：单国栋，电话：2213。", None)])
    assert f.doc_numbers == ["东政发〔1993〕52号"]
    assert [p.name for p in f.persons] == ["单国栋"]


def test_a_damaged_year_is_kept_only_when_the_page_confirms_it():
    confirmed = extract([L("1980年10月8日收文", 100, 100, 600, 150),
                         L("批准时间：一九八年十月五日", 100, 200, 900, 250)])
    assert confirmed.years == [1980]
    alone = extract([L("批准时间：一九八年十月五日", 100, 200, 900, 250)])
    assert alone.years == [] and alone.years_uncertain == []
    # a 文号 carries the policy's year, not the event's: no evidence
    cited = extract([L("根据国发〔1985〕41号", 100, 100, 600, 150),
                     L("批准时间：一九八年十月五日", 100, 200, 900, 250)])
    assert cited.years == []
    handwritten = extract([L("2011年3月5日收", 100, 100, 600, 150), L("201年3月4日", 100, 200, 500, 250)])
    assert handwritten.years == [2011]  # never 2001


def test_the_recognisers_alternatives_give_names_years_and_numbers_it_nearly_read():
    name = Line("姓名：解金风", (100, 100, 500, 150), alternatives=[(5, "凤", 0.31)])
    date = Line("一九八年十月五日批准", (100, 200, 700, 250), alternatives=[(-4, "〇", 0.22)])
    docno = Line("东劳字〔1980〕17号", (100, 300, 600, 350), alternatives=[(10, "1", 0.2)])
    f = extract([name, date, docno])
    assert [p.name for p in f.persons] == ["解金风"]
    assert "解金凤" in f.ocr_alternatives
    assert "东劳字〔1980〕11号" in f.ocr_alternatives
    assert 1980 in f.years  # the 〇 it nearly read makes the damaged date whole


def test_an_alternative_never_competes_with_a_clean_year():
    f = extract([Line("1985年10月", (100, 100, 500, 150), alternatives=[(3, "6", 0.3)])])
    assert f.years == [1985]


def test_text_the_recogniser_nearly_read_is_kept_around_each_alternative():
    f = extract([Line("断肠声里忆年生", (65, 781, 607, 873), alternatives=[(5, "平", 0.278)])])
    assert f.alt_text == ["断肠声里忆平生"]


def test_a_unit_written_after_分配到_is_the_unit_not_the_phrase():
    """OCR joins "，分配到" and the unit written after it into one line: the unit facet lists
    the unit (东岭县水泥厂), never the sentence around it."""
    lines = [L("招收工人录用审批表", 800, 100, 1400, 180),
             L("拟录用为固定工", 100, 300, 600, 360), L("，分配到东岭县水泥厂", 650, 300, 1300, 360),
             L("工作单位", 100, 420, 300, 480), L("东岭县水泥厂", 400, 420, 800, 480)]
    f = extract(lines)
    assert f.units == ["东岭县水泥厂"]
    assert not any(u.startswith("分配") for u in f.units)
