"""Red seals: lift the red ink off a colour scan before reading it, and read the seal apart.

A red seal (公章) stamped over a line is read into it ("办理接收甘肃省民政手续") and garbles
the date under it. On a colour scan the seal's ink is easy to tell from black text: red is
far above green and blue. Those pixels are painted over with the paper's colour, so the
recogniser sees the text under the seal as if it were not stamped; where black text and red
ink overlap the pixel is dark, not red, and stays.

Each seal is then read on its own, its ink as black on white: the round seal's ring of text
is unrolled (polar transform) into a straight line first. What it says (usually the issuing
unit) comes back as lines marked `seal`, kept out of the page's text and indexed apart.
"""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

from .base import Line, OcrEngine

# A pixel is red ink when red clearly leads green and blue; yellowed paper (220,200,160)
# leads by far less.
RED_LEAD, RED_MIN = 50, 110
# Below this share of red pixels a page has no seal worth the trouble (a red pen tick).
MIN_RED_SHARE = 0.002
# The detector's input side for a seal's view (rapidocr enlarges any image to 736 px).
SEAL_DETECTOR_SIDE = 320


def red_ink(rgb: np.ndarray) -> np.ndarray:
    """Boolean mask of red-ink pixels of an RGB array."""
    r = rgb[..., 0].astype(np.int16)
    lead = r - np.maximum(rgb[..., 1], rgb[..., 2]).astype(np.int16)
    return (r >= RED_MIN) & (lead >= RED_LEAD)


