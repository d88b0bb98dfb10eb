"""Facts about a person (出生年月, 参加工作时间 …) read from form cells, roster rows and prose,
each with its box and its subject, and kept with the page's fields."""

import pytest

from dangan.indexer.facts import normalise_value
from dangan.indexer.fields import PageFields, extract
from dangan.indexer.ocr.base import Line


def L(text, x1, y1, x2, y2):
    return Line(text, (x1, y1, x2, y2))


def _facts(fields, subject=None):
    return {(f.kind, f.value) for f in fields.facts if subject is None or f.subject == subject}


def test_a_form_gives_each_labelled_cell_as_a_fact_of_its_subject():
    lines = [L("职工退休审批表", 800, 100, 1400, 180),
             L("单位：东岭县针织厂", 100, 200, 700, 250),
             L("姓 名", 100, 300, 250, 360), L("刘桂芬", 400, 300, 560, 362),
             L("曾用名", 700, 300, 850, 360), L("刘二妮", 1000, 298, 1160, 360),
             L("出生年月", 100, 420, 300, 480), L("1941.4", 400, 420, 600, 480),
             L("性别", 700, 420, 850, 480), L("女", 1000, 420, 1050, 480),
             L("身份证号码", 100, 540, 300, 600),
             L("620421194104084825", 400, 540, 900, 600),
             L("参加工作时间", 100, 660, 300, 720), L("一九五八年三月", 400, 660, 700, 720),
             L("退休时间", 800, 660, 950, 720), L("1991.4", 1000, 660, 1150, 720),
             L("原标准", 100, 780, 300, 840), L("68.50元", 400, 780, 600, 840)]
    f = extract(lines)
    assert _facts(f, "刘桂芬") == {
        ("unit", "东岭县针织厂"), ("name", "刘桂芬"), ("former_name", "刘二妮"),
        ("birth", "1941-04"), ("gender", "女"), ("id_number", "620421194104084825"),
        ("work_start", "1958-03"), ("retired", "1991-04"), ("wage_before", "68.50")}
    birth = next(x for x in f.facts if x.kind == "birth")
    assert birth.text == "1941.4"  # as written, for the clerk
    assert birth.box == (400, 420, 600, 480) and birth.label_box == (100, 420, 300, 480)
    unit = next(x for x in f.facts if x.kind == "unit")
    assert unit.box[0] > 100  # the value's part of "单位：…", not the label


def test_a_roster_gives_each_row_its_own_facts_by_column_heading_and_no_unit_of_its_header():
    header = ["序号", "姓名", "性别", "出生年月", "参加工作时间", "套改前工资", "备注"]
    xs = [100, 300, 600, 800, 1100, 1400, 1700]
    lines = [L("1993年工资套改人员花名册", 500, 50, 1500, 120),
             L("单位（盖章）：东岭县第二机床厂", 100, 130, 800, 180)]
    lines += [L(h, x, 200, x + 150, 260) for h, x in zip(header, xs, strict=True)]
    rows = [("1", "王秀瑛", "女", "1943.7", "65.05", "111.22"),
            ("2", "刘桂芬", "女", "一九四八年二月", "1968年3月", "98.00")]
    for r, values in enumerate(rows):
        y = 300 + r * 100
        lines += [L(v, x, y, x + 150, y + 60) for v, x in zip(values, xs, strict=False)]
    f = extract(lines)
    assert _facts(f, "刘桂芬") == {
        ("name", "刘桂芬"), ("gender", "女"), ("birth", "1948-02"), ("work_start", "1968-03"),
        ("wage_before", "98.00")}  # the office above the table is not every row's unit
    assert {x.row for x in f.facts if x.subject == "刘桂芬"} == {2}
    birth = next(x for x in f.facts if x.subject == "王秀瑛" and x.kind == "birth")
    assert birth.value == "1943-07" and birth.box == (800, 300, 950, 360)


