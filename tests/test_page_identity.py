"""Stable page identity: an id given to a request, a visit or a copy names one page of one
content for ever; a page that changed or went away is refused with a clear message, never
replaced by whatever page took its place."""

from __future__ import annotations

import pytest
from archivekit import index, make_archive, text_pdf
from webhelpers import login, make_app, register_visit, token

from dangan import config as config_mod
from dangan.indexer.store import PageStore

PEOPLE = {
    "B.pdf": ["退休审批表", "姓名 王秀英 性别 女 出生年月 1940年1月 工作单位 东岭县食品公司"],
    "A.pdf": ["退休审批表", "姓名 欧阳春梅 性别 女 出生年月 1941年6月 工作单位 东岭县棉纺织厂"],
}


@pytest.fixture()
def kit(tmp_path):
    cfg_path = make_archive(tmp_path, PEOPLE, catalog="")
    index(cfg_path)
    return cfg_path, config_mod.load(cfg_path)


def _id(cfg, path: str) -> int | None:
    store = PageStore(cfg.store_path)
    try:
        return store.page_id(path, 1)
    finally:
        store.close()


def test_an_id_is_never_reused_for_another_page(kit):
    cfg_path, cfg = kit
    b = _id(cfg, "B.pdf")
    (cfg.scan_root / "B.pdf").write_bytes(b"%PDF-1.4 broken")  # B fails on the next batch
    text_pdf(cfg.scan_root / "C.pdf", ["退休审批表", "姓名 单建国 性别 男 出生年月 1935年2月 "
                                       "工作单位 东岭县水泥厂"])
    index(cfg_path)
    store = PageStore(cfg.store_path)
    assert store.page_by_id(b) is None
    assert "无法读取" in store.page_problem(b)
    c = store.page_id("C.pdf", 1)
    assert c is not None and c != b and store.page_by_id(c).path == "C.pdf"
    store.close()


def test_a_re_scanned_page_gets_a_new_id_and_the_old_one_explains(kit):
    cfg_path, cfg = kit
    old = _id(cfg, "A.pdf")
    text_pdf(cfg.scan_root / "A.pdf", [*PEOPLE["A.pdf"], "补：1993年套改增资 12 元"])
    index(cfg_path)
    new = _id(cfg, "A.pdf")
    assert new != old
    store = PageStore(cfg.store_path)
    assert store.page_by_id(old) is None and "已变更" in store.page_problem(old)
    store.close()


def test_a_copy_refuses_a_page_whose_content_changed_since_it_was_chosen(kit, tmp_path):
    cfg_path, cfg = kit
    app = make_app(cfg_path, tmp_path)
    chosen = _id(cfg, "A.pdf")
    c = login(app.test_client())
    register_visit(c)
    ok = c.post("/copy", data={"page_id": str(chosen), "csrf_token": token(c, "/visits/new")})
    assert ok.status_code == 200 and ok.mimetype == "application/pdf"
    # The scan is replaced on disk (not yet re-indexed): the copy must not print it.
    text_pdf(cfg.scan_root / "A.pdf", ["退休审批表", "姓名 瞿志强 性别 男 出生年月 1950年"])
    r = c.post("/copy", data={"page_id": str(chosen), "csrf_token": token(c, "/visits/new")})
    assert r.status_code == 409 and "选定后已被改动" in r.get_data(as_text=True)
    index(cfg_path)  # and once re-indexed, the old id still refuses
    r = c.post("/copy", data={"page_id": str(chosen), "csrf_token": token(c, "/visits/new")})
    assert r.status_code == 409 and "请重新检索" in r.get_data(as_text=True)
