"""Draw a laid-out page into a clean RGB image and report where tagged text landed."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from . import fonts
from .layout import Page, Rule, Stamp, Text

PRINT_INK = (28, 26, 30)
HAND_INKS = [(22, 30, 70), (30, 30, 36), (18, 40, 95)]  # blue-black and carbon inks
STAMP_RED = (200, 30, 36)


@dataclass
class Rendered:
    image: Image.Image
    dpi: int
    boxes: list[tuple[dict, tuple[int, int, int, int]]]  # (tag, pixel box) before scanning


def mm(value: float, dpi: int) -> int:
    return round(value * dpi / 25.4)


def render(page: Page, dpi: int, rng: random.Random) -> Rendered:
    width, height = (mm(v, dpi) for v in page.size)
    image = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    boxes: list[tuple[dict, tuple[int, int, int, int]]] = []
    hand_ink = rng.choice(HAND_INKS)
    stamps = []
    for item in page.items:
        if isinstance(item, Rule):
            draw.line(
                [(mm(item.x1, dpi), mm(item.y1, dpi)), (mm(item.x2, dpi), mm(item.y2, dpi))],
                fill=PRINT_INK,
                width=max(1, mm(item.width, dpi)),
            )
        elif isinstance(item, Text):
            box = _draw_text(image, draw, item, dpi, rng, hand_ink)
            if item.tag is not None:
                boxes.append((item.tag, box))
        elif isinstance(item, Stamp):
            stamps.append(item)
    for tag in page.tags:
        x1, y1, x2, y2 = tag["box_mm"]
        boxes.append((tag, (mm(x1, dpi), mm(y1, dpi), mm(x2, dpi), mm(y2, dpi))))
    for stamp in stamps:  # seals go on last, over the text, as they do on paper
        _draw_stamp(image, stamp, dpi, rng)
    return Rendered(image, dpi, boxes)


def _draw_text(image, draw, item: Text, dpi, rng, hand_ink) -> tuple[int, int, int, int]:
    px = max(8, mm(item.size, dpi))
    role = "song_bold" if item.bold and item.font == "song" else item.font
    font = fonts.load(role, px)
    x, y = mm(item.x, dpi), mm(item.y, dpi)
    if not item.hand:
        width = draw.textlength(item.text, font=font)
        if item.anchor == "ma":
            x -= width / 2
        elif item.anchor == "ra":
            x -= width
        draw.text((x, y), item.text, font=font, fill=PRINT_INK)
        return _int_box(draw.textbbox((x, y), item.text, font=font))
    # Handwriting: each glyph slightly rotated, resized and off the baseline.
    width = sum(draw.textlength(ch, font=font) for ch in item.text) * 1.04
    if item.anchor == "ma":
        x -= width / 2
    elif item.anchor == "ra":
        x -= width
    left, top, right, bottom = math.inf, math.inf, -math.inf, -math.inf
    for ch in item.text:
        size = max(8, round(px * rng.uniform(0.92, 1.08)))
        glyph_font = fonts.load(role, size)
        advance = draw.textlength(ch, font=glyph_font)
        if ch.strip():
            cell = Image.new("L", (size * 2, size * 2), 0)
            ImageDraw.Draw(cell).text((size // 2, size // 2), ch, font=glyph_font, fill=255)
            cell = cell.rotate(rng.uniform(-4, 4), resample=Image.BILINEAR)
            dy = round(rng.uniform(-0.06, 0.06) * px)
            ox, oy = round(x) - size // 2, round(y) - size // 2 + dy
            image.paste(hand_ink, (ox, oy), cell)
            bbox = cell.getbbox()
            if bbox:
                left, top = min(left, ox + bbox[0]), min(top, oy + bbox[1])
                right, bottom = max(right, ox + bbox[2]), max(bottom, oy + bbox[3])
        x += advance * rng.uniform(0.98, 1.08)
    if left is math.inf:
        return (round(x), round(y), round(x), round(y))
    return (int(left), int(top), int(right), int(bottom))


def _int_box(box) -> tuple[int, int, int, int]:
    return tuple(round(v) for v in box)  # type: ignore[return-value]


def _draw_stamp(image: Image.Image, stamp: Stamp, dpi: int, rng: random.Random) -> None:
    r = mm(stamp.radius, dpi)
    size = 2 * r + 8
    layer = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(layer)
    c = size // 2
    ring = max(2, mm(1.1, dpi))
    draw.ellipse([c - r, c - r, c + r, c + r], outline=255, width=ring)
    _star(draw, c, c, r * 0.28)
    # Ring text along the upper arc, each glyph turned to face the centre.
    glyph_px = max(8, round(r * 0.34))
    font = fonts.load("song_bold", glyph_px)
    n = len(stamp.ring_text)
    span = min(250.0, 24.0 * n)
    for i, ch in enumerate(stamp.ring_text):
        angle = -90 - span / 2 + span * (i + 0.5) / n  # degrees, screen coordinates
        rad = math.radians(angle)
        gx = c + (r - ring - glyph_px * 0.7) * math.cos(rad)
        gy = c + (r - ring - glyph_px * 0.7) * math.sin(rad)
        cell = Image.new("L", (glyph_px * 2, glyph_px * 2), 0)
        ImageDraw.Draw(cell).text((glyph_px, glyph_px), ch, font=font, fill=255, anchor="mm")
        cell = cell.rotate(-(angle + 90), resample=Image.BILINEAR)
        layer.paste(255, (round(gx) - glyph_px, round(gy) - glyph_px), cell)
    if stamp.centre_text:
        small = fonts.load("song_bold", max(8, round(r * 0.22)))
        draw.text((c, c + r * 0.55), stamp.centre_text, font=small, fill=255, anchor="mm")
    # Uneven pressure: parts of the seal print faint, as real seals do.
    layer = layer.rotate(rng.uniform(-25, 25), resample=Image.BILINEAR)
    # Seeded noise (Image.effect_noise is not seeded, which broke reproducibility).
    noise = np.random.default_rng(rng.getrandbits(32)).normal(128, 60, (size, size))
    pressure = Image.fromarray(noise.clip(0, 255).astype(np.uint8)).point(lambda v: 120 + v // 2)
    layer = Image.composite(pressure, Image.new("L", (size, size), 0), layer)
    red = Image.new("RGB", (size, size), STAMP_RED)
    cx, cy = mm(stamp.cx, dpi), mm(stamp.cy, dpi)
    region = (cx - c, cy - c, cx - c + size, cy - c + size)
    base = image.crop(region)
    # Multiply red over the page: black text under the seal stays dark, paper turns red.
    tinted = Image.composite(_multiply(base, red), base, layer)
    image.paste(tinted, region[:2])


def _multiply(a: Image.Image, b: Image.Image) -> Image.Image:
    from PIL import ImageChops

    return ImageChops.multiply(a, b)


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float) -> None:
    points = []
    for k in range(10):
        rad = math.radians(-90 + 36 * k)
        rr = r if k % 2 == 0 else r * 0.4
        points.append((cx + rr * math.cos(rad), cy + rr * math.sin(rad)))
    draw.polygon(points, fill=255)
