"""曾广才 and 张付明 of the shipped sample, read by the real recogniser: 曾广才's 1985 wage form
and his rows on the 1985 and 1993 rosters (month-only dates, 增资额 58.11), 张付明's row on
the 1993 roster of the cement works, give every fact the sample's truth records for them
(scans/truth.json, written by samplegen), and the timeline one wage event per record, each
with its 增资额 and source."""

from __future__ import annotations

import re

import pytest

from dangan import config as config_mod
from dangan.dossier import open_dossier
from dangan.dossier.export import public_persons
from dangan.indexer.store import PageStore
from dangan.search.backend import SearchIndex

NAMES = ["曾广才", "张付明"]


@pytest.fixture(scope="module")
def opened(sample_config):
    cfg = config_mod.load(sample_config)
    store, index = PageStore(cfg.store_path), SearchIndex(cfg.index_dir)
    yield lambda name: (d := open_dossier(index, store, name), d.references(store))
    index.close()
    store.close()


def _truth(truth, name: str) -> list[tuple[str, str, str]]:
    """(file, kind, value) of every fact the truth records for `name`, page by page."""
    return [(path, f["kind"], f["value"]) for path, item in sorted(truth["files"].items())
            for page in item["pages"] for f in page.get("facts", ()) if f["subject"] == name]


def _agrees(printed: str, true: str) -> bool:
    return printed == true or true.startswith(printed + "-")  # a month agrees with its day


def _his(d, paths: set[str]):
    """The candidate person whose records are the pages the truth names."""
    (person,) = [p for p in d.persons if paths & {r.path for r in p.group.records}]
    return person


def test_the_truth_holds_a_form_and_two_rosters_with_month_only_dates(truth):
    facts = _truth(truth, "曾广才")
    assert {p for p, _, _ in facts} == {"X012-WS·1985-Y-0012-0001.jpg",
                                         "X012-WS·1985-Y-0014-0001.jpg",
                                         "X012-WS·1993-Y-0033-0001.jpg"}
    assert ("X012-WS·1993-Y-0033-0001.jpg", "wage_raise", "58.11") in facts
    assert ("X012-WS·1993-Y-0033-0001.jpg", "birth", "1933-12") in facts
    assert ("东岭县水泥厂1993年工资套改花名册.tif", "wage_raise", "24.02") in \
        _truth(truth, "张付明")


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_every_fact_the_truth_records_is_stated(opened, truth, name):
    d, refs = opened(name)
    facts = _truth(truth, name)
    person = _his(d, {p for p, _, _ in facts})
    (public,) = [p for p, c in zip(public_persons(d, refs), d.persons, strict=True)
                 if c is person]
    stated = {}
    for f in public["facts"]:
        stated.setdefault(f["kind"], []).extend(v["value"] for v in f["values"])
    for path, kind, value in facts:
        assert any(_agrees(v, value) for v in stated.get(kind, ())), (path, kind, value,
                                                                      stated.get(kind))


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_each_records_wage_change_is_one_timeline_event(opened, truth, name):
    d, _ = opened(name)
    facts = _truth(truth, name)
    person = _his(d, {p for p, _, _ in facts})
    wages = [e for e in person.timeline if e.what == "工资调整"]
    expected = sorted((next(y for y in ("1985", "1993") if y in path), value)
                      for path, kind, value in facts if kind == "wage_after")
    assert sorted((e.date[:4], re.search(r"→ (?:[^\s0-9]+ )?([0-9.]+)元", e.detail)[1])
                  for e in wages) == expected
    raises = {value for _, kind, value in facts if kind == "wage_raise"}
    for e in wages:
        assert "增资额" in e.detail and any(f"{r}元" in e.detail for r in raises), e.detail
    assert not any(f.conflict for f in person.facts if f.kind.startswith("wage"))
