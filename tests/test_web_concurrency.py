"""Several windows at once: registrations in the same instant get distinct numbers, never a
500 (the register's number is unique, and the second window must count again)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select
from webhelpers import login, make_app, register_visit

from dangan.records.accounts import Visit


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
