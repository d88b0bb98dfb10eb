"""Make int8 versions of rapidocr's bundled f32 OCR networks, to measure (issue 32).

    # 1. calibration inputs: generated pages (samplegen, its own seed; never the real-dev
    #    pages), read by the engine as it reads any page, each network input kept
    .venv/bin/python scripts/quantize_ocr.py calibrate --out /tmp/calib.npz [--pages 40]
    # 2. quantise (a Python with nncf and openvino: a tool, not a dependency of dangan)
    python scripts/quantize_ocr.py quantize --calib /tmp/calib.npz --model det \
        --models .venv/lib/python3.11/site-packages/rapidocr/models --out /tmp/int8

NNCF's post-training quantisation (8-bit weights and activations, scales from the
calibration inputs) writes OpenVINO IR. None is shipped yet: measured under the portable
switch the int8 detector ran 28% faster than OpenVINO f32 with 0.4% of its map's pixels
flipped, a small share of a page's time, and it was not checked on real pages. A model that
is taken must go into the package (indexer/ocr/models, package-data), never be fetched.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SOURCE = {"det": "PP-OCRv6_det_small.onnx", "rec": "PP-OCRv6_rec_small.onnx"}


def calibrate(out: Path, pages: int, seed: int, corpus: Path | None = None) -> None:
    sys.path.insert(0, str(ROOT))

    from dangan.indexer.ocr.rapid import RapidEngine
    from dangan.indexer.ocr.seals import read_page
    from dangan.indexer.sources import PageRef, render_page
    from samplegen.archive import write_bulk

    engine = RapidEngine()
    captured: dict[str, list[np.ndarray]] = {"det": [], "rec": []}
    for kind, model in (("det", engine._ocr._load_det_model()),
                        ("rec", engine._ocr._load_rec_model())):
        session = model.session

        def keep(batch, _session=session, _kind=kind):
            captured[_kind].append(np.ascontiguousarray(batch))
            return _session(batch)

        model.session = keep
    with tempfile.TemporaryDirectory() as tmp:
        folder = corpus or Path(tmp)
        if not corpus:
            write_bulk(folder, seed, pages, False)
        # a corpus written by `python -m samplegen --pages N --seed S` (images and PDFs)
        files = sorted(p for p in folder.iterdir()
                       if p.suffix.lower() in (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".pdf"))
        random.Random(seed).shuffle(files)
        done = 0
        for path in files:
            kind = "pdf_scan" if path.suffix.lower() == ".pdf" else "image"
            try:
                image = render_page(PageRef(path, 0, kind), 200_000_000)
            except Exception as e:  # a born-digital PDF has no scan to read
                print(f"{path.name}: {e}", file=sys.stderr)
                continue
            read_page(engine, image)
            done += 1
            print(f"{done} pages, {len(captured['det'])} detector and "
                  f"{len(captured['rec'])} recogniser inputs", file=sys.stderr, flush=True)
            if done >= pages:
                break
    np.savez(out, **{f"{k}_{i}": a for k, arrays in captured.items()
                     for i, a in enumerate(arrays)})


def quantize(calib: Path, model: str, models: Path, out: Path) -> None:
    import nncf
    import openvino as ov

    data = np.load(calib)
    inputs = [data[k] for k in sorted(data.files, key=lambda k: int(k.split("_")[1]))
              if k.startswith(model + "_")]
    source = models / SOURCE[model]
    network = ov.Core().read_model(str(source))
    quantized = nncf.quantize(network, nncf.Dataset(inputs), subset_size=len(inputs),
                              preset=nncf.QuantizationPreset.MIXED)
    out.mkdir(parents=True, exist_ok=True)
    target = out / SOURCE[model].replace(".onnx", "_int8.xml")
    ov.save_model(quantized, str(target), compress_to_fp16=False)
    print(f"wrote {target} from {len(inputs)} calibration inputs")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    c = sub.add_parser("calibrate")
    c.add_argument("--out", type=Path, required=True)
    c.add_argument("--pages", type=int, default=40)
    c.add_argument("--seed", type=int, default=20260101)
    c.add_argument("--corpus", type=Path, help="an existing samplegen corpus to read instead")
    q = sub.add_parser("quantize")
    q.add_argument("--calib", type=Path, required=True)
    q.add_argument("--model", choices=SOURCE, default="det")
    q.add_argument("--models", type=Path, required=True,
                   help="rapidocr's models folder (the project's .venv/lib/python3*/"
                        "site-packages/rapidocr/models)")
    q.add_argument("--out", type=Path, required=True, help="folder for the int8 IR")
    args = ap.parse_args()
    if args.command == "calibrate":
        calibrate(args.out, args.pages, args.seed, args.corpus)
    else:
        quantize(args.calib, args.model, args.models, args.out)


if __name__ == "__main__":
    main()
