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
        return [self.text, list(self.box) if self.box else None, round(self.confidence, 3),
                self.char_x]

    @classmethod
    def from_json(cls, data: list) -> Line:
        text, box, conf, char_x = data
        return cls(text, tuple(box) if box else None, conf,
                   [tuple(c) for c in char_x] if char_x else None)


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
