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
    subprocess.run([*DANGAN, "--config", str(cfg), "user", "add", "boss", "--role", "admin",
                    "--password-stdin"], input="boss-password\n", text=True, check=True)
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


def test_counter_workflow_in_a_real_browser(server, truth, tmp_path, sample_config):
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
        page.fill("input[name=subject_name]", "王秀英")  # whose records: the parent's
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
        # The viewer shows a screen-sized rendition: boxes are in the scan's own pixels.
        natural = page.evaluate("[+document.getElementById('scan').dataset.width,"
                                " +document.getElementById('scan').dataset.height]")
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

        # 用途 is chosen from the register's purposes, the visit's preselected (issue 30).
        assert page.input_value("#copy-use") == "退休核定"
        # The certified copy opens in the browser's PDF viewer, ready to print.
        visit = page.inner_text(".visitbar b")
        with page.expect_response(lambda r: r.url.endswith("/copy")) as answer:
            page.click("#make-copy")
        assert answer.value.status == 200
        assert answer.value.headers["content-type"] == "application/pdf"
        assert answer.value.headers["content-disposition"].startswith("inline")
        # The PDF as handed out is kept with the register (the viewer keeps its bytes).
        from dangan.config import load

        kept = sorted((load(sample_config).data_dir / "copies").glob(f"{visit}-*.pdf"))
        pdf = kept[-1]
        time.sleep(1.5)  # the PDF viewer draws the page
        page.screenshot(path=SCREENS / "4b-copy-opened.png")
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
        # The reply is made, and the request marked 已出具 with it (issue 30).
        page.fill("#reply-form input[name=note]", "查到 1993 年工资套改审批表")
        with page.expect_download() as dl:
            page.click("#build-reply")
        page.goto(f"{server}/requests/{number}")
        assert page.inner_text("#status") == "已出具"
        page.screenshot(path=SCREENS / "10-request-issued.png", full_page=True)
        pdf = tmp_path / "reply.pdf"
        dl.value.save_as(pdf)
        from pypdf import PdfReader

        reader = PdfReader(pdf)
        assert len(reader.pages) == 2 and number in reader.pages[0].extract_text()
        browser.close()


# --- Issue #16: the screens as the people who use them all day would want them. -------------

RED = "rgb(180, 35, 24)"  # --red: errors; green (#05603a) is for what went well


