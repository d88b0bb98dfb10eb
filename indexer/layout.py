"""Put OCR lines back in reading order and find a table's header row and columns.

OCR returns table cells as separate lines in no useful order. Grouping them into visual rows
(by vertical overlap) gives reading order; a row of known column headings (序号 姓名 性别 …)
marks a roster, and each cell below it belongs to the heading it sits under.
"""

from __future__ import annotations

import bisect
import re
import statistics
from dataclasses import dataclass

from dangan.text.names import clean_cell

from .ocr.base import Line

ROSTER_HEADINGS = {"序号", "姓名", "性别", "出生年月", "出生日期", "参加工作时间", "职务", "工种",
                   "备注", "年龄", "民族", "文化程度", "套改前工资", "套改后工资", "增资额",
                   "原工资", "现工资", "工作单位", "职务工种", "单位", "所在单位", "籍贯",
                   "原工资标准", "原标准", "新标准", "调整后工资", "晋级后工资", "新工资",
                   "转正后工资", "月增资额", "原等级", "现等级", "原工资等级", "调整后等级",
                   "身份证号", "身份证号码", "任教时间", "入伍时间", "转正时间", "招工时间",
                   "退休时间", "工龄", "连续工龄", "文化", "政治面貌"}
MONEY_WORDS = ("工资", "增资", "金额", "标准", "元", "费")


@dataclass
class Row:
    lines: list[Line]

    @property
    def top(self) -> int:
        return min(ln.box[1] for ln in self.lines)

    @property
    def bottom(self) -> int:
        return max(ln.box[3] for ln in self.lines)

    @property
    def box(self) -> tuple[int, int, int, int]:
        return (min(ln.box[0] for ln in self.lines), self.top,
                max(ln.box[2] for ln in self.lines), self.bottom)

    @property
    def text(self) -> str:
        return " ".join(ln.text for ln in self.lines)


def split_at_gutter(lines: list[Line]) -> list[list[Line]]:
    """A two-page spread (or a two-column page) as its halves, left first; else one part.

    The gutter is a vertical band near the middle that no line crosses, with text on both
    sides from top to bottom. A roster has such bands between its columns too, so a band
    only counts when it is wide (several characters) or when both sides are prose (lines
    that fill a good part of their half), never when it is one of a table's column gaps.
    """
    boxed = [ln for ln in lines if ln.box]
    if len(boxed) < 12:
        return [lines]
    x0, x1 = min(ln.box[0] for ln in boxed), max(ln.box[2] for ln in boxed)
    y0, y1 = min(ln.box[1] for ln in boxed), max(ln.box[3] for ln in boxed)
    width, h = x1 - x0, statistics.median(ln.height for ln in boxed) or 1
    spans = sorted((ln.box[0], ln.box[2]) for ln in boxed)
    gaps, reach = [], spans[0][1]
    for a, b in spans[1:]:
        if a > reach:
            gaps.append((reach, a))
        reach = max(reach, b)
    central = [(a, b) for a, b in gaps if x0 + 0.3 * width <= (a + b) / 2 <= x0 + 0.7 * width
               and b - a >= 1.5 * h]
    if not central:
        return [lines]
    a, b = max(central, key=lambda g: g[1] - g[0])
    left = [ln for ln in boxed if ln.box[2] <= a]
    right = [ln for ln in boxed if ln.box[0] >= b]

    def full_height(side: list[Line]) -> bool:
        top, bottom = min(ln.box[1] for ln in side), max(ln.box[3] for ln in side)
        return len(side) >= 5 and bottom - top >= 0.6 * (y1 - y0)

    def prose(side: list[Line], side_width: float) -> bool:
        return statistics.median(ln.box[2] - ln.box[0] for ln in side) >= 0.35 * side_width

    if not (full_height(left) and full_height(right)):
        return [lines]
    slope = skew(boxed)

    def aligned(a_side: list[Line], b_side: list[Line]) -> float:
        """Share of lines with a line on the other side on the same baseline (the page's
        skew taken out): a table's rows run straight across its column gaps, two pages'
        lines mostly do not."""
        return sum(any(abs((x.cy - slope * x.cx) - (y.cy - slope * y.cx)) < 0.2 * h
                       for y in b_side) for x in a_side) / len(a_side)

    if prose(left, a - x0) and prose(right, x1 - b):
        return [left, right]
    if b - a >= 4 * h and aligned(left, right) < 0.5 and aligned(right, left) < 0.5:
        return [left, right]
    return [lines]


def rows(lines: list[Line]) -> list[Row]:
    """Lines grouped into visual rows, top to bottom, each row left to right; the halves of
    a two-page spread one after the other."""
    boxed = [ln for ln in lines if ln.box]
    if not boxed:
        return [Row([ln]) for ln in lines]  # a PDF text layer is already in reading order
    out: list[Row] = []
    for half in split_at_gutter(boxed):
        out += visual_rows(half)
    return out


