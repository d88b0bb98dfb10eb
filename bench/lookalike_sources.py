"""Which way a person was found when OCR misread the name: the hand table of look-alikes or
the recogniser's own alternatives (issue #12, section 5).

    .venv/bin/python bench/lookalike_sources.py --config CONFIG [--truth scans/truth.json]

CONFIG is an indexed archive whose truth is known (the shipped sample, indexed with real OCR,
e.g. by `./run.sh` or the test suite). For every person on every page of the truth, searches
the name and looks at the hit for that page: how it matched ("精确", "形近" from the hand table,
"识别近似" from the recogniser's alternatives, "同音" …). Prints the counts.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dangan.config import load as load_config  # noqa: E402
from dangan.indexer.store import PageStore  # noqa: E402
from dangan.search.backend import SearchIndex  # noqa: E402
from dangan.search.query import SearchRequest  # noqa: E402
from dangan.search.searching import search  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", type=Path, required=True)
    ap.add_argument("--truth", type=Path, default=ROOT / "scans" / "truth.json")
    args = ap.parse_args()
    cfg = load_config(args.config)
    store = PageStore(cfg.store_path)
    index = SearchIndex(cfg.index_dir)
    truth = json.loads(args.truth.read_text(encoding="utf-8"))
    how: Counter = Counter()
    examples: dict[str, list[str]] = {}
    for name, f in truth["files"].items():
        for page in f["pages"]:
            for p in page["persons"]:
                person = p.get("simplified") or p["name"]
                res = search(index, SearchRequest(person=person, limit=50), store.page_view,
                             store.aliases_of, show_restricted=True)
                hit = next((h for h in res.hits if Path(h.path).name == name
                            and h.page == page["page"]), None)
                label = (hit.why[0].split("：")[0] if hit and hit.why else
                         "found, no person match" if hit else "not found")
                how[label] += 1
                if label not in ("精确", "正文提及"):
                    examples.setdefault(label, []).append(
                        f"{person} → {hit.why[0] if hit and hit.why else '-'} ({name})")
    total = sum(how.values())
    print(f"{total} persons on {len(truth['files'])} files")
    for label, n in how.most_common():
        print(f"  {label:<24}{n:>5}")
    for label, rows in examples.items():
        print(f"\n{label}:")
        for row in rows[:8]:
            print(f"  {row}")


if __name__ == "__main__":
    main()
