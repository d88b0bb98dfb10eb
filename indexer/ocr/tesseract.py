"""Tesseract chi_sim through its command-line tool, kept for comparison with RapidOCR.

Debian's tesseract-ocr-chi-sim; psm 4 (single column of variable-size text) read forms best
of the page modes measured here, and the spaces it puts between Han characters are removed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from PIL import Image

from dangan.text.normalize import strip_han_spaces

from .base import Line, OcrUnavailable
from .cpu import portable


class TesseractEngine:
    name = "tesseract"

    def __init__(self, threads: int = 1):
        if not shutil.which("tesseract"):
            raise OcrUnavailable("tesseract is not installed (Debian: tesseract-ocr-chi-sim)")
        self._env = {**os.environ, "OMP_THREAD_LIMIT": str(threads)}
        # tesseract picks its dot-product kernels from the CPU (AVX-512 where present); the
        # portable switch holds it to FMA, what an AVX2 PC's tesseract picks, so both engines
        # are compared as on an office PC.
        self._options = ["-c", "dotproduct=fma"] if portable() else []
        self.models = {"recogniser": "chi_sim LSTM, psm 4, dot product "
                                     + ("fma (portable)" if portable() else "auto")}

    def read(self, image: Image.Image) -> list[Line]:
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "page.png"
            image.convert("L").save(src)
            out = subprocess.run(
                ["tesseract", str(src), "stdout", "-l", "chi_sim", "--psm", "4",
                 *self._options, "tsv"],
                capture_output=True, text=True, env=self._env, check=True,
            ).stdout
        lines: dict[tuple, list] = {}
        for row in out.splitlines()[1:]:
            cols = row.split("\t")
            if len(cols) < 12 or not cols[11].strip():
                continue
            key = (cols[2], cols[3], cols[4])  # block, paragraph, line
            x, y, w, h, conf = int(cols[6]), int(cols[7]), int(cols[8]), int(cols[9]), cols[10]
            lines.setdefault(key, []).append((cols[11], (x, y, x + w, y + h), float(conf)))
        result = []
        for words in lines.values():
            text = strip_han_spaces(" ".join(w[0] for w in words))
            boxes = [w[1] for w in words]
            box = (min(b[0] for b in boxes), min(b[1] for b in boxes),
                   max(b[2] for b in boxes), max(b[3] for b in boxes))
            conf = sum(w[2] for w in words) / len(words) / 100.0
            result.append(Line(text, box, conf))
        return result
