"""Names: surnames decide where a name starts; rare and compound surnames are known."""

import pytest

from dangan.text.names import is_name_cell, looks_like_name, names_in_prose


@pytest.mark.parametrize("name", ["王秀英", "高斌", "欧阳春梅", "瞿德明", "覃桂兰", "单建国",
                                  "解玉堂", "仇卫东", "区海燕", "朴永红", "翟秀珍", "上官军"])
def test_names_with_common_rare_and_compound_surnames(name):
    assert looks_like_name(name)


@pytest.mark.parametrize("text", ["同意调整", "性别", "无", "东岭县第二机床厂", "营业员"])
def test_words_that_are_not_names(text):
    assert not looks_like_name(text)


def test_names_in_letters_and_notices():
    text = "兹介绍退伍军人瞿德明同志（男）到你单位报到。联系人：单国栋，电话：2213。"
    assert [n for n, _ in names_in_prose(text)] == ["瞿德明", "单国栋"]


# --- persons wherever a page names them --------------------------------------------------
@pytest.mark.parametrize("text, name", [
    ("退伍战士曾天明同志，于1980年退伍", "曾天明"),
    ("兹证明王秀英同志系我厂职工", "王秀英"),
    ("负责人：陆保平", "陆保平"),
    ("经办人：赵桂芝 电话：2213", "赵桂芝"),
    ("申请医生：孙首悦", "孙首悦"),
    ("检验：李纪平", "李纪平"),
    ("3622011988****0417易双智", "易双智"),
    ("职工覃桂兰，女，1941年4月生", "覃桂兰"),
    ("（王之涣《凉州词》）", "王之涣"),
    ("——纳兰性德《浣溪纱》", "纳兰性德"),
])
def test_names_are_found_by_the_words_around_them(text, name):
    assert name in [n for n, _ in names_in_prose(text)]


@pytest.mark.parametrize("text", ["单位：东岭县水泥厂", "尊敬的先生/小姐：", "年龄：31",
                                  "联系电话：13585662395", "根据《劳动法》", "性别：男"])
def test_words_around_no_name_give_no_name(text):
    assert names_in_prose(text) == []


@pytest.mark.parametrize("cell, is_name", [
    ("马丽丽", True), ("刘燕", True), ("吕学武", True), ("陈品青", True),
    ("信息", False), ("音乐", False), ("班会", False), ("群众", False), ("汉族", False),
    ("东岭县", False), ("红旗厂", False), ("江苏", False), ("高级", False), ("成都", False),
])
def test_a_cell_holding_only_a_name(cell, is_name):
    assert is_name_cell(cell) is is_name


@pytest.mark.parametrize("text", ["门诊号：E05535540 申请医生：孙首悦", "单位股", "申请人"])
def test_words_that_start_with_a_surname_are_no_name(text):
    assert "申请医" not in [n for n, _ in names_in_prose(text)]
    assert not is_name_cell("单位股") and not is_name_cell("申请书")
