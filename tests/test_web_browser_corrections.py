"""著录 corrections end to end in real headless Chromium against `dangan serve`: a clerk sees
王秀瑛 misread as 王秀英 in the viewer, clicks the line and proposes the correction with a
reason; an admin confirms it; a search for 王秀瑛 finds the page at once; `dangan repair`
rebuilds the index from the page store and still finds it; the dossier and its printed
查档结果摘要 show the name as 人工核对, and the scan's stored machine reading is unchanged.
Screenshots go to test-output/screens/corrections-*.png.

The archive is a small one of born-digital PDFs (archivekit): what their text layer says is
the machine reading here, and the shared OCR'd sample is left untouched for other tests."""

from __future__ import annotations

import os
import subprocess
import time
import urllib.request

import pytest
from archivekit import index, make_archive
from conftest import DANGAN, free_port
from playwright.sync_api import sync_playwright
from pypdf import PdfReader
from test_web_browser import ARGS, CHROMIUM, SCREENS
from webhelpers import print_summary

from dangan import config as config_mod
from dangan.indexer.store import PageStore

MISREAD = "姓名 王秀英 性别 女 出生年月 1940年1月 工作单位 东岭县食品公司"
RIGHT = "姓名 王秀瑛 性别 女 出生年月 1940年1月 工作单位 东岭县食品公司"
FILES = {
    "退休审批表_王秀瑛.pdf": ["退休审批表", MISREAD, "退休时间 1995年1月 连续工龄 37年"],
    "退休审批表_欧阳春梅.pdf": ["退休审批表",
                               "姓名 欧阳春梅 性别 女 出生年月 1941年6月 工作单位 东岭县棉纺织厂"],
}

pytestmark = pytest.mark.slow


SCANNED = "登记表_覃桂香.png"  # a scan the recogniser reads: its lines have boxes


def _scan(path) -> None:
    from PIL import Image, ImageDraw, ImageFont

    from dangan.papers.ink import FONT_CANDIDATES

    font = ImageFont.truetype(next(p for p, _ in FONT_CANDIDATES if os.path.exists(p)), 44)
    image = Image.new("RGB", (1400, 900), "white")
    draw = ImageDraw.Draw(image)
    for y, text in ((120, "招工登记表"), (320, "姓名 覃桂香 性别 女"),
                    (520, "工作单位 东岭县水泥厂")):
        draw.text((160, y), text, fill="black", font=font)
    image.save(path)


@pytest.fixture()
def served(tmp_path):
    cfg_path = make_archive(tmp_path, FILES, catalog="")
    _scan(tmp_path / "scans" / SCANNED)
    index(cfg_path)
    with open(cfg_path, "a", encoding="utf-8") as f:
        f.write(f'\n[web]\ndatabase = "sqlite:///{tmp_path / "web.sqlite3"}"\n')
    for user, role in (("clerk", "staff"), ("boss", "admin")):
        subprocess.run([*DANGAN, "--config", str(cfg_path), "user", "add", user, "--role", role,
                        "--name", {"clerk": "张会计", "boss": "李科长"}[user],
                        "--password-stdin"], input=f"{user}-password\n", text=True, check=True)
    port = free_port()
    log = tmp_path / "serve.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([*DANGAN, "--config", str(cfg_path), "serve", "--port",
                                 str(port)], stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/login", timeout=2)
            break
        except OSError:
            time.sleep(0.2)
    yield base, cfg_path
    proc.terminate()
    proc.wait(timeout=10)
    print(log.read_text(encoding="utf-8")[-3000:])


def _start(browser, base: str, user: str, requester: str):
    """A member of staff at their own PC: logged in, a visit registered."""
    page = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN",
                               accept_downloads=True).new_page()
    page.goto(base + "/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", f"{user}-password")
    page.click("button[type=submit]")
    page.goto(base + "/visits/new")
    page.fill("input[name=requester_name]", requester)
    page.fill("input[name=id_number]", "11010519491231002X")
    page.select_option("select[name=relationship]", "本人")
    page.select_option("select[name=purpose]", "退休核定")
    page.click("#visit-form button[type=submit]")
    page.wait_for_url(base + "/")
    return page


def _search(page, name: str) -> list[str]:
    page.fill("input[name=person]", name)
    with page.expect_navigation():
        page.click("#search-form button[type=submit]")
    return page.locator(".hit").all_inner_texts()


