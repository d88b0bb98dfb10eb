"""Three archives on loopback, each a real `dangan serve` process with its own index, database
and config, built from different parts of the sample corpus. They search each other, forward
a request and follow its status, refuse bad tokens, and survive a partner that is stopped.

The sample's OCR results are reused (the page store's OCR cache is keyed by file hash), so
building three archives costs seconds, not three more OCR runs.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path

import pytest
from conftest import DANGAN, SCANS, free_port, run_dangan
from webhelpers import VALID_ID, Browserless

from dangan import config as config_mod
from dangan.indexer.store import PageStore

CODES = ("A01", "B02", "C03")
NAMES = {"A01": "甲县档案馆", "B02": "乙区档案馆", "C03": "丙市档案馆"}
# Long enough that a healthy partner always answers in time, however loaded the machine (at 2 s
# a busy test machine made healthy partners "slow"); the sleeping partner below never answers
# at all, so what is tested is that it is reported and waited for no longer than this.
TIMEOUT = 10.0


def split_corpus(truth: dict) -> tuple[dict[str, list[str]], str]:
    """Documents dealt round-robin to the three archives, and a person only C holds."""
    docs: dict[str, list[str]] = defaultdict(list)
    for name, f in truth["files"].items():
        docs[f["document"]].append(name)
    parts: dict[str, list[str]] = {code: [] for code in CODES}
    for n, doc in enumerate(sorted(docs)):
        parts[CODES[n % 3]].extend(docs[doc])
    holders: dict[str, set[str]] = defaultdict(set)
    for code, files in parts.items():
        for name in files:
            for page in truth["files"][name]["pages"]:
                for person in page["persons"]:
                    holders[person["name"]].add(code)
    only_c = sorted(n for n, h in holders.items() if h == {"C03"} and len(n) == 3)
    return parts, only_c[0]


def _serve(config: Path, port: int) -> subprocess.Popen:
    return subprocess.Popen([*DANGAN, "--config", str(config), "serve", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})


def _config(root: Path, code: str, port: int, peers: list[dict]) -> Path:
    lines = ["[archive]", f'name = "{NAMES[code]}"', f'code = "{code}"',
             "[paths]", 'scan_root = "scans"', 'index_dir = "index"', 'data_dir = "data"',
             "[web]", f"port = {port}", "[federation]", f"timeout = {TIMEOUT}"]
    for p in peers:
        lines += ["[[peers]]", *[f"{k} = {json.dumps(v, ensure_ascii=False)}"
                                 for k, v in p.items()]]
    path = root / code / "config.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def archives(sample_config, truth, tmp_path_factory):
    root = tmp_path_factory.mktemp("federation")
    parts, person = split_corpus(truth)
    sample_store = config_mod.load(sample_config).store_path
    ports = {code: free_port() for code in CODES}
    configs = {}
    for code in CODES:
        scans = root / code / "scans"
        scans.mkdir(parents=True)
        for name in parts[code]:
            shutil.copy2(SCANS / name, scans / name)
        shutil.copy2(SCANS / "catalog.csv", scans / "catalog.csv")
        data = root / code / "data"
        PageStore(data / "pages.sqlite3").close()
        with sqlite3.connect(data / "pages.sqlite3") as db:
            db.execute("ATTACH DATABASE ? AS sample", (str(sample_store),))
            db.execute("INSERT INTO ocr_cache SELECT * FROM sample.ocr_cache")
        configs[code] = _config(root, code, ports[code], [])
        out = run_dangan(configs[code], "index").stdout
        assert "OCR" in out or "pages" in out
        subprocess.run([*DANGAN, "--config", str(configs[code]), "user", "add", "clerk",
                        "--password-stdin"], input="clerk-password\n", text=True, check=True,
                       capture_output=True)
    # Each archive issues a token to each partner; the partner keeps it in its [[peers]].
    issued = {(holder, caller): run_dangan(configs[holder], "token", "create", caller)
              .stdout.strip() for holder in CODES for caller in CODES if holder != caller}
    for code in CODES:
        _config(root, code, ports[code], [
            {"code": other, "name": NAMES[other], "url": f"http://127.0.0.1:{ports[other]}",
             "token": issued[(other, code)]} for other in CODES if other != code])
    procs = {code: _serve(configs[code], ports[code]) for code in CODES}
    try:
        for code in CODES:
            Browserless(f"http://127.0.0.1:{ports[code]}").wait_until_up()
        yield {"configs": configs, "ports": ports, "procs": procs, "person": person,
               "tokens": issued, "parts": parts}
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGCONT)
                proc.terminate()
                proc.wait(timeout=20)


def staff(archives, code: str) -> Browserless:
    return Browserless(f"http://127.0.0.1:{archives['ports'][code]}").login(
        "clerk", "clerk-password")


def federated(client: Browserless, **query):
    """From the 跨馆检索 page: peer states by archive code, (archive, hit html) pairs, the
    seconds the page took, and the page."""
    t0 = time.monotonic()
    status, html, _ = client.get("/federated/?" + urllib.parse.urlencode(query))
    seconds = time.monotonic() - t0
    assert status == 200, html
    states = dict(re.findall(r'<tr data-archive="([^"]+)" data-state="([^"]+)"', html))
    hits = re.findall(r'<div class="hit" data-archive="([^"]+)"(.*?)</div>\s*</div>',
                      html, re.S)
    return states, hits, seconds, html


def test_a_person_held_only_by_C_is_found_from_A(archives):
    person = archives["person"]
    states, hits, _, _ = federated(staff(archives, "A01"), person=person)
    assert states == {"A01": "ok", "B02": "ok", "C03": "ok"}
    from_c = [h for code, h in hits if code == "C03"]
    assert from_c and person in from_c[0] and "丙市档案馆" in from_c[0]
    assert "<mark>" in from_c[0]  # C's highlight offsets, rendered by A
    assert not any(person in h and "精确" in h for code, h in hits if code != "C03")


def test_a_persons_facts_from_every_archive_are_shown_side_by_side(archives):
    """刘桂芬's records are dealt to several archives: 跨馆检索 shows, per archive, what its own
    open records say of her (each archive's /api/v1/persons), IDs masked."""
    files = ("招工登记表_刘桂芬.jpg", "退休审批表_刘桂芬.jpg", "scan0032.jpg")
    holders = {code for code, names in archives["parts"].items() for n in names if n in files}
    _, _, _, html = federated(staff(archives, "A01"), person="刘桂芬")
    facts = html.split('id="person-facts"')[1].split('id="fed-hits"')[0]
    columns = {part.split('"')[0]: part
               for part in facts.split('class="archive-column" data-archive="')[1:]}
    assert set(columns) == set(CODES)
    for code in CODES:
        if code in holders:
            assert "出生年月" in columns[code] and "候选人员 1" in columns[code], code
        else:
            assert "未见该人记录" in columns[code], code
    assert not re.search(r"\d{17}[\dX]", facts)  # an ID number only ever masked


def test_the_partner_api_refuses_a_wrong_token(archives):
    url = f"http://127.0.0.1:{archives['ports']['C03']}/api/v1/search?person=%E7%8E%8B"
    for token in ("dgn_wrong", archives["tokens"][("B02", "A01")]):  # B's token for A ≠ C's
        req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(req, timeout=10)
        assert e.value.code == 401


def test_a_request_forwarded_from_A_appears_at_C_and_its_status_flows_back(archives):
    person = archives["person"]
    a, c = staff(archives, "A01"), staff(archives, "C03")
    status, body, headers = a.post("/requests/new", {
        "channel": "电话", "holding_archive": "C03", "requester_name": "张援朝",
        "requester_id_number": VALID_ID, "requester_phone": "13912345678",
        "applicant_type": "亲属", "relationship": "儿子", "subject_name": person,
        "purpose": "退休核定"}, form_page="/requests/new")
    assert status == 302, body
    number = headers["Location"].rsplit("/", 1)[1]
    _, detail, _ = a.get(f"/requests/{number}")
    assert 'id="status">转外馆' in detail
    remote = re.search(r"C03 编号 (\S+) ", detail).group(1)

    # At C: the request is on the desk, received from A, with A's number.
    _, desk, _ = c.get("/requests/")
    assert remote in desk and "外馆转来" in desk
    _, at_c, _ = c.get(f"/requests/{remote}")
    assert number in at_c and person in at_c and "外馆 A01" in at_c

    # C finds the page and issues the result.
    c.post(f"/requests/{remote}/work", {}, form_page=f"/requests/{remote}")
    _, results, _ = c.get("/?" + urllib.parse.urlencode({"person": person}))
    page_id = re.search(r'name="page_id" value="(\d+)"', results).group(1)
    c.post(f"/requests/{remote}/pages", {"page_id": page_id}, form_page=f"/requests/{remote}")
    code, _, headers = c.post(f"/requests/{remote}/reply.pdf", {"note": "查到 1 页"},
                              form_page=f"/requests/{remote}")
    assert code == 200 and headers["Content-Type"] == "application/pdf"

    # A asks for the partner's progress; the change lands in A's history.
    a.post(f"/requests/{number}/refresh", {}, form_page=f"/requests/{number}")
    _, detail, _ = a.get(f"/requests/{number}")
    assert "状态 <b>已出具</b>" in detail
    history = detail.split('id="history"')[1]
    assert "外馆 C03" in history and "丙市档案馆：已出具" in history

    # The copy goes out by post; A's nightly `dangan requests sync` brings that back too.
    c.post(f"/requests/{remote}/status", {"status": "已反馈", "delivery": "邮寄"},
           form_page=f"/requests/{remote}")
    synced = run_dangan(archives["configs"]["A01"], "requests", "sync").stdout
    assert f"{number}\tC03\t已反馈" in synced
    assert number in run_dangan(archives["configs"]["A01"], "requests", "list").stdout


def test_a_revoked_token_is_reported_as_refused_and_the_others_still_answer(archives):
    run_dangan(archives["configs"]["C03"], "token", "revoke", "B02")
    states, _, _, html = federated(staff(archives, "B02"), person=archives["person"])
    assert states["C03"] == "refused" and states["A01"] == "ok" and states["B02"] == "ok"
    assert "拒绝访问" in html.split('data-archive="C03"')[1].split("</tr>")[0]
    states, _, _, _ = federated(staff(archives, "A01"), person=archives["person"])
    assert states["C03"] == "ok"  # A's own token for C is untouched


def test_a_sleeping_peer_is_reported_slow_within_the_timeout(archives):
    b = archives["procs"]["B02"]
    a = staff(archives, "A01")
    b.send_signal(signal.SIGSTOP)  # B accepts connections (the kernel does) but never answers
    try:
        states, hits, seconds, _ = federated(a, person=archives["person"])
    finally:
        b.send_signal(signal.SIGCONT)
    assert states["B02"] == "slow" and states["C03"] == "ok"
    assert any(code == "C03" for code, _ in hits)
    assert TIMEOUT * 0.9 <= seconds < TIMEOUT * 3  # waited for it, then gave up on it


def test_a_stopped_peer_is_reported_down_and_the_page_still_works(archives):
    b = archives["procs"]["B02"]
    b.terminate()
    b.wait(timeout=20)
    states, hits, _, _ = federated(staff(archives, "A01"), person=archives["person"])
    assert states["B02"] == "down" and states["C03"] == "ok" and states["A01"] == "ok"
    assert any(code == "C03" for code, _ in hits)

