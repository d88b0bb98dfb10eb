"""人员档案线索 end to end in real headless Chromium against `dangan serve` on the OCR'd
sample: search 刘桂芬 → open the dossier → two candidate persons (born 1941 at the knitting
mill, born 1948 at the department store) → confirm the first → the birth date the rule takes
is the earliest record's 1941.4, its cell outlined on the scan → print the 查档结果摘要.
Screenshots go to test-output/screens/dossier-*.png."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import sync_playwright
from pypdf import PdfReader
from test_web_browser import ARGS, CHROMIUM, SCREENS, server, wait_until  # noqa: F401

from dangan import config as config_mod
from dangan.indexer.store import PageStore


def _birth_cell(sample_config) -> tuple[tuple[int, int, int, int], int]:
    """Where the recogniser read "1941.4" on her 1958 招工登记表 (the page store's lines),
    and the scan's width in pixels."""
    store = PageStore(config_mod.load(Path(sample_config)).store_path)
    try:
        page = next(p for p in store.all_pages() if p.path == "招工登记表_刘桂芬.jpg")
        box = next(ln.box for ln in page.lines if "1941.4" in ln.text.replace(" ", ""))
        return box, page.width
    finally:
        store.close()


def test_dossier_in_a_real_browser(server, sample_config, truth, tmp_path):  # noqa: F811
    assert os.path.exists(CHROMIUM), "Debian chromium is installed by scripts/setup.sh --test"
    assert truth["people"]["liu-1941"]["birth_by_rule"] == "1941-04"
    SCREENS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN",
                                accept_downloads=True)
        failures = []
        page.on("response", lambda r: failures.append((r.status, r.url)) if r.status >= 400
                else None)
        page.goto(server + "/login")
        page.fill("input[name=username]", "clerk")
        page.fill("input[name=password]", "clerk-password")
        page.click("button[type=submit]")
        page.goto(server + "/visits/new")
        page.fill("input[name=requester_name]", "刘桂芬")
        page.fill("input[name=id_number]", "11010519491231002X")
        page.select_option("select[name=relationship]", "本人")
        page.select_option("select[name=purpose]", "退休核定")
        page.click("#visit-form button[type=submit]")
        page.wait_for_url(server + "/")

        page.fill("input[name=person]", "刘桂芬")
        page.click("#search-form button[type=submit]")
        page.wait_for_selector(".hit")
        page.screenshot(path=SCREENS / "dossier-1-search.png", full_page=True)
        page.click("#dossier-link")
        page.wait_for_selector("#person-count")
        assert page.inner_text("#person-count") == "2"
        first, second = page.locator("#person-1"), page.locator("#person-2")
        assert "东岭县针织厂" in first.inner_text() and "东岭县百货公司" in second.inner_text()
        assert "刘桂芳" in page.inner_text("#variants")  # the name written otherwise, apart
        page.screenshot(path=SCREENS / "dossier-2-groups.png", full_page=True)

        first.locator("button.confirm").click()
        page.wait_for_selector("#person-1 .badge.ok")
        assert "已确认" in page.inner_text("#person-1 h2")
        rule = page.locator("#birth-rule-1")
        assert rule.locator(".birth-choice").inner_text() == "1941.4"
        assert "劳社部发〔1999〕8号" in rule.inner_text()
        conflict = page.locator("#person-1 tr.conflict").all_inner_texts()
        assert any("1941.4" in t for t in conflict) and any("一九四二年四月" in t for t in conflict)
        page.screenshot(path=SCREENS / "dossier-3-confirmed.png", full_page=True)

        rule.locator("a").click()
        page.wait_for_selector("#scan")
        wait_until(page, "document.getElementById('scan').naturalWidth > 0")
        outlined = [int(v) for v in page.locator(".hl").first.get_attribute("data-box").split(",")]
        cell, width = _birth_cell(sample_config)
        assert outlined == list(cell)
        img = page.locator("#scan").bounding_box()
        hl = page.locator(".hl").first.bounding_box()
        scale = img["width"] / width  # the screen rendition is smaller than the scan
        assert abs((hl["x"] - img["x"]) / scale - outlined[0]) < 6  # drawn where it says
        page.locator(".hl").first.scroll_into_view_if_needed()
        page.screenshot(path=SCREENS / "dossier-4-birth-cell.png")

        page.go_back()
        page.wait_for_selector("#person-1 .print-summary")
        visit = page.inner_text(".visitbar b")
        # 打印 opens the summary in the browser's PDF viewer, to print (issue 30)
        with page.expect_response(lambda r: "/dossier/summary" in r.url) as answer:
            page.click("#person-1 .print-summary")
        assert answer.value.headers["content-disposition"].startswith("inline")
        # the PDF as handed out is kept with the register
        data = config_mod.load(Path(sample_config)).data_dir
        pdf = sorted((data / "summaries").glob(f"{visit}-*.pdf"))[-1]
        reader = PdfReader(pdf)
        text = "".join(p.extract_text() for p in reader.pages)
        assert "查档结果摘要" in text and "1941.4" in text and "劳社部发〔1999〕8号" in text
        assert "本复制件与馆藏档案一致" in text
        browser.close()
    assert not failures, failures
