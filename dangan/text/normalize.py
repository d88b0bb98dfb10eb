"""Canonical text for indexing and querying.

OCR and typists disagree about spaces, full-width forms and brackets; old records use
traditional characters. Index and query go through the same functions, so whatever variant is
printed and whatever variant is typed meet in the middle. The original text is kept for display.
"""

from __future__ import annotations

import functools
import re
import unicodedata

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_RE = re.compile(f"[{HAN}]")
_SPACE_BETWEEN_HAN = re.compile(f"(?<=[{HAN}])[ \t\u3000]+(?=[{HAN}])")

def strip_han_spaces(text: str) -> str:
    """Drop the spaces OCR engines put between Han characters (tesseract does it always)."""
    return _SPACE_BETWEEN_HAN.sub("", text)


def halfwidth(text: str) -> str:
    """Full-width ASCII (０-９, Ａ-Ｚ, ．) to half-width; CJK punctuation is left alone."""
    out = []
    for ch in text:
        code = ord(ch)
        if 0xFF10 <= code <= 0xFF19 or 0xFF21 <= code <= 0xFF3A or 0xFF41 <= code <= 0xFF5A:
            out.append(chr(code - 0xFEE0))
        elif ch == "．":
            out.append(".")
        elif ch == "\u3000":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


@functools.lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


def display_form(text: str) -> str:
    """A page's text as staff read it beside the scan: simplified characters (the recogniser
    often answers a simplified 东 with 東), the page's own spacing and punctuation kept. The
    stored reading is not changed; this is how it is shown, as snippets are."""
    return to_simplified(text)


def normalize(text: str) -> str:
    """The form every page and every query is indexed and matched in.

    NFKC is deliberately not used: it would turn 〔 into ( and ㈠ into (一), losing what a
    document number looks like.
    """
    text = unicodedata.normalize("NFC", text)
    text = halfwidth(text)
    text = strip_han_spaces(text)
    return to_simplified(text)
