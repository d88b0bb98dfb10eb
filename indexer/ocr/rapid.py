"""RapidOCR 3.x with the PP-OCRv6 small models that ship inside its wheel.

Only the bundled defaults are used: asking rapidocr for any other model version makes it
download one at run time, which an offline archive cannot do. The angle classifier is off
(it flipped upright Kai-font lines and cost time), and onnxruntime gets a fixed number of
threads because parallelism comes from worker processes.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from PIL import Image

from .base import Line, OcrUnavailable

ENGINE_NAME = "rapidocr"


def bundled_models() -> list[Path]:
    import rapidocr

    return sorted((Path(rapidocr.__file__).parent / "models").glob("*.onnx"))


class RapidEngine:
    name = ENGINE_NAME

    def __init__(self, threads: int = 1, max_side_len: int = 2000):
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

    def read(self, image: Image.Image) -> list[Line]:
        arr = np.asarray(image.convert("RGB"))[:, :, ::-1]  # rapidocr expects BGR like cv2
        result = self._ocr(arr, use_cls=False, return_word_box=True, return_single_char_box=True)
        if result.boxes is None or result.txts is None:
            return []
        words = result.word_results or [None] * len(result.txts)
        lines = []
        for quad, text, score, chars in zip(result.boxes, result.txts, result.scores, words,
                                            strict=False):
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
            lines.append(Line(text, box, float(score), char_x))
        return lines