def test_a_clerk_corrects_a_misread_name_and_an_admin_confirms_it(served, tmp_path):
    base, cfg_path = served
    assert os.path.exists(CHROMIUM), "Debian chromium is installed by scripts/setup.sh --test"
    SCREENS.mkdir(parents=True, exist_ok=True)
    failures: list = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        clerk = _start(browser, base, "clerk", "王秀瑛")
        clerk.on("response", lambda r: failures.append((r.status, r.url))
                 if r.status >= 400 else None)
        clerk.on("console", lambda m: failures.append(m.text)
                 if "Content Security Policy" in m.text else None)

        # The citizen says 王秀瑛; the archive's reading has 王秀英 (a look-alike hit only).
        hits = _search(clerk, "王秀英")
        assert len(hits) == 1 and "退休审批表" in hits[0]
        clerk.locator(".hit a").first.click()
        clerk.wait_for_selector("#ocr-text")
        line = clerk.locator(".ocr-line", has_text="王秀英")
        assert "机器识别" in line.get_attribute("title")
        line.click()
        assert clerk.locator("#correct-form").is_visible()
        assert clerk.input_value("#correct-value") == MISREAD
        clerk.fill("#correct-value", RIGHT)
        clerk.fill("#correct-reason", "对照扫描件，名字末字为“瑛”（王字旁），识别为“英”")
        clerk.screenshot(path=SCREENS / "corrections-1-propose.png", full_page=True)
        clerk.click("#correct-submit")
        clerk.wait_for_selector("#corrections-card")
        assert "待管理员确认" in clerk.inner_text(".flash")
        card = clerk.inner_text("#corrections-card")
        assert "待确认" in card and "王秀瑛" in card and "张会计" in card
        # not in force yet, and the clerk cannot confirm their own
        assert clerk.locator(".ocr-line", has_text="王秀英").count() == 1
        assert clerk.locator("#corrections-card .confirm-correction").count() == 0
        clerk.screenshot(path=SCREENS / "corrections-2-pending.png", full_page=True)

        admin = _start(browser, base, "boss", "王秀瑛")
        admin.on("response", lambda r: failures.append((r.status, r.url))
                 if r.status >= 400 else None)
        admin.click("nav >> text=著录更正")
        admin.wait_for_selector("#pending-corrections .correction")
        assert "原识别 “姓名 王秀英" in admin.inner_text("#pending-corrections")
        admin.screenshot(path=SCREENS / "corrections-3-review.png", full_page=True)
        admin.click("#pending-corrections .confirm-correction")
        admin.wait_for_selector(".flash")
        assert "已确认更正" in admin.inner_text(".flash")
        assert admin.locator("#pending-corrections .correction").count() == 0

        # At once: the corrected name is what the page says, for search and the viewer.
        admin.goto(base + "/")
        hits = _search(admin, "王秀瑛")
        assert len(hits) == 1 and "精确" in hits[0], hits
        admin.screenshot(path=SCREENS / "corrections-4-found.png", full_page=True)
        admin.locator(".hit a").first.click()
        admin.wait_for_selector("#ocr-text")
        checked = admin.locator(".ocr-line.checked")
        assert checked.count() == 1 and "王秀瑛" in checked.inner_text()
        assert "人工核对（张会计" in checked.inner_text()
        assert "原识别：" + MISREAD in checked.get_attribute("title")
        admin.screenshot(path=SCREENS / "corrections-5-viewer.png", full_page=True)

        # A rebuild of the index from the page store keeps it.
        subprocess.run([*DANGAN, "--config", str(cfg_path), "repair"], check=True,
                       capture_output=True)
        admin.goto(base + "/")
        hits = _search(admin, "王秀瑛")
        assert len(hits) == 1 and "精确" in hits[0], hits

        # The dossier: the name (and what was read from the corrected line) is 人工核对.
        admin.goto(base + "/dossier/?name=王秀瑛")
        admin.wait_for_selector("#person-count")
        admin.locator("#person-1 button.confirm").click()
        admin.wait_for_selector("#person-1 .badge.ok")
        name_row = admin.locator("#person-1 tr[data-kind=name]")
        assert "王秀瑛" in name_row.inner_text() and "人工核对（张会计" in name_row.inner_text()
        assert "人工核对" in admin.inner_text("#person-1 tr[data-kind=birth]")
        admin.screenshot(path=SCREENS / "corrections-6-dossier.png", full_page=True)
        pdf = print_summary(admin, "#person-1 .print-summary", cfg_path)
        text = "".join(pg.extract_text() for pg in PdfReader(pdf).pages)
        assert "姓名：王秀瑛" in text and "人工核对（张会计" in text, text[:800]
        browser.close()
    assert not failures, failures
    # The scan's machine reading is as it was: the correction is an overlay.
    store = PageStore(config_mod.load(cfg_path).store_path)
    try:
        page = next(p for p in store.all_pages() if p.path.startswith("退休审批表_王"))
        assert MISREAD in [ln.text for ln in page.lines]
    finally:
        store.close()


def test_a_click_on_the_scan_picks_the_line_read_there(served):
    base, _ = served
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        clerk = _start(browser, base, "clerk", "覃桂香")
        hits = _search(clerk, "覃桂香")
        assert len(hits) == 1
        clerk.locator(".hit a").first.click()
        clerk.wait_for_selector("#ocr-text")
        line = clerk.locator(".ocr-line", has_text="覃桂香")
        x1, y1, x2, y2 = (int(v) for v in line.get_attribute("data-box").split(","))
        img = clerk.locator("#scan").bounding_box()
        scale = img["width"] / int(clerk.get_attribute("#scan", "data-width"))
        clerk.wait_for_load_state("load")  # viewer.js listens from here on
        clerk.mouse.click(img["x"] + (x1 + x2) / 2 * scale, img["y"] + (y1 + y2) / 2 * scale)
        assert clerk.locator("#correct-form").is_visible()
        assert "覃桂香" in clerk.input_value("#correct-value")
        assert "chosen" in line.get_attribute("class")
        clerk.screenshot(path=SCREENS / "corrections-7-click-on-scan.png", full_page=True)
        browser.close()
