"""Make a clean rendering look like a 1990s page through an office scanner.

Yellowed paper with blotches, faded ink, slight skew, blur, sensor noise. The ground-truth boxes
are carried through the skew so they still sit on the same words in the final image.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter


@dataclass
class Degradation:
    skew_deg: float
    fade: float  # 0 = full ink, 0.5 = ink at half strength
    blur: float
    noise: float
    yellow: float  # 0 = white office paper, 1 = old newsprint

    @classmethod
    def sample(cls, rng: random.Random, heavy: bool = False) -> Degradation:
        return cls(
            skew_deg=rng.uniform(-1.4, 1.4),
            fade=rng.uniform(0.25, 0.45) if heavy else rng.uniform(0.0, 0.25),
            blur=rng.uniform(0.7, 1.1) if heavy else rng.uniform(0.3, 0.7),
            noise=rng.uniform(8, 12) if heavy else rng.uniform(3, 7),
            yellow=rng.uniform(0.5, 1.0),
        )


def degrade(
    image: Image.Image, spec: Degradation, seed: int, boxes: list[tuple[dict, tuple]]
) -> tuple[Image.Image, list[tuple[dict, tuple[int, int, int, int]]]]:
    np_rng = np.random.default_rng(seed)
    ink = np.asarray(image, dtype=np.float32) / 255.0  # 1 = paper, lower = ink
    ink = 1.0 - (1.0 - ink) * (1.0 - spec.fade)
    h, w = ink.shape[:2]
    paper = _paper(h, w, spec.yellow, np_rng)
    page = paper * ink
    img = Image.fromarray(np.clip(page * 255, 0, 255).astype(np.uint8))
    fill = tuple(int(v * 255) for v in paper[h // 2, w // 2])
    img = img.rotate(spec.skew_deg, resample=Image.BICUBIC, expand=False, fillcolor=fill)
    boxes = [(tag, _rotate_box(box, spec.skew_deg, w, h)) for tag, box in boxes]
    if spec.blur > 0:
        img = img.filter(ImageFilter.GaussianBlur(spec.blur))
    arr = np.asarray(img, dtype=np.float32)
    arr += np_rng.normal(0, spec.noise, size=(h, w, 1)).astype(np.float32)
    # Dust: a few dark specks.
    specks = np_rng.random((h, w)) < 0.00008
    arr[specks] *= 0.35
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)), boxes


def _paper(h: int, w: int, yellow: float, rng: np.random.Generator) -> np.ndarray:
    base = np.array([0.97, 0.95 - 0.05 * yellow, 0.90 - 0.17 * yellow], dtype=np.float32)
    # Low-frequency blotches: noise on a coarse grid, blown up smoothly.
    coarse = rng.normal(0, 1, size=(max(2, h // 120), max(2, w // 120))).astype(np.float32)
    blot = Image.fromarray(((coarse + 3) * 40).clip(0, 255).astype(np.uint8))
    # Smooth on the coarse grid, then enlarge: a full-size blur costs seconds per page.
    blot = blot.filter(ImageFilter.GaussianBlur(0.6)).resize((w, h), Image.BICUBIC)
    mottle = (np.asarray(blot, dtype=np.float32) / 120.0 - 1.0) * 0.035 * (0.5 + yellow)
    paper = base[None, None, :] - mottle[:, :, None] * np.array([0.6, 0.9, 1.4], np.float32)
    # Edges darken where the page sat in a folder for decades.
    yy = np.linspace(-1, 1, h, dtype=np.float32)[:, None]
    xx = np.linspace(-1, 1, w, dtype=np.float32)[None, :]
    vignette = 1.0 - 0.05 * yellow * (np.maximum(abs(xx), abs(yy)) ** 6)
    return np.clip(paper * vignette[:, :, None], 0, 1)


def _rotate_box(box, degrees: float, w: int, h: int) -> tuple[int, int, int, int]:
    # PIL rotates counter-clockwise about the centre; map each corner the same way.
    rad = math.radians(degrees)
    cx, cy = w / 2, h / 2
    xs, ys = [], []
    x1, y1, x2, y2 = box
    for x, y in ((x1, y1), (x2, y1), (x1, y2), (x2, y2)):
        dx, dy = x - cx, y - cy
        xs.append(cx + dx * math.cos(rad) + dy * math.sin(rad))
        ys.append(cy - dx * math.sin(rad) + dy * math.cos(rad))
    return (int(min(xs)), int(min(ys)), math.ceil(max(xs)), math.ceil(max(ys)))
