"""The ink every paper shares: a CJK font for reportlab and the archive's use-stamp.

Every paper the archive hands out goes through here, so a configured stamp or a missing font
behaves the same on all of them.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_CANDIDATES = [("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
                   ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0)]


@functools.lru_cache(maxsize=1)
def cjk_font() -> str:
    """Register and name the CJK TrueType font that reportlab prints Chinese with."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for path, index in FONT_CANDIDATES:
        if Path(path).exists():
            pdfmetrics.registerFont(TTFont("CopyCJK", path, subfontIndex=index))
            return "CopyCJK"
    raise RuntimeError("no CJK TrueType font for certified copies: install fonts-arphic-uming")


def default_stamp(archive_name: str, size: int = 600) -> Image.Image:
    """A round red use-stamp drawn from the archive's name, when no scanned stamp is set."""
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    red = (200, 20, 30, 230)
    c, r = size / 2, size / 2 - 8
    d.ellipse([c - r, c - r, c + r, c + r], outline=red, width=size // 40)
    star = [(c + (r * 0.3 if k % 2 == 0 else r * 0.12) * math.cos(math.radians(-90 + 36 * k)),
             c + (r * 0.3 if k % 2 == 0 else r * 0.12) * math.sin(math.radians(-90 + 36 * k)))
            for k in range(10)]
    d.polygon(star, fill=red)
    path, index = next(((p, i) for p, i in FONT_CANDIDATES if Path(p).exists()),
                       FONT_CANDIDATES[0])
    font = ImageFont.truetype(path, size // 9, index=index)
    n = len(archive_name)
    for i, ch in enumerate(archive_name):
        angle = -90 - 110 + 220 * (i + 0.5) / n
        rad = math.radians(angle)
        gx, gy = c + r * 0.75 * math.cos(rad), c + r * 0.75 * math.sin(rad)
        glyph = Image.new("RGBA", (size // 6, size // 6), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((size // 12, size // 12), ch, font=font, fill=red,
                                   anchor="mm")
        glyph = glyph.rotate(-(angle + 90), resample=Image.BICUBIC)
        img.alpha_composite(glyph, (round(gx - size / 12), round(gy - size / 12)))
    small = ImageFont.truetype(path, size // 13, index=index)
    d.text((c, c + r * 0.55), "档案证明专用章", font=small, fill=red, anchor="mm")
    return img


def load_stamp(path: Path | str | None, archive_name: str) -> Image.Image:
    """The configured stamp scan, or one drawn from the archive's name."""
    return Image.open(path).convert("RGBA") if path else default_stamp(archive_name)