def skew(boxed: list[Line]) -> float:
    """The page's slope (dy per dx) as its rows run: the median over each line and its nearest
    neighbour to the right on about the same baseline. A scanned roster a degree or two
    askew drifts by more than a row over its width; 0 when there is too little to tell."""
    if len(boxed) < 8:
        return 0.0
    h = statistics.median(ln.height for ln in boxed) or 1
    by_cy = sorted((ln.cy, ln.box[0], ln.box[2], ln.cx) for ln in boxed)
    cys = [t[0] for t in by_cy]
    slopes = []
    for cy, _, right_edge, cx in by_cy:
        lo, hi = bisect.bisect_left(cys, cy - 0.6 * h), bisect.bisect_right(cys, cy + 0.6 * h)
        best = None
        for ocy, ox0, _, ocx in by_cy[lo:hi]:
            if ox0 >= right_edge - 0.2 * h and ox0 - right_edge < 12 * h and (
                    best is None or ox0 < best[0]):
                best = (ox0, ocy, ocx)
        if best and best[2] - cx > 2 * h:
            slopes.append((best[1] - cy) / (best[2] - cx))
    if len(slopes) < 6:
        return 0.0
    slope = statistics.median(slopes)
    return slope if abs(slope) >= 0.004 else 0.0


def visual_rows(boxed: list[Line]) -> list[Row]:
    """Boxed lines grouped into visual rows by their vertical centres (one page side), the
    page's skew taken out first."""
    median_h = statistics.median(ln.height for ln in boxed) or 1
    slope = skew(boxed)

    def level(ln: Line) -> float:
        return ln.cy - slope * ln.cx

    out: list[Row] = []
    levels: list[list[float]] = []
    for ln in sorted(boxed, key=level):
        # Join the row whose vertical centre is close; skew makes long rows drift a little.
        if out and abs(statistics.fmean(levels[-1]) - level(ln)) < median_h * 0.55:
            out[-1].lines.append(ln)
            levels[-1].append(level(ln))
        else:
            out.append(Row([ln]))
            levels.append([level(ln)])
    for row in out:
        row.lines.sort(key=lambda ln: ln.box[0])
    return out


@dataclass
class Table:
    header: Row
    columns: list[tuple[str, float]]  # (heading, centre x)
    slope: float = 0.0  # the page's skew: a column leans by -slope·dy as the rows go down

    def _shift(self, line: Line) -> float:
        if not self.slope:
            return 0.0
        header_cy = statistics.fmean(ln.cy for ln in self.header.lines)
        return self.slope * (line.cy - header_cy)

    def column_of(self, line: Line) -> str:
        x = line.cx + self._shift(line)
        return min(self.columns, key=lambda c: abs(c[1] - x))[0]

    def spanned(self, line: Line) -> list[str]:
        """The headings whose column middles a cell's box covers, left to right: two when OCR
        ran a long cell into its neighbour ("东岭县城关供销合作社1952年12月")."""
        shift = self._shift(line)
        return [h for h, x in sorted(self.columns, key=lambda c: c[1])
                if line.box and line.box[0] + shift <= x <= line.box[2] + shift]

    def is_money(self, line: Line) -> bool:
        return any(w in self.column_of(line) for w in MONEY_WORDS)


def plain_heading(text: str) -> str:
    """A heading without its unit note ("调整后工资（元）") or spaces; 职工姓名 or 教师姓名 as
    姓名 (the column rosters name their people by)."""
    cell = clean_cell(text)
    plain = re.sub(r"[（(][^）)]{0,6}[）)]?$", "", cell) or cell
    return "姓名" if 2 < len(plain) <= 4 and plain.endswith("姓名") else plain


def find_table(page_rows: list[Row], is_heading=None) -> tuple[Table, int] | None:
    """The roster header row (must hold 姓名 and two more headings) and its index.
    `is_heading` says which cells are column headings (default: ROSTER_HEADINGS)."""
    def heading(cell: str) -> bool:
        return cell in ROSTER_HEADINGS or bool(is_heading and is_heading(cell))

    def split(ln: Line) -> list[tuple[str, float]]:
        """A header cell OCR ran into its neighbour ("序号姓名") as the headings it holds,
        each at its share of the box; any other cell as it is."""
        text = clean_cell(ln.text)
        if plain_heading(text) in ROSTER_HEADINGS:
            return [(text, ln.cx)]
        for k in range(2, len(text) - 1):
            a, b = text[:k], text[k:]
            if heading(a) and heading(plain_heading(b)):
                w = (ln.box[2] - ln.box[0]) / len(text)
                return [(a, ln.box[0] + w * k / 2), (b, ln.box[0] + w * (k + len(text)) / 2)]
        return [(text, ln.cx)]

    for i, row in enumerate(page_rows):
        cells = [cell for ln in row.lines if ln.box for cell in split(ln)]
        names = {plain_heading(c) for c, _ in cells}
        headings = [c for c, _ in cells if heading(plain_heading(c))]
        # A form row also says 姓名 … 性别 … 出生年月, but with values between the labels;
        # a roster header is (almost) nothing but headings.
        if "姓名" in names and len(headings) >= 4 and len(headings) >= 0.75 * len(cells):
            boxed = [ln for r in page_rows for ln in r.lines if ln.box]
            return Table(row, cells, skew(boxed) if boxed else 0.0), i
    return None
