"""The one layout every paper is drawn on (Platypus): the header with the verification code
and QR, the body frame the story flows through, the footer with 第n页/共N页, and the
attestations (the red line and stamp on a copy, the archive's signature on a letter).

Nothing is drawn closer than EDGE to the page's edge: the footer wraps its items onto more
lines and, when even that is too tall, prints smaller; it never runs off the page. Each page's
footer is what the last flowable placed on it asked for (a copy's page names its own item).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from .ink import cjk_font
from .text import wrap

WIDTH, HEIGHT = A4
EDGE = 8 * mm  # the outer band no ink reaches (a printer's unprintable margin and then some)
SIDE = 20 * mm  # left and right of the body and the footer
QR = 20 * mm
HEADER_TOP = 10 * mm  # from the top edge to the QR's top
BODY_TOP = HEIGHT - HEADER_TOP - QR - 4 * mm  # below the QR; the same with or without one
FOOTER_BOTTOM = 10 * mm  # the footer's last baseline
FOOTER_TOP = 28 * mm  # the footer never rises above this ...
BODY_BOTTOM = 30 * mm  # ... and the body never sinks below this
FOOTER_SIZES = (9, 8.5, 8, 7.5, 7, 6.5, 6)
STAMP = 44 * mm
RED = (0.75, 0.05, 0.1)


@dataclass(frozen=True)
class Paper:
    """What the frame of every page of one paper shows."""

    archive_name: str
    title: str  # the PDF's title (its number added), as a viewer's tab shows it
    number: str
    verification: tuple[str, str] | None = None  # (code, url), printed with a QR code


class Footer(Flowable):
    """Takes no room: from the page it lands on, the footer reads `items`."""

    def __init__(self, items: list[str]) -> None:
        super().__init__()
        self.footer_items = items

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        pass


def page_label(n: int, total: int) -> str:
    return f"第{n}页/共{total}页"


def pack(items: list[str], font: str, size: float, width: float) -> list[str]:
    """Footer items on as few lines as fit `width`, broken between items (an item such as
    申请编号：… stays whole on one line) unless one item alone is wider than a line."""
    lines: list[str] = []
    line = ""
    for item in items:
        joined = f"{line}　{item}" if line else item
        if stringWidth(joined, font, size) <= width:
            line = joined
            continue
        if line:
            lines.append(line)
        parts = wrap(item, font, size, width)
        lines += parts[:-1]
        line = parts[-1]
    if line:
        lines.append(line)
    return lines


def draw_footer(c, items: list[str], n: int, total: int) -> None:
    """The footer between FOOTER_BOTTOM and FOOTER_TOP: `items`, then 第n页/共N页 at the right
    of its last line. It picks the largest size at which everything fits the band."""
    font = cjk_font()
    for size in FOOTER_SIZES:
        label = page_label(n, total)
        label_w = stringWidth(label, font, size)
        lines = pack(items, font, size, WIDTH - 2 * SIDE - label_w - 4 * mm)
        leading = size * 1.35
        if (len(lines) - 1) * leading + size <= FOOTER_TOP - FOOTER_BOTTOM:
            break
    c.setFont(font, size)
    c.setFillColorRGB(0, 0, 0)
    y = FOOTER_BOTTOM + (len(lines) - 1) * leading
    for line in lines:
        c.drawString(SIDE, y, line)
        y -= leading
    c.drawRightString(WIDTH - SIDE, FOOTER_BOTTOM, label)


def fitted_size(text: str, font: str, size: float, width: float) -> float:
    """`size`, or smaller until `text` fits `width` on one line (an address is not broken)."""
    while size > 5 and stringWidth(text, font, size) > width:
        size -= 0.5
    return size


def draw_header(c, paper: Paper) -> None:
    """The QR code at the top right, the code and the address to type left of it."""
    if not paper.verification:
        return
    from dangan.verification import qr_png

    code, url = paper.verification
    font = cjk_font()
    x, y = WIDTH - SIDE - QR, HEIGHT - HEADER_TOP - QR
    c.drawImage(ImageReader(io.BytesIO(qr_png(url))), x, y, QR, QR)
    right = x - 2 * mm
    lines = (f"核验码：{code}", f"扫码或访问 {url} 核验")
    size = min(fitted_size(t, font, 9, right - SIDE) for t in lines)
    c.setFont(font, size)
    c.setFillColorRGB(0, 0, 0)
    c.drawRightString(right, y + 12 * mm, lines[0])
    c.drawRightString(right, y + 7 * mm, lines[1])


def stamp_reader(stamp: Image.Image) -> ImageReader:
    buf = io.BytesIO()
    stamp.save(buf, "PNG")
    return ImageReader(io.BytesIO(buf.getvalue()))


def draw_stamp(c, stamp: ImageReader, x: float, y: float) -> None:
    """The archive's use-stamp, STAMP square, its lower left corner at (x, y)."""
    c.drawImage(stamp, x, y, STAMP, STAMP, mask="auto")


