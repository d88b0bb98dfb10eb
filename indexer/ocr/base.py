"""What every OCR engine returns, and the small interface engines implement."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from PIL import Image


@dataclass
class Line:
    """One line of text as read on the page image.

    box is axis-aligned (x1, y1, x2, y2) in pixels of the page image as stored. char_x holds
    each character's horizontal extent where the engine gives it, so the viewer can mark a
    name inside a longer line exactly.
    """

    text: str
    box: tuple[int, int, int, int] | None
    confidence: float = 1.0
    char_x: list[tuple[int, int]] | None = field(default=None)
    # What the recogniser nearly read: (position, character, probability). A character
    # replaces text[position]; with position given as -1-k it is one the recogniser nearly
    # saw between text[k-1] and text[k] (a 〇 it dropped).
    alternatives: list[tuple[int, str, float]] | None = field(default=None)
    # "" for the page's own text; "seal" for what a red seal stamped on it says
    kind: str = ""

    @property
    def cx(self) -> float:
        return (self.box[0] + self.box[2]) / 2 if self.box else 0.0

    @property
    def cy(self) -> float:
        return (self.box[1] + self.box[3]) / 2 if self.box else 0.0

    @property
    def height(self) -> int:
        return self.box[3] - self.box[1] if self.box else 0

    def span_box(self, start: int, end: int) -> tuple[int, int, int, int] | None:
        """Box of characters [start, end) of this line."""
        if not self.box:
            return None
        if self.char_x and len(self.char_x) == len(self.text) and end <= len(self.char_x):
            return (self.char_x[start][0], self.box[1], self.char_x[end - 1][1], self.box[3])
        n = max(1, len(self.text))
        x1, _, x2, _ = self.box
        w = (x2 - x1) / n
        return (round(x1 + start * w), self.box[1], round(x1 + end * w), self.box[3])

    def to_json(self) -> list:
        out = [self.text, list(self.box) if self.box else None, round(self.confidence, 3),
               self.char_x]
        if self.alternatives or self.kind:
            out.append([[k, ch, round(p, 3)] for k, ch, p in self.alternatives or ()])
        if self.kind:
            out.append(self.kind)
        return out

    @classmethod
    def from_json(cls, data: list) -> Line:
        text, box, conf, char_x = data[:4]
        alts = [tuple(a) for a in data[4]] if len(data) > 4 and data[4] else None
        kind = data[5] if len(data) > 5 else ""
        return cls(text, tuple(box) if box else None, conf,
                   [tuple(c) for c in char_x] if char_x else None, alts, kind)

    def alternative_texts(self) -> list[tuple[str, int, int]]:
        """The line as the recogniser nearly read it, one alternative at a time:
        (text, start, end) with the changed stretch of that text."""
        out = []
        for k, ch, _ in self.alternatives or ():
            if k >= 0 and k < len(self.text):
                out.append((self.text[:k] + ch + self.text[k + 1:], k, k + 1))
            elif k < 0 and -1 - k <= len(self.text):
                at = -1 - k
                out.append((self.text[:at] + ch + self.text[at:], at, at + 1))
        return out


class OcrEngine(Protocol):
    name: str

    def read(self, image: Image.Image) -> list[Line]:
        """Lines of text on the page, in any order (layout analysis sorts them)."""
        ...


class OcrUnavailable(RuntimeError):
    """The configured engine cannot start on this machine (missing package or model)."""


def create_engine(name: str, threads: int = 1, max_side_len: int = 2000) -> OcrEngine:
    if name == "rapidocr":
        from .rapid import RapidEngine

        return RapidEngine(threads=threads, max_side_len=max_side_len)
    if name == "tesseract":
        from .tesseract import TesseractEngine

        return TesseractEngine(threads=threads)
    raise OcrUnavailable(f"unknown OCR engine {name!r} (choose rapidocr or tesseract)")