def _login(page, server, user="clerk", password="clerk-password"):
    page.goto(server + "/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(server + "/")


def _no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _shot(page, name: str, full: bool = True) -> None:
    page.screenshot(path=SCREENS / f"{name}.png", full_page=full)


def test_counter_screens_a_clerk_uses_all_day(server):
    SCREENS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN",
                                accept_downloads=True)
        csp = []
        page.on("console", lambda m: csp.append(m.text)
                if "Content Security Policy" in m.text else None)
        _login(page, server)
        # The search page opens with the cursor in 姓名.
        assert page.evaluate("document.activeElement.name") == "person"
        _shot(page, "ux-01-search-empty")

        # "93" is 1993 (the archive's one two-digit rule); the 年代 facet reads 1990年代 and,
        # under the year filter, lists no decade that only birth years on rosters gave.
        page.fill("input[name=person]", "王秀英")
        page.fill("input[name=year]", "93")
        page.click("#search-form button[type=submit]")
        page.wait_for_selector(".hit")
        facet = page.inner_text("#decades")
        assert "1990年代" in facet and "1960年代" not in facet and "s (" not in facet
        lines = " ".join(page.locator(".hit").all_inner_texts())
        assert "档号：—" not in lines and not any(x in lines for x in (".jpg", ".png", ".tif"))
        roster = page.locator(".hit", has_text="名册第")
        assert "本行年份" in roster.first.inner_text()
        assert "尚未登记查档人" in page.inner_text(".visitbar")
        _shot(page, "ux-02-results-no-visit")

        # Opening a page without a visit: register, then land on that page (next kept).
        page.locator(".hit a.open").first.click()
        page.wait_for_url("**/visits/new**")
        assert page.locator(".flash.warn").count() == 1
        assert page.input_value("select[name=relationship]") == ""  # nothing preselected
        assert page.input_value("select[name=purpose]") == ""
        _shot(page, "ux-03-visit-with-next")
        page.fill("input[name=requester_name]", "赵桂芝")
        page.fill("input[name=id_number]", "11010519491231002X")
        page.select_option("select[name=relationship]", "本人")
        page.select_option("select[name=purpose]", "工龄认定")
        page.fill("input[name=note]", "查本人 1993 年工资套改")
        page.click("#visit-form button[type=submit]")
        page.wait_for_url("**/page/**")
        page.wait_for_selector("#scan")
        wait_until(page, "document.getElementById('scan').naturalWidth > 0")
        # A screen-sized rendition, not the full scan; the outline sits outside the name.
        assert "?w=1200" in page.get_attribute("#scan", "src")
        assert page.evaluate("document.getElementById('scan').naturalWidth") == 1200
        assert page.evaluate("parseFloat(getComputedStyle(document.querySelector('.hl'))"
                             ".outlineOffset) > 0")
        assert page.evaluate("getComputedStyle(document.querySelector('.hl'))"
                             ".backgroundColor") == "rgba(0, 0, 0, 0)"
        assert "第 1 / 2 条" in page.inner_text("#hit-position")
        _shot(page, "ux-04-viewer", full=False)
        page.keyboard.press("ArrowRight")
        page.wait_for_selector("#hit-position:has-text('第 2 / 2 条')")
        page.keyboard.press("+")
        assert page.evaluate("document.getElementById('sheet').style.width") == "125%"
        assert "w=" not in page.get_attribute("#scan", "src")  # full resolution on zoom
        page.keyboard.press("-")
        # Ctrl+P prints the page, not the menu and the buttons.
        page.emulate_media(media="print")
        assert not page.is_visible("header.top") and not page.is_visible(".tools")
        assert not page.is_visible("button")
        _shot(page, "ux-05-viewer-print")
        page.emulate_media(media="screen")
        # 返回结果 goes to the result list (not back to the previous hit).
        page.click("#back")
        page.wait_for_selector(".hit")
        assert page.input_value("input[name=person]") == "王秀英"

        # Many hits: a real pager, and 下一条结果 goes on past the 20th hit.
        page.goto(server + "/?from=1900&to=2026")
        page.wait_for_selector(".hit")
        assert page.is_visible("#next-page") and "第 1 / 3 页" in page.inner_text(".pager")
        wait_until(page, "[...document.querySelectorAll('.hit img')]"
                         ".every(i => i.complete && i.naturalWidth > 0)")
        assert page.locator(".hit img[loading=lazy]").count() == 0  # print without blanks
        page.emulate_media(media="print")
        assert not page.is_visible("header.top") and not page.is_visible("#search-form")
        _shot(page, "ux-06-results-print")
        page.emulate_media(media="screen")
        _shot(page, "ux-07-results-pager")
        page.goto(server + "/hit/19")
        page.wait_for_selector("#hit-position")
        assert "第 20 / " in page.inner_text("#hit-position")
        page.click("#next-hit")
        page.wait_for_selector("#hit-position:has-text('第 21 / ')")
        page.click("#back")
        page.wait_for_selector(".pager")
        assert "第 2 / 3 页" in page.inner_text(".pager")

        # Told, in Chinese: a year with a range, a page past the end, an odd quote.
        page.goto(server + "/?year=1993&from=1995")
        assert "只填一种" in page.inner_text(".error")
        assert page.evaluate("getComputedStyle(document.querySelector('.error')).color") == RED
        page.goto(server + "/?person=王秀英&p=50")
        text = page.inner_text("main")
        assert "没有第 50 页" in text and "没有找到" not in text
        page.goto(server + "/?q=" + "王'秀英")
        assert "No closing" not in page.inner_text("main")
        page.goto(server + "/?q=" + '"工资')
        assert "引号" in page.inner_text(".error")
        _shot(page, "ux-08-search-error")

        # The visit's own log reads as sentences; closing it asks for the outcome.
        page.goto(server + "/visits/")
        page.locator("#visits a").first.click()
        log = page.inner_text("#visit-log")
        assert "检索 姓名 王秀英 年份93" in log and "查看 " in log and "第1页" in log
        assert "search" not in log and "%E" not in log
        assert "查本人 1993 年工资套改" in page.inner_text("#visit-note")
        assert page.input_value("#close-form select[name=outcome]") == ""
        _shot(page, "ux-09-visit-detail")
        page.goto(server + "/visits/?outcome=办理中")
        assert "赵桂芝" in page.inner_text("#visits")
        _shot(page, "ux-10-register-open")

        # The desk and admin pages carry no "尚未登记查档人" bar.
        page.goto(server + "/requests/")
        assert page.locator(".visitbar.none").count() == 0
        _shot(page, "ux-11-desk")
        page.goto(server + "/requests/new")
        _shot(page, "ux-12-desk-new")
        page.goto(server + "/federated/")
        _shot(page, "ux-13-federated")
        page.goto(server + "/page/999999")
        _shot(page, "ux-14-error")
        browser.close()
    assert not csp, csp


