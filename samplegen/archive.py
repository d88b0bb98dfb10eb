"""Lay out a whole miniature archive on disk: files, their names, the catalogue and the truth.

Two modes share one writer: `sample_plan` is the hand-shaped ~50-page archive shipped in
`scans/` (every format, naming style and trap a search engine must survive); `bulk_plan` makes
any number of pages for benchmarks, with the same templates.
"""

from __future__ import annotations

import csv
import io
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from . import documents as D
from . import people as P
from .borndigital import write_notice
from .render import render
from .retirees import RETIREMENT_PEOPLE, retirement_items
from .scan import Degradation, degrade
from .sheet import Sheet

TRUTH_VERSION = 1


@dataclass
class Item:
    """One archival item (件 or 卷) and how it is stored on disk."""

    doc: D.GeneratedDoc
    code: str | None  # 档号, or None for loose scans named by the scanner
    fmt: str  # jpeg | png | tiff | pdf_images
    names: list[str] = field(default_factory=list)  # file names, one per page or one for all
    dpi: int = 300
    heavy: bool = False
    catalog: bool = False
    openness: str = "开放"
    subject: str | None = None  # truth: which person of DOSSIER_PEOPLE the record is about


def sample_plan(seed: int) -> list[Item]:
    rng = random.Random(seed)
    st = D.Styles(rng)
    taken: set[str] = set()

    def person(**kw) -> P.Person:
        return P.make_person(rng, taken, **kw)

    items: list[Item] = []
    machine = "东岭县第二机床厂"
    # The citizen in the brief: 王秀英 on her own form, 王秀瑛 (same sound) on the roster.
    wang = person(name="王秀英", gender="女", unit=machine, birth_year=1941)
    wang_roster = person(name="王秀瑛", gender="女", unit=machine, birth_year=1943)
    zhang_a = person(name="张付明", gender="男", unit="东岭县水泥厂", birth_year=1939)
    zhang_b = person(name="张傅明", gender="男", unit="东岭县粮食局", birth_year=1935)
    ceng = person(name="曾广才", gender="男", unit=machine, birth_year=1933)
    ouyang = person(name="欧阳春梅", gender="女", unit=machine, birth_year=1950)
    qu = person(name="瞿德明", gender="男", unit="东岭县棉纺织厂", birth_year=1945)
    qin = person(name="覃桂兰", gender="女", unit="东岭县百货公司", birth_year=1944)
    shan = person(name="单建国", gender="男", unit="东岭县汽车运输公司", birth_year=1949)
    xie = person(name="解玉堂", gender="男", unit="东岭县粮食局", birth_year=1938)
    ceng.former_name = "曾满仓"
    shan.former_name = "单小平"

    def code(doc: D.GeneratedDoc, n: int) -> str:
        return f"X012-WS·{doc.date[0]}-Y-{n:04d}"

    def paged(c: str, n: int, ext: str) -> list[str]:
        return [f"{c}-{i:04d}.{ext}" for i in range(1, n + 1)]

    # 1985 reform: individual forms and a roster.
    for n, p in ((12, ceng), (13, xie)):
        doc = D.wage_form(rng, st, p, 1985)
        c = code(doc, n)
        items.append(
            Item(
                doc,
                c,
                "jpeg",
                paged(c, 1, "jpg"),
                dpi=300,
                heavy=(n == 13),
                catalog=True,
                openness="控制" if n == 13 else "开放",
            )
        )
    staff85 = [ceng, qu, *[person(unit=machine) for _ in range(9)]]
    sh, when, title = D.wage_roster(rng, st, staff85, 1985, machine)
    doc = D.GeneratedDoc("wage_adjustment", f"{machine}{title}", machine, when, [sh])
    c = code(doc, 14)
    items.append(Item(doc, c, "jpeg", paged(c, 1, "jpg"), dpi=200, catalog=True))
    # 1993 reform.
    doc = D.wage_form(rng, st, wang, 1993)
    c = code(doc, 31)
    items.append(Item(doc, c, "jpeg", paged(c, 1, "jpg"), dpi=300, heavy=True, catalog=True))
    doc = D.wage_form(rng, st, ouyang, 1993)
    c = code(doc, 32)
    items.append(Item(doc, c, "png", paged(c, 1, "png"), dpi=200, catalog=True))
    staff93 = [wang_roster, ouyang, ceng, shan, *[person(unit=machine) for _ in range(20)]]
    sheets = []
    for page_no, chunk in enumerate((staff93[:13], staff93[13:]), 1):
        sh, when, title = D.wage_roster(rng, st, chunk, 1993, machine, page_no > 1, page_no)
        sheets.append(sh)
    doc = D.GeneratedDoc("wage_adjustment", f"{machine}{title}", machine, when, sheets)
    c = code(doc, 33)
    items.append(Item(doc, c, "jpeg", paged(c, 2, "jpg"), dpi=300, catalog=True))
    # A bilevel multi-page TIFF from a document feeder: another unit's 1993 roster.
    cement = "东岭县水泥厂"
    staff_c = [zhang_a, *[person(unit=cement) for _ in range(33)]]
    sheets = []
    for page_no, chunk in enumerate((staff_c[:12], staff_c[12:24], staff_c[24:]), 1):
        sh, when, title = D.wage_roster(rng, st, chunk, 1993, cement, page_no > 1, page_no)
        sheets.append(sh)
    items.append(
        Item(
            D.GeneratedDoc("wage_adjustment", f"{cement}{title}", cement, when, sheets),
            None,
            "tiff",
            [f"{cement}1993年工资套改花名册.tif"],
            dpi=300,
        )
    )
    # Recruitment: 张付明 (1950s hire, two pages), a 合同制 hire as a PDF of images,
    # and a 1962 form written in traditional characters.
    doc = D.recruitment(rng, st, zhang_a)
    c = code(doc, 21)
    items.append(Item(doc, c, "jpeg", paged(c, 2, "jpg"), dpi=200, catalog=True))
    contract = person(birth_year=1962, unit="东岭县食品公司")
    contract.work_start = (1987, 3, 16)
    doc = D.recruitment(rng, st, contract)
    c = code(doc, 7)
    items.append(Item(doc, c, "pdf_images", [f"{c}.pdf"], dpi=200, catalog=True))
    old = person(birth_year=1940, name="陈秀兰", gender="女", unit="东岭县棉纺织厂")
    old.work_start = (1962, 4, 10)
    doc = D.recruitment(rng, st, old, traditional=True)
    c = code(doc, 5)
    items.append(Item(doc, c, "jpeg", paged(c, 2, "jpg"), dpi=300, heavy=True, catalog=True))
    items.append(
        Item(
            D.recruitment(rng, st, shan, two_pages=False),
            None,
            "jpeg",
            ["IMG_20190412_0042.jpg"],
            dpi=200,
        )
    )
    # Community teachers: a volume of the education bureau, 卷内目录 first.
    t1, t2 = person(unit=P.SCHOOLS[1]), person(name="翟秀珍", gender="女", unit=P.SCHOOLS[3])
    d1, d2 = D.community_teacher(rng, st, t1), D.community_teacher(rng, st, t2)
    toc = D.file_list(rng, st, [(D.EDUCATION_BUREAU, d.title, d.date) for d in (d1, d2)])
    vol = "0501-1996-001"
    items.append(
        Item(
            D.GeneratedDoc(
                "community_teacher",
                "1996年民办教师转正审批材料",
                D.EDUCATION_BUREAU,
                d2.date,
                toc.sheets + d1.sheets + d2.sheets,
            ),
            vol,
            "jpeg",
            paged(vol, 5, "jpg"),
            dpi=200,
            catalog=True,
        )
    )
    t3 = person(name="区海燕", gender="女", unit=P.SCHOOLS[0])
    items.append(
        Item(
            D.community_teacher(rng, st, t3, two_pages=False),
            None,
            "png",
            ["民办教师登记表_区海燕.png"],
            dpi=200,
            heavy=True,
        )
    )
    # Military.
    vet = person(name="仇卫东", gender="男", birth_year=1956, unit="东岭县汽车运输公司")
    doc = D.military_discharge(rng, st, vet)
    c = code(doc, 3)
    items.append(Item(doc, c, "jpeg", paged(c, 1, "jpg"), dpi=300, catalog=True))
    items.append(
        Item(
            D.military_discharge(rng, st, qu, hand=True),
            None,
            "jpeg",
            ["scan0007.jpg"],
            dpi=200,
            heavy=True,
        )
    )
    recruit = person(name="朴永红", gender="男", birth_year=1960)
    items.append(Item(D.military_enlist(rng, st, recruit), None, "png", ["scan0008.png"], dpi=200))
    # Retirement.
    items.append(
        Item(
            D.retirement(rng, st, zhang_b),
            None,
            "jpeg",
            ["退休审批表_张傅明.jpg"],
            dpi=300,
            heavy=True,
        )
    )
    doc = D.retirement(rng, st, qin)
    c = code(doc, 17)
    items.append(Item(doc, c, "jpeg", paged(c, 1, "jpg"), dpi=200, catalog=True))
    for p in (wang, person(unit="东岭县人民医院")):
        items.append(
            Item(
                D.retirement(rng, st, p),
                None,
                "jpeg",
                [f"IMG_2019{rng.randint(1000, 1231)}_{rng.randint(1, 99):04d}.jpg"],
                dpi=300,
            )
        )
    # Other: a handwritten service certificate.
    items.append(
        Item(D.service_certificate(rng, st, qin), None, "jpeg", ["工龄证明_覃桂兰.jpg"], dpi=300)
    )
    # Fill to the page count with more forms, as later batches would bring.
    fillers = [
        lambda p: D.wage_form(rng, st, p, rng.choice([1985, 1993])),
        lambda p: D.retirement(rng, st, p),
        lambda p: D.recruitment(rng, st, p, two_pages=False),
    ]
    n = 40
    while sum(len(i.doc.sheets) for i in items) < 46:
        doc = fillers[n % 3](person())
        c = code(doc, n)
        items.append(
            Item(
                doc,
                c,
                "jpeg",
                paged(c, len(doc.sheets), "jpg"),
                dpi=200 if n % 2 else 300,
                heavy=n % 3 == 1,
                catalog=n % 2 == 0,
            )
        )
        n += 1
    items += dossier_items(rng, person)
    items += retirement_items(rng)
    return items


