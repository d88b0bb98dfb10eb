"""Page layout in millimetres, independent of resolution.

Templates describe a page as a list of drawing items; the renderer turns them into pixels at
any dpi. Keeping layout resolution-free is what lets one document be written at 200 and at
300 dpi while its ground-truth boxes stay exact.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

FontRole = Literal["song", "kai", "hei"]

A4 = (210.0, 297.0)
A4_LANDSCAPE = (297.0, 210.0)


@dataclass
class Text:
    """One run of text; `tag` marks what ground truth it carries (person, roster row …)."""

    x: float
    y: float
    text: str
    size: float = 4.2  # em height in mm (≈ 12 pt)
    font: FontRole = "song"
    hand: bool = False  # filled in by hand: jittered glyphs, ink colour
    bold: bool = False
    anchor: Literal["la", "ma", "ra"] = "la"
    tag: dict | None = None


@dataclass
class Rule:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float = 0.3


@dataclass
class Stamp:
    """A red round seal; drawn last, over whatever text is under it."""

    cx: float
    cy: float
    ring_text: str
    centre_text: str = ""
    radius: float = 21.0


@dataclass
class Page:
    size: tuple[float, float] = A4
    items: list = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # the text in reading order, for truth
    tags: list[dict] = field(default_factory=list)  # region tags (roster rows) with mm boxes

    def text(self, *args, **kwargs) -> Text:
        item = Text(*args, **kwargs)
        self.items.append(item)
        return item

    def rule(self, x1: float, y1: float, x2: float, y2: float, width: float = 0.3) -> None:
        self.items.append(Rule(x1, y1, x2, y2, width))

    def box(self, x1: float, y1: float, x2: float, y2: float, width: float = 0.3) -> None:
        self.rule(x1, y1, x2, y1, width)
        self.rule(x1, y2, x2, y2, width)
        self.rule(x1, y1, x1, y2, width)
        self.rule(x2, y1, x2, y2, width)

    def stamp(self, cx: float, cy: float, ring_text: str, centre_text: str = "") -> None:
        self.items.append(Stamp(cx, cy, ring_text, centre_text))