def test_admin_log_reads_as_sentences_and_fits_the_screen(server):
    SCREENS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        _login(page, server, "boss", "boss-password")
        page.goto(server + "/visits/new")
        page.fill("input[name=requester_name]", "孙立平")
        page.fill("input[name=id_number]", "11010519491231002X")
        page.select_option("select[name=relationship]", "亲属")
        page.fill("input[name=subject_name]", "王秀英")
        page.select_option("select[name=purpose]", "继承")
        page.click("#visit-form button[type=submit]")
        page.wait_for_url(server + "/")
        number = page.inner_text(".visitbar b")
        page.fill("input[name=person]", "王秀英")
        page.fill("input[name=year]", "1993")
        page.click("#search-form button[type=submit]")
        page.wait_for_selector(".hit")
        page.locator(".hit a.open").first.click()
        page.wait_for_selector("#scan")
        page.goto(server + "/admin/log")
        log = page.inner_text("#access-log")
        assert "检索 姓名 王秀英 年份1993" in log and number in log
        assert "查看 " in log and "%E" not in log and "\tsearch\t" not in log
        assert _no_horizontal_scroll(page)
        # A date on one line, not three (the row may be taller: a result list's thumbnails
        # are one entry naming every page shown).
        lines = page.evaluate("[...document.querySelectorAll('#access-log td.when')]"
                              ".map(td => { const r = document.createRange();"
                              " r.selectNodeContents(td); return new Set([...r.getClientRects()]"
                              ".map(x => Math.round(x.top))).size; })")
        assert max(lines) <= 1, lines
        assert page.locator(".visitbar.none").count() == 0
        _shot(page, "ux-15-admin-log", full=False)
        page.goto(server + "/admin/status")
        assert page.locator(".visitbar.none").count() == 0
        _shot(page, "ux-16-admin-status")
        page.goto(server + "/admin/api-log")
        _shot(page, "ux-17-admin-api-log")
        browser.close()