def seal_regions(mask: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Boxes (x1, y1, x2, y2) of the seal-sized blobs of red ink."""
    h, w = mask.shape
    grown = cv2.dilate(mask.astype(np.uint8), np.ones((15, 15), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(grown, connectivity=8)
    side = max(40, int(0.04 * min(h, w)))  # a seal is a few centimetres across
    boxes = []
    for i in range(1, count):
        x, y, bw, bh, area = stats[i]
        if bw >= side and bh >= side and area >= 0.15 * bw * bh:
            boxes += _split_overlapping((int(x), int(y), int(x + bw), int(y + bh)))
    # a seal's star and inner text are blobs inside its ring: one seal, read once
    return [b for b in boxes if not any(o != b and _inside(b, o) for o in boxes)]


def _inside(a: tuple, b: tuple) -> bool:
    return a[0] >= b[0] and a[1] >= b[1] and a[2] <= b[2] and a[3] <= b[3]


def _split_overlapping(box: tuple[int, int, int, int]) -> list[tuple[int, int, int, int]]:
    """Two round seals stamped overlapping (one office under another's approval) make one
    blob twice as tall or wide as it is broad: cut it into its seals."""
    x1, y1, x2, y2 = box
    w, h = x2 - x1, y2 - y1
    if h >= 1.6 * w:
        n = round(h / w)
        return [(x1, y1 + i * h // n, x2, y1 + (i + 1) * h // n) for i in range(n)]
    if w >= 1.6 * h:
        n = round(w / h)
        return [(x1 + i * w // n, y1, x1 + (i + 1) * w // n, y2) for i in range(n)]
    return [box]


def lift_red(image: Image.Image) -> tuple[Image.Image, np.ndarray | None]:
    """The page with its red ink painted over in the paper's colour, and the ink mask
    (None when the page is not in colour or has no red to speak of)."""
    if image.mode not in ("RGB", "RGBA", "P", "CMYK"):
        return image, None
    rgb = np.asarray(image.convert("RGB"))
    mask = red_ink(rgb)
    if mask.mean() < MIN_RED_SHARE:
        return image, None
    # the anti-aliased rim of the ink is pink, not red: take it too
    wide = cv2.dilate(mask.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    wide[wide] = ~_dark(rgb[wide])  # looked at only where it matters: a few % of the page
    paper = _paper_colour(rgb, wide)
    out = rgb.copy()
    out[wide] = np.asarray(paper, dtype=np.uint8)
    return Image.fromarray(out), mask


def _dark(rgb: np.ndarray) -> np.ndarray:
    return rgb.max(axis=-1) < 90


def _paper_colour(rgb: np.ndarray, ink: np.ndarray) -> np.ndarray:
    """The median colour of the pixels outside `ink`, per channel, exactly, from histograms:
    the page's histogram (cv2's, fast) less the ink's (a few % of the page). Copying out the
    millions of paper pixels to sort or count them took a quarter of a second a page."""
    n = rgb.shape[0] * rgb.shape[1] - int(ink.sum())
    if n <= 0:
        return np.array([255.0, 255.0, 255.0])
    inked = rgb[ink]
    out = []
    for c in range(3):
        page = cv2.calcHist([rgb], [c], None, [256], [0, 256]).ravel().astype(np.int64)
        counts = page - np.bincount(inked[:, c], minlength=256)
        out.append(_median_of_counts(counts, n))
    return np.array(out)


def _median_of_counts(counts: np.ndarray, n: int) -> float:
    cumulative = np.cumsum(counts)
    # the k-th smallest value (from 0) is the first whose cumulative count exceeds k
    low, high = (np.searchsorted(cumulative, k, side="right") for k in ((n - 1) // 2, n // 2))
    return (low + high) / 2


def _unrolled(ink: np.ndarray) -> np.ndarray:
    """A round seal's ring of text as a straight strip, read left to right.

    warpPolar puts the angle down the rows and the radius along the columns; the ring's
    text runs clockwise from the left (about 150°) over the top to the right (about 30°,
    i.e. 390°), letters standing on the inner circle. Rotating the strip a quarter turn
    anticlockwise lays the text along a line, upright."""
    h, w = ink.shape
    radius = max(h, w) / 2
    size = (int(radius), 720)  # (radius columns, angle rows): half a degree a row
    polar = cv2.warpPolar(ink, size, (w / 2, h / 2), radius, cv2.WARP_POLAR_LINEAR)
    twice = np.vstack([polar, polar])
    band = twice[300:780, int(0.55 * radius):]  # 150°…390°, the outer ring
    return np.rot90(band, k=1)


def read_seals(engine: OcrEngine, mask: np.ndarray) -> list[Line]:
    """What each seal on the page says, as lines marked `seal` (boxes: the seal's)."""
    out = []
    for x1, y1, x2, y2 in seal_regions(mask):
        crop = np.where(mask[y1:y2, x1:x2], 0, 255).astype(np.uint8)
        # a round seal says who issued it on its ring; any other shape is read as it is
        round_ = 0.75 <= (x2 - x1) / max(1, y2 - y1) <= 1.33
        views = [np.ascontiguousarray(_unrolled(crop))] if round_ else [crop]
        texts = []
        for view in views:
            texts += [ln.text for ln in _read_view(engine, Image.fromarray(view).convert("RGB"))
                      if len(ln.text.strip()) >= 2]
        for text in dict.fromkeys(texts):
            out.append(Line(text, (x1, y1, x2, y2), 1.0, None, None, "seal"))
    return out


def _read_view(engine: OcrEngine, view: Image.Image) -> list[Line]:
    """A seal's view read at the detector size that suits its large characters, where the
    engine has such a size (rapidocr); measured on the sample's seals: same or better
    readings than at rapidocr's default 736 px, at a quarter of the time."""
    read_small = getattr(engine, "read_small", None)
    if read_small is None:
        return engine.read(view)
    return read_small(view, SEAL_DETECTOR_SIDE)


def read_page(engine: OcrEngine, image: Image.Image) -> list[Line]:
    """The page's lines as the engine reads them with red seals lifted off, then the seals'
    own lines."""
    clean, mask = lift_red(image)
    lines = engine.read(clean)
    if mask is not None:
        lines += read_seals(engine, mask)
    return lines
