"""One bad file is one failure: a generated corpus of every kind of broken, odd or unreadable
file, with good files beside it, indexed by a real `dangan index` with real OCR. Every bad
file ends in the report with its path and a Chinese reason, everything passed over is listed
with why, and the good files are searchable (each once)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DANGAN, SCANS, write_config
from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader, PdfWriter

import dangan.indexer.sources  # noqa: F401 - registers the HEIC reader (and writer) with Pillow
from dangan.config import load as load_config

FONT = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2)
NOTICE = "东政发〔1993〕52号关于做好工资套改工作的通知.pdf"  # text layer: names 单国栋


def text_image(text: str, size=(520, 110)) -> Image.Image:
    """A small page with one printed line: OCR reads it in well under a second."""
    im = Image.new("L", size, 255)
    ImageDraw.Draw(im).text((20, 20), text, fill=0, font=ImageFont.truetype(FONT[0], 56,
                                                                            index=FONT[1]))
    return im


def grey16(text: str) -> Image.Image:
    """16-bit greyscale as archival scanners write it: paper near 60000, ink near 8000."""
    import numpy as np

    a = np.asarray(text_image(text), dtype=np.float64)
    return Image.fromarray((8000 + a / 255 * 52000).astype(np.uint16)).convert("I;16")


def transparent(text: str) -> Image.Image:
    """Black text on a transparent background (an export from a drawing program)."""
    ink = text_image(text).point(lambda v: 255 - v)
    im = Image.new("RGBA", ink.size, (0, 0, 0, 0))
    im.putalpha(ink)
    return im


def _encrypted_pdf(source: Path, dest: Path, user: str) -> None:
    w = PdfWriter(clone_from=PdfReader(source))
    w.encrypt(user_password=user, owner_password="owner-secret", algorithm="AES-256")
    with open(dest, "wb") as f:
        w.write(f)


# name → person printed on it: each must be found, once, after the batch.
GOOD = {"plain.png": "张建国", "grey16.png": "李秀兰", "transparent.png": "王志强",
        "page.webp": "赵德胜", "page.bmp": "刘桂芳", "page.gif": "陈永福", "page.jp2": "杨淑珍",
        "page.avif": "周玉兰", "page.heic": "吴春生"}
# name → words its failure line must contain.
BAD = {"aes-user-password.pdf": "加密", "truncated.jpg": "损坏", "unreadable.jpg": "无权读取",
       "truncated.tif": "损坏或不完整", "empty.jpg": "空", "not-an-image.png": "图像",
       "broken.pdf": "PDF"}
# Names from a Windows PC (GBK bytes) and bytes no encoding explains: indexed, under the name
# shown here (name as written → name stored, person printed on it).
ODD_NAMES = {"王秀英工龄认定.png".encode("gbk"): ("王秀英工龄认定.png", "朱桂英"),
             b"\xff\xfe.jpg": ("\\xff\\xfe.jpg", "马德明")}
SKIPPED = {"dangling.jpg": "不存在", "loop.jpg": "循环", "fifo.jpg": "管道",
           "folder-link": "文件夹", "notes.txt": "不是扫描件格式", "link-to-plain.png": "同一文件"}


def make_corpus(folder: Path) -> None:
    folder.mkdir(parents=True)
    for name, person in GOOD.items():
        im = {"grey16.png": grey16, "transparent.png": transparent}.get(name, text_image)(
            f"姓名{person}")
        im.save(folder / name)
    _encrypted_pdf(SCANS / NOTICE, folder / "aes-owner-only.pdf", user="")  # opens: indexed
    _encrypted_pdf(SCANS / NOTICE, folder / "aes-user-password.pdf", user="secret")
    drawing = Image.new("L", (400, 300), 255)  # ink, but no text to read: a warning
    ImageDraw.Draw(drawing).rectangle((60, 60, 340, 240), fill=0)
    drawing.save(folder / "drawing.png")
    jpeg = folder / "plain.jpg.tmp"
    text_image("姓名孙丽").save(jpeg, "JPEG")
    (folder / "truncated.jpg").write_bytes(jpeg.read_bytes()[:200])
    shutil.move(jpeg, folder / "unreadable.jpg")
    (folder / "unreadable.jpg").chmod(0)
    for raw, (_, person) in ODD_NAMES.items():
        text_image(f"姓名{person}").save(os.path.join(os.fsencode(folder), raw), "PNG")
    pages = [text_image(f"第{n}页") for n in (1, 2, 3)]  # a TIFF cut off in its second page
    pages[0].save(folder / "tiff.tmp", "TIFF", save_all=True, append_images=pages[1:])
    (folder / "truncated.tif").write_bytes((folder / "tiff.tmp").read_bytes()[:122])
    (folder / "tiff.tmp").unlink()
    (folder / "empty.jpg").write_bytes(b"")
    (folder / "not-an-image.png").write_text("这不是图像", encoding="utf-8")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    (folder / "dangling.jpg").symlink_to(folder / "gone.jpg")
    (folder / "loop.jpg").symlink_to(folder / "loop.jpg")
    os.mkfifo(folder / "fifo.jpg")
    (folder / "sub").mkdir()
    (folder / "folder-link").symlink_to(folder / "sub")
    (folder / "notes.txt").write_text("说明", encoding="utf-8")
    (folder / "link-to-plain.png").symlink_to(folder / "plain.png")


def run_as_service_user(cfg: Path, *args: str) -> subprocess.CompletedProcess:
    """As root the batch runs without the right to override file permissions, as a service
    account would: a file it may not read must be refused, not read."""
    drop = "-dac_override,-dac_read_search"
    prefix = (["setpriv", f"--inh-caps={drop}", f"--bounding-set={drop}"]
              if os.geteuid() == 0 else [])
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "HOME": str(cfg.parent)}
    return subprocess.run([*prefix, *DANGAN, "--config", str(cfg), *args],
                          capture_output=True, text=True, timeout=900, env=env, cwd=cfg.parent,
                          errors="surrogateescape")


@pytest.mark.slow
def test_every_bad_file_is_one_reported_failure_and_the_good_files_are_indexed(tmp_path):
    folder = tmp_path / "scans"
    make_corpus(folder)
    cfg = write_config(tmp_path / "config.toml", folder, tmp_path, workers=2)
    # The folder twice: the same files are read once.
    proc = run_as_service_user(cfg, "index", str(folder), str(folder))
    out = proc.stdout
    assert proc.returncode == 0, proc.stderr  # the index was written
    assert "Traceback" not in proc.stderr
    lines = out.splitlines()
    for name, words in BAD.items():
        shown = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        line = next((ln for ln in lines if ln.startswith("失败") and shown in ln), "")
        assert words in line, (name, out)
    for name, words in SKIPPED.items():
        line = next((ln for ln in lines if ln.startswith("跳过") and name in ln), "")
        assert words in line, (name, out)
    report = sorted((tmp_path / "data" / "reports").glob("batch-*.txt"))[-1]
    assert report.read_text(encoding="utf-8").count("失败 FAILED") == len(BAD)
    assert f"{len(GOOD) + 2 + len(ODD_NAMES)} indexed" in out, out
    assert f"{len(BAD)} failed" in out, out
    assert "TypeError" not in out, out  # a truncated TIFF: 损坏或不完整, not a Python error
    for shown, person in ODD_NAMES.values():  # searched as text: found under that name
        found = subprocess.run([*DANGAN, "--config", str(cfg), "search", "--json", person],
                               capture_output=True, text=True, timeout=120).stdout
        assert [h["path"] for h in json.loads(found)["hits"]] == [shown], (shown, out)
        assert load_config(cfg).scan_path(shown).read_bytes()  # and leads back to the file
        assert any(ln.startswith("注意") and shown in ln and "文件名" in ln for ln in lines), out
    assert any(ln.startswith("注意") and "drawing.png" in ln and "未识别出文字" in ln
               for ln in lines), out

    for name, person in GOOD.items():
        hits = _search(cfg, person)
        assert [h["path"] for h in hits] == [name], (name, person, hits)
    assert [h["path"] for h in _search(cfg, "单国栋")] == ["aes-owner-only.pdf"]

    # The unreadable file becomes readable (same size and time): the next run retries it.
    (folder / "unreadable.jpg").chmod(0o644)
    again = run_as_service_user(cfg, "index")
    assert again.returncode == 0 and "1 indexed" in again.stdout, again.stdout
    assert [h["path"] for h in _search(cfg, "孙丽")] == ["unreadable.jpg"]


def _search(cfg: Path, person: str) -> list[dict]:
    proc = subprocess.run([*DANGAN, "--config", str(cfg), "search", "--json", "--person",
                           person], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return [h for h in json.loads(proc.stdout)["hits"] if person in h["persons"]]


@pytest.mark.slow
def test_a_file_replaced_after_it_was_hashed_is_not_ocrd_under_the_old_hash(tmp_path):
    """The OCR cache is keyed by content hash: the bytes sent to OCR must be those hashed,
    or the original's cache entry would hold the replacement's text for good."""
    from dangan.indexer.batch import _Pending, sha256_of
    from dangan.indexer.distributed import OcrCluster
    from dangan.indexer.sources import BadFile, pages

    path = tmp_path / "roster.png"
    text_image("姓名王秀英").save(path)
    data = path.read_bytes()
    item = _Pending(path, "roster.png", sha256_of(data), len(data), 0.0, pages(path, 10**8))
    text_image("姓名李新华").save(path)  # replaced while the batch runs
    with OcrCluster(1, None, "rapidocr", 1, 2000, 10**8) as cluster:
        [(_, result, error)] = list(cluster.run([(item, item.refs[0])], window=2))
    assert result is None and isinstance(error, BadFile) and "被修改" in str(error)


@pytest.mark.slow
def test_16_bit_and_transparent_pages_are_read_not_blank():
    from dangan.indexer.ocr.base import create_engine
    from dangan.indexer.sources import for_ocr

    engine = create_engine("rapidocr")
    for image, person in ((grey16("姓名李秀兰"), "李秀兰"), (transparent("姓名王志强"), "王志强")):
        text = "".join(line.text for line in engine.read(for_ocr(image)))
        assert person in text, (image.mode, text)


@pytest.mark.slow
def test_failed_files_are_retried_a_limited_number_of_times(tmp_path):
    from dangan.indexer.batch import MAX_ATTEMPTS

    folder = tmp_path / "scans"
    folder.mkdir()
    (folder / "not-an-image.png").write_text("这不是图像", encoding="utf-8")
    cfg = write_config(tmp_path / "config.toml", folder, tmp_path)
    outs = [subprocess.run([*DANGAN, "--config", str(cfg), "index"], capture_output=True,
                           text=True, timeout=300).stdout for _ in range(MAX_ATTEMPTS + 1)]
    assert all("1 failed" in o for o in outs[:MAX_ATTEMPTS]), outs
    assert "0 failed, 0 pruned" in outs[-1] and "1 unchanged" in outs[-1], outs[-1]
    status = json.loads(subprocess.run([*DANGAN, "--config", str(cfg), "status", "--json"],
                                       capture_output=True, text=True).stdout)
    assert status["failures"][0]["attempts"] == MAX_ATTEMPTS  # still listed, with its reason


def test_a_100_megapixel_scan_is_allowed_when_max_pixels_allows_it(tmp_path):
    from dangan.indexer.sources import BadFile, pages

    p = tmp_path / "big.png"
    Image.new("1", (10_000, 10_000)).save(p)
    assert len(pages(p, 120_000_000)) == 1  # Pillow's own 89.5 MP guard follows the config
    with pytest.raises(BadFile, match="像素过多"):
        pages(p, 90_000_000)


def test_formats_pillow_reads_are_scans(tmp_path):
    from dangan.indexer.sources import pages, walk

    for ext in (".jp2", ".webp", ".bmp", ".gif", ".avif", ".heic"):
        text_image("王").save(tmp_path / f"p{ext}")
        assert len(pages(tmp_path / f"p{ext}", 10**8)) == 1, ext
    assert len(list(walk([tmp_path]))) == 6


if __name__ == "__main__":  # make the corpus by hand: python tests/test_indexer_badfiles.py DIR
    make_corpus(Path(sys.argv[1]))
