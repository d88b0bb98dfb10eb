"""What real scans do to OCR, read with the real recogniser: red seals over text, square-grid
manuscript paper, and the recogniser's own runner-up readings."""

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from dangan.indexer.ocr.rapid import regrid
from dangan.indexer.ocr.seals import lift_red, read_page, red_ink
from samplegen.gridpaper import grid_page

SCANS = Path(__file__).resolve().parent.parent / "scans"


@pytest.fixture(scope="module")
def engine():
    from dangan.indexer.ocr.rapid import RapidEngine

    return RapidEngine()


@pytest.mark.slow
def test_a_date_under_a_red_seal_reads_clean_and_the_seal_reads_apart(engine):
    lines = read_page(engine, Image.open(SCANS / "退休审批表_张傅明.jpg"))
    page = [ln.text for ln in lines if ln.kind != "seal"]
    seals = [ln.text for ln in lines if ln.kind == "seal"]
    # without lifting the seal, the 一 of 一九九五 under its ring was lost
    assert any("一九九五年四月一日" in t for t in page)
    assert "东岭县劳动人事局" in seals
    assert not any("劳动人事局" in t for t in page)  # the seal's words are not in the text


@pytest.mark.slow
def test_square_grid_paper_is_read_row_by_row(engine):
    rows = ["我叫王秀英，一九四一年四月出生于东岭", "县城关镇。一九六〇年五月参加工作，在",
            "东岭县第二机床厂当营业员，一九九五年", "四月退休。特此说明本人的简历如上。"] * 2
    image = grid_page(rows, seed=1, strip=0, angle=8, cols=8, cell=90)
    text = "\n".join(ln.text for ln in engine.read(image))
    assert "我叫王秀英" in text and "东岭县第二机床厂" in text
    assert "我县东四" not in text  # not column by column


@pytest.mark.slow
def test_the_recognisers_runner_up_characters_are_kept(engine):
    lines = engine.read(Image.open(SCANS / "scan0007.jpg"))
    alts = [(ln.text, a) for ln in lines for a in ln.alternatives or ()]
    assert alts, "a scanned page has some characters the recogniser hesitated over"
    for text, (k, ch, p) in alts:
        assert 0.08 <= p < 1 and len(ch) == 1
        assert -len(text) - 2 < k < len(text)


def test_vertical_writing_stays_in_columns_read_right_to_left():
    def column(x, chars, pitch=60, top=100):
        quads = [np.array([[x, top + i * pitch], [x + 50, top + i * pitch],
                           [x + 50, top + i * pitch + 50], [x, top + i * pitch + 50]], float)
                 for i in range(len(chars))]
        cells = [(ch, 0.9, q.tolist()) for ch, q in zip(chars, quads, strict=True)]
        return (np.vstack(quads), cells, 0.9)

    # columns 200 px apart, characters 60 px apart: vertical writing
    lines = regrid([column(100, "春眠不觉晓"), column(300, "处处闻啼鸟"), column(500, "夜来风雨声")])
    assert [ln.text for ln in lines] == ["夜来风雨声", "处处闻啼鸟", "春眠不觉晓"]
    # columns as close as the characters: squares of 稿纸, read as rows
    lines = regrid([column(100, "我县东", 60), column(160, "叫城岭", 60), column(220, "王关县", 60)])
    assert [ln.text for ln in lines] == ["我叫王", "县城关", "东岭县"]


def test_red_ink_is_told_from_yellowed_paper_and_black_text():
    px = np.array([[[200, 60, 60], [220, 200, 160], [30, 30, 30], [230, 150, 150]]], np.uint8)
    assert red_ink(px).tolist() == [[True, False, False, True]]
    grey = Image.new("L", (50, 50), 200)
    assert lift_red(grey)[1] is None  # a greyscale scan has no red to lift


def test_the_paper_colour_under_a_seal_is_the_exact_median_of_the_unstamped_pixels():
    from dangan.indexer.ocr.seals import _paper_colour

    rng = np.random.default_rng(7)
    rgb = rng.integers(0, 256, (120, 90, 3), dtype=np.uint8)
    for share in (0.0, 0.05, 0.5):
        ink = rng.random((120, 90)) < share
        assert _paper_colour(rgb, ink).tolist() == np.median(rgb[~ink], axis=0).tolist()


def test_the_detectors_input_is_normalised_bit_for_bit_as_rapidocr_does_it():
    from types import SimpleNamespace

    from rapidocr.ch_ppocr_det.utils import DetPreProcess

    from dangan.indexer.ocr.rapid import _fast_det_preprocess

    settings = dict(limit_side_len=736, limit_type="min", mean=[0.5, 0.4, 0.3],
                    std=[0.5, 0.25, 0.2])
    page = np.random.default_rng(3).integers(0, 256, (700, 500, 3), dtype=np.uint8)
    fast = _fast_det_preprocess(SimpleNamespace(**settings))()(page)
    slow = DetPreProcess(*settings.values())(page)
    assert fast.dtype == slow.dtype and np.array_equal(fast, slow)
