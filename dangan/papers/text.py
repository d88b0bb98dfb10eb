"""Chinese text on paper: lines broken anywhere (Chinese has no spaces) but never so that a
line starts with closing punctuation (禁则, kinsoku), and a Platypus flowable that flows such
lines across pages.

reportlab's own wordWrap='CJK' knows 、。」』） but not ，；：？！》, and it lets the
punctuation hang past the right edge instead of carrying a character down; a letter once began
a line with "，". Here the character before the punctuation comes down with it, so every line
stays inside its width.
"""

from __future__ import annotations

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

# Closing punctuation, full-width and ASCII: none of these may begin a line.
CANNOT_START = "，。、；：？！）」』》〉】〕］｝’”…—·％,.;:?!)]}%"
# Opening punctuation: none of these may end a line (it goes down with what it opens).
CANNOT_END = "（「『《〈【〔［｛‘“([{"


def bad_line_start(line: str) -> bool:
    """True when `line` breaks the rule: it starts with closing punctuation."""
    return bool(line) and line[0] in CANNOT_START


def _breakable(text: str, at: int) -> bool:
    """May a line end just before text[at]?"""
    return text[at] not in CANNOT_START and text[at - 1] not in CANNOT_END


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """`text` as lines no wider than `width`; '\\n' starts a new line. A break that would put
    closing punctuation first (or leave opening punctuation last) moves the break back."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        start, n = 0, len(paragraph)
        if n == 0:
            lines.append("")
            continue
        while start < n:
            end = start + 1
            while end < n and stringWidth(paragraph[start:end + 1], font, size) <= width:
                end += 1
            if end < n:
                # carry characters down until the next line starts acceptably, but never
                # empty this line (a run of punctuation longer than a line is left as is)
                brk = end
                while brk > start + 1 and not _breakable(paragraph, brk):
                    brk -= 1
                if _breakable(paragraph, brk):
                    end = brk
            lines.append(paragraph[start:end])
            start = end
    return lines


class CJKText(Flowable):
    """A paragraph of Chinese text in one font and size, split across pages by lines."""

    def __init__(self, text: str, font: str, size: float, leading: float,
                 color: tuple[float, float, float] = (0, 0, 0), align: str = "left",
                 space_after: float = 0, lines: list[str] | None = None) -> None:
        super().__init__()
        self.text, self.font, self.size, self.leading = text, font, size, leading
        self.color, self.align, self.space_after = color, align, space_after
        self.lines = lines

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        if self.lines is None or getattr(self, "_wrapped_at", None) != avail_width:
            self.lines = wrap(self.text, self.font, self.size, avail_width)
            self._wrapped_at = avail_width
        self.width = avail_width
        self.height = len(self.lines) * self.leading
        return avail_width, self.height

    def getSpaceAfter(self) -> float:
        return self.space_after

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        self.wrap(avail_width, avail_height)
        fit = int(avail_height // self.leading)
        if fit <= 0 or fit >= len(self.lines):
            return [] if fit <= 0 else [self]
        head = CJKText(self.text, self.font, self.size, self.leading, self.color, self.align,
                       0, self.lines[:fit])
        tail = CJKText(self.text, self.font, self.size, self.leading, self.color, self.align,
                       self.space_after, self.lines[fit:])
        head._wrapped_at = tail._wrapped_at = avail_width
        return [head, tail]

    def draw(self) -> None:
        c = self.canv
        c.setFont(self.font, self.size)
        c.setFillColorRGB(*self.color)
        # baseline a little above the line's bottom: descenders stay in the line
        y = self.height - self.size
        for line in self.lines:
            if self.align == "right":
                c.drawRightString(self.width, y, line)
            elif self.align == "center":
                c.drawCentredString(self.width / 2, y, line)
            else:
                c.drawString(0, y, line)
            y -= self.leading
        c.setFillColorRGB(0, 0, 0)
