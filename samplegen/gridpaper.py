"""Square-grid manuscript paper (稿纸) with a hand-written text, photographed at an angle.

自传 and 简历 in personnel files are often written one character per square on 稿纸. Seen on
real pages: the OCR detector takes each column of squares for a line of text and reads the
page column by column. This draws such a page, so the fix is tested on a page whose text is
known.
"""

from __future__ import annotations

import random

from PIL import Image, ImageDraw, ImageFont

from .fonts import font_file

GRID_COLOUR = (196, 92, 84)  # the red-brown ruling of common 稿纸 (green is common too)


def grid_page(lines: list[str], seed: int = 0, cols: int = 20, cell: int = 64,
              angle: float = 2.5, strip: int | None = None) -> Image.Image:
    """A page of `lines` written one character per square, each line in a row of squares
    with a narrow strip between rows, rotated by `angle` degrees like a phone photo."""
    rng = random.Random(seed)
    path, index = font_file("kai")
    font = ImageFont.truetype(path, int(cell * 0.72), index=index)
    strip = cell // 3 if strip is None else strip
    margin = cell
    rows = max(len(lines), 12)
    width = margin * 2 + cols * cell
    height = margin * 2 + rows * (cell + strip)
    page = Image.new("RGB", (width, height), (246, 242, 230))
    draw = ImageDraw.Draw(page)
    for r in range(rows):
        top = margin + r * (cell + strip) + strip
        for c in range(cols + 1):
            x = margin + c * cell
            draw.line([(x, top), (x, top + cell)], fill=GRID_COLOUR, width=2)
        draw.line([(margin, top), (margin + cols * cell, top)], fill=GRID_COLOUR, width=2)
        draw.line([(margin, top + cell), (margin + cols * cell, top + cell)], fill=GRID_COLOUR,
                  width=2)
    for r, text in enumerate(lines):
        top = margin + r * (cell + strip) + strip
        for c, ch in enumerate(text[:cols]):
            x = margin + c * cell + cell * 0.14 + rng.uniform(-3, 3)
            y = top + cell * 0.1 + rng.uniform(-3, 3)
            draw.text((x, y), ch, font=font, fill=(35, 35, 45))
    return page.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=(90, 90, 90))
