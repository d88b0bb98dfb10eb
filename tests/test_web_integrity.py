"""The counter when the indexer's world is not perfect: a data disk too full to log a view,
batches that were interrupted, a disk filling up."""

from __future__ import annotations

import shutil
import sqlite3

from sqlalchemy import text
from webhelpers import login, make_app, register_visit

from dangan import config as config_mod


def test_a_view_that_cannot_be_logged_is_refused_in_chinese_and_search_still_answers(
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
    r = c.get("/?person=王秀英")
    assert r.status_code == 200 and f"/page/{page_id}" in r.get_data(as_text=True)


def test_the_admin_page_lists_interrupted_batches(sample_config, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(config_mod.load(sample_config).data_dir, data)
    with sqlite3.connect(data / "pages.sqlite3") as db:  # a batch killed by the OOM killer
        db.execute("INSERT INTO batches(started) VALUES (0)")
    app = make_app(sample_config, tmp_path, data_dir=data)
    a = login(app.test_client(), "boss", "boss-password")
    html = a.get("/admin/status").get_data(as_text=True)
    assert "中断的批次" in html and "未正常结束" in html