class FixedStyle(D.Styles):
    """Dates in one given style: a record that must say 1941.4, not whatever comes next."""

    def __init__(self, rng: random.Random, style: str):
        super().__init__(rng)
        self.style = style

    def date(self, exclude: tuple[str, ...] = ()) -> str:
        return self.style


# The people of the dossier (人员档案线索): one whose records disagree and a namesake.
# Truth for tests and measurements: who each record is about, and what the rule decides.
DOSSIER_PEOPLE = {
    "liu-1941": {"name": "刘桂芬", "names": ["刘桂芬", "刘桂芳"], "former_name": "刘二妮",
                 "unit": "东岭县针织厂", "births_recorded": ["1941-04", "1942-04"],
                 # 劳社部发〔1999〕8号: the earliest-dated record's birth date
                 "birth_by_rule": "1941-04", "work_start": "1958-03"},
    "liu-1948": {"name": "刘桂芬", "names": ["刘桂芬"], "unit": "东岭县百货公司",
                 "births_recorded": ["1948-02"], "birth_by_rule": "1948-02",
                 "work_start": "1968-09"},
}


def dossier_items(rng: random.Random, person) -> list[Item]:
    """刘桂芬, born April 1941: her 1958 招工登记表 says 1941.4 (and her 曾用名 刘二妮); the
    1985 wage form, where her name is written 刘桂芳, and the retirement form say 一九四二年四月.
    A second 刘桂芬 (born 1948, another unit) has a 1993 wage form. Loose scans, so the
    sample's catalogue and 档号 stay as they were."""
    import dataclasses

    knit = "东岭县针织厂"
    liu = person(name="刘桂芬", gender="女", unit=knit, birth_year=1941)
    liu.birth, liu.work_start, liu.former_name = (1941, 4, 12), (1958, 3, 5), "刘二妮"
    later = dataclasses.replace(liu, birth=(1942, 4, 12), former_name=None)
    written_otherwise = dataclasses.replace(later, name="刘桂芳")
    other = P.make_person(rng, set(), name="刘桂芬", gender="女", unit="东岭县百货公司",
                          birth_year=1948)
    other.birth, other.work_start = (1948, 2, 20), (1968, 9, 1)
    return [
        Item(D.recruitment(rng, FixedStyle(rng, "dot_ym"), liu, two_pages=False), None, "jpeg",
             ["招工登记表_刘桂芬.jpg"], dpi=200, subject="liu-1941"),
        Item(D.wage_form(rng, FixedStyle(rng, "cn_ym"), written_otherwise, 1985), None, "jpeg",
             ["scan0031.jpg"], dpi=200, subject="liu-1941"),
        Item(D.retirement(rng, FixedStyle(rng, "cn_ym"), later), None, "jpeg",
             ["退休审批表_刘桂芬.jpg"], dpi=200, subject="liu-1941"),
        Item(D.wage_form(rng, FixedStyle(rng, "ym_cn"), other, 1993), None, "jpeg",
             ["scan0032.jpg"], dpi=200, subject="liu-1948"),
    ]


