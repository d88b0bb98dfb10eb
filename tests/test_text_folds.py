"""Folds for person search: pinyin with surname readings, look-alike characters."""

import pytest

from dangan.text.lookalikes import differs_by_lookalikes, variants
from dangan.text.names import looks_like_name
from dangan.text.pinyin import name_key


@pytest.mark.parametrize("name, key", [
    ("曾广才", "zeng guang cai"), ("解玉堂", "xie yu tang"), ("单建国", "shan jian guo"),
    ("仇卫东", "qiu wei dong"), ("区海燕", "ou hai yan"), ("朴永红", "piao yong hong"),
    ("翟秀珍", "zhai xiu zhen"), ("覃桂兰", "qin gui lan"), ("瞿德明", "qu de ming"),
])
def test_surnames_are_read_as_surnames(name, key):
    assert name_key(name) == key


def test_homophones_share_a_key():
    assert name_key("王秀英") == name_key("王秀瑛")
    assert name_key("张付明") == name_key("张傅明")
    assert name_key("王秀英") != name_key("汪秀英".replace("汪", "黄"))


def test_look_alike_variants_come_from_the_table():
    assert "王季英" in variants("王秀英")
    assert "张付明" in variants("张傅明")
    assert differs_by_lookalikes("王季瑛", "王秀英")
    assert not differs_by_lookalikes("王秀英", "李秀英")


def test_a_damaged_surname_is_still_a_name_in_a_name_cell():
    assert not looks_like_name("候勇")  # 候 is no surname …
    assert looks_like_name("候勇", relaxed=True)  # … but it looks like 侯