def test_prose_dates_an_event_for_the_person_it_names():
    lines = [L("退伍军人安置介绍信", 500, 50, 1500, 120),
             L("兹介绍退伍军人仇卫东同志（男，1956年11月生）到你单位报到。", 100, 200, 1900, 260),
             L("该同志于1979.12入伍，1983.3退伍。", 100, 300, 1200, 360)]
    f = extract(lines)
    assert _facts(f, "仇卫东") == {("birth", "1956-11"), ("enlisted", "1979-12"),
                                   ("discharged", "1983-03"), ("gender", "男")}


def test_values_that_are_not_such_a_value_give_no_fact():
    assert normalise_value("birth", "无") is None
    assert normalise_value("birth", "41.4") == "1941-04"
    assert normalise_value("birth", "一九四二年四月") == "1942-04"
    assert normalise_value("id_number", "620421194104084826") is None  # bad check digit
    assert normalise_value("unit", "意见") is None
    assert normalise_value("gender", "汉族") is None


def test_facts_survive_the_page_store_round_trip():
    lines = [L("姓名", 100, 300, 250, 360), L("刘桂芬", 400, 300, 560, 362),
             L("出生年月", 100, 420, 300, 480), L("41.4", 400, 420, 600, 480)]
    f = extract(lines)
    again = PageFields.from_json(f.to_json())
    assert again.facts == f.facts
    assert PageFields.from_json({k: v for k, v in f.to_json().items() if k != "facts"}).facts == []


def test_a_line_running_several_cells_together_gives_each_pair():
    # a PDF's text layer: whole lines, no boxes
    lines = [Line("退休审批表", None), Line("姓名 解玉堂 性别 男 出生年月 1938年5月", None),
             Line("工作单位 东岭县粮食局 退休时间 1998年5月", None)]
    f = extract(lines)
    assert _facts(f, "解玉堂") == {("name", "解玉堂"), ("gender", "男"), ("birth", "1938-05"),
                                   ("unit", "东岭县粮食局"), ("retired", "1998-05")}


def test_a_rebuild_reads_facts_again_from_the_stored_lines(tmp_path):
    # a page store from before facts: its fields have none; the rebuild (no OCR) adds them
    from archivekit import index, make_archive

    from dangan import config as config_mod
    from dangan.indexer.integrity import rebuild
    from dangan.indexer.store import PageStore
    from dangan.search.backend import SearchIndex

    cfg = make_archive(tmp_path, {"a.pdf": ["退休审批表", "姓名 解玉堂 性别 男 出生年月 1938年5月"]},
                       catalog="")
    index(cfg)
    c = config_mod.load(cfg)
    store = PageStore(c.store_path)
    store.db.execute("UPDATE pages SET fields = json_remove(fields, '$.facts')")
    store.commit()
    assert next(store.all_pages()).fields.facts == []
    idx = SearchIndex(c.index_dir)
    try:
        rebuild(idx, store)
    finally:
        idx.close()
    assert ("birth", "1938-05") in _facts(next(store.all_pages()).fields, "解玉堂")
    store.close()


def test_status_and_job_cells_are_facts_for_the_retirement_reckoning():
    """用工形式 (合同制, 全民工) or 身份 (干部/工人) says which original retirement age applies
    to a woman; 工种 and 职务(工种) the work a 特殊工种 early retirement rests on."""
    lines = [L("劳动合同制工人招工登记表", 500, 50, 1500, 120),
             L("姓 名", 100, 300, 250, 360), L("周红梅", 400, 300, 560, 362),
             L("用工形式", 100, 420, 300, 480), L("合同制", 400, 420, 600, 480),
             L("工种", 700, 420, 850, 480), L("喷漆工", 1000, 420, 1150, 480),
             L("职务(工种)", 100, 540, 300, 600), L("喷漆工", 400, 540, 600, 600),
             L("身份", 700, 540, 850, 600), L("工人", 1000, 540, 1100, 600)]
    assert _facts(extract(lines), "周红梅") >= {
        ("status", "合同制"), ("job", "喷漆工"), ("status", "工人")}


