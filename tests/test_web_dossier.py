"""人员档案线索 at the counter: from a search hit or a visit to the dossier; two candidate
persons; staff confirm one (saved, logged); facts link to the page with the cell outlined;
the 查档结果摘要 is issued like a certified copy (register, restriction, verification)."""

from __future__ import annotations

import io
import re
import urllib.parse

import pytest
from archivekit import index, make_archive
from pypdf import PdfReader
from sqlalchemy import select
from test_dossier import CATALOG, FILES
from webhelpers import login, make_app, register_visit, token

from dangan.register.accounts import Access, IssuedPaper
from dangan.register.dossiers import DossierDecision

NAME = urllib.parse.quote("刘桂芬")


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    root = tmp_path_factory.mktemp("webdossier")
    cfg = make_archive(root, FILES, CATALOG)
    index(cfg)
    return make_app(cfg, root)


@pytest.fixture
def client(app):
    c = login(app.test_client())
    register_visit(c, name="刘桂芬")
    return c


def _confirm_first(client):
    html = client.get(f"/dossier/?name={NAME}").get_data(as_text=True)
    first = html.split('id="person-1"')[1].split('id="person-2"')[0]
    keys = re.findall(r'type="hidden" name="key" value="([\d:]+)"', first)
    r = client.post("/dossier/decide", data={"name": "刘桂芬", "action": "confirm", "key": keys,
                                             "csrf_token": token(client, f"/dossier/?name={NAME}")})
    assert r.status_code == 302
    return keys


def test_the_dossier_needs_a_visit_and_is_reached_from_a_search_hit(app, client):
    plain = login(app.test_client())
    assert plain.get(f"/dossier/?name={NAME}").status_code == 302  # to 查档登记 first
    html = client.get(f"/?person={NAME}").get_data(as_text=True)
    assert 'id="dossier-link"' in html and "人员档案线索" in html
    listing = client.get("/visits/").get_data(as_text=True)
    visit_id = re.search(r'href="/visits/(\d+)"', listing).group(1)
    visit = client.get(f"/visits/{visit_id}").get_data(as_text=True)
    # the requester's own records: the dossier of the requester's name, from the visit
    assert f'href="/dossier/?name={NAME}"' in visit and "查档人本人" in visit


def test_two_candidate_persons_the_birth_rule_and_the_variant_apart(client):
    html = client.get(f"/dossier/?name={NAME}").get_data(as_text=True)
    assert '<b id="person-count">2</b>' in html
    first = html.split('id="person-1"')[1].split('id="person-2"')[0]
    assert "1941.4" in first and "一九四二年四月" in first and "记载不一致" in first
    assert "劳社部发〔1999〕8号" in first and "1958年3月5日" in first  # dates shown in one form
    assert "刘桂芳" in html.split('id="variants"')[1]
    # the rule's source links to its page (a text-layer PDF has no boxes to outline; the
    # browser test sees the cell outlined on a scan)
    link = re.search(r'id="birth-rule-1".*?href="([^"]+)"', html, re.S).group(1)
    assert link.startswith("/page/")
    assert client.get(link).status_code == 200


def test_confirming_is_saved_and_logged_and_the_summary_prints_like_a_copy(app, client):
    keys = _confirm_first(client)
    html = client.get(f"/dossier/?name={NAME}").get_data(as_text=True)
    assert "已确认" in html.split('id="person-1"')[1].split('id="person-2"')[0]
    r = client.post("/dossier/summary", data={"name": "刘桂芬", "key": keys,
                                              "csrf_token": token(client, f"/dossier/?name={NAME}")})
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    pdf = PdfReader(io.BytesIO(r.data))
    text = pdf.pages[0].extract_text()
    assert "查档结果摘要" in text and "1941.4" in text and "劳社部发" in text
    copies = [p for p in pdf.pages if "本复制件与馆藏档案一致" in p.extract_text()]
    assert len(copies) == len({k.split(":")[0] for k in keys})  # each cited page, certified
    assert pdf.pages[-1] == copies[-1] or "本复制件" in pdf.pages[-1].extract_text()
    db = app.extensions["dangan_db"]
    with db.session() as s:
        assert s.scalar(select(DossierDecision).where(DossierDecision.action == "confirm"))
        actions = [a.action for a in s.scalars(select(Access))]
        paper = s.scalars(select(IssuedPaper).where(IssuedPaper.kind == "查档结果摘要")).first()
    assert {"dossier", "dossier_decision", "copy", "issue"} <= set(actions)
    assert paper is not None and paper.pages == len({k.split(":")[0] for k in keys})


def test_an_unconfirmed_person_gets_no_summary_and_bad_input_a_clear_answer(client):
    html = client.get(f"/dossier/?name={NAME}").get_data(as_text=True)
    second = html.split('id="person-2"')[1]
    keys = re.findall(r'name="key" value="([\d:]+)"', second)[:1]
    t = token(client, f"/dossier/?name={NAME}")
    r = client.post("/dossier/summary", data={"name": "刘桂芬", "key": keys, "csrf_token": t})
    assert r.status_code == 409 and "确认" in r.get_data(as_text=True)
    assert client.get("/dossier/?name=").status_code == 400
    assert client.get("/dossier/?name=" + "王" * 50).status_code == 400
    r = client.post("/dossier/decide", data={"name": "刘桂芬", "action": "drop", "csrf_token": t})
    assert r.status_code == 400
