"""Names: surnames decide where a name starts; rare and compound surnames are known."""

import pytest

from dangan.text.names import looks_like_name, names_in_prose


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
