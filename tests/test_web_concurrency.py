"""Several windows at once: registrations in the same instant get distinct numbers, never a
500 (the register's number is unique, and the second window must count again)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select
from webhelpers import login, make_app, register_visit

from dangan.register.accounts import Visit


@pytest.fixture(scope="module")
def app(sample_config, tmp_path_factory):
    return make_app(sample_config, tmp_path_factory.mktemp("concurrencydb"))


def test_visits_registered_at_the_same_instant_all_get_their_own_number(app):
    clients = [login(app.test_client()) for _ in range(8)]
    start = threading.Barrier(len(clients))
    statuses: list[int] = []

    def window(client):
        start.wait()
        for _ in range(5):
            statuses.append(register_visit(client).status_code)

    threads = [threading.Thread(target=window, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [302] * 40
    with app.extensions["dangan_db"].session() as s:
        numbers = list(s.scalars(select(Visit.number)))
    assert len(numbers) == len(set(numbers)) == 40


def test_a_hit_committed_to_the_index_but_not_yet_to_the_page_store_is_shown(
        sample_config, tmp_path):
    """A batch commits the index first, then the page store (crash safety): in between, a
    search finds a page the store does not know yet. It is listed, without a link."""
    import shutil

    from dangan import config as config_mod
    from dangan.search.backend import SearchIndex

    index_dir = tmp_path / "index"
    shutil.copytree(config_mod.load(sample_config).index_dir, index_dir)
    ix = SearchIndex(index_dir)
    with ix.writer() as w:
        w.replace_pages("new/unstored.jpg", [{
            "key": "new/unstored.jpg#1", "path": "new/unstored.jpg", "page": 1,
            "document": "new/unstored.jpg", "page_in_document": 1, "archive_code": "",
            "doc_type": "other", "title": "刚扫描的工资表", "persons_labelled": "王秀英",
            "persons": "王秀英", "persons_pinyin": "", "years": [1993], "year_keys": "1993",
            "decades": "1990s", "doc_numbers": "", "units": "", "id_numbers": "",
            "restricted": False, "words": "王秀英", "grams": "王秀英"}])
    ix.close()
    app = make_app(sample_config, tmp_path, index_dir=index_dir)
    c = login(app.test_client())
    r = c.get("/?person=王秀英")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "刚扫描的工资表" in html and "入库中" in html