def bulk_plan(seed: int, pages: int) -> Iterator[Item]:
    """Endless variety for benchmarks: random templates, one-page JPEG items at 200 dpi."""
    rng = random.Random(seed)
    st = D.Styles(rng)
    taken: set[str] = set()
    made, n = 0, 1
    while made < pages:
        p = P.make_person(rng, taken)
        if rng.random() < 0.15:
            p.former_name = P.make_name(rng, p.gender, taken)
        kind = rng.random()
        if kind < 0.15:
            staff = [P.make_person(rng, taken, unit=p.unit) for _ in range(rng.randint(8, 15))]
            reform = rng.choice([1985, 1993])
            sh, when, title = D.wage_roster(rng, st, staff, reform, p.unit)
            doc = D.GeneratedDoc("wage_adjustment", p.unit + title, p.unit, when, [sh])
        elif kind < 0.40:
            doc = D.wage_form(rng, st, p, rng.choice([1985, 1993]))
        elif kind < 0.55:
            doc = D.recruitment(rng, st, p, two_pages=False)
        elif kind < 0.67:
            doc = D.community_teacher(rng, st, p, two_pages=False)
        elif kind < 0.79:
            doc = D.military_discharge(rng, st, p, hand=rng.random() < 0.3)
        elif kind < 0.93:
            doc = D.retirement(rng, st, p)
        else:
            doc = D.service_certificate(rng, st, p)
        year = doc.date[0]
        c = f"X{100 + n % 50:03d}-WS·{year}-Y-{n:05d}"
        yield Item(doc, c, "jpeg", [f"{c}-0001.jpg"], dpi=200, heavy=rng.random() < 0.3)
        made += len(doc.sheets)
        n += 1


