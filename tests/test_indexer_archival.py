"""档号 in file names (DA/T 31): pages of one item group into one document."""

from dangan.indexer.archival import parse


def test_item_level_code_with_page_sequence():
    name = parse("X012-WS·1985-Y-0012-0003.jpg")
    assert (name.document, name.archive_code, name.sequence) == (
        "X012-WS·1985-Y-0012", "X012-WS·1985-Y-0012", 3)


def test_volume_level_code_with_page_sequence():
    name = parse("0501-1996-001-0002.jpg")
    assert (name.document, name.sequence) == ("0501-1996-001", 2)


def test_file_named_by_the_code_alone_is_the_whole_item():
    name = parse("X012-WS·1987-Y-0007.pdf")
    assert (name.archive_code, name.sequence) == ("X012-WS·1987-Y-0007", None)


def test_plain_scanner_names_are_their_own_document():
    name = parse("IMG_20190412_0042.jpg")
    assert (name.document, name.archive_code) == ("IMG_20190412_0042", None)
