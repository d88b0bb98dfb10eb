"""退休时间线 in real headless Chromium against `dangan serve` on the OCR'd sample: a clerk
opens 周红梅's dossier (a woman worker born 1975-02: 招工表, wage forms, a 喷漆工 stretch),
confirms her records, reads the reckoning with its sources and prints the 查档结果摘要 with
the reference section; 孙丽华's records leave her original age open, so both are shown.
Screenshots go to test-output/screens/retirement-*.png."""

from __future__ import annotations

import os
import subprocess
import time
import urllib.request
from pathlib import Path

import pypdfium2
import pytest
from conftest import DANGAN, free_port
from playwright.sync_api import sync_playwright
from pypdf import PdfReader
from test_web_browser import ARGS, CHROMIUM, SCREENS
from webhelpers import print_summary


@pytest.fixture(scope="module")
def server(sample_config, tmp_path_factory):
    """`dangan serve` over the indexed sample, with this province's account start set."""
    tmp = tmp_path_factory.mktemp("retire-browser")
    cfg = tmp / "config.toml"
    cfg.write_text(Path(sample_config).read_text(encoding="utf-8") +
                   '\n[pension]\naccount_start = "1996-01"\n'
                   f'\n[web]\ndatabase = "sqlite:///{tmp / "web.sqlite3"}"\n', encoding="utf-8")
    subprocess.run([*DANGAN, "--config", str(cfg), "user", "add", "clerk", "--password-stdin"],
                   input="clerk-password\n", text=True, check=True)
    port = free_port()
    with open(tmp / "serve.log", "w") as out:
        proc = subprocess.Popen([*DANGAN, "--config", str(cfg), "serve", "--port", str(port)],
                                stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/login", timeout=2)
            break
        except OSError:
            time.sleep(0.2)
    yield base, cfg
    proc.terminate()
    proc.wait(timeout=10)


def _visit(page, server, name):
    page.goto(server + "/visits/new")
    page.fill("input[name=requester_name]", name)
    page.fill("input[name=id_number]", "11010519491231002X")
    page.select_option("select[name=relationship]", "本人")
    page.select_option("select[name=purpose]", "退休核定")
    page.click("#visit-form button[type=submit]")
    page.wait_for_url(server + "/")


def _rows(page, gi=1) -> dict[str, str]:
    out = {}
    for row in page.locator(f"#retirement-{gi} tr[data-key]").all():
        cells = row.locator("td").all_inner_texts()
        out[cells[0]] = cells[1]
    return out


def test_retirement_timeline_in_a_real_browser(server, truth):
    server, server_cfg = server
    assert os.path.exists(CHROMIUM), "Debian chromium is installed by scripts/setup.sh --test"
    zhou = truth["people"]["zhou-1975"]
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
        _visit(page, server, "周红梅")

        page.fill("input[name=person]", "周红梅")
        page.click("#search-form button[type=submit]")
        page.wait_for_selector(".hit")
        page.click("#dossier-link")
        page.wait_for_selector("#person-count")
        assert page.inner_text("#person-count") == "1"
        person = page.locator("#person-1")
        assert "确认为同一人后，列出退休时间线测算" in person.inner_text()
        assert page.locator("#retirement-1").count() == 0  # nothing before staff confirm
        person.locator("button.confirm").click()
        page.wait_for_selector("#retirement-1")

        section = page.locator("#retirement-1")
        assert "测算参考；以社保经办机构核定为准" in section.inner_text()
        rows = _rows(page)
        r = zhou["retirement"]
        assert rows["法定退休年龄"] == f"原规定 {r['original_age']}；2025年起新规定 {r['age']}"
        y, m = (int(x) for x in r["month"].split("-"))
        oy, om = (int(x) for x in r["original_month"].split("-"))
        assert rows["退休时间"] == f"原规定 {oy}年{om}月；新规定 {y}年{m}月"
        assert rows["最低缴费年限"] == f"{oy}年退休 {r['minimum_contribution']}"
        assert rows["视同缴费年限"] == "1年10个月（测算上限）"  # 1994-03 → 1996-01
        job = zhou["special_job"]
        assert rows["特殊工种记录"].startswith(f"{job['job']}（{job['class']}）：1994年3月 至 2003年7月")
        assert "2006年10月" in section.inner_text() and "装配工" in section.inner_text()
        # every fact a figure rests on links to its page, the 招工表 among them
        assert section.locator("a[href^='/page/']").count() >= 4
        assert "出生时间只记至月" in section.inner_text()
        section.scroll_into_view_if_needed()
        page.screenshot(path=SCREENS / "retirement-1-dossier.png", full_page=True)

        pdf = print_summary(page, "#person-1 .print-summary", server_cfg)
        text = "".join(pg.extract_text() for pg in PdfReader(pdf).pages).replace("\n", "")
        assert "五、退休时间线（测算参考；以社保经办机构核定为准）" in text
        assert "不作为退休审批依据" in text and f"新规定 {y}年{m}月" in text
        assert "特殊工种记录" in text and "仅在经办机构认定符合条件时适用" in text
        # the summary's pages as printed, for a person to look at
        doc = pypdfium2.PdfDocument(str(pdf))
        summary_pages = [i for i in range(len(doc)) if "五、退休时间线" in
                         doc[i].get_textpage().get_text_range() or "依据：" in
                         doc[i].get_textpage().get_text_range()]
        for i in summary_pages:
            doc[i].render(scale=1.2).to_pil().save(SCREENS / f"retirement-2-summary-{i + 1}.png")
        assert summary_pages

        # 孙丽华: 职务 保管 says neither 干部 nor 工人 — both original ages are shown
        _visit(page, server, "孙丽华")
        page.goto(server + "/dossier/?name=孙丽华")
        page.locator("#person-1 button.confirm").click()
        page.wait_for_selector("#retirement-1")
        rows = _rows(page)
        both = truth["people"]["sun-1972"]["retirement_if"]
        cadre, worker = both["干部"], both["工人"]
        assert rows["如为干部（原55岁）：法定退休年龄"].endswith(f"新规定 {cadre['age']}")
        assert rows["如为工人（原50岁）：退休时间"] == "原规定 2022年6月；新规定 2022年6月"
        assert worker["month"] == "2022-06"
        assert "档案未载明干部或工人身份" in page.inner_text("#retirement-1")
        page.locator("#retirement-1").scroll_into_view_if_needed()
        page.screenshot(path=SCREENS / "retirement-3-original-age-open.png", full_page=True)
        browser.close()
    assert not failures, failures
