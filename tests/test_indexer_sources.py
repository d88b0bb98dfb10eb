"""Sources: every kind of broken file is refused with a reason, before any work is done."""

import io

import pytest
from PIL import Image
from pypdf import PdfWriter

from dangan.indexer.sources import BadFile, load_image_page, pages

LIMIT = 50_000_000


def _jpeg(path, size=(400, 300)):
    Image.new("RGB", size, (240, 230, 200)).save(path, "JPEG")
    return path


def test_zero_byte_file(tmp_path):
    p = tmp_path / "empty.jpg"
    p.write_bytes(b"")
    with pytest.raises(BadFile, match="空"):
        pages(p, LIMIT)


def test_truncated_jpeg_fails_when_decoded(tmp_path):
    good = _jpeg(tmp_path / "good.jpg", (800, 600))
    data = good.read_bytes()
    bad = tmp_path / "truncated.jpg"
    bad.write_bytes(data[: len(data) // 3])
    refs = pages(bad, LIMIT)  # the header is intact, so it looks like one page…
    with pytest.raises(BadFile, match="损坏"):  # …but decoding it fails with a reason
        load_image_page(bad, refs[0].index, LIMIT)


def test_not_an_image(tmp_path):
    p = tmp_path / "notes.jpg"
    p.write_text("这不是图像", encoding="utf-8")
    with pytest.raises(BadFile, match="不是可识别的图像"):
        pages(p, LIMIT)


def test_decompression_bomb_is_refused_from_the_header(tmp_path):
    p = tmp_path / "bomb.png"
    Image.new("1", (12000, 12000)).save(p)  # small file, 144 million pixels
    with pytest.raises(BadFile, match="像素过多"):
        pages(p, 120_000_000)


def test_encrypted_pdf(tmp_path):
    w = PdfWriter()
    w.add_blank_page(595, 842)
    w.encrypt(user_password="secret", owner_password="owner")
    p = tmp_path / "locked.pdf"
    with open(p, "wb") as f:
        w.write(f)
    with pytest.raises(BadFile, match="加密"):
        pages(p, LIMIT)


def test_malformed_pdf(tmp_path):
    p = tmp_path / "broken.pdf"
    p.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage")
    with pytest.raises(BadFile, match="PDF"):
        pages(p, LIMIT)


def test_multipage_tiff_has_one_ref_per_page(tmp_path):
    frames = [Image.new("L", (200, 300), v) for v in (255, 200, 150)]
    p = tmp_path / "roster.tif"
    frames[0].save(p, save_all=True, append_images=frames[1:])
    assert [r.index for r in pages(p, LIMIT)] == [0, 1, 2]


def test_pdf_pages_with_text_use_the_text_layer_and_scans_are_rendered(truth):
    from pathlib import Path

    scans = Path(__file__).resolve().parent.parent / "scans"
    notice = next(n for n, f in truth["files"].items() if f["format"] == "pdf_text")
    image_pdf = next(n for n, f in truth["files"].items() if f["format"] == "pdf_images")
    assert {r.kind for r in pages(scans / notice, LIMIT)} == {"pdf_text"}
    assert {r.kind for r in pages(scans / image_pdf, LIMIT)} == {"pdf_scan"}


def test_in_memory_image_bytes_roundtrip():
    buf = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buf, "PNG")
    assert buf.getvalue()[:4] == b"\x89PNG"


def _noisy_pages(n: int) -> list[Image.Image]:
    import numpy as np

    rng = np.random.default_rng(7)
    return [Image.fromarray(rng.integers(0, 255, (300, 400, 3), dtype=np.uint8))
            for _ in range(n)]


def test_each_page_of_a_multi_page_pdf_is_cut_out_alone_and_renders_the_same(tmp_path):
    from io import BytesIO

    from pypdf import PdfReader

    from dangan.indexer.sources import PageRef, PageSplitter, render_page

    whole = tmp_path / "scan.pdf"
    images = _noisy_pages(4)
    images[0].save(whole, save_all=True, append_images=images[1:], resolution=72)
    data = whole.read_bytes()
    splitter = PageSplitter(data, ".PDF", LIMIT)
    for i in range(4):
        piece, suffix, at = splitter.page(i, "pdf_scan", 4)
        assert suffix == ".pdf" and at == 0
        assert len(PdfReader(BytesIO(piece)).pages) == 1 and len(piece) < len(data) / 3
        alone = tmp_path / f"page{i}.pdf"
        alone.write_bytes(piece)
        assert (render_page(PageRef(alone, 0, "pdf_scan"), LIMIT).tobytes()
                == render_page(PageRef(whole, i, "pdf_scan"), LIMIT).tobytes())


def test_each_frame_of_a_multi_page_tiff_travels_as_the_image_the_worker_would_read(tmp_path):
    from dangan.indexer.sources import PageRef, PageSplitter, render_page

    whole = tmp_path / "roll.tif"
    images = _noisy_pages(3)
    images[0].save(whole, save_all=True, append_images=images[1:], compression="tiff_lzw")
    splitter = PageSplitter(whole.read_bytes(), ".tif", LIMIT)
    for i in range(3):
        piece, suffix, at = splitter.page(i, "image", 3)
        alone = tmp_path / f"frame{i}{suffix}"
        alone.write_bytes(piece)
        assert at == 0 and Image.open(alone).n_frames == 1
        assert (render_page(PageRef(alone, 0, "image"), LIMIT).tobytes()
                == render_page(PageRef(whole, i, "image"), LIMIT).tobytes())


def test_a_single_page_file_travels_as_it_is(tmp_path):
    from dangan.indexer.sources import PageSplitter

    data = _jpeg(tmp_path / "one.jpg").read_bytes()
    assert PageSplitter(data, ".jpg", LIMIT).page(0, "image", 1) == (data, ".jpg", 0)
