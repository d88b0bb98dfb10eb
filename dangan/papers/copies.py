"""Certified copies (档案证明复制件): each chosen archive page on a page of its own, at the scan's
full resolution, with the attestation (本复制件与馆藏档案一致 仅供…使用) under the archive's
use-stamp and a footer naming the item, its page, the archive, the day and the visit's or
request's number, and which page of the copy it is (复制件第n/N页)."""

from __future__ import annotations

import io

from PIL import Image
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, PageBreak

from dangan import clock

from .layout import Attestation, Paper, render, stamp_reader

KIND = "档案复制件"
ATTESTATION_ROOM = 10 * mm  # under the scan: the red attestation line


def reference(page, meta: dict | None) -> str:
    """The 档号 as printed: the catalogue's, else the title with 未编档号 — never a file name."""
    code = (meta or {}).get("archive_code")
    if code:
        return code
    title = (meta or {}).get("title") or page.fields.title
    return f"{title}（未编档号）" if title else "未编档号"


def footer_name(page, meta: dict | None) -> str:
    """How a copy's footer names its item: 档号：… when catalogued; an item not catalogued
    yet has no 档号 line to print, only its title."""
    code = (meta or {}).get("archive_code")
    if code:
        return f"档号：{code}"
    title = (meta or {}).get("title") or page.fields.title
    return f"题名：{title}（未编档号）" if title else "未编档号"


class CopySheet(Flowable):
    """One archive page as copied: the scan fills the body above the attestation, which the
    layout draws with the stamp (page_attestation) above the footer naming the item."""

    def __init__(self, jpeg: bytes, attestation: Attestation, footer_items: list[str]) -> None:
        super().__init__()
        self.jpeg, self.page_attestation, self.footer_items = jpeg, attestation, footer_items

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width, self.height = avail_width, avail_height - 1  # the whole body, to the point
        return self.width, self.height

    def draw(self) -> None:
        img = Image.open(io.BytesIO(self.jpeg))
        box_h = self.height - ATTESTATION_ROOM
        scale = min(self.width / img.width, box_h / img.height)
        w, h = img.width * scale, img.height * scale
        self.canv.drawImage(ImageReader(io.BytesIO(self.jpeg)), (self.width - w) / 2,
                            ATTESTATION_ROOM + box_h - h, w, h)


def copy_story(pages: list, archive_name: str, number: str, use: str, stamp: Image.Image,
               number_label: str = "查档登记号", first: bool = True) -> list[Flowable]:
    """The flowables of a copy of `pages` ((page, meta, jpeg) each): a page break before each
    sheet, except before the first when the copy starts the paper (`first`)."""
    today = clock.today().strftime("%Y年%m月%d日")
    reader = stamp_reader(stamp)
    out: list[Flowable] = []
    for n, (page, meta, jpeg) in enumerate(pages, 1):
        if n > 1 or not first:
            out.append(PageBreak())
        out.append(CopySheet(jpeg, Attestation(f"本复制件与馆藏档案一致　仅供{use}使用", reader), [
            f"{footer_name(page, meta)}　第{page.page_in_document}页", archive_name,
            f"复制日期：{today}", f"{number_label}：{number}",
            f"（复制件第{n}/{len(pages)}页）"]))
    return out


def certified_copy(pages: list, archive_name: str, number: str, use: str, stamp: Image.Image,
                   number_label: str = "查档登记号",
                   verification: tuple[str, str] | None = None) -> bytes:
    """The certified copy of `pages` as a PDF. `number_label` names the number in the footer:
    查档登记号 for a visit, 申请编号 for a request."""
    return render(Paper(archive_name, KIND, number, verification),
                  lambda: copy_story(pages, archive_name, number, use, stamp, number_label))
