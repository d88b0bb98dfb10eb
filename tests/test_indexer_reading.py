"""Reading order: continued lines read as one text, unrelated cells stay apart, and every
stretch of the text still leads back to its place on the scan."""

from dangan.indexer.layout import rows
from dangan.indexer.ocr.base import Line
from dangan.indexer.reading import reading_text
from dangan.search.analysis import grams


def L(text, x1, y1, x2, y2):
    return Line(text, (x1, y1, x2, y2))


def phrase_found(text: str, phrase: str) -> bool:
    """What the index's phrase query does: consecutive grams at consecutive positions."""
    toks = grams(text)
    by_pos = {(g, p) for g, p, _, _ in toks}
    want = [phrase[i:i + 2] for i in range(len(phrase) - 1)]
    return any(all((g, p + k) in by_pos for k, g in enumerate(want)) for _, p, _, _ in toks)


def test_a_prose_line_wrapped_mid_word_reads_on():
    lines = [L("　　招收民办教师须组织文化考试和教学能力", 100, 300, 1900, 350),
             L("考核，择优录取，报县教育局批准。", 100, 370, 1300, 420)]
    text = reading_text(lines).text
    assert "教学能力考核" in text
    assert phrase_found(text, "教学能力考核")


def test_a_word_split_between_two_boxes_of_one_row_is_one_word():
    lines = [L("上海东昌投资发展有限", 100, 100, 600, 150), L("公司", 615, 100, 715, 150),
             L("MU", 100, 200, 160, 250), L("2379", 170, 200, 320, 250)]
    text = reading_text(lines).text
    assert "上海东昌投资发展有限公司" in text and "MU2379" in text
    assert phrase_found(text, "上海东昌投资发展有限公司")


def test_a_wrapped_table_cell_reads_on_but_its_neighbours_do_not_join():
    # 本期结算金额合 / 计 in one cell; the amount sits beside it, centred on the two lines.
    lines = [L("本期结算金额合", 100, 500, 450, 540), L("计", 100, 548, 150, 588),
             L("12,345.00", 700, 524, 900, 564)]
    text = reading_text(lines).text
    assert "本期结算金额合计" in text
    assert "计12" not in text.replace(" ", "") or " " in text


def test_roster_cells_stacked_in_a_column_are_separate_records():
    lines = [L("东岭县第二机床厂", 400, 300, 800, 350), L("王秀英", 100, 300, 250, 350),
             L("女", 900, 300, 950, 350),
             L("东岭县水泥厂", 400, 360, 700, 410), L("李桂兰", 100, 360, 250, 410),
             L("女", 900, 360, 950, 410)]
    text = reading_text(lines).text
    assert "机床厂东岭县" not in text
    assert "王秀英东岭县" not in text  # cells of a row are apart, not one word
    assert text.splitlines() == ["王秀英 东岭县第二机床厂 女", "李桂兰 东岭县水泥厂 女"]


def test_a_wrapped_name_cell_beside_amounts_centred_on_it_reads_on():
    # 成都交子金融控股集团 / 有限公司 in one cell of a shareholder table
    lines = [L("成都交子金融控股集团", 22, 181, 133, 197), L("有限公司", 22, 197, 70, 214),
             L("652,418,000", 145, 189, 210, 206), L("国有法人", 479, 187, 528, 207),
             L("Hong Leong Bank", 22, 215, 120, 232), L("650,000,000", 145, 222, 210, 239)]
    assert "成都交子金融控股集团有限公司" in reading_text(lines).text


def test_a_title_does_not_swallow_the_document_number_under_it():
    lines = [L("关于印发职工退休退职暂行办法", 300, 100, 1700, 160),
             L("国发〔1978〕104号", 750, 200, 1250, 250)]
    assert reading_text(lines).text.splitlines() == ["关于印发职工退休退职暂行办法",
                                                      "国发〔1978〕104号"]


