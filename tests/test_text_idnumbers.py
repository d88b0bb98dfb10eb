"""ID numbers: only checksum-valid ones are kept, and they are always shown masked."""

from dangan.text.idnumbers import clean, find_id_numbers, is_valid, mask

VALID = "11010519491231002X"


def test_checksum_decides_validity():
    assert is_valid(VALID)
    assert not is_valid("110105194912310021")  # one digit misread


def test_found_in_text_even_when_ocr_split_the_digits():
    assert find_id_numbers(f"身份证号码 {VALID[:9]} {VALID[9:]}") == [VALID]


def test_masked_for_display():
    assert mask(VALID) == "110105********002X"


def test_numbers_in_running_text_are_masked():
    from dangan.text.idnumbers import mask_in_text

    assert mask_in_text(f"身份证号码 {VALID} 电话 2213") == "身份证号码 110105********002X 电话 2213"


def test_id_shaped_numbers_are_masked_even_with_a_wrong_check_digit():
    from dangan.text.idnumbers import mask_in_text

    misread = "110105194912310021"  # one digit misread by OCR: still a person's number
    assert misread not in mask_in_text(f"身份证{misread}号")
    assert mask_in_text("旧证 110105491231002 止") == "旧证 110105*****1002 止"  # 15 digits
    assert mask_in_text("1101051949 1231 002X") == "110105********002X"  # split by OCR
    assert mask_in_text("1985年 工资 12345678 电话 13912345678") == \
        "1985年 工资 12345678 电话 13912345678"  # not ID-shaped: left alone


def test_a_number_copied_from_the_card_in_groups_is_the_same_number():
    assert clean("110105 19491231 002x") == "11010519491231002X"
    assert clean("110105-1949-1231-002X") == "11010519491231002X"
    assert clean("１１０１０５　１９４９１２３１００２Ｘ") == "11010519491231002X"