# ------------------------------------------------------------------------------ writing
def _page_truth(sheet: Sheet, rendered_boxes=None) -> dict:
    persons = [dict(p) for p in sheet.persons]
    rows = []
    for tag, box in rendered_boxes or []:
        if tag.get("kind") == "person":
            persons[tag["index"]].setdefault("box", list(box))
        elif tag.get("kind") == "roster_row":
            rows.append({"name": tag["name"], "row": tag["row"], "box": list(box)})
    lines = sheet.reading_lines()
    return {
        "lines": lines,
        "persons": persons,
        "roster_rows": rows,
        "years": sorted(sheet.years),
        "dates": sheet.dates,
        "doc_numbers": sheet.doc_numbers,
        "id_numbers": sheet.id_numbers,
        "units": sorted(set(sheet.units)),
        "facts": sheet.facts,
    }


def layout_lines(sheet: Sheet, dpi: int) -> list[list]:
    """What a perfect OCR engine would return for the page: each text item with its pixel box.
    Lets benchmarks run the real layout and field extraction on corpora too large to render."""
    from .layout import Text
    from .render import mm
    from .sheet import measure

    out = []
    for item in sheet.page.items:
        if not isinstance(item, Text) or not item.text.strip():
            continue
        width = measure(item.text, item.font, item.size) * (1.06 if item.hand else 1.0)
        x = item.x - (width / 2 if item.anchor == "ma" else width if item.anchor == "ra" else 0)
        out.append([item.text, [mm(x, dpi), mm(item.y, dpi), mm(x + width, dpi),
                                mm(item.y + item.size * 1.1, dpi)]])
    return out


def _scan(sheet: Sheet, dpi: int, heavy: bool, seed: int) -> tuple[Image.Image, dict]:
    rng = random.Random(seed)
    r = render(sheet.page, dpi, rng)
    image, boxes = degrade(r.image, Degradation.sample(rng, heavy), seed, r.boxes)
    return image, _page_truth(sheet, boxes)