def _roster(header, rows, xs, top=200, row_h=100, slope=0.0, above=()):
    """A roster as OCR returns its cells: header, then one line per cell; `slope` tilts it."""
    lines = [L(t, x, y, x + len(t) * 40, y + 50) for t, x, y in above]
    def cell(text, x, y):
        dy = round(slope * x)
        return L(text, x, y + dy, x + 150, y + dy + 60)
    lines += [cell(h, x, top) for h, x in zip(header, xs, strict=True)]
    for r, values in enumerate(rows):
        lines += [cell(v, x, top + 100 + r * row_h) for v, x in zip(values, xs, strict=False)]
    return lines


def test_a_roster_row_takes_its_unit_from_its_own_cell():
    header = ["序号", "姓名", "工作单位", "出生年月", "原工资"]
    xs = [100, 300, 600, 1000, 1300]
    lines = _roster(header, [("1", "王秀瑛", "东岭县针织厂", "1943.7", "65.05"),
                             ("2", "刘桂芬", "东岭县粮食局", "1948.2", "98.00")], xs,
                    above=[("填报单位：东岭县劳动人事局", 100, 100)])
    f = extract(lines)
    assert ("unit", "东岭县针织厂") in _facts(f, "王秀瑛")
    assert ("unit", "东岭县粮食局") in _facts(f, "刘桂芬")
    assert not any(x.value == "东岭县劳动人事局" for x in f.facts)


def test_roster_wage_columns_under_every_heading_a_roster_prints():
    for before, after in [("原工资", "调整后工资"), ("原工资标准", "晋级后工资"),
                          ("原标准（元）", "新工资"), ("原工资", "转正后工资")]:
        header = ["序号", "姓名", "性别", before, after, "增资额"]
        xs = [100, 300, 500, 700, 1000, 1300]
        f = extract(_roster(header, [("1", "王秀瑛", "女", "101.16", "159.27", "58.11"),
                                     ("2", "刘桂芬", "女", "98.00", "120.00", "22.00")], xs))
        assert {("wage_before", "101.16"), ("wage_after", "159.27"),
                ("wage_raise", "58.11")} <= _facts(f, "王秀瑛"), (before, after)
        assert 1958 not in f.years  # an amount is never a year


def test_a_skewed_roster_still_gives_each_row_its_facts():
    header = ["序号", "姓名", "性别", "出生年月", "参加工作时间", "套改前工资", "套改后工资", "备注"]
    xs = [100, 300, 600, 800, 1100, 1400, 1700, 2000]
    rows = [(str(i), name, "男", f"19{40 + i}.{i}", f"19{60 + i}.3", f"{90 + i}.00",
             f"{120 + i}.50") for i, name in enumerate(["王秀瑛", "刘桂芬", "张付明", "曾广才",
                                                       "李春生", "赵德胜"], 1)]
    f = extract(_roster(header, rows, xs, row_h=80, slope=0.035))  # two degrees
    assert {("birth", "1943-03"), ("work_start", "1963-03"), ("wage_before", "93.00"),
            ("wage_after", "123.50")} <= _facts(f, "张付明")
    assert {x.row for x in f.facts if x.subject == "赵德胜"} == {6}


def test_a_label_printed_over_two_lines_is_read_as_one():
    lines = [L("民办教师登记表", 500, 50, 1200, 120),
             L("姓名", 100, 200, 250, 260), L("王秀瑛", 400, 200, 560, 260),
             L("参加工作", 100, 300, 300, 340), L("时间", 100, 345, 200, 385),
             L("1962年9月", 400, 320, 650, 370),
             L("任民办教师", 700, 300, 950, 340), L("时间", 700, 345, 800, 385),
             L("1965.9", 1000, 320, 1200, 370)]
    f = extract(lines)
    assert {("work_start", "1962-09"), ("teaching_start", "1965-09")} <= _facts(f, "王秀瑛")
    assert "参加工作" in f.text and "时间" in f.text  # the page's text stays as read


