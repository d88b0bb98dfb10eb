"""The counter when the indexer's world is not perfect: a data disk too full to log a view,
batches that were interrupted, a disk filling up."""

from __future__ import annotations

import shutil
import sqlite3

from sqlalchemy import text
from webhelpers import login, make_app, register_visit

from dangan import config as config_mod


def test_a_view_or_search_that_cannot_be_logged_is_refused_in_chinese(
        sample_config, tmp_path):
    app = make_app(sample_config, tmp_path)
    c = login(app.test_client())
    register_visit(c)
    html = c.get("/?person=王秀英").get_data(as_text=True)
    page_id = int(html.split('href="/page/')[1].split('"')[0].split("?")[0])
    with app.extensions["dangan_db"].engine.begin() as db:  # the next write fails: disk full
        db.execute(text("CREATE TRIGGER full BEFORE INSERT ON access_log BEGIN "
                        "SELECT RAISE(FAIL, 'database or disk is full'); END"))
    r = c.get(f"/page/{page_id}")
    assert r.status_code == 503 and "访问记录无法写入" in r.get_data(as_text=True)
    r = c.get("/?person=王秀英")  # nor is a search: a register of searches has no holes
    assert r.status_code == 503 and "访问记录无法写入" in r.get_data(as_text=True)


def test_the_admin_page_lists_interrupted_batches(sample_config, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(config_mod.load(sample_config).data_dir, data)
    with sqlite3.connect(data / "pages.sqlite3") as db:  # a batch killed by the OOM killer
        db.execute("INSERT INTO batches(started) VALUES (0)")
    app = make_app(sample_config, tmp_path, data_dir=data)
    a = login(app.test_client(), "boss", "boss-password")
    html = a.get("/admin/status").get_data(as_text=True)
    assert "中断的批次" in html and "未正常结束" in html


def test_a_full_data_disk_refuses_searches_views_and_visits_with_one_clear_503(tmp_path):
    """A real full disk (a small tmpfs) under the register: every search answered was logged,
    the rest were refused like page views; registering a visit says 磁盘空间不足, not 500."""
    from conftest import run_dangan
    from smalldisk import fill, small_disk
    from test_indexer_integrity import _pdfs

    cfg = _pdfs(tmp_path)
    run_dangan(cfg, "index")
    with small_disk(tmp_path / "disk", "8m") as disk:
        app = make_app(cfg, disk)
        c = login(app.test_client())
        assert register_visit(c).status_code == 302
        html = c.get("/?person=单国栋").get_data(as_text=True)
        page_id = int(html.split('href="/page/')[1].split('"')[0].split("?")[0])
        filler = fill(disk)
        answered = refused = 0
        for n in range(30):
            r = c.get(f"/?person=单国栋&p={1 + n % 2}")
            assert r.status_code in (200, 503), r.status_code
            if r.status_code == 503:
                assert "磁盘空间不足" in r.get_data(as_text=True)
            answered += r.status_code == 200
            refused += r.status_code == 503
        with sqlite3.connect(disk / "web.sqlite3") as db:
            logged = db.execute("SELECT COUNT(*) FROM access_log WHERE action='search'"
                                ).fetchone()[0]
        assert refused > 0 and logged == 1 + answered  # no search answered unlogged
        r = c.get(f"/page/{page_id}")
        assert r.status_code == 503 and "磁盘空间不足" in r.get_data(as_text=True)
        r = register_visit(c, name="王五")
        assert r.status_code == 503 and "磁盘空间不足" in r.get_data(as_text=True)
        filler.unlink()  # space again: searching and registering work, and are logged
        assert c.get("/?person=单国栋").status_code == 200
        assert register_visit(c, name="王五").status_code == 302
        with sqlite3.connect(disk / "web.sqlite3") as db:
            assert db.execute("SELECT COUNT(*) FROM access_log WHERE action='search'"
                              ).fetchone()[0] == 2 + answered
