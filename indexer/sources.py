"""From a file on disk to its pages: images to OCR, or text from a PDF's text layer.

Every way a scan can be broken ends here as a BadFile with a reason staff can act on; nothing
is half-read. Images are checked against the pixel limit from their header, before decoding,
so a decompression bomb costs nothing.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

IMAGE_EXTS = {".jpg", ".jpeg", ".png", ".tif", ".tiff"}
PDF_EXTS = {".pdf"}
SCAN_EXTS = IMAGE_EXTS | PDF_EXTS
PDF_RENDER_DPI = 200
# A PDF page with fewer meaningful characters than this is a scan, not a text page.
MIN_TEXT_CHARS = 20


class BadFile(Exception):
    """A file that cannot be indexed; the message says why, in words for the batch report."""


@dataclass
class PageRef:
    """One page of a file, before OCR: enough to find it again in a worker process."""

    path: Path
    index: int  # 0-based page index inside the file
    kind: str  # image | pdf_scan | pdf_text
    text: str | None = None  # pdf_text: the text layer


def walk(paths: list[Path]) -> Iterator[Path]:
    """Scan files under the given folders (or the files themselves), in a stable order."""
    for root in paths:
        if root.is_file():
            if root.suffix.lower() in SCAN_EXTS:
                yield root
            continue
        for p in sorted(root.rglob("*")):
            if p.is_file() and p.suffix.lower() in SCAN_EXTS and not p.name.startswith("."):
                yield p


def open_image(path: Path, max_pixels: int) -> Image.Image:
    """Open an image file, refusing empty, broken and oversized ones with a clear reason."""
    if path.stat().st_size == 0:
        raise BadFile("文件为空（0 字节）/ empty file")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(path)
    except UnidentifiedImageError as e:
        raise BadFile("不是可识别的图像文件 / not an image Pillow can read") from e
    except Image.DecompressionBombError as e:
        raise BadFile(f"图像像素过多 / image too large: {e}") from e
    except Image.DecompressionBombWarning as e:
        raise BadFile(f"图像像素过多 / image too large: {e}") from e
    w, h = image.size
    if w * h > max_pixels:
        raise BadFile(f"图像像素过多 / image too large: {w}×{h} px exceeds limit {max_pixels}")
    return image


def image_pages(path: Path, max_pixels: int) -> int:
    image = open_image(path, max_pixels)
    return getattr(image, "n_frames", 1)


def load_image_page(path: Path, index: int, max_pixels: int) -> Image.Image:
    image = open_image(path, max_pixels)
    try:
        if index:
            image.seek(index)
        image.load()
        image = ImageOps.exif_transpose(image)
        return image.convert("RGB") if image.mode not in ("RGB", "L") else image
    except (OSError, SyntaxError, EOFError, ValueError) as e:
        raise BadFile(f"图像已损坏或不完整 / corrupt or truncated image: {e}") from e


def _pdf_reader(path: Path):
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if path.stat().st_size == 0:
        raise BadFile("文件为空（0 字节）/ empty file")
    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            # Many scanners "encrypt" with an empty user password; those open fine.
            try:
                ok = reader.decrypt("")
            except Exception as e:
                raise BadFile(f"PDF 已加密，无法打开 / encrypted PDF: {e}") from e
            if not ok:
                raise BadFile("PDF 已加密，需要密码 / encrypted PDF needs a password")
        _ = len(reader.pages)
        return reader
    except BadFile:
        raise
    except (PdfReadError, OSError, ValueError, KeyError, TypeError) as e:
        raise BadFile(f"PDF 文件损坏 / malformed PDF: {e}") from e


def _meaningful(text: str) -> int:
    return sum(1 for ch in text if ch.isalnum())


def pages(path: Path, max_pixels: int) -> list[PageRef]:
    """The pages of a file. Raises BadFile; never returns a partial list."""
    ext = path.suffix.lower()
    if ext in IMAGE_EXTS:
        return [PageRef(path, i, "image") for i in range(image_pages(path, max_pixels))]
    if ext in PDF_EXTS:
        reader = _pdf_reader(path)
        refs = []
        for i, page in enumerate(reader.pages):
            try:
                text = page.extract_text() or ""
            except Exception:  # a broken content stream: treat the page as a scan
                text = ""
            if _meaningful(text) >= MIN_TEXT_CHARS:
                refs.append(PageRef(path, i, "pdf_text", text))
            else:
                refs.append(PageRef(path, i, "pdf_scan"))
        if not refs:
            raise BadFile("PDF 没有页面 / PDF has no pages")
        return refs
    raise BadFile(f"不支持的文件类型 / unsupported file type {ext}")


def render_page(ref: PageRef, max_pixels: int, dpi: int = PDF_RENDER_DPI) -> Image.Image:
    """The page as an image: for OCR, and for the viewer."""
    if ref.kind == "image":
        return load_image_page(ref.path, ref.index, max_pixels)
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(ref.path))
        page = pdf[ref.index]
        w, h = page.get_size()
        scale = dpi / 72
        if w * h * scale * scale > max_pixels:
            raise BadFile(f"PDF 页面过大 / PDF page too large ({w:.0f}×{h:.0f} pt)")
        image = page.render(scale=scale).to_pil().convert("RGB")
        pdf.close()
        return image
    except BadFile:
        raise
    except Exception as e:
        raise BadFile(f"PDF 页面无法渲染 / cannot render PDF page {ref.index + 1}: {e}") from e