def test_a_damaged_name_label_keeps_the_forms_facts():
    lines = [L("职工登记表", 500, 50, 1200, 120),
             L("姓名）", 100, 200, 250, 260), L("曾广才", 400, 200, 560, 260),
             L("出生年月", 700, 200, 900, 260), L("1933年12月", 1000, 200, 1250, 260),
             L("身份证号", 100, 300, 300, 360), L("620421331214123", 400, 300, 900, 360)]
    f = extract(lines)
    assert {("name", "曾广才"), ("birth", "1933-12"),
            ("id_number", "620421331214123")} <= _facts(f, "曾广才")
    assert "620421331214123" in f.id_numbers


def test_a_fifteen_digit_id_number_needs_a_real_birth_day():
    assert normalise_value("id_number", "620421331214123") == "620421331214123"
    assert normalise_value("id_number", "620421331314123") is None  # month 13
    assert normalise_value("id_number", "6204213312141") is None


def test_ocr_specks_are_not_part_of_a_value():
    assert normalise_value("grade_before", "3级·") == "3级"
    assert normalise_value("unit", "第·三冶炼厂") == "第三冶炼厂"


def test_facts_without_a_kind_before_now():
    lines = [L("职工退休审批表", 500, 50, 1200, 120),
             L("姓名", 100, 200, 250, 260), L("曾广才", 400, 200, 560, 260),
             L("工龄", 700, 200, 850, 260), L("37年", 1000, 200, 1150, 260),
             L("退休前标准工资", 100, 300, 400, 360), L("159.27元", 500, 300, 700, 360),
             L("月退休费", 800, 300, 1000, 360), L("135.38元", 1100, 300, 1300, 360),
             L("调资依据", 100, 400, 300, 460), L("劳人薪〔1985〕41号", 400, 400, 900, 460),
             L("月增资额", 1000, 400, 1200, 460), L("16.30元", 1300, 400, 1450, 460)]
    assert {("seniority", "37年"), ("wage_pre_retire", "159.27"), ("pension", "135.38"),
            ("wage_doc", "劳人薪〔1985〕41号"), ("wage_raise", "16.30")} <= _facts(extract(lines),
                                                                              "曾广才")


def test_prose_gives_gender_and_dates_wrapped_across_lines():
    lines = [L("入伍通知书", 500, 50, 1000, 120),
             L("张付明同志（男，汉族）：", 100, 200, 700, 260),
             L("经审查，批准你于一九", 100, 300, 1900, 360),
             L("八四年十二月三日应征入伍。", 100, 400, 900, 460)]
    f = extract(lines)
    assert {("gender", "男"), ("enlisted", "1984-12-03")} <= _facts(f, "张付明")


