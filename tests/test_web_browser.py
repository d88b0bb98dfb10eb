"""End to end in real headless Chromium against `dangan serve`: log in → register a visit →
search a person → open the page → the highlight sits over the name → certified copy → the
register shows the visit. Screenshots of each step go to test-output/screens/."""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import DANGAN, ROOT, free_port
from playwright.sync_api import sync_playwright

SCREENS = ROOT / "test-output" / "screens"
CHROMIUM = "/usr/bin/chromium"
# The flags a sandboxed CI needs; background networking would try to reach Google.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def wait_until(page, expression: str, seconds: float = 30) -> None:
    """Poll a page condition from here: Playwright's wait_for_function evaluates its string
    with eval() inside the page, which the app's Content-Security-Policy rightly forbids."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"timed out waiting for {expression}"
        time.sleep(0.1)


@pytest.fixture(scope="module")
def server(sample_config, tmp_path_factory):
    """`dangan serve` on its own port and web database, over the indexed sample."""
    tmp = tmp_path_factory.mktemp("browser")
    cfg = tmp / "config.toml"
    cfg.write_text(Path(sample_config).read_text(encoding="utf-8") +
                   f'\n[web]\ndatabase = "sqlite:///{tmp / "web.sqlite3"}"\n',
                   encoding="utf-8")
    subprocess.run([*DANGAN, "--config", str(cfg), "user", "add", "clerk",
                    "--password-stdin"], input="clerk-password\n", text=True, check=True)
    port = free_port()
    log = tmp / "serve.log"  # a pipe nobody reads would fill and stall the server
    with open(log, "w") as out:
        proc = subprocess.Popen([*DANGAN, "--config", str(cfg), "serve", "--port", str(port)],
                                stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/login", timeout=2)
            break
        except OSError:
            time.sleep(0.2)
    yield base
    proc.terminate()
    proc.wait(timeout=10)
    print(log.read_text(encoding="utf-8")[-3000:])


def test_counter_workflow_in_a_real_browser(server, truth, tmp_path):
    assert os.path.exists(CHROMIUM), "Debian chromium is installed by scripts/setup.sh --test"
    SCREENS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN",
                                accept_downloads=True)
        failures = []
        page.on("response", lambda r: failures.append((r.status, r.url)) if r.status >= 400
                else None)
        page.on("console", lambda m: failures.append(m.text)
                if "Content Security Policy" in m.text else None)
        page.goto(server + "/")
        assert "/login" in page.url
        page.screenshot(path=SCREENS / "1-login.png")
        page.fill("input[name=username]", "clerk")
        page.fill("input[name=password]", "clerk-password")
        page.click("button[type=submit]")
        page.wait_for_url(server + "/")

        page.goto(server + "/visits/new")
        page.fill("input[name=requester_name]", "王建华")
        page.fill("input[name=id_number]", "11010519491231002X")
        page.select_option("select[name=relationship]", "亲属")
        page.select_option("select[name=purpose]", "退休核定")
        page.screenshot(path=SCREENS / "2-visit.png")
        page.click("#visit-form button[type=submit]")
        page.wait_for_url(server + "/")
        assert "当前查档登记" in page.inner_text(".visitbar")

        page.fill("input[name=person]", "王秀英")
        page.fill("input[name=year]", "1993")
        page.click("#search-form button[type=submit]")
        page.wait_for_selector(".hit")
        wait_until(page, "[...document.querySelectorAll('.hit img')]"
                         ".every(i => i.complete && i.naturalWidth > 0)")
        page.screenshot(path=SCREENS / "3-results.png", full_page=True)
        first = page.locator(".hit").first
        assert "王秀英" in first.inner_text()
        # open the roster hit: the person is one row among thirteen
        roster = page.locator(".hit", has_text="同音：王秀瑛")
        roster.locator("a.open").click()
        page.wait_for_selector("#scan")
        wait_until(page, "document.getElementById('scan').naturalWidth > 0")
        page.screenshot(path=SCREENS / "4-viewer.png")

        # The highlight must sit over 王秀瑛's row as drawn on the page (truth box).
        row = truth["files"]["X012-WS·1993-Y-0033-0001.jpg"]["pages"][0]["roster_rows"][0]
        assert row["name"] == "王秀瑛"
        img = page.locator("#scan").bounding_box()
        natural = page.evaluate("[document.getElementById('scan').naturalWidth,"
                                " document.getElementById('scan').naturalHeight]")
        hl = page.locator(".hl").first.bounding_box()
        sx, sy = img["width"] / natural[0], img["height"] / natural[1]
        cx = (hl["x"] - img["x"] + hl["width"] / 2) / sx
        cy = (hl["y"] - img["y"] + hl["height"] / 2) / sy
        x1, y1, x2, y2 = row["box"]
        assert x1 <= cx <= x2 and y1 - 20 <= cy <= y2 + 20, (cx, cy, row["box"])
        # The viewer's script is a file (the CSP forbids inline script): zoom still works.
        page.click("button[data-zoom='0.25']")
        assert page.evaluate("document.getElementById('sheet').style.width") == "125%"
        page.click("button[data-zoom='0']")

        page.fill("#copy-form input[name=use]", "退休核定")
        with page.expect_download() as dl:
            page.click("#copy-form button[type=submit]")
        pdf = tmp_path / "copy.pdf"
        dl.value.save_as(pdf)
        from pypdf import PdfReader

        text = PdfReader(pdf).pages[0].extract_text()
        assert "本复制件与馆藏档案一致" in text

        page.goto(server + "/visits/")
        page.screenshot(path=SCREENS / "5-register.png")
        rows = page.inner_text("#visits")
        assert "王建华" in rows and "110105********002X" in rows and "第1页" in rows
        page.locator("#visits a").first.click()
        page.select_option("select[name=outcome]", "查到")
        page.click("#close-form button")
        page.wait_for_url(server + "/visits/")
        assert "查到" in page.inner_text("#visits")
        page.screenshot(path=SCREENS / "6-closed.png")
        browser.close()
    assert not failures, failures
    (SCREENS / "steps.json").write_text(json.dumps(sorted(os.listdir(SCREENS))))


def test_remote_request_from_the_public_form_to_the_reply_in_a_real_browser(server, tmp_path):
    """A citizen files a request on the public form; staff work it at the desk, attach the
    page found, issue the result and download the reply with the certified copy."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        citizen = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
        citizen.goto(server + "/apply/")
        assert "/login" not in citizen.url
        citizen.fill("input[name=requester_name]", "王小兰")
        citizen.fill("input[name=requester_id_number]", "11010519491231002X")
        citizen.fill("input[name=requester_phone]", "13812345678")
        citizen.select_option("select[name=applicant_type]", "亲属")
        citizen.fill("input[name=relationship]", "女儿")
        citizen.check("input[name=delegated]")
        citizen.fill("input[name=requester_address]", "北京市西城区某某街 12 号")
        citizen.fill("input[name=subject_name]", "王秀英")
        citizen.fill("input[name=year_from]", "1990")
        citizen.fill("input[name=year_to]", "1995")
        citizen.check("input[name=doc_types][value=wage_adjustment]")
        citizen.select_option("select[name=purpose]", "退休核定")
        citizen.screenshot(path=SCREENS / "7-apply.png", full_page=True)
        citizen.click("#apply-form button[type=submit]")
        number = citizen.inner_text("#number")
        citizen.screenshot(path=SCREENS / "8-applied.png")

        page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN",
                                accept_downloads=True)
        page.goto(server + "/login")
        page.fill("input[name=username]", "clerk")
        page.fill("input[name=password]", "clerk-password")
        page.click("button[type=submit]")
        page.goto(server + "/requests/")
        row = page.locator(f"tr[data-number='{number}']")
        assert "网上" in row.inner_text() and "110105********002X" in row.inner_text()
        row.locator("a").first.click()
        page.click("#work")
        page.wait_for_selector(".hit")
        assert page.input_value("input[name=person]") == "王秀英"
        assert page.input_value("input[name=from]") == "1990"
        page.screenshot(path=SCREENS / "9-request-search.png")
        page.locator(".hit", has_text="王秀英").first.locator(".add-to-request").click()
        assert "已附加 1 页" in page.inner_text(".flash")
        page.goto(f"{server}/requests/{number}")
        page.select_option("#status-form select[name=status]", "已出具")
        page.fill("#status-form input[name=note]", "查到 1993 年工资套改审批表")
        page.click("#status-form button")
        assert page.inner_text("#status") == "已出具"
        page.screenshot(path=SCREENS / "10-request-issued.png", full_page=True)
        with page.expect_download() as dl:
            page.click("#reply")
        pdf = tmp_path / "reply.pdf"
        dl.value.save_as(pdf)
        from pypdf import PdfReader

        reader = PdfReader(pdf)
        assert len(reader.pages) == 2 and number in reader.pages[0].extract_text()
        browser.close()
