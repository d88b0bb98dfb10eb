"""Find the CJK fonts the generator draws with (installed from Debian packages by setup)."""

from __future__ import annotations

import functools
from pathlib import Path

from PIL import ImageFont

# (path, index inside the .ttc) per role, in order of preference. Song (宋体) for print,
# Kai (楷体) for the hand-filled fields, Hei for headings of later, typed documents.
CANDIDATES: dict[str, list[tuple[str, int]]] = {
    "song": [
        ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
        ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ],
    "song_bold": [
        ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc", 2),
        ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    ],
    "kai": [
        ("/usr/share/fonts/truetype/arphic/ukai.ttc", 0),
        ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    ],
    "hei": [
        ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
        ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ],
}

# TrueType (not CFF) fonts that reportlab can embed in a born-digital PDF.
PDF_FONT = ("/usr/share/fonts/truetype/arphic/uming.ttc", 0)


class FontMissing(RuntimeError):
    """No CJK font for a role: the generator cannot draw Chinese text."""


def font_file(role: str) -> tuple[str, int]:
    for path, index in CANDIDATES[role]:
        if Path(path).exists():
            return path, index
    raise FontMissing(
        f"no CJK font found for '{role}' (looked for "
        + ", ".join(p for p, _ in CANDIDATES[role])
        + "). Install Debian packages fonts-noto-cjk and fonts-arphic-ukai "
        "(scripts/setup.sh does this)."
    )


def check_fonts() -> None:
    """Fail early, with the install hint, before any page is drawn."""
    for role in CANDIDATES:
        font_file(role)


@functools.lru_cache(maxsize=256)
def load(role: str, px: int) -> ImageFont.FreeTypeFont:
    path, index = font_file(role)
    return ImageFont.truetype(path, px, index=index)