@dataclass(frozen=True)
class Attestation:
    """A copy's attestation: the red line at the bottom of the body and the stamp over it,
    drawn for the page the flowable carrying it lands on (as page_attestation)."""

    line: str
    stamp: ImageReader


def draw_attestation(c, attestation: Attestation) -> None:
    """The red line at the foot of the body and the stamp at its right, both above
    FOOTER_TOP: the stamp never covers the 档号 or the number a receiving office must read."""
    font = cjk_font()
    c.setFont(font, fitted_size(attestation.line, font, 12, WIDTH - 2 * SIDE - STAMP))
    c.setFillColorRGB(*RED)
    c.drawString(SIDE, BODY_BOTTOM + 3 * mm, attestation.line)
    c.setFillColorRGB(0, 0, 0)
    draw_stamp(c, attestation.stamp, WIDTH - SIDE - STAMP - 4 * mm, BODY_BOTTOM)


class Signature(Flowable):
    """The attestation of a letter: the archive's name and the day, right-aligned, the stamp
    over them as a hand stamp is (its ring crossing the name, its star clear of the text)."""

    def __init__(self, archive_name: str, day: str, stamp: ImageReader | None,
                 size: float = 12.5, leading: float = 21) -> None:
        super().__init__()
        self.archive_name, self.day, self.stamp = archive_name, day, stamp
        self.size, self.leading = size, leading

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        self.height = STAMP if self.stamp else 2 * self.leading
        return avail_width, self.height

    def draw(self) -> None:
        c = self.canv
        font = cjk_font()
        c.setFont(font, self.size)
        right = self.width - 5 * mm
        # under the stamp's star, not through it: the name crosses only the stamp's ring
        top = self.height / 4 if self.stamp else self.height - self.size
        c.drawRightString(right, top, self.archive_name)
        c.drawRightString(right, top - self.leading, self.day)
        if self.stamp:
            draw_stamp(c, self.stamp, right - STAMP + 8 * mm, 0)


class _PaperDoc(BaseDocTemplate):
    def __init__(self, buf: io.BytesIO, paper: Paper, total: int) -> None:
        super().__init__(buf, pagesize=A4, title=f"{paper.archive_name} {paper.title} "
                         f"{paper.number}", author=paper.archive_name)
        self.paper, self.total, self.footer_items, self.pages = paper, total, [], 0
        self.attestation: Attestation | None = None
        body = Frame(SIDE, BODY_BOTTOM, WIDTH - 2 * SIDE, BODY_TOP - BODY_BOTTOM, id="body",
                     leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate("paper", [body], onPageEnd=self._furnish)])

    def afterFlowable(self, flowable: Flowable) -> None:
        items = getattr(flowable, "footer_items", None)
        if items is not None:
            self.footer_items = items
        attestation = getattr(flowable, "page_attestation", None)
        if attestation is not None:
            self.attestation = attestation

    def _furnish(self, c, _doc) -> None:
        self.pages = c.getPageNumber()
        draw_header(c, self.paper)
        if self.attestation is not None:  # this page's only
            draw_attestation(c, self.attestation)
            self.attestation = None
        draw_footer(c, self.footer_items, self.pages, self.total or self.pages)


def render(paper: Paper, story: Callable[[], list[Flowable]]) -> bytes:
    """The PDF of `story` (a function: Platypus uses up the flowables it lays out) on this
    layout. Laid out twice: the first pass counts the pages that 共N页 states."""
    total = 0
    for _ in range(2):
        buf = io.BytesIO()
        doc = _PaperDoc(buf, paper, total)
        doc.build(story())
        total = doc.pages
    return buf.getvalue()
