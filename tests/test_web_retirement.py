"""退休时间线 at the counter and for partners: a confirmed person's dossier shows the
reckoning with each figure's sources; the printed 查档结果摘要 carries it as a labelled
reference section; GET /api/v1/persons carries the same figures."""

from __future__ import annotations

import io
import re
import urllib.parse

import pytest
from archivekit import index, make_archive
from pypdf import PdfReader
from test_pension_reckon import FILES
from webhelpers import login, make_app, register_visit, token

from dangan.register import tokens

NAME = urllib.parse.quote("周红梅")


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    root = tmp_path_factory.mktemp("webretire")
    cfg = make_archive(root, FILES)
    index(cfg)
    return make_app(cfg, root, pension_account_start="1996-01")


@pytest.fixture
def client(app):
    c = login(app.test_client())
    register_visit(c, name="周红梅")
    return c


def _person(html: str) -> str:
    return html.split('id="person-1"')[1]


def test_the_reckoning_waits_for_confirmation_then_shows_each_figure_with_sources(client):
    html = client.get(f"/dossier/?name={NAME}").get_data(as_text=True)
    assert 'id="retirement-1"' not in html and "确认为同一人后，列出退休时间线测算" in html
    keys = re.findall(r'type="hidden" name="key" value="([\d:]+)"', _person(html))
    client.post("/dossier/decide", data={"name": "周红梅", "action": "confirm", "key": keys,
                                         "csrf_token": token(client, f"/dossier/?name={NAME}")})
    html = client.get(f"/dossier/?name={NAME}").get_data(as_text=True)
    section = html.split('id="retirement-1"')[1].split("</div>")[0]
    assert "测算参考；以社保经办机构核定为准" in section
    assert "原规定 2025年2月；新规定 2025年3月" in section
    assert "1年10个月（测算上限）" in section and "喷漆工（其他有害身体健康）" in section
    # each fact a figure rests on links to its page: the 招工表 and the three wage forms
    # (喷漆工 and 装配工 both say 工人)
    assert len(set(re.findall(r'href="/page/(\d+)', section))) == 4
    assert "出生时间只记至月" in section


def test_the_printed_summary_carries_the_reckoning_as_a_labelled_reference(client):
    html = client.get(f"/dossier/?name={NAME}").get_data(as_text=True)
    keys = re.findall(r'type="hidden" name="key" value="([\d:]+)"', _person(html))
    if "已确认" not in _person(html):
        client.post("/dossier/decide", data={"name": "周红梅", "action": "confirm", "key": keys,
                                             "csrf_token": token(client,
                                                                 f"/dossier/?name={NAME}")})
    r = client.post("/dossier/summary", data={"name": "周红梅", "key": keys,
                                              "csrf_token": token(client, f"/dossier/?name={NAME}")})
    assert r.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(r.data)).pages)
    flat = text.replace("\n", "")
    assert "五、退休时间线（测算参考；以社保经办机构核定为准）" in flat
    assert "不作为退休审批依据" in flat and "新规定 2025年3月" in flat
    assert "视同缴费年限：1年10个月（测算上限）" in flat


def test_partners_get_the_same_figures_with_their_sources(app):
    auth = {"Authorization": "Bearer " + tokens.create(app.extensions["dangan_db"], "DL01")}
    data = app.test_client().get(f"/api/v1/persons?name={NAME}", headers=auth).get_json()
    retirement = data["persons"][0]["retirement"]
    assert retirement["notice"] == "测算参考；以社保经办机构核定为准"
    lines = {ln["key"]: ln for ln in retirement["lines"]}
    assert lines["month"]["value"] == "原规定 2025年2月；新规定 2025年3月"
    assert lines["deemed"]["value"] == "1年10个月（测算上限）"
    birth = next(b for b in lines["age"]["basis"] if b["label"].startswith("出生"))
    assert birth["text"] == "1975.2" and birth["date"].startswith("1994-03") and birth["page"] == 1
    assert "path" not in birth and "record_key" not in birth
    assert any("只记至月" in u for u in retirement["uncertainties"])