def test_pattern_pages_give_each_person_the_facts_the_page_states():
    """samplegen's office rosters (a unit per row, wage headings of every kind, headings over
    two lines, 22 landscape rows), two-line form labels, 15-digit IDs and prose, as a
    perfect OCR reads them, two in three turned 1.5 degrees: every fact the page states of
    each person, and none wrong."""
    import math

    from samplegen.archive import layout_lines
    from samplegen.staffdocs import pattern_docs

    def turned(items, degrees):  # as a scan turned by `degrees` gives the boxes
        a = math.radians(degrees)
        for text, (x1, y1, x2, y2) in items:
            cx, cy, w, h = (x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1
            nx, ny = cx * math.cos(a) - cy * math.sin(a), cx * math.sin(a) + cy * math.cos(a)
            yield Line(text, (round(nx - w / 2), round(ny - h / 2), round(nx + w / 2),
                              round(ny + h / 2)))

    missing, wrong = [], []
    for k, doc in enumerate(pattern_docs(31, 12)):
        sheet = doc.sheets[0]
        lines = list(turned(layout_lines(sheet, 200), (0, 1.5, -1.5)[k % 3]))
        truth = {(f["subject"], f["kind"], f["value"]) for f in sheet.facts}
        found = {(f.subject, f.kind, f.value) for f in extract(lines).facts}
        missing += [(doc.title, t) for t in truth - found]
        wrong += [(doc.title, f) for f in found - truth
                  if any(t[:2] == f[:2] for t in truth)]
    assert len(missing) <= 5, missing  # a date in prose may wrap mid-number
    assert not wrong


def test_a_teaching_span_gives_its_start_and_its_end():
    lines = [L("民办教师登记表", 500, 50, 1200, 120),
             L("姓名", 100, 200, 250, 260), L("王秀瑛", 400, 200, 560, 260),
             L("任教起止时间", 100, 300, 350, 360), L("1965.9—1980.12", 400, 300, 800, 360),
             L("参军时间", 900, 300, 1050, 360), L("1962年8月", 1100, 300, 1300, 360)]
    assert {("teaching_start", "1965-09"), ("teaching_end", "1980-12"),
            ("enlisted", "1962-08")} <= _facts(extract(lines), "王秀瑛")


def test_header_cells_ocr_ran_together_are_still_two_columns():
    header = ["序号姓名", "性别", "出生年月", "原工资", "调整后工资", "增资额"]
    xs = [100, 500, 700, 1000, 1300, 1600]
    lines = [L(h, x, 200, x + (300 if x == 100 else 150), 260)
             for h, x in zip(header, xs, strict=True)]
    cells = [("1", 120), ("王秀瑛", 290), ("女", 500), ("1943.7", 700), ("101.16", 1000),
             ("159.27", 1300), ("58.11", 1600)]
    lines += [L(t, x, 300, x + 120, 360) for t, x in cells]
    assert {("name", "王秀瑛"), ("birth", "1943-07"), ("wage_after", "159.27"),
            ("wage_raise", "58.11")} <= _facts(extract(lines), "王秀瑛")


@pytest.mark.slow
def test_pattern_pages_read_by_the_real_recogniser_give_each_person_their_facts():
    """An office roster (two-line headings, a unit per row, 调整后工资 and 增资额), a 登记表
    with two-line labels and a 15-digit ID number, and an 入伍通知书 in prose, rendered and
    scanned by samplegen and read by the real OCR: nine in ten facts of every person, none
    wrong (a value the page does not give that person)."""
    import random

    from dangan.indexer.ocr.rapid import RapidEngine
    from dangan.indexer.ocr.seals import read_page
    from samplegen import people as P
    from samplegen.archive import _scan
    from samplegen.documents import Styles
    from samplegen.staffdocs import enlist_notice, office_roster, register_form

    rng = random.Random(5)
    st, taken = Styles(rng), set()
    docs = [office_roster(rng, st, [P.make_person(rng, taken) for _ in range(10)], 1993,
                          two_line=True),
            register_form(rng, st, P.make_person(rng, taken), teacher=True),
            enlist_notice(rng, st, P.make_person(rng, taken))]
    engine = RapidEngine()
    for doc in docs:
        sheet = doc.sheets[0]
        image, _ = _scan(sheet, 200, False, 7)
        truth = {(f["subject"], f["kind"], f["value"]) for f in sheet.facts}
        found = {(f.subject, f.kind, f.value) for f in extract(read_page(engine, image)).facts}
        assert len(truth & found) >= 0.9 * len(truth), (doc.title, sorted(truth - found))
        assert not [f for f in found - truth if any(t[:2] == f[:2] for t in truth)]


def test_values_as_other_archives_write_them():
    assert normalise_value("wage_before", "3级 54.71") == "54.71"  # the grade is no amount
    assert normalise_value("wage_before", "五级54.71元") == "54.71"
    assert normalise_value("wage_after", "54．71") == "54.71"
    assert normalise_value("gender", "男性") == "男"
    assert normalise_value("id_number", "62042119410408482×") is None  # bad check, any X
    assert normalise_value("unit", "东岭县文化馆") == "东岭县文化馆"
    assert normalise_value("unit", "东岭县煤矿") == "东岭县煤矿"


def test_a_roster_naming_its_people_under_a_longer_heading():
    header = ["序号", "职工姓名", "性别", "出生年月", "工作单位"]
    xs = [100, 300, 600, 800, 1100]
    f = extract(_roster(header, [("1", "王秀瑛", "女", "1943.7", "东岭县文化馆"),
                                 ("2", "刘桂芬", "女", "1948.2", "东岭县煤矿")], xs))
    assert {("birth", "1948-02"), ("unit", "东岭县煤矿")} <= _facts(f, "刘桂芬")
    assert [p.row for p in f.persons if p.role == "roster"] == [1, 2]


def test_cells_ocr_ran_over_two_columns_are_cut_where_the_second_begins():
    # as the real recogniser read a scanned roster: 序号姓名 and 参加工作时间原工资 as one box
    # each, and a long unit run into the birth date after it
    header = [("序号姓名", 80, 225), ("工作单位", 400, 530), ("出生年月", 700, 830),
              ("参加工作时间原工资", 890, 1170), ("新工资", 1235, 1340)]
    row = [("1", 86, 120), ("朴军", 160, 240), ("东岭县城关供销合作社1952年12月", 410, 875),
           ("1975.2", 897, 1005), ("124.39", 1077, 1185), ("153.35", 1245, 1355)]
    lines = [L(t, x, 200, x2, 260) for t, x, x2 in header]
    lines += [L(t, x, 300, x2, 350) for t, x, x2 in row]
    assert {("unit", "东岭县城关供销合作社"), ("birth", "1952-12"), ("work_start", "1975-02"),
            ("wage_before", "124.39"), ("wage_after", "153.35")} <= _facts(extract(lines), "朴军")


def test_a_label_that_goes_on_in_its_cell_still_takes_the_value_beside_it():
    lines = [L("职工登记表", 500, 50, 1200, 120),
             L("姓名", 100, 200, 250, 260), L("王秀瑛", 400, 200, 560, 260),
             L("单位名称", 100, 300, 300, 360), L("东岭县文化馆", 400, 300, 700, 360)]
    assert ("unit", "东岭县文化馆") in _facts(extract(lines), "王秀瑛")


def test_prose_dates_teaching_and_enlistment_as_letters_write_them():
    lines = [L("证明", 500, 50, 800, 120),
             L("兹证明王秀瑛同志（女，1943年7月生）于1965年9月起任民办教师，", 100, 200, 1900, 260),
             L("其夫刘建国同志1962年8月参军。", 100, 300, 900, 360)]
    f = extract(lines)
    assert {("teaching_start", "1965-09"), ("gender", "女"),
            ("birth", "1943-07")} <= _facts(f, "王秀瑛")
    assert ("enlisted", "1962-08") not in _facts(f, "王秀瑛")  # her husband's
    assert ("enlisted", "1962-08") in _facts(f, "刘建国")


def test_a_name_the_word_list_knows_is_a_name_when_addressed_with_its_sex():
    lines = [L("入伍通知书", 500, 50, 1000, 120), L("罗杰同志（男，汉族）：", 100, 200, 700, 260),
             L("批准你于一九七一年十月九日应征入伍。", 100, 300, 1200, 360)]
    assert {("gender", "男"), ("enlisted", "1971-10-09")} <= _facts(extract(lines), "罗杰")


def test_the_office_that_filled_a_form_in_is_not_the_persons_unit_beside_a_work_unit():
    lines = [L("职工工资调整审批表", 500, 50, 1200, 120),
             L("填报单位：东岭县劳动人事局", 100, 130, 800, 180),
             L("姓名", 100, 200, 250, 260), L("王秀瑛", 400, 200, 560, 260),
             L("工作单位", 100, 300, 300, 360), L("东岭县水泥厂", 400, 300, 700, 360)]
    units = {v for k, v in _facts(extract(lines), "王秀瑛") if k == "unit"}
    assert units == {"东岭县水泥厂"}
    alone = [ln for ln in lines if "工作单位" not in ln.text and "水泥厂" not in ln.text]
    assert ("unit", "东岭县劳动人事局") in _facts(extract(alone), "王秀瑛")  # all there is
