"""Normalisation: OCR spaces, full-width forms and traditional characters meet their plain form."""

from dangan.text.normalize import normalize


def test_spaces_between_han_characters_are_removed_but_not_between_words():
    assert normalize("王 秀 英 1993 年") == "王秀英 1993 年"


def test_full_width_digits_and_letters_become_ascii():
    assert normalize("１９９３年ＡＢ") == "1993年AB"


def test_traditional_characters_fold_to_simplified():
    assert normalize("陳秀蘭，勞動合同制工人招工登記表") == "陈秀兰，劳动合同制工人招工登记表"


def test_document_number_brackets_survive():
    assert "〔1985〕" in normalize("劳人薪〔1985〕41号")