def write_archive(
    items: list[Item] | Iterator[Item], out: Path, seed: int, text_only: bool = False, progress=None
) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, dict] = {}
    catalog_rows = []
    for k, item in enumerate(items):
        doc = item.doc
        doc_id = item.code or Path(item.names[0]).stem
        pages_truth, images = [], []
        for i, sheet in enumerate(doc.sheets):
            if text_only:
                t = _page_truth(sheet)
                t["ocr_lines"] = layout_lines(sheet, item.dpi)
                t["roster_rows"] = [
                    {"name": tag["name"], "row": tag["row"],
                     "box": [round(v * item.dpi / 25.4) for v in tag["box_mm"]]}
                    for tag in sheet.page.tags if tag.get("kind") == "roster_row"]
                pages_truth.append(t)
                continue
            image, truth = _scan(sheet, item.dpi, item.heavy, seed * 100003 + k * 101 + i)
            images.append(image)
            pages_truth.append(truth)
        common = {
            "document": doc_id,
            "archive_code": item.code,
            "doc_type": doc.doc_type,
            "title": doc.title,
            "dpi": item.dpi,
            "degradation": "heavy" if item.heavy else "light",
        }
        if item.subject:
            common["subject"] = item.subject
        if not text_only:
            _write_files(item, images, out)
        if item.fmt in ("tiff", "pdf_images"):
            files[item.names[0]] = {
                **common,
                "format": item.fmt,
                "pages": [_numbered(t, n) for n, t in enumerate(pages_truth, 1)],
            }
        else:
            for n, (name, t) in enumerate(zip(item.names, pages_truth, strict=True), 1):
                files[name] = {**common, "format": item.fmt, "pages": [_numbered(t, 1, n)]}
        if item.catalog and item.code:
            y, m, d = doc.date
            catalog_rows.append(
                [
                    item.code,
                    doc.title,
                    doc.creator,
                    f"{y:04d}{m:02d}{d:02d}",
                    doc.retention,
                    item.openness,
                ]
            )
        if progress:
            progress(sum(len(f["pages"]) for f in files.values()))
    return {"files": files, "catalog": catalog_rows}


def _numbered(truth: dict, page: int, in_document: int | None = None) -> dict:
    out = {"page": page, "page_in_document": in_document or page, **truth}
    out["text"] = "\n".join(truth["lines"])
    return out


def _write_files(item: Item, images: list[Image.Image], out: Path) -> None:
    if item.fmt == "jpeg":
        for name, image in zip(item.names, images, strict=True):
            q = 62 if item.heavy else 78
            image.save(out / name, "JPEG", quality=q, dpi=(item.dpi, item.dpi), optimize=True)
    elif item.fmt == "png":
        for name, image in zip(item.names, images, strict=True):
            # Archives often scan to greyscale PNG; it also keeps the repository small.
            image.convert("L").save(out / name, "PNG", dpi=(item.dpi, item.dpi), optimize=True)
    elif item.fmt == "tiff":
        # A sheet-feeder in black-and-white mode: bilevel, CCITT Group 4.
        bw = [im.convert("L").point(lambda v: 255 if v > 150 else 0).convert("1") for im in images]
        bw[0].save(
            out / item.names[0],
            "TIFF",
            save_all=True,
            append_images=bw[1:],
            compression="group4",
            dpi=(item.dpi, item.dpi),
        )
    elif item.fmt == "pdf_images":
        buf = io.BytesIO()
        images[0].save(
            buf,
            "PDF",
            save_all=True,
            append_images=images[1:],
            resolution=float(item.dpi),
            quality=75,
        )
        (out / item.names[0]).write_bytes(_strip_pdf_dates(buf.getvalue()))
    else:
        raise ValueError(item.fmt)


def _strip_pdf_dates(data: bytes) -> bytes:
    # Pillow stamps the creation time into the PDF; fix it so the generator is reproducible.
    import re

    return re.sub(rb"\(D:\d{14}Z?\)", b"(D:20000101000000Z)", data)


def write_sample(out: Path, seed: int) -> dict:
    items = sample_plan(seed)
    result = write_archive(items, out, seed)
    notice = "东政发〔1993〕52号关于做好工资套改工作的通知.pdf"
    pages = write_notice(out / notice)
    result["files"][notice] = {
        "document": Path(notice).stem,
        "archive_code": None,
        "doc_type": "other",
        "title": "关于做好机关和事业单位工作人员工资套改工作的通知",
        "dpi": None,
        "degradation": "born_digital",
        "format": "pdf_text",
        "pages": [_numbered({**t, "roster_rows": []}, n) for n, t in enumerate(pages, 1)],
    }
    result["people"] = {**DOSSIER_PEOPLE, **RETIREMENT_PEOPLE}
    _finish(out, result, seed)
    return result


def write_bulk(out: Path, seed: int, pages: int, text_only: bool, progress=None) -> dict:
    result = write_archive(bulk_plan(seed, pages), out, seed, text_only, progress)
    _finish(out, result, seed)
    return result


def _finish(out: Path, result: dict, seed: int) -> None:
    with open(out / "catalog.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["档号", "题名", "责任者", "日期", "保管期限", "开放标识"])
        w.writerows(result["catalog"])
    truth = {"version": TRUTH_VERSION, "seed": seed, "files": dict(sorted(result["files"].items()))}
    if result.get("people"):
        truth["people"] = result["people"]
    (out / "truth.json").write_text(
        json.dumps(truth, ensure_ascii=False, indent=1, sort_keys=False) + "\n", encoding="utf-8"
    )
