"""Why a page matched a person: the strongest relation between typed and printed name."""

from dangan.search.explain import match_person

ROSTER = [{"name": "王秀瑛", "role": "roster", "box": [10, 10, 60, 30], "row": 1,
           "row_box": [0, 10, 900, 30]},
          {"name": "曾广才", "role": "roster", "row": 2, "row_box": [0, 30, 900, 50]},
          {"name": "曾满仓", "role": "曾用名", "row": 2, "alias_of": "曾广才"}]


def test_homophone_on_a_roster_points_at_the_row():
    m = match_person("王秀英", ROSTER, "", {})
    assert m.label == "同音：王秀瑛"
    assert m.box == [0, 10, 900, 30] and m.row == 1


def test_look_alike_then_homophone():
    m = match_person("王季英", ROSTER, "", {})
    assert m.relation in ("形近", "形近同音") and m.name == "王秀瑛"


def test_former_name():
    m = match_person("曾广才", ROSTER, "", {"曾满仓": "曾用名"})
    assert m.label == "精确"
    m = match_person("曾满仓", [ROSTER[1]], "", {"曾广才": "现用名"})
    assert m.label == "现用名：曾广才" and m.row == 2


def test_traditional_print_and_prose_mentions():
    person = [{"name": "陈秀兰", "role": "姓名", "box": [1, 2, 3, 4]}]
    assert match_person("陈秀兰", person, "", {}, raw_text="姓名陳秀蘭").label == "繁简：陈秀兰"
    prose = [{"name": "瞿德明", "role": "prose"}]
    assert match_person("瞿德明", prose, "", {}).label == "正文提及"


def test_no_relation_means_no_match():
    assert match_person("李四", ROSTER, "没有这个人", {}) is None


def test_a_name_the_recogniser_nearly_read_is_said_so():
    page = [{"name": "王季英", "role": "姓名", "box": [1, 2, 3, 4]}]
    m = match_person("王秀英", page, "姓名王季英", {}, ocr_alternatives=["王秀英"])
    assert m.label == "识别近似：王季英" and m.box == [1, 2, 3, 4]
    m = match_person("王秀英", [], "王李英", {}, nearly_read_text=["花名册王秀英女"])
    assert m.label == "识别近似：王秀英" and m.box is None
