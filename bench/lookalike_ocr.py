"""Names the recogniser misreads, and which way search still finds them (issue #12, §5).

    .venv/bin/python bench/lookalike_ocr.py [--names 120] [--seed 7] [--scale 0.32]

Draws rosters of generated names (samplegen's people), shrinks and blurs them like a poor
scan of a faded carbon copy so that the real recogniser misreads some names, OCRs them with
RapidOCR, indexes the pages with dangan, and searches every name. For each name whose page is
found it prints how: read right (精确), through the hand table of look-alikes (形近), through
the recogniser's own runner-up characters (识别近似), by sound (同音) or only as text; and how
many misread names were not found at all.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from collections import Counter
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dangan.indexer.fields import extract  # noqa: E402
from dangan.indexer.indexing import index_document  # noqa: E402
from dangan.indexer.ocr.rapid import RapidEngine  # noqa: E402
from dangan.indexer.store import PageStore, StoredPage  # noqa: E402
from dangan.search.backend import SearchIndex  # noqa: E402
from dangan.search.query import SearchRequest  # noqa: E402
from dangan.search.searching import search  # noqa: E402
from samplegen.fonts import font_file  # noqa: E402
from samplegen.people import make_name  # noqa: E402

PER_PAGE = 30


def roster(names: list[str], scale: float, rng: random.Random) -> Image.Image:
    path, index = font_file("song")
    font = ImageFont.truetype(path, 44, index=index)
    page = Image.new("RGB", (1600, 200 + 70 * (len(names) + 1)), (250, 248, 240))
    draw = ImageDraw.Draw(page)
    for col, head in ((120, "序号"), (330, "姓名"), (700, "性别"), (950, "出生年月")):
        draw.text((col, 120), head, font=font, fill=(20, 20, 20))
    for i, name in enumerate(names, 1):
        y = 120 + 70 * i
        for col, text in ((120, str(i)), (330, name), (700, rng.choice("男女")),
                          (950, f"19{rng.randint(30, 60)}.{rng.randint(1, 12)}")):
            draw.text((col, y), text, font=font, fill=(20, 20, 20))
    small = page.resize((int(page.width * scale), int(page.height * scale)), Image.BILINEAR)
    small = small.filter(ImageFilter.GaussianBlur(0.6))
    return small.resize(page.size, Image.BILINEAR)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--names", type=int, default=120)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--scale", type=float, default=0.32, help="how far the scan is shrunk")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    taken: set[str] = set()
    names = [make_name(rng, rng.choice("男女"), taken) for _ in range(args.names)]
    engine = RapidEngine()
    how: Counter = Counter()
    misread: Counter = Counter()
    with tempfile.TemporaryDirectory() as tmp:
        store = PageStore(Path(tmp) / "pages.sqlite3")
        index = SearchIndex(Path(tmp) / "index")
        index.create()
        read_as: dict[str, str] = {}
        with index.writer() as w:
            for start in range(0, len(names), PER_PAGE):
                chunk = names[start:start + PER_PAGE]
                lines = engine.read(roster(chunk, args.scale, rng))
                texts = [ln.text for ln in lines]
                for n in chunk:
                    read_as[n] = "right" if any(n in t for t in texts) else "misread"
                key = f"roster-{start // PER_PAGE + 1}.png"
                page = StoredPage(key, 1, key, 1, "ocr", None, None, lines, extract(lines))
                store.replace_file(key, key, 0, 0, key, [page], None)
                w.replace_pages(key, [index_document(page, page.fields.doc_type, None,
                                                     False)])
                for n in chunk:
                    read_as[n + "@"] = key
        store.commit()
        for n in names:
            res = search(index, SearchRequest(person=n, limit=10), store.page_view,
                         store.aliases_of)
            hit = next((h for h in res.hits if h.path == read_as[n + "@"]), None)
            label = (hit.why[0].split("：")[0] if hit and hit.why else
                     "only as text" if hit else "not found")
            how[label] += 1
            if read_as[n] == "misread":
                misread[label] += 1
    print(f"{len(names)} names on {-(-len(names) // PER_PAGE)} rosters shrunk to "
          f"{args.scale:.2f}; misread by OCR: {sum(misread.values())}")
    print(f"{'found as':<16}{'all':>6}{'misread':>9}")
    for label, n in how.most_common():
        print(f"{label:<16}{n:>6}{misread[label]:>9}")


if __name__ == "__main__":
    main()
