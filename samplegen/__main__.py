"""python -m samplegen — write the sample archive or a larger benchmark corpus."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import fonts
from .archive import write_bulk, write_sample

DEFAULT_SEED = 19851020


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m samplegen", description=__doc__)
    ap.add_argument("--out", type=Path, default=Path("scans"), help="output folder")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument(
        "--pages",
        type=int,
        default=0,
        help="write a bulk corpus of about this many pages instead of the sample",
    )
    ap.add_argument(
        "--text-only",
        action="store_true",
        help="bulk mode: write truth.json only, no images (for index benchmarks)",
    )
    args = ap.parse_args(argv)
    try:
        fonts.check_fonts()
    except fonts.FontMissing as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    t0 = time.monotonic()
    if args.pages:

        shown = [0]

        def progress(n):
            if n - shown[0] >= 500:
                shown[0] = n
                print(f"{n}/{args.pages} pages", file=sys.stderr, flush=True)

        result = write_bulk(args.out, args.seed, args.pages, args.text_only, progress)
    else:
        result = write_sample(args.out, args.seed)
    pages = sum(len(f["pages"]) for f in result["files"].values())
    print(
        f"wrote {len(result['files'])} files, {pages} pages to {args.out} "
        f"in {time.monotonic() - t0:.0f}s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
