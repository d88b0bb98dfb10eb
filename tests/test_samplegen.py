"""The sample archive: deterministic, truthful, complete, and every file opens."""

import csv
import hashlib
import json
from collections import Counter
from pathlib import Path

from PIL import Image
from pypdf import PdfReader

from samplegen import fonts
from samplegen.__main__ import main as generate

SCANS = Path(__file__).resolve().parent.parent / "scans"


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir())}


def test_generator_is_deterministic(tmp_path):
    for run in ("a", "b"):
        assert generate(["--out", str(tmp_path / run), "--pages", "3", "--seed", "7"]) == 0
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    truth = json.loads((tmp_path / "a" / "truth.json").read_text(encoding="utf-8"))
    assert sum(len(f["pages"]) for f in truth["files"].values()) >= 3


def test_bulk_text_only_mode_writes_truth_without_images(tmp_path):
    assert generate(["--out", str(tmp_path), "--pages", "40", "--text-only"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catalog.csv", "truth.json"]


def test_missing_fonts_fail_with_an_install_hint(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(fonts.CANDIDATES, "kai", [("/nonexistent/ukai.ttc", 0)])
    assert generate(["--out", str(tmp_path)]) == 2
    assert "fonts-arphic-ukai" in capsys.readouterr().err


def test_sample_has_every_type_format_and_naming_style(truth):
    files = truth["files"]
    pages = sum(len(f["pages"]) for f in files.values())
    assert pages >= 40
    types = Counter(f["doc_type"] for f in files.values())
    assert set(types) == {"wage_adjustment", "recruitment", "community_teacher", "military",
                          "retirement", "other"}
    formats = {f["format"] for f in files.values()}
    assert formats == {"jpeg", "png", "tiff", "pdf_images", "pdf_text"}
    assert {f["dpi"] for f in files.values()} >= {200, 300}
    assert any("·" in n and n.endswith("-0001.jpg") for n in files)
    assert any(n.startswith("0501-1996-001-") for n in files)
    assert any(f["archive_code"] is None for f in files.values())


def test_sample_has_rosters_traps_and_all_date_and_docno_forms(truth):
    pages = [p for f in truth["files"].values() for p in f["pages"]]
    roster_sizes = [len(p["roster_rows"]) for p in pages if p["roster_rows"]]
    assert roster_sizes and all(8 <= n <= 15 for n in roster_sizes)
    names = {p["simplified"] for pg in pages for p in pg["persons"]}
    assert {"王秀英", "王秀瑛", "张付明", "张傅明"} <= names
    assert any(n.startswith(s) for n in names for s in ("欧阳", "上官"))
    assert {n[0] for n in names} >= {"曾", "瞿", "覃", "单", "解"}
    printed_dates = " ".join(d["printed"] for pg in pages for d in pg["dates"])
    for sample in ("年", "一九", "."):
        assert sample in printed_dates
    assert any(len(d["printed"]) == 8 and d["printed"].isdigit()
               for pg in pages for d in pg["dates"])
    printed_nos = " ".join(d["printed"] for pg in pages for d in pg["doc_numbers"])
    for bracket in ("〔", "[", "（", "【"):
        assert bracket in printed_nos
    assert any(pg["id_numbers"] for pg in pages)


def test_truth_matches_what_was_drawn(truth):
    for name, f in truth["files"].items():
        for page in f["pages"]:
            text = page["text"].replace(" ", "").replace("\n", "")
            for person in page["persons"]:
                assert person["name"] in text, (name, person)
            for no in page["doc_numbers"]:
                assert no["printed"].replace(" ", "") in text, (name, no)
            for d in page["dates"]:
                assert d["printed"] in text, (name, d)


def test_person_boxes_lie_inside_the_page_image(truth):
    for name, f in truth["files"].items():
        if f["format"] not in ("jpeg", "png"):
            continue
        with Image.open(SCANS / name) as im:
            w, h = im.size
        for page in f["pages"]:
            for person in page["persons"]:
                if "box" in person:
                    x1, y1, x2, y2 = person["box"]
                    assert 0 <= x1 < x2 <= w and 0 <= y1 < y2 <= h, (name, person)


def test_every_scan_opens_and_has_truth(truth):
    on_disk = {p.name for p in SCANS.iterdir() if p.suffix.lower() in
               (".jpg", ".png", ".tif", ".pdf")}
    assert on_disk == set(truth["files"])
    for name, f in truth["files"].items():
        path = SCANS / name
        if path.suffix == ".pdf":
            assert len(PdfReader(path).pages) == len(f["pages"])
        else:
            with Image.open(path) as im:
                im.load()
                assert getattr(im, "n_frames", 1) == len(f["pages"])


def test_catalogue_covers_part_of_the_archive_with_one_restricted_item(truth):
    with open(SCANS / "catalog.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["档号", "题名", "责任者", "日期", "保管期限", "开放标识"]
    assert [r["开放标识"] for r in rows].count("控制") == 1
    codes = {f["archive_code"] for f in truth["files"].values() if f["archive_code"]}
    assert {r["档号"] for r in rows} < codes
