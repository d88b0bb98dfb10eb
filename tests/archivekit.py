"""A tiny archive built in seconds: born-digital PDFs (text layer, so no OCR), a catalogue,
a config, and the real batch indexer. For tests of rules that need specific records (a 控制
item, two scans of the same name) rather than the shipped sample."""

from __future__ import annotations

from pathlib import Path

from conftest import write_config

from dangan import config as config_mod
from dangan.indexer.batch import run_batch
from dangan.papers.ink import cjk_font

RESTRICTED_CODE = "X012-WS·1985-Y-0013"
CLOSED_CODE = "X012-WS·1961-Y-0021"
OPEN_CODE = "X012-WS·1985-Y-0012"

FILES = {
    # 控制: the title is not open
    f"{RESTRICTED_CODE}.pdf": ["工资调整审批表", "姓名 解玉堂 性别 男 出生年月 1938年5月",
                               "工作单位 东岭县粮食局 调整时间 1985年10月",
                               "身份证号 11010519380512001Y 备注 本人病历另存"],
    # 不开放, but its title is open (题名开放 = 是)
    f"{CLOSED_CODE}.pdf": ["招工登记表", "姓名 覃桂香 性别 女 出生年月 1943年2月",
                           "工作单位 东岭县水泥厂 招工时间 1961年12月 政审意见 另存"],
    f"{OPEN_CODE}.pdf": ["工资调整审批表", "姓名 曾广才 性别 男 出生年月 1931年3月",
                         "工作单位 东岭县第二机床厂 调整时间 1985年10月 增资 7 元"],
    # Loose scans with the same name in two folders: two people, two documents.
    "a/scan0001.pdf": ["退休审批表", "姓名 王秀英 性别 女 出生年月 1940年1月",
                       "工作单位 东岭县食品公司 退休时间 1995年1月"],
    "b/scan0001.pdf": ["退休审批表", "姓名 欧阳春梅 性别 女 出生年月 1941年6月",
                       "工作单位 东岭县棉纺织厂 退休时间 1996年6月"],
}

CATALOG = (
    "档号,题名,责任者,日期,保管期限,开放标识,题名开放\n"
    f"{RESTRICTED_CODE},解玉堂1985年工资调整审批表,东岭县粮食局,19851006,永久,控制,\n"
    f"{CLOSED_CODE},招工登记表（1961年）,东岭县水泥厂,19611207,永久,不开放,是\n"
    f"{OPEN_CODE},曾广才1985年工资调整审批表,东岭县第二机床厂,19851003,永久,开放,\n"
)


def text_pdf(path: Path, lines: list[str]) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    path.parent.mkdir(parents=True, exist_ok=True)
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont(cjk_font(), 14)
    y = 780
    for line in lines:
        c.drawString(60, y, line)
        y -= 30
    c.showPage()
    c.save()


def make_archive(root: Path, files: dict[str, list[str]] | None = None,
                 catalog: str = CATALOG) -> Path:
    """Scans under root/scans, data under root; returns the config path."""
    scans = root / "scans"
    for name, lines in (FILES if files is None else files).items():
        text_pdf(scans / name, lines)
    if catalog:
        (scans / "catalog.csv").write_text(catalog, encoding="utf-8")
    return write_config(root / "config.toml", scans, root)


def index(config: Path, *paths: Path, **kw):
    cfg = config_mod.load(config)
    return run_batch(cfg, list(paths) or None, progress_stream=open("/dev/null", "w"), **kw)
