"""Every fact the dossier states about a person, checked against the generator's truth, and
the timeline's wage events one by one: three people, each on a 登记表 and on the 1985 and 1993
rosters of an office (samplegen/staffdocs.py), indexed into a real page store and Whoosh
index as a perfect OCR reads the pages, the rosters turned a degree and a half."""

from __future__ import annotations

import math
import random

import pytest

from dangan.dossier import open_dossier
from dangan.dossier.export import public_persons
from dangan.indexer.fields import extract
from dangan.indexer.indexing import index_document
from dangan.indexer.ocr.base import Line
from dangan.indexer.store import PageStore, StoredPage
from dangan.search.backend import SearchIndex
from dangan.text.idnumbers import mask
from samplegen import people as P
from samplegen.archive import layout_lines
from samplegen.documents import Styles
from samplegen.staffdocs import enlist_notice, office_roster, register_form


def _turned(items, degrees: float) -> list[Line]:
    a = math.radians(degrees)
    out = []
    for text, (x1, y1, x2, y2) in items:
        cx, cy, w, h = (x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1
        nx, ny = cx * math.cos(a) - cy * math.sin(a), cx * math.sin(a) + cy * math.cos(a)
        out.append(Line(text, (round(nx - w / 2), round(ny - h / 2), round(nx + w / 2),
                               round(ny + h / 2))))
    return out


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    rng = random.Random(1985)
    st, taken = Styles(rng), set()
    people = [P.make_person(rng, taken) for _ in range(3)]
    others = [P.make_person(rng, taken) for _ in range(9)]
    docs = [register_form(rng, st, people[0]), register_form(rng, st, people[1], teacher=True),
            enlist_notice(rng, st, people[2]),
            office_roster(rng, st, [*people, *others[:5]], 1985, two_line=True),
            office_roster(rng, st, [others[5], *people, *others[6:]], 1993)]
    root = tmp_path_factory.mktemp("dossier_facts")
    store, index = PageStore(root / "pages.sqlite3"), SearchIndex(root / "index")
    index.create()
    pages, truth, rows = [], {}, {}
    for n, doc in enumerate(docs):
        sheet = doc.sheets[0]
        for f in sheet.facts:
            truth.setdefault(f["subject"], {}).setdefault(f["kind"], set()).add(f["value"])
            if f["kind"] == "wage_after":
                rows.setdefault(f["subject"], []).append((doc.date[0], f["value"]))
        key = f"facts/{n:02d}.jpg"
        lines = _turned(layout_lines(sheet, 200), 1.5 if "花名册" in doc.title else 0)
        pages.append(StoredPage(key, 1, key, 1, "ocr", 1654, 2339, lines, extract(lines)))
    with index.writer() as w:
        for p in pages:
            w.replace_pages(p.path, [index_document(p, p.fields.doc_type, None, False)])
    for p in pages:
        store.replace_file(p.path, f"sha-{p.path}", 0, 0, p.document, [p], None)
    store.commit()
    yield store, index, people, truth, rows
    index.close()
    store.close()


def _agrees(kind: str, printed: str, true: str) -> bool:
    if kind == "id_number":
        return printed == mask(true)
    return printed == true or true.startswith(printed + "-")  # a month agrees with its day


def test_every_fact_the_persons_answer_prints_is_true_and_none_is_missing(archive):
    store, index, people, truth, _ = archive
    for k, p in enumerate(people):
        d = open_dossier(index, store, p.name)
        if k < 2:  # a form and two roster rows that agree: one person, all records together
            assert len(d.persons) == 1, p.name
        # (an 入伍通知书 says nothing a roster row also says: staff decide, and every
        # candidate's facts are printed)
        printed = {}
        for candidate in public_persons(d, d.references(store)):
            for f in candidate["facts"]:
                printed.setdefault(f["kind"], []).extend(v["value"] for v in f["values"])
        stated = truth[p.name]
        for kind, values in printed.items():
            for v in values:
                assert any(_agrees(kind, v, t) for t in stated.get(kind, ())), (p.name, kind, v)
        for kind, values in stated.items():
            assert any(_agrees(kind, v, t) for v in printed.get(kind, ()) for t in values), (
                p.name, kind)
        assert set(printed["unit"]) == {p.unit}  # the office that issued the rosters is not it


def test_each_roster_rows_wage_change_is_its_own_event_in_the_timeline(archive):
    store, index, people, _, rows = archive
    for p in people:
        person = max(open_dossier(index, store, p.name).persons,
                     key=lambda c: len(c.group.records))
        wages = [e for e in person.timeline if e.what == "工资调整"]
        assert [(int(e.date[:4]), e.detail.split("→ ")[1].split("元")[0]) for e in wages] == \
            sorted(rows[p.name])
        for e in wages:
            assert "增资额" in e.detail and "行）" in e.detail  # the raise and the source row
        assert not any(f.conflict for f in person.facts if f.kind.startswith("wage"))
