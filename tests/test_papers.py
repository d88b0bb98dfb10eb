"""What the archive prints: the issuer's real name, 申请编号 on a request's copies, a stamp that
leaves the footer readable, and a warning when a deadline lies beyond the official calendar."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from archivekit import index, make_archive
from conftest import run_dangan
from pypdf import PdfReader
from webhelpers import login, make_app, register_visit, token

from dangan.register.requests import Request


@pytest.fixture(scope="module")
def kit(tmp_path_factory):
    root = tmp_path_factory.mktemp("papers")
    cfg = make_archive(root)
    with open(cfg, "a", encoding="utf-8") as f:
        f.write(f'[web]\ndatabase = "sqlite:///{root / "web.sqlite3"}"\n')
    index(cfg)
    app = make_app(cfg, root)
    app.extensions["dangan_db"].update_user("clerk", full_name="李秀梅")
    return cfg, app


def _page_id(app, document: str) -> int:
    from dangan.web.stores import page_store

    with app.test_request_context():
        return page_store().first_page_id(document)


def _post(client, url, **data):
    return client.post(url, data={**data, "csrf_token": token(client, "/requests/")})


def _reply(app) -> tuple[str, bytes]:
    c = login(app.test_client())
    t = token(c, "/requests/new")
    r = c.post("/requests/new", data={
        "requester_name": "王小兰", "requester_id_number": "11010519491231002X",
        "requester_phone": "13812345678", "applicant_type": "本人", "channel": "电话",
        "subject_name": "曾广才", "year_from": "1958", "purpose": "退休核定", "csrf_token": t})
    number = r.headers["Location"].rsplit("/", 1)[1]
    _post(c, f"/requests/{number}/work")
    _post(c, f"/requests/{number}/pages", page_id=str(_page_id(app, "X012-WS·1985-Y-0012")))
    r = _post(c, f"/requests/{number}/reply.pdf", note="查到")  # issued, and marked 已出具
    assert r.status_code == 200, r.get_data(as_text=True)
    return number, r.data


def test_a_reply_is_signed_off_by_a_person_and_its_copies_carry_the_request_number(kit):
    _, app = kit
    number, pdf = _reply(app)
    reader = PdfReader(io.BytesIO(pdf))
    letter, copy = reader.pages[0].extract_text(), reader.pages[1].extract_text()
    assert "经办人：李秀梅" in letter and "经办人：clerk" not in letter
    assert f"申请编号：{number}" in copy and "查档登记号" not in copy


def _stamp_and_footer(page) -> tuple[float, float]:
    """(bottom of the stamp image, top of the footer line) in points."""
    from pypdf.generic import ContentStream

    footer = []
    page.extract_text(visitor_text=lambda text, cm, tm, font, size: footer.append(
        (tm[5], size)) if "复制日期" in text else None)
    stamp_y = None
    ops = ContentStream(page.get_contents(), page.pdf).operations
    for i, (_operands, op) in enumerate(ops):
        if op == b"Do" and i and ops[i - 1][1] == b"cm":
            a, _b, _c, d, _e, f = (float(x) for x in ops[i - 1][0])
            if abs(a - 44 * 72 / 25.4) < 1 and abs(d - a) < 1:  # the 44 mm stamp
                stamp_y = f
    (y, size), = footer[:1]
    return stamp_y, y + size


def test_the_stamp_leaves_the_footer_readable(kit):
    _, app = kit
    c = login(app.test_client())
    register_visit(c)
    r = c.post("/copy", data={"page_id": str(_page_id(app, "X012-WS·1985-Y-0012")),
                              "csrf_token": token(c, "/visits/new")})
    stamp_bottom, footer_top = _stamp_and_footer(PdfReader(io.BytesIO(r.data)).pages[0])
    assert stamp_bottom is not None and stamp_bottom > footer_top


def test_a_deadline_beyond_the_official_calendar_is_flagged(kit):
    cfg, app = kit
    with app.extensions["dangan_db"].session() as s:
        s.add(Request(number="T01-R-FAR", requester_name="甲某", requester_id_number="x",
                      requester_phone="1", applicant_type="本人", channel="电话",
                      subject_name="乙某", purpose="其他", receiving_archive="T01",
                      holding_archive="T01", status="已受理", accepted_on=dt.date(2099, 1, 2),
                      due_on=dt.date(2099, 1, 8)))
        s.commit()
    proc = run_dangan(cfg, "requests", "list")
    assert "T01-R-FAR" in proc.stdout and "2099" in proc.stderr and "chinesecalendar" in proc.stderr
    a = login(app.test_client(), "boss", "boss-password")
    html = a.get("/admin/status").get_data(as_text=True)
    assert 'id="calendar-warning"' in html and "2099" in html
