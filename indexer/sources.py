"""From a file on disk to its pages: images to OCR, or text from a PDF's text layer.

Every way a scan can be broken ends here as a BadFile with a reason staff can act on; nothing
is half-read. Images are checked against the pixel limit from their header, before decoding,
so a decompression bomb costs nothing.
"""

from __future__ import annotations

import errno
import io
import os
import stat
import struct
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

try:  # HEIC from phones and newer scanners; AVIF Pillow reads by itself
    import pillow_heif

    pillow_heif.register_heif_opener()
    HEIF_EXTS = {".heic", ".heif"}
except ImportError:  # pragma: no cover - installed by setup.sh
    HEIF_EXTS = set()

# JPEG 2000 is a common archival master format; WebP, BMP, GIF and AVIF turn up in transfers.
IMAGE_EXTS = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".jp2", ".j2k", ".jpx", ".webp",
              ".bmp", ".gif", ".avif", *HEIF_EXTS}
PDF_EXTS = {".pdf"}
SCAN_EXTS = IMAGE_EXTS | PDF_EXTS
PDF_RENDER_DPI = 200
# A PDF page with fewer meaningful characters than this is a scan, not a text page.
MIN_TEXT_CHARS = 20


class BadFile(Exception):
    """A file that cannot be indexed; the message says why, in words for the batch report."""


# What Pillow raises for a damaged or cut-off image besides OSError: a TIFF whose later page
# headers are missing gives TypeError "Missing dimensions" or SyntaxError, others KeyError,
# IndexError or struct.error. Each is this file's 损坏或不完整, never a Python error name.
_CORRUPT = (OSError, SyntaxError, EOFError, ValueError, TypeError, KeyError, IndexError,
            struct.error, ZeroDivisionError)


def reason(error: BaseException) -> str:
    """Why one file could not be read, in words for the batch report: the one place that
    turns any error of a per-file step (stat, hash, open, decode, OCR, extract) into a
    Chinese reason, so one bad file is one line of the report and never the batch's end."""
    if isinstance(error, BadFile):
        return str(error)
    if isinstance(error, PermissionError):
        return f"无权读取该文件（请检查文件权限）/ permission denied: {error.strerror}"
    if isinstance(error, FileNotFoundError):
        return "文件在处理中被删除或移走 / file vanished while being indexed"
    if isinstance(error, UnicodeError):
        return f"文件名或内容编码无效 / invalid encoding: {error}"
    if isinstance(error, MemoryError):
        return "内存不足，无法读取该文件 / out of memory reading this file"
    if isinstance(error, OSError):
        return f"读取文件出错 / read error: {error.strerror or error}"
    name = type(error).__name__
    if name == "KilledWorker":
        return ("识别进程多次意外退出（内存不足或文件触发了崩溃）/ OCR worker died on this "
                f"file: {error}")
    return f"处理失败 / failed: {name}: {error}"


@dataclass
class Skipped:
    """Something in a scan folder that is not read, and why: listed in the batch report."""

    path: Path
    reason: str


def _skip_reason(path: Path, st: os.stat_result | None, error: OSError | None) -> str | None:
    if error is not None:
        if error.errno == errno.ELOOP:
            return "符号链接循环 / symbolic link loop"
        if error.errno == errno.ENOENT:
            return "符号链接指向不存在的文件 / dangling symbolic link"
        return f"无法查看该文件 / cannot stat: {error.strerror}"
    assert st is not None
    if stat.S_ISDIR(st.st_mode):
        return "指向文件夹的符号链接，未跟随 / symbolic link to a folder, not followed"
    if stat.S_ISFIFO(st.st_mode):
        return "命名管道，不是文件 / a FIFO, not a file"
    if not stat.S_ISREG(st.st_mode):
        return "不是普通文件（设备或套接字）/ not a regular file"
    if path.suffix.lower() not in SCAN_EXTS:
        return f"不是扫描件格式 / not a scan format ({path.suffix.lower() or '无扩展名'})"
    return None


@dataclass
class PageRef:
    """One page of a file, before OCR: enough to find it again in a worker process."""

    path: Path
    index: int  # 0-based page index inside the file
    kind: str  # image | pdf_scan | pdf_text
    text: str | None = None  # pdf_text: the text layer


def walk(paths: list[Path]) -> Iterator[Path | Skipped]:
    """Scan files under the given folders (or the files themselves), in a stable order, and
    everything passed over with its reason. Symbolic links to files are followed (the file
    is named by its real path, once); links to folders are not, so there are no loops."""
    SKIP_QUIETLY = {"catalog.csv", "truth.json"}  # the archive's own companions
    for root in paths:
        entries: list[Path]
        if root.is_dir() and not root.is_symlink():
            entries = []
            for folder, dirs, files in os.walk(root):
                dirs.sort()
                base = Path(folder)
                entries += [base / d for d in dirs if (base / d).is_symlink()]
                entries += [base / f for f in files if not f.startswith(".")]
            # Real files before links, so a link to a file in the folder is the one named as
            # the duplicate.
            entries.sort(key=lambda p: (p.is_symlink(), p))
        else:
            entries = [root]
        for p in entries:
            try:
                st, error = p.stat(), None
            except OSError as e:
                st, error = None, e
            why = _skip_reason(p, st, error)
            if why is None:
                yield p
            elif p.name not in SKIP_QUIETLY:
                yield Skipped(p, why)


