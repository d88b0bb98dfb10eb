"""RapidOCR 3.x with the PP-OCRv6 small models that ship inside its wheel.

Only the bundled defaults are used: asking rapidocr for any other model version makes it
download one at run time, which an offline archive cannot do. The angle classifier is off
(it flipped upright Kai-font lines and cost time), and onnxruntime gets a fixed number of
threads because parallelism comes from worker processes.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import numpy as np
from PIL import Image

from .base import Line, OcrUnavailable
from .cpu import apply_portable, kernels_of, portable

ENGINE_NAME = "rapidocr"
# A character the recogniser gave at least this probability where it read another (or
# nothing) is kept as an alternative: 凤 where it read 风, the 〇 of 一九八〇 it dropped.
ALTERNATIVE_MIN_P = 0.08
MAX_ALTERNATIVES_PER_LINE = 8


class AlternativesDecoder:
    """rapidocr's CTC decoder, also noting each position's runner-up characters.

    PP-OCR's recogniser scores every character class at every time step; rapidocr keeps only
    the best. Its runners-up are exactly the likely misreads, so they are kept (above a
    probability floor) and indexed with a lower weight: probabilistic indexing, as done for
    handwritten archives (Vidal, Toselli, Puigcerver), reduced to the alternatives that
    matter. Results arrive in the recogniser's batch order; they are matched to lines by text.
    """

    def __init__(self, decoder):
        self._decoder = decoder
        self.character = decoder.character
        self.found: dict[str, list[list[tuple[int, str, float]]]] = {}

    def __call__(self, preds, return_word_box=False, **kwargs):
        lines, words = self._decoder(preds, return_word_box, **kwargs)
        for row, (text, _) in zip(preds, lines, strict=False):
            self.found.setdefault(text, []).append(self._alternatives(row))
        return lines, words

    def take(self, text: str) -> list[tuple[int, str, float]] | None:
        queue = self.found.get(text)
        return queue.pop(0) if queue else None

    def _alternatives(self, row: np.ndarray) -> list[tuple[int, str, float]]:
        best = row.argmax(axis=1)
        emitted = np.ones(len(best), dtype=bool)
        emitted[1:] = best[1:] != best[:-1]
        emitted &= best != 0  # 0 is CTC's blank
        index = np.cumsum(emitted) - 1  # the last emitted character at each step
        # Probabilities sum to one: where the best class has more than 1 - floor, no other
        # class can reach the floor. Only the hesitant steps (few) are looked at closely.
        hesitant = np.flatnonzero(row[np.arange(len(best)), best] < 1.0 - ALTERNATIVE_MIN_P)
        out: dict[tuple[int, str], float] = {}
        for t in hesitant:
            top = np.argpartition(row[t], -3)[-3:]
            k = int(index[t])
            for c in top:
                p = float(row[t, c])
                if c == 0 or c == best[t] or p < ALTERNATIVE_MIN_P or c >= len(self.character):
                    continue
                ch = self.character[c]
                if not ch.strip():
                    continue
                if best[t] == 0:  # nearly read a character where it read none
                    key = (-1 - (k + 1), ch)
                elif k >= 0:
                    key = (k, ch)
                else:
                    continue
                out[key] = max(out.get(key, 0.0), p)
        alts = sorted(((k, ch, p) for (k, ch), p in out.items()), key=lambda a: -a[2])
        return alts[:MAX_ALTERNATIVES_PER_LINE]


def bundled_models() -> list[Path]:
    import rapidocr

    return sorted((Path(rapidocr.__file__).parent / "models").glob("*.onnx"))


def _is_column(quad, text: str, chars) -> bool:
    """A tall box of several single characters: a column of vertical writing, or a column
    of 稿纸 squares the detector took for a line."""
    xs, ys = quad[:, 0], quad[:, 1]
    return (len(text) >= 3 and (ys.max() - ys.min()) >= 2.5 * (xs.max() - xs.min())
            and bool(chars) and all(len(c[0]) == 1 for c in chars))


def regrid(columns: list) -> list[Line]:
    """Columns of characters read back as the rows they were written in, when they are.

    On square-grid manuscript paper (稿纸) characters sit as far apart down a column as
    across a row, and the detector may take each column of squares for a line: read as it
    is, the page comes out column by column ("我县东四…"). Real vertical writing has its
    columns further apart than its characters. So when columns stand as close as their
    characters, every character (the recogniser gives each one's quadrilateral) is put
    back into its row, along the page's skew, and each row becomes a line. Otherwise the
    columns stay columns, right to left as vertical writing is read."""
    if not columns:
        return []
    chars = [(c[0], np.asarray(c[2], dtype=float), score) for _q, cs, score in columns
             for c in cs]
    centres = np.array([q.mean(axis=0) for _ch, q, _s in chars])
    # the writing direction down a column, from each column's first and last character
    downs = [np.asarray(cs[-1][2], float).mean(axis=0) - np.asarray(cs[0][2], float).mean(axis=0)
             for _q, cs, _s in columns if len(cs) >= 2]
    down = np.mean([d / np.linalg.norm(d) for d in downs], axis=0) if downs else np.array([0, 1])
    down /= np.linalg.norm(down)
    across = np.array([-down[1], down[0]])
    if across[0] < 0:
        across = -across
    v, u = centres @ down, centres @ across
    col_u = sorted(np.mean([np.asarray(c[2], float).mean(axis=0) @ across for c in cs])
                   for _q, cs, _s in columns)
    char_pitch = np.median([np.linalg.norm(np.asarray(b[2], float).mean(axis=0)
                                           - np.asarray(a[2], float).mean(axis=0))
                            for _q, cs, _s in columns for a, b in itertools.pairwise(cs)]
                           or [1.0])
    col_pitch = np.median(np.diff(col_u)) if len(col_u) >= 2 else np.inf
    if len(columns) < 3 or col_pitch > 1.3 * char_pitch:
        return [_line(sorted(cs, key=lambda c: np.asarray(c[2], float)[:, 1].mean()), score)
                for _q, cs, score in sorted(columns, key=lambda c: -c[0][:, 0].mean())]
    order = np.argsort(v)
    rows: list[list[int]] = []
    for i in order:
        if rows and abs(v[i] - np.mean([v[j] for j in rows[-1]])) < 0.5 * char_pitch:
            rows[-1].append(i)
        else:
            rows.append([i])
    out = []
    for row in rows:
        row.sort(key=lambda i: u[i])
        cells = [(chars[i][0], 0.0, chars[i][1]) for i in row]
        out.append(_line(cells, float(np.mean([chars[i][2] for i in row]))))
    return out


def _line(cells: list, score: float) -> Line:
    quads = [np.asarray(q, float) for _c, _s, q in cells]
    pts = np.vstack(quads)
    box = (int(pts[:, 0].min()), int(pts[:, 1].min()), int(np.ceil(pts[:, 0].max())),
           int(np.ceil(pts[:, 1].max())))
    char_x = [(int(q[:, 0].min()), int(np.ceil(q[:, 0].max()))) for q in quads]
    return Line("".join(c for c, _s, _q in cells), box, score, char_x)


class OpenVinoDetector:
    """The text detector's network on OpenVINO instead of onnxruntime, same bundled model.

    Measured on this machine (bench/ocr.py's pages, one thread): the detector is four fifths
    of a page's time on onnxruntime, and OpenVINO runs the same network 3.5× faster with the
    same output (largest difference 1.5e-5 on the probability map). On CPUs with bf16 units
    (AMX, AVX512-BF16) the network runs in bf16, a further 1.7× (1.15 → 0.72 s): the map moves
    by about 0.01, which redraws a few boxes' edges by a pixel but read the same prose CER,
    fields and real-dev CER (README, OCR). Elsewhere OpenVINO runs it in f32. The recogniser
    stays on onnxruntime: OpenVINO f32 was slower for its varying line widths, and bf16
    recognised worse (prose CER 2.66% → 2.86%). Pinning is off: each worker process has one
    thread, and pinned workers could share one core.
    """

    def __init__(self, model: Path, threads: int, precision: str = "bf16"):
        apply_portable()
        import openvino

        core = openvino.Core()
        if portable() or "BF16" not in core.get_property("CPU", "OPTIMIZATION_CAPABILITIES"):
            precision = "f32"
        compiled = core.compile_model(str(model), "CPU", {
            "INFERENCE_PRECISION_HINT": precision,
            "INFERENCE_NUM_THREADS": max(1, threads),
            "NUM_STREAMS": 1,
            "PERFORMANCE_HINT": "LATENCY",
            "ENABLE_CPU_PINNING": False,
        })
        self.precision = precision
        self.kernels = kernels_of(compiled)
        self._request = compiled.create_infer_request()

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        self._request.infer([batch])
        return self._request.get_output_tensor().data.copy()


def _fast_det_preprocess(detector):
    """rapidocr's detector preprocessing with its normalisation from a 256-entry table.

    rapidocr normalises the whole resized page in float64 ((v * 1/255 - mean) / std), a
    quarter of a CPU-second a page; a table per channel gives bit-identical float32 values
    (the same arithmetic, done once per possible byte) and writes them straight into the
    network's channel-first layout."""
    from rapidocr.ch_ppocr_det.utils import DetPreProcess

    class TablePreProcess(DetPreProcess):
        def __call__(self, img: np.ndarray) -> np.ndarray | None:
            resized = self.resize(img)
            if resized is None:
                return None
            values = np.arange(256, dtype=np.float32) * self.scale  # float32, as rapidocr
            out = np.empty((1, 3, *resized.shape[:2]), dtype=np.float32)
            for c in range(3):
                table = ((values - self.mean[c]) / self.std[c]).astype(np.float32)
                out[0, c] = table[resized[:, :, c]]
            return out

    return lambda: TablePreProcess(detector.limit_side_len, detector.limit_type,
                                   detector.mean, detector.std)


# A pixel is ink when its darkest channel is this far below the paper's.
INK_CONTRAST = 40
# ...on this many pixels within any INK_BAND neighbouring rows (or columns).
INK_MIN_PIXELS, INK_BAND = 12, 5
# Detector pixels kept around the ink: the detector's map is blurred this far at most.
INK_PAD = 32
# The detector works in steps of 32 px and enlarges any image narrower than 736 px.
DET_STRIDE, DET_MIN_SIDE = 32, 736
# Below this share of the page saved, the page is read whole.
MIN_MARGIN_SAVING = 0.15


def ink_window(small: np.ndarray) -> tuple[int, int, int, int] | None:
    """The part of the detector's image (x0, y0, x1, y1) that holds the page's ink, or None
    when cutting the margins saves little.

    On the sample's pages the ink covers a fifth to a half of the page; the detector's cost
    grows with the pixels it sees, and blank paper gives it nothing to find. The window is
    padded, sized in multiples of the detector's stride and at least its minimum side, so
    the detector sees the same pixels at the same scale as on the whole page (no resize of
    its own), and the recogniser gets the same crops."""
    h, w = small.shape[:2]
    if min(h, w) < DET_MIN_SIDE:
        return None
    gray = small.min(axis=2)
    paper = int(np.median(gray[::8, ::8]))
    ink = gray < paper - INK_CONTRAST
    # Text is ink on a run of neighbouring rows (columns); a heavily degraded scan's specks
    # are a pixel or two here and there, all over the paper.
    band = np.ones(INK_BAND)
    rows = np.flatnonzero(np.convolve(ink.sum(axis=1), band, "same") >= INK_MIN_PIXELS)
    cols = np.flatnonzero(np.convolve(ink.sum(axis=0), band, "same") >= INK_MIN_PIXELS)
    if rows.size == 0 or cols.size == 0:
        return None
    y0, y1 = _span(rows[0] - INK_PAD, rows[-1] + 1 + INK_PAD, h)
    x0, x1 = _span(cols[0] - INK_PAD, cols[-1] + 1 + INK_PAD, w)
    if (y1 - y0) * (x1 - x0) > (1 - MIN_MARGIN_SAVING) * h * w:
        return None
    return x0, y0, x1, y1


def _span(start: int, end: int, size: int) -> tuple[int, int]:
    """[start, end) grown to a multiple of the stride, at least the minimum side, and moved
    inside [0, size) (size itself is a multiple of the stride)."""
    length = min(size, max(DET_MIN_SIDE, -(-(end - start) // DET_STRIDE) * DET_STRIDE))
    start = min(max(0, start - (length - (end - start)) // 2), size - length)
    return start, start + length


class RapidEngine:
    name = ENGINE_NAME

    def __init__(self, threads: int = 1, max_side_len: int = 2000, use_openvino: bool = True,
                 detector_precision: str = "bf16", crop_margins: bool = True):
        self.crop_margins = crop_margins
        self._max_side_len = max_side_len
        # onnxruntime caches under ~/.cache; a service account may have no writable HOME.
        home = os.environ.get("HOME", "")
        if not home or not os.access(home, os.W_OK):
            os.environ["HOME"] = os.environ.get("TMPDIR", "/tmp")
        try:
            from rapidocr import RapidOCR
        except ImportError as e:  # pragma: no cover - install problem
            raise OcrUnavailable(f"rapidocr is not installed: {e}") from e
        names = {p.name for p in bundled_models()}
        if not {"PP-OCRv6_det_small.onnx", "PP-OCRv6_rec_small.onnx"} <= names:
            raise OcrUnavailable(f"rapidocr's bundled PP-OCRv6 models are missing (found {names})")
        self._ocr = RapidOCR(params={
            "Global.use_cls": False,
            "Global.log_level": "error",
            "Global.max_side_len": max_side_len,
            "EngineConfig.onnxruntime.intra_op_num_threads": threads,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            "Rec.rec_batch_num": 16,
        })
        # rapidocr 3.10's recogniser, loaded now so its decoder can be wrapped (pinned
        # version: the attribute names are checked by tests/test_indexer_ocr.py).
        recogniser = self._ocr._load_rec_model()
        self._alts = AlternativesDecoder(recogniser.postprocess_op)
        recogniser.postprocess_op = self._alts
        detector = self._ocr._load_det_model()
        detector.get_preprocess = _fast_det_preprocess(detector)
        self.detector_runtime = "onnxruntime"
        # What runs, for bench/ocr.py to print: model, runtime, precision, kernels.
        self.models = {"detector": "PP-OCRv6_det_small onnxruntime f32",
                       "recogniser": "PP-OCRv6_rec_small onnxruntime f32 (MLAS kernels: the "
                                     "CPU's widest ISA, not capped by the portable switch)"}
        if use_openvino:
            try:
                detector.session = OpenVinoDetector(
                    next(p for p in bundled_models() if p.name == "PP-OCRv6_det_small.onnx"),
                    threads, detector_precision)
                self.detector_runtime = f"openvino {detector.session.precision}"
                self.models["detector"] = (f"PP-OCRv6_det_small openvino "
                                           f"{detector.session.precision} "
                                           f"({detector.session.kernels})")
            except ImportError:  # a PC without openvino still reads, a little slower
                pass

    def read_small(self, image: Image.Image, detector_side: int) -> list[Line]:
        """Read a small image of large text (a seal's ring unrolled) with the detector's
        input side set to `detector_side` instead of the 736 px it enlarges every image to:
        a 78 px strip blown up to 736 px makes characters of 500 px, larger than the
        detector knows, at the cost of a whole page."""
        detector = self._ocr._load_det_model()
        saved, detector.limit_side_len = detector.limit_side_len, detector_side
        try:
            return self.read(image)
        finally:
            detector.limit_side_len = saved

    def read(self, image: Image.Image) -> list[Line]:
        arr = np.asarray(image.convert("RGB"))[:, :, ::-1]  # rapidocr expects BGR like cv2
        self._alts.found = {}
        window = None
        if self.crop_margins:
            # rapidocr's own first step, done here so the margins can be cut off after it
            from rapidocr.utils.process_img import reduce_max_side

            small, ratio_h, ratio_w = reduce_max_side(arr, self._max_side_len)
            window = ink_window(small)
        if window is None:
            result = self._ocr(arr, use_cls=False, return_word_box=True,
                               return_single_char_box=True)
        else:
            x0, y0, x1, y1 = window
            offset, ratios = np.array([x0, y0], float), np.array([ratio_w, ratio_h])
            result = self._ocr(np.ascontiguousarray(small[y0:y1, x0:x1]), use_cls=False,
                               return_word_box=True, return_single_char_box=True)
        if result.boxes is None or result.txts is None:
            return []
        words = result.word_results or [None] * len(result.txts)
        boxes = result.boxes
        if window is not None:  # back from the window to the page's pixels

            def to_page(points):
                return (np.asarray(points, dtype=float) + offset) * ratios

            boxes = [to_page(q) for q in boxes]
            words = [[(ch, sc, to_page(cq)) for ch, sc, cq in w] if w else w for w in words]
        lines, columns = [], []
        for quad, text, score, chars in zip(boxes, result.txts, result.scores, words,
                                            strict=False):
            alts = self._alts.take(text) or None
            if _is_column(quad, text, chars):
                columns.append((quad, chars, float(score)))
                continue
            xs, ys = quad[:, 0], quad[:, 1]
            box = (int(xs.min()), int(ys.min()), int(np.ceil(xs.max())), int(np.ceil(ys.max())))
            char_x = None
            if chars and sum(len(c[0]) for c in chars) == len(text):
                char_x = []
                for ch, _, cq in chars:
                    cx = [p[0] for p in cq]
                    # a "word" of several characters (digits) is split evenly
                    step = (max(cx) - min(cx)) / max(1, len(ch))
                    char_x += [(int(min(cx) + i * step), int(min(cx) + (i + 1) * step))
                               for i in range(len(ch))]
            lines.append(Line(text, box, float(score), char_x, alts))
        return lines + regrid(columns)