def test_a_hit_over_two_lines_is_drawn_on_both():
    lines = [L("组织文化考试和教学能力", 100, 300, 1200, 350), L("考核，择优录取", 100, 370, 800, 420)]
    rt = reading_text(lines)
    boxes = rt.find_boxes(lines, "教学能力考核")
    assert len(boxes) == 2
    (a, b) = boxes
    assert a[1] == 300 and a[2] == 1200 and a[0] > 100  # the end of the first line
    assert b[1] == 370 and b[0] == 100 and b[2] < 800  # the start of the next


def test_a_two_page_spread_is_read_page_by_page():
    left = [L(f"左页第{i}行文字内容很长很长的一行", 100, 100 + i * 80, 900, 150 + i * 80)
            for i in range(8)]
    right = [L(f"右页第{i}行文字内容很长很长的一行", 1300, 110 + i * 80, 2100, 160 + i * 80)
             for i in range(8)]
    text = reading_text(left + right).text
    assert text.index("左页第7行") < text.index("右页第0行")
    assert all("左页" not in r.text or "右页" not in r.text for r in rows(left + right))


def test_a_roster_is_not_taken_for_a_spread():
    lines = []
    for r in range(10):
        y = 100 + r * 60
        lines += [L(str(r + 1), 100, y, 140, y + 40), L("王秀英", 300, y, 450, y + 40),
                  L("女", 800, y, 840, y + 40), L("1941.04", 1300, y, 1500, y + 40)]
    assert len(rows(lines)) == 10


def test_a_centred_heading_cell_wraps_centred():
    lines = [L("本期结算金额合", 1900, 400, 2200, 440), L("计（含税）", 1945, 446, 2155, 486),
             L("税额", 1700, 420, 1780, 460)]
    assert "本期结算金额合计" in reading_text(lines).text


def test_a_date_centred_under_a_title_stays_apart():
    lines = [L("关于做好工资套改工作的通知", 300, 100, 1300, 150),
             L("1993年10月5日", 600, 160, 1000, 200)]
    assert reading_text(lines).text.splitlines() == ["关于做好工资套改工作的通知", "1993年10月5日"]


def test_a_line_ending_in_a_short_box_wraps_on_to_the_next():
    lines = [L("兹证明", 230, 409, 345, 449), L("司马娟", 346, 409, 461, 449),
             L("同志，于1971年参加工作，在", 462, 409, 1410, 449), L("东岭", 1412, 409, 1489, 449),
             L("县城关镇中心小学", 157, 485, 465, 525), L("从事保管员工作至今。", 468, 485, 1120, 525)]
    text = reading_text(lines).text
    assert "东岭县城关镇中心小学" in text
    assert phrase_found(text, "东岭县城关镇")


def test_a_term_is_marked_on_the_scan_across_a_wrap_and_a_split_box():
    from dangan.indexer.reading import term_boxes

    lines = [L("组织文化考试和教学能力", 100, 300, 1200, 350), L("考核，择优录取", 100, 370, 800, 420),
             L("上海东昌投资发展有限", 100, 500, 600, 550), L("公司", 615, 500, 715, 550)]
    assert len(term_boxes(lines, ["教学能力考核"])) == 2
    company = term_boxes(lines, ["上海东昌投资发展有限公司"])
    assert [b[0] for b in company] == [100, 615]


def test_a_date_ending_a_form_row_does_not_run_into_the_next_row():
    lines = [L("填报单位：东岭县第二机床厂", 100, 100, 900, 150), L("填报日期：1993-10-23", 1300, 100, 1900, 150),
             L("姓名", 100, 180, 200, 230), L("王秀英", 400, 180, 560, 230), L("性别", 900, 180, 1000, 230),
             L("女", 1300, 180, 1350, 230), L("出生年月", 1500, 180, 1700, 230), L("1941.4", 1750, 180, 1900, 230)]
    text = reading_text(lines).text
    assert "23姓名" not in text and "1993-10-23\n姓名" in text
