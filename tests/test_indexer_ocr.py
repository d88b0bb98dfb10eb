"""OCR engines on real page images, with the network switched off."""

import subprocess
import sys
from pathlib import Path

SCANS = Path(__file__).resolve().parent.parent / "scans"

OFFLINE = """
import socket
def refuse(*a, **k):
    raise OSError("network is disabled in this test")
socket.socket.connect = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
from PIL import Image
from dangan.indexer.ocr.base import create_engine
engine = create_engine(sys.argv[1])
lines = engine.read(Image.open(sys.argv[2]))
print("\\n".join(l.text for l in lines))
"""


def _ocr(engine: str, name: str) -> str:
    proc = subprocess.run([sys.executable, "-c", "import sys\n" + OFFLINE, engine,
                           str(SCANS / name)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_rapidocr_starts_and_reads_with_the_network_off():
    text = _ocr("rapidocr", "scan0007.jpg")
    assert "退伍军人安置介绍信" in text
    assert "瞿德明" in text


def test_tesseract_can_be_selected_for_comparison():
    text = _ocr("tesseract", "scan0008.png")
    assert "入伍" in text.replace(" ", "")


def test_rapidocr_gives_character_boxes_for_exact_highlights():
    from PIL import Image

    from dangan.indexer.ocr.rapid import RapidEngine

    lines = RapidEngine().read(Image.open(SCANS / "scan0007.jpg"))
    line = next(ln for ln in lines if "瞿德明" in ln.text)
    assert line.char_x and len(line.char_x) == len(line.text)
    start = line.text.index("瞿德明")
    x1, _, x2, _ = line.span_box(start, start + 3)
    assert line.box[0] <= x1 < x2 <= line.box[2]
    assert x2 - x1 < (line.box[2] - line.box[0]) / 3


def test_the_detector_runs_on_openvino_and_finds_what_onnxruntime_finds():
    """OpenVINO runs the bundled detector model for speed (bf16 where the CPU has bf16
    units, as this one has): the page must read the same, line for line, each box within a
    few pixels (bf16 moves the detector's map by about 0.01, a box edge by up to 3 px)."""
    from PIL import Image

    from dangan.indexer.ocr.rapid import RapidEngine

    image = Image.open(SCANS / "scan0007.jpg")
    fast, reference = RapidEngine(), RapidEngine(use_openvino=False)
    assert fast.detector_runtime.startswith("openvino")
    assert reference.detector_runtime == "onnxruntime"
    got, want = fast.read(image), reference.read(image)
    assert [ln.text for ln in got] == [ln.text for ln in want]
    for a, b in zip(got, want, strict=True):
        assert max(abs(p - q) for p, q in zip(a.box, b.box, strict=True)) <= 4, (a, b)


PORTABLE = """
import sys
from PIL import Image
from dangan.indexer.ocr.cpu import describe
from dangan.indexer.ocr.rapid import RapidEngine
engine = RapidEngine()
print(describe())
print(engine.models["detector"])
print("\\n".join(l.text for l in engine.read(Image.open(sys.argv[1]))))
"""


def _portable_run(switch: str) -> str:
    import os

    env = {**os.environ, "DANGAN_OCR_PORTABLE": switch}
    env.pop("ONEDNN_MAX_CPU_ISA", None)
    proc = subprocess.run([sys.executable, "-c", PORTABLE, str(SCANS / "scan0007.jpg")],
                          capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_the_portable_switch_runs_the_detector_as_on_an_avx2_office_pc():
    """DANGAN_OCR_PORTABLE=1: f32, and the convolutions the compiled network really runs are
    AVX2 kernels (read back from OpenVINO), whatever this CPU has; the page reads the same."""
    out = _portable_run("1")
    cpu_line, detector = out.splitlines()[:2]
    assert "PORTABLE" in cpu_line and "ONEDNN_MAX_CPU_ISA=AVX2" in cpu_line
    assert "openvino f32" in detector
    assert "avx2" in detector and "avx512" not in detector and "amx" not in detector
    assert "退伍军人安置介绍信" in out and "瞿德明" in out


def test_without_the_switch_the_benchmark_says_which_kernels_ran():
    """The engine names its detector's precision and kernels, so bench/ocr.py can print what
    ran: on a CPU with AVX-512 the native path uses it (bf16 where the CPU has bf16 units)."""
    from dangan.indexer.ocr.cpu import cpu_flags

    cpu_line, detector = _portable_run("0").splitlines()[:2]
    assert cpu_line.endswith("native")
    flags = cpu_flags()
    if flags["avx512_bf16"] or flags["amx_bf16"]:
        assert "openvino bf16" in detector
    if flags["avx512f"]:
        assert "avx512" in detector or "amx" in detector


def test_blank_margins_are_cut_off_before_detection_and_the_page_reads_the_same():
    """The detector sees only the part of the page that holds ink (a third of it here),
    at the same scale: with the deterministic onnxruntime detector the page reads the same,
    line for line, each box within a few pixels (the network's view reaches past the
    window's edge, so a box edge may move by a pixel or three), as when the whole page is
    detected."""
    import numpy as np
    from PIL import Image
    from rapidocr.utils.process_img import reduce_max_side

    from dangan.indexer.ocr.rapid import RapidEngine, ink_window

    image = Image.open(SCANS / "scan0007.jpg")
    small, _, _ = reduce_max_side(np.asarray(image.convert("RGB")), 2000)
    x0, y0, x1, y1 = ink_window(small)
    assert (x1 - x0) * (y1 - y0) < 0.5 * small.shape[0] * small.shape[1]
    assert (x1 - x0) % 32 == 0 and (y1 - y0) % 32 == 0 and min(x1 - x0, y1 - y0) >= 736
    cut, whole = RapidEngine(use_openvino=False), RapidEngine(use_openvino=False,
                                                              crop_margins=False)
    got, want = cut.read(image), whole.read(image)
    assert [ln.text for ln in got] == [ln.text for ln in want]
    for a, b in zip(got, want, strict=True):
        assert max(abs(p - q) for p, q in zip(a.box, b.box, strict=True)) <= 4, (a, b)
        assert len(a.char_x or ()) == len(b.char_x or ())


def test_a_page_of_blank_paper_or_small_image_is_read_whole():
    """No ink, or an image smaller than the detector's input: nothing to cut."""
    import numpy as np

    from dangan.indexer.ocr.rapid import ink_window

    paper = np.full((1984, 1408, 3), 200, np.uint8)
    assert ink_window(paper) is None
    specks = paper.copy()
    rng = np.random.default_rng(1)
    specks[rng.integers(0, 1984, 400), rng.integers(0, 1408, 400)] = 0  # a dirty scan
    assert ink_window(specks) is None
    assert ink_window(np.full((96, 480, 3), 200, np.uint8)) is None
