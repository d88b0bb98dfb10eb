"""Untrusted OCR text: markup inside a scan is shown as text, and ID numbers in it are masked
in every listing."""

from __future__ import annotations

import re
from dataclasses import replace

from dangan import config as config_mod
from dangan.indexer.fields import extract
from dangan.indexer.indexing import index_document
from dangan.indexer.ocr.base import Line
from dangan.indexer.store import PageStore, StoredPage
from dangan.search.backend import SearchIndex
from dangan.web.app import create_app

ID = "620421194104084825"


def test_markup_in_ocr_text_is_escaped_and_ids_masked(tmp_path):
    cfg_path = tmp_path / "config.toml"
    cfg_path.write_text(f'[paths]\nscan_root = "{tmp_path}"\nindex_dir = "{tmp_path / "index"}"\n'
                        f'data_dir = "{tmp_path / "data"}"\n', encoding="utf-8")
    cfg = replace(config_mod.load(cfg_path), database_url=f"sqlite:///{tmp_path / 'w.sqlite3'}")
    lines = [Line("职工退休审批表", (100, 50, 900, 120)),
             Line("姓名", (100, 200, 200, 260)), Line("王秀英", (300, 200, 460, 260)),
             Line(f"身份证号码 {ID}", (100, 300, 900, 360)),
             Line("备注 <script>alert('x')</script>", (100, 400, 900, 460))]
    page = StoredPage("evil.jpg", 1, "evil", 1, "ocr", 1000, 1400, lines, extract(lines))
    store = PageStore(cfg.store_path)
    store.replace_file("evil.jpg", "0" * 64, 1, 1.0, "evil", [page], None)
    store.commit()
    index = SearchIndex(cfg.index_dir)
    index.create()
    with index.writer() as w:
        w.replace_pages("evil.jpg", [index_document(page, "retirement", None, False)])
    index.close()

    app = create_app(cfg, testing=True)
    app.extensions["dangan_db"].add_user("clerk", "clerk-password")
    c = app.test_client()
    html = c.get("/login").get_data(as_text=True)
    t = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    c.post("/login", data={"username": "clerk", "password": "clerk-password", "csrf_token": t})
    # login starts a fresh session (no fixation), so the form token is fetched again
    html = c.get("/visits/new").get_data(as_text=True)
    t = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    c.post("/visits/new", data={"requester_name": "李四", "id_number": "11010519491231002X",
                                "relationship": "本人", "purpose": "其他", "csrf_token": t})
    results = c.get("/?q=备注").get_data(as_text=True)
    assert "<script>alert" not in results and "&lt;script&gt;" in results
    results = c.get("/?person=王秀英").get_data(as_text=True)
    assert ID not in results and "620421********4825" in results
    page_id = re.search(r'href="/page/(\d+)\?', results).group(1)
    viewer = c.get(f"/page/{page_id}").get_data(as_text=True)
    assert "<script>alert" not in viewer and "&lt;script&gt;" in viewer