def test_the_citizen_form_on_a_phone_and_the_desk_working_it(server):
    SCREENS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        phone = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                 is_mobile=True, has_touch=True, device_scale_factor=2)
        phone.goto(server + "/apply/")
        header = phone.inner_text("header.top")
        assert "网上查档" in header and "民生档案检索" not in header
        assert _no_horizontal_scroll(phone)
        sizes = phone.evaluate("[...document.querySelectorAll('#apply-form input:not([type=hidden])"
                               ":not([type=checkbox]), #apply-form select, #apply-form textarea')]"
                               ".filter(e => e.offsetParent).map(e => parseFloat("
                               "getComputedStyle(e).fontSize))")
        assert min(sizes) >= 16, sizes  # iOS zooms into anything smaller
        heights = phone.evaluate("[...document.querySelectorAll('#apply-form input, "
                                 "#apply-form select, #apply-form button')].filter(e => "
                                 "e.offsetParent && e.type !== 'hidden').map(e => "
                                 "e.getBoundingClientRect().height)")
        assert min(heights) >= 22, heights
        privacy = phone.inner_text("#privacy")  # why ID, phone and address; how long kept
        assert all(w in privacy for w in ("身份证号", "电话", "地址", "长期保存"))
        assert phone.input_value("select[name=applicant_type]") == ""
        assert phone.input_value("select[name=purpose]") == ""
        assert "已核验委托书原件" not in phone.content()
        _shot(phone, "ux-20-apply-phone")
        # Fields by applicant type: a relative is asked the relationship, not a 委托书.
        phone.select_option("select[name=applicant_type]", "亲属")
        assert phone.is_visible("input[name=relationship]")
        assert not phone.is_visible("input[name=attorney_note]")
        phone.select_option("select[name=applicant_type]", "本人")
        assert not phone.is_visible("input[name=relationship]")

        # An error: red, in Chinese, and nothing typed is lost or invented.
        phone.fill("input[name=requester_name]", "王小兰")
        phone.fill("input[name=requester_id_number]", "11010519491231002X")
        phone.fill("input[name=requester_phone]", "1381234")  # too short
        phone.select_option("select[name=purpose]", "退休核定")
        phone.click("#apply-form button[type=submit]")
        phone.wait_for_selector("#apply-errors")
        assert "联系电话" in phone.inner_text("#apply-errors")
        assert phone.evaluate("getComputedStyle(document.getElementById('apply-errors'))"
                              ".color") == RED
        assert phone.input_value("input[name=subject_name]") == ""  # not the requester's name
        assert phone.input_value("input[name=requester_name]") == "王小兰"
        assert _no_horizontal_scroll(phone)
        _shot(phone, "ux-21-apply-error-phone")
        phone.fill("input[name=requester_phone]", "13812345678")
        phone.select_option("select[name=applicant_type]", "亲属")
        phone.fill("input[name=relationship]", "女儿")
        phone.fill("input[name=subject_name]", "王秀英")
        phone.fill("input[name=year_from]", "1990")
        phone.fill("input[name=year_to]", "1995")
        phone.click("#apply-form button[type=submit]")
        phone.wait_for_url("**/apply/done")
        number = phone.inner_text("#number")
        phone.reload()  # post/redirect/get: a refresh files nothing again
        assert phone.inner_text("#number") == number
        assert _no_horizontal_scroll(phone)
        _shot(phone, "ux-22-apply-done-phone")
        phone.click("text=查询办理进度")
        phone.fill("input[name=id_tail]", "002X")
        phone.click("#status-form button")
        assert "已提交" in phone.inner_text("#status")  # nobody at the archive has seen it yet
        assert _no_horizontal_scroll(phone)
        label_w = phone.evaluate("document.querySelector('#status-form button')"
                                 ".getBoundingClientRect().height")
        assert label_w < 60  # 查询 on one line, not 查 over 询
        _shot(phone, "ux-23-status-phone")
        phone.goto(server + "/apply/nothing-here")
        assert "登录" not in phone.inner_text("main") and phone.locator("a[href*=login]").count() == 0
        _shot(phone, "ux-24-error-phone")

        page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        _login(page, server)
        page.goto(server + "/requests/")
        assert page.locator(f"tr[data-number='{number}']").count() == 1  # filed once
        page.goto(f"{server}/requests/{number}")
        criteria = page.inner_text("#criteria")
        assert "姓名 王秀英" in criteria and "http" not in criteria and "?" not in criteria
        page.click("#work")
        page.wait_for_selector(".hit")
        add = page.locator(".hit", has_text="王秀英").first.locator(".add-to-request")
        add.click()
        page.wait_for_selector(".flash")
        added = page.locator(".hit", has_text="王秀英").first.locator(".add-to-request")
        assert "已加入" in added.inner_text() and added.is_disabled()
        _shot(page, "ux-25-request-search")
        # In the viewer too, while working the request.
        page.locator(".hit a.open").nth(1).click()
        page.wait_for_selector("#attach-form")
        _shot(page, "ux-26-viewer-request", full=False)
        page.goto(f"{server}/requests/{number}")
        page.fill("#reply-form input[name=note]", "查到 1993 年工资套改审批表")
        with page.expect_download():
            page.click("#build-reply")
        page.goto(f"{server}/requests/{number}")
        # A change refused keeps the note typed, and says so in red.
        page.select_option("#status-form select[name=status]", "已反馈")
        page.fill("#status-form input[name=note]", "挂号信 XA1234")
        page.click("#status-form button")
        page.wait_for_selector("#status-error")
        assert page.evaluate("getComputedStyle(document.getElementById('status-error'))"
                             ".color") == RED
        assert page.input_value("#status-form input[name=note]") == "挂号信 XA1234"
        assert page.locator(".flash:not(.error):not(.warn)", has_text="未").count() == 0
        _shot(page, "ux-27-request-status-error")
        browser.close()


def test_a_request_without_years_says_so_in_words(server):
    SCREENS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        _login(page, server)
        page.goto(server + "/requests/new")
        page.fill("input[name=requester_name]", "李国强")
        page.fill("input[name=requester_id_number]", "11010519491231002X")
        page.fill("input[name=requester_phone]", "13812345678")
        page.select_option("select[name=applicant_type]", "本人")
        page.select_option("select[name=purpose]", "工龄认定")
        page.click("#request-form button[type=submit]")
        page.wait_for_selector("#history")
        text = page.inner_text("main")
        assert "年份不限" in text and "–·" not in text.replace(" ", "")
        _shot(page, "ux-28-request-detail")
        browser.close()
