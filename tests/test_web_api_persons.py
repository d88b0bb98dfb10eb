"""GET /api/v1/persons: a partner asks what this archive holds on a person — the candidate
persons' facts with their sources, from open records only, ID numbers masked, logged."""

from __future__ import annotations

import pytest
from archivekit import index, make_archive
from sqlalchemy import select
from test_dossier import CATALOG, FILES
from webhelpers import make_app

from dangan.register import tokens

FILES_WITH_ID = {**FILES, "liu/退休审批.pdf": [*FILES["liu/退休审批.pdf"],
                                           "身份证号码 620421194204124820"]}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    root = tmp_path_factory.mktemp("apipersons")
    cfg = make_archive(root, FILES_WITH_ID, CATALOG)
    index(cfg)
    return make_app(cfg, root)


@pytest.fixture(scope="module")
def auth(app):
    return {"Authorization": "Bearer " + tokens.create(app.extensions["dangan_db"], "DL01")}


def test_a_partner_gets_each_candidate_persons_facts_with_sources(app, auth):
    r = app.test_client().get("/api/v1/persons?name=刘桂芬", headers=auth)
    data = r.get_json()
    assert r.status_code == 200 and data["archive"]["code"] == "T01"
    first, second = data["persons"]
    facts = {f["kind"]: f for f in first["facts"]}
    assert [v["text"] for v in facts["birth"]["values"]] == ["1941.4", "一九四二年四月"]
    assert facts["birth"]["conflict"] is True
    assert first["birth_by_rule"] == {"value": "1941-04", "text": "1941.4",
                                      "record_date": "1958-03-05", "rule": "劳社部发〔1999〕8号"}
    source = facts["birth"]["values"][0]["sources"][0]
    assert source["date"] == "1958-03-05" and source["page"] == 1
    assert "path" not in source and "page_id" not in source  # nothing of this node's layout
    assert source["text"] == "1941.4"  # each source as its page wrote it
    assert first["wage_changes"] == [{"date": "1985-10", "shown_date": "1985年10月",
                                      "detail": "原 五级 55.50元 → 六级 62.00元；执行时间 1985年10月"}]
    assert second["records"] == 1


def test_restricted_records_and_whole_id_numbers_never_reach_a_partner(app, auth):
    body = app.test_client().get("/api/v1/persons?name=刘桂芬", headers=auth).get_data(
        as_text=True)
    assert "620421194204124820" not in body and "620421********4820" in body
    assert "调动审批表" not in body and "1990-01" not in body  # the 控制 record


def test_bad_names_and_missing_tokens_are_refused_and_logged(app, auth):
    c = app.test_client()
    assert c.get("/api/v1/persons?name=刘桂芬").status_code == 401
    assert c.get("/api/v1/persons?name=", headers=auth).status_code == 400
    assert c.get("/api/v1/persons?name=" + "王" * 30, headers=auth).status_code == 400
    with app.extensions["dangan_db"].session() as s:
        actions = [a.action for a in s.scalars(select(tokens.ApiAccess))]
    assert "persons" in actions


def test_the_openapi_document_describes_persons(app):
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    assert "/persons" in spec["paths"] and "Persons" in spec["components"]["schemas"]