def open_image(path: Path | io.BytesIO, max_pixels: int) -> Image.Image:
    """Open an image file, refusing empty, broken and oversized ones with a clear reason."""
    if _size(path) == 0:
        raise BadFile("文件为空（0 字节）/ empty file")
    # Pillow's own guard follows the archive's limit (its default refuses a 100 MP scan the
    # config allows); above it the warning below refuses the file from its header.
    Image.MAX_IMAGE_PIXELS = max_pixels
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
    except _CORRUPT as e:
        raise BadFile(f"图像已损坏或不完整 / corrupt or truncated image: {e}") from e
    w, h = image.size
    if w * h > max_pixels:
        raise BadFile(f"图像像素过多 / image too large: {w}×{h} px exceeds limit {max_pixels}")
    return image


def _size(source: Path | io.BytesIO) -> int:
    return source.getbuffer().nbytes if isinstance(source, io.BytesIO) else source.stat().st_size


def for_ocr(image: Image.Image) -> Image.Image:
    """The page as 8-bit grey or RGB on white, whatever the scanner wrote: 16-bit grey
    (which a plain convert clips to white), transparency (black text on a transparent
    background would turn all black), palettes, CMYK."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        # Stretch the values actually used onto 0–255: 16-bit scans rarely use the full range.
        grey = image.convert("I")
        lo, hi = grey.getextrema()
        scale = 255 / max(1, hi - lo)
        return grey.point(lambda v: (v - lo) * scale).convert("L")
    if image.mode == "F":
        return image.convert("L")
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and
                                               "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return image if image.mode in ("RGB", "L") else image.convert("RGB")


def image_pages(path: Path, max_pixels: int) -> int:
    return _frames(open_image(path, max_pixels))


def _frames(image: Image.Image) -> int:
    try:  # counting a TIFF's pages reads every page's header: a truncated one fails here
        return getattr(image, "n_frames", 1)
    except _CORRUPT as e:
        raise BadFile(f"图像已损坏或不完整 / corrupt or truncated image: {e}") from e


def load_image_page(path: Path | io.BytesIO, index: int, max_pixels: int) -> Image.Image:
    image = open_image(path, max_pixels)
    try:
        if index:
            image.seek(index)
        image.load()
        image = ImageOps.exif_transpose(image)
        return for_ocr(image)
    except _CORRUPT as e:
        raise BadFile(f"图像已损坏或不完整 / corrupt or truncated image: {e}") from e


def _pdf_reader(path: Path | io.BytesIO):
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, PdfReadError

    if _size(path) == 0:
        raise BadFile("文件为空（0 字节）/ empty file")
    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            # Many scanners "encrypt" with an empty user password; those open fine.
            try:
                ok = reader.decrypt("")
            except DependencyError as e:
                raise BadFile(f"PDF 加密方式无法解开 / encrypted PDF needs a missing "
                              f"library: {e}") from e
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


def pages(path: Path, max_pixels: int, data: bytes | None = None) -> list[PageRef]:
    """The pages of a file (read from `data` when given: the very bytes that were hashed).
    Raises BadFile; never returns a partial list."""
    ext = path.suffix.lower()
    source = io.BytesIO(data) if data is not None else path
    if ext in IMAGE_EXTS:
        return [PageRef(path, i, "image") for i in range(_frames(open_image(source, max_pixels)))]
    if ext in PDF_EXTS:
        reader = _pdf_reader(source)
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



class PageSplitter:
    """A file's pages one at a time, each as a small file of its own, from the bytes that
    were hashed: what the batch sends to an OCR worker on another PC, so a 300-page PDF
    crosses the network once in all, not once per page.

    A PDF page becomes a one-page PDF (pypdf copies the page with the resources it names); a
    frame of a multi-page TIFF (or GIF) becomes a lossless PNG of exactly the image the
    worker would have made of it. A file of one page travels as it is. Whatever cannot be
    cut out travels whole, as before: the worker then reads its page from the whole file.
    """

    def __init__(self, data: bytes, suffix: str, max_pixels: int):
        self.data = data
        self.suffix = suffix.lower()
        self.max_pixels = max_pixels
        self._pdf = None

    def page(self, index: int, kind: str, pages_in_file: int) -> tuple[bytes, str, int]:
        """(bytes, suffix, index of the page inside those bytes)."""
        if pages_in_file <= 1:
            return self.data, self.suffix, index
        try:
            if kind == "pdf_scan":
                return self._pdf_page(index), ".pdf", 0
            if kind == "image":
                return self._image_page(index), ".png", 0
        except Exception:  # the worker reads the whole file and names the error, as before
            pass
        return self.data, self.suffix, index

    def _pdf_page(self, index: int) -> bytes:
        from pypdf import PdfWriter

        if self._pdf is None:
            self._pdf = _pdf_reader(io.BytesIO(self.data))
        writer = PdfWriter()
        writer.add_page(self._pdf.pages[index])
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    def _image_page(self, index: int) -> bytes:
        image = load_image_page(io.BytesIO(self.data), index, self.max_pixels)
        out = io.BytesIO()
        image.save(out, format="PNG", compress_level=1)
        return out.getvalue()
