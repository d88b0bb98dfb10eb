"""Facts about a person read from a page: label → value pairs, each with where it was read.

A form says 出生年月 in one cell and 一九四一年四月 in the next (or "出生年月：1941.4" in one);
a roster says it once in the header and then once per row, under that heading; a letter says
it in prose ("于1979.12入伍"). Each fact keeps the box of its value (and of its label), so the
dossier can link to the page with the cell outlined, and the subject it belongs to: the
form's 姓名, or the roster row's name.

Dates go through dangan.text.dates (the one date parser); ID numbers through
dangan.text.idnumbers (checksum-valid only) and are stored whole, for matching, and masked
wherever shown.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import asdict, dataclass

from dangan.text.dates import find_dates
from dangan.text.docnumbers import find_doc_numbers
from dangan.text.idnumbers import find_id_numbers
from dangan.text.names import clean_cell, looks_like_name

from .layout import Row, Table
from .ocr.base import Line

# kind → how staff call it. The order is the order a dossier lists them.
FACT_KINDS: dict[str, str] = {
    "name": "姓名",
    "former_name": "曾用名",
    "gender": "性别",
    "birth": "出生年月",
    "native_place": "籍贯",
    "id_number": "身份证号",
    "unit": "单位",
    "status": "身份",
    "job": "工种",
    "work_start": "参加工作时间",
    "recruited": "招工时间",
    "teaching_start": "民办教师任教时间",
    "teaching_end": "民办教师任教止",
    "regularized": "转正时间",
    "enlisted": "入伍时间",
    "discharged": "退伍时间",
    "grade_before": "原工资等级",
    "wage_before": "原工资标准",
    "grade_after": "调整后工资等级",
    "wage_after": "调整后工资标准",
    "wage_effective": "工资执行时间",
    "wage_raise": "增资额",
    "wage_doc": "调资依据文号",
    "retired": "退休时间",
    "seniority": "工龄",
    "wage_pre_retire": "退休前标准工资",
    "pension": "月退休费",
}
DATE_KINDS = {"birth", "work_start", "recruited", "teaching_start", "teaching_end",
              "regularized", "enlisted", "discharged", "wage_effective", "retired"}
MONEY_KINDS = {"wage_before", "wage_after", "wage_raise", "wage_pre_retire", "pension"}
# The facts of one wage change (a form's, or a roster row's): one timeline event each.
WAGE_KINDS = ("grade_before", "wage_before", "grade_after", "wage_after", "wage_raise",
              "wage_effective", "wage_doc")

# Labels as printed on forms (after clean_cell: no spaces or colons), longest first so
# 参加工作时间 is never read as 工作单位's neighbour. One label, one kind.
LABELS: dict[str, str] = {
    "出生年月": "birth", "出生日期": "birth", "出生时间": "birth", "出生年月日": "birth",
    "出生": "birth",  # a vertical label read in two cells (出生 | 日期); the value must be a date
    "参加工作时间": "work_start", "参加工作日期": "work_start", "参加工作年月": "work_start",
    "招工时间": "recruited", "招收时间": "recruited", "录用时间": "recruited",
    "任教时间": "teaching_start", "任教起始时间": "teaching_start",
    "开始任教时间": "teaching_start", "任民办教师时间": "teaching_start",
    "任民办教师起始时间": "teaching_start", "民办教师任教时间": "teaching_start",
    # a span (1965.9—1980.12): its first date starts it, its second ends it (form_facts)
    "任教起止时间": "teaching_start", "任教起讫时间": "teaching_start",
    "任民办教师起止时间": "teaching_start",
    "任教截止时间": "teaching_end", "任教终止时间": "teaching_end",
    "转正时间": "regularized", "转正日期": "regularized",
    "入伍时间": "enlisted", "入伍日期": "enlisted", "入伍年月": "enlisted",
    "应征入伍时间": "enlisted", "参军时间": "enlisted", "参军日期": "enlisted",
    "参加工作": "work_start",  # a label whose 时间 OCR lost; the value must be a date
    "退伍时间": "discharged", "退伍日期": "discharged", "复员时间": "discharged",
    "退休时间": "retired", "退休日期": "retired", "离退休时间": "retired",
    "原工资等级": "grade_before", "原等级": "grade_before", "套改前等级": "grade_before",
    "原标准": "wage_before", "原工资标准": "wage_before", "原工资": "wage_before",
    "套改前工资": "wage_before", "调整前工资": "wage_before", "晋级前工资": "wage_before",
    "转正前工资": "wage_before", "原工资额": "wage_before",
    "调整后等级": "grade_after", "现等级": "grade_after", "套改后等级": "grade_after",
    "晋级后等级": "grade_after", "新等级": "grade_after",
    "新标准": "wage_after", "现工资标准": "wage_after", "调整后标准": "wage_after",
    "现工资": "wage_after", "套改后工资": "wage_after", "调整后工资": "wage_after",
    "调整后工资标准": "wage_after", "晋级后工资": "wage_after", "新工资": "wage_after",
    "新工资标准": "wage_after", "转正后工资": "wage_after", "套改后标准": "wage_after",
    "增资额": "wage_raise", "月增资额": "wage_raise", "增资金额": "wage_raise",
    "增加工资": "wage_raise",
    "调资依据": "wage_doc", "调资文号": "wage_doc", "增资依据": "wage_doc",
    "套改依据": "wage_doc",
    "执行时间": "wage_effective",
    "工龄": "seniority", "连续工龄": "seniority", "工作年限": "seniority",
    "退休前标准工资": "wage_pre_retire", "退休前工资": "wage_pre_retire",
    "退休费": "pension", "月退休费": "pension", "退休费标准": "pension",
    "工作单位": "unit", "填报单位": "unit", "招工单位": "unit", "任教学校": "unit",
    "单位（盖章）": "unit", "单位(盖章)": "unit", "单位": "unit", "所在单位": "unit",
    "身份证号码": "id_number", "身份证号": "id_number", "公民身份号码": "id_number",
    "曾用名": "former_name", "籍贯": "native_place", "性别": "gender", "姓名": "name",
    # 身份 (干部/工人) and 工种: which original retirement age applies to a woman, and the work
    # a 特殊工种 early retirement rests on (dangan/pension). 用工形式 全民工/合同制 says 工人.
    "身份": "status", "用工形式": "status", "用工性质": "status", "干部/工人": "status",
    "工种": "job", "职务(工种)": "job", "职务（工种）": "job", "从事工种": "job",
    "特殊工种": "job", "工种名称": "job",
}
# Labels of cells that say nothing the dossier uses: they only end the value before them
# ("招工单位 东岭县针织厂 填报日期 …" as one line).
OTHER_LABELS = ("填报日期", "填表日期", "民族", "文化程度", "职务", "家庭住址",
                "批准文号", "退休类别", "计发比例", "审批依据", "任教科目", "教龄", "备注",
                "政审意见", "序号")
_LABELS_LONGEST = sorted([*LABELS, *OTHER_LABELS], key=len, reverse=True)
_UNIT_WORDS = ("厂", "局", "公司", "小学", "中学", "学校", "医院", "合作社", "社", "站", "所", "部",
               "院", "校", "队", "场", "店", "矿", "馆", "处", "会", "团", "中心", "园", "行", "科",
               "室", "委")

# Prose: "于1979.12入伍，1983.3退伍", "1941年4月生", "1958年3月参加工作".
_PROSE_EVENTS = {"入伍": "enlisted", "应征入伍": "enlisted", "退伍": "discharged",
                 "参加工作": "work_start", "出生": "birth", "生）": "birth", "生)": "birth",
                 "转正": "regularized", "退休": "retired", "参军": "enlisted",
                 "起任民办教师": "teaching_start", "任民办教师": "teaching_start",
                 "起担任民办教师": "teaching_start", "担任民办教师": "teaching_start",
                 "开始任教": "teaching_start", "起任教": "teaching_start",
                 "招工": "recruited", "被招收": "recruited"}


@dataclass
class Fact:
    kind: str
    value: str  # normalised: ISO date (1941-04), amount (155.86), text
    text: str  # the value as read on the page
    box: tuple[int, int, int, int] | None = None  # the value's box
    label_box: tuple[int, int, int, int] | None = None
    subject: str | None = None  # whose fact: the form's 姓名 or the roster row's name
    row: int | None = None  # roster row number, 1-based (as PersonHit.row)
    source: str = "form"  # form | roster | prose
    # 人工核对: who checked this value against the scan (dangan/corrections, never stored
    # with the machine reading); None for what the machine read (机器识别)
    checked: dict | None = None

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Fact:
        return cls(**{**data, "box": tuple(data["box"]) if data.get("box") else None,
                      "label_box": tuple(data["label_box"]) if data.get("label_box") else None})

    @property
    def label(self) -> str:
        return FACT_KINDS.get(self.kind, self.kind)


# Dots and bullets OCR leaves in a value ("3级·", "第·三冶炼厂"): specks on the page, never
# part of a grade, an amount or a unit (a name's 间隔号 is kept: 买买提·艾力).
_SPECKS = re.compile(r"[·•・∙‧]")


def _despeck(kind: str, raw: str) -> str:
    return raw if kind in ("name", "former_name") else _SPECKS.sub("", raw)


def shown_text(kind: str, raw: str) -> str:
    """The value as it reads on the page, for the clerk: a date as written (1941.4), an
    amount with its decimals."""
    raw = re.sub(r"^[\s:：]+|\s+$", "", _despeck(kind, raw))
    if kind in DATE_KINDS:
        dates = find_dates(raw)
        return dates[0].text if dates else raw
    if kind == "wage_doc":
        numbers = find_doc_numbers(raw)
        return numbers[0].normalized if numbers else raw
    return raw


_OLD_ID = re.compile(r"(?<![0-9])([0-9]{6})([0-9]{2})([01][0-9])([0-3][0-9])[0-9]{3}(?![0-9Xx])")


def _amount(raw: str) -> str | None:
    """The amount in a wage cell: "54.71元", "五级54.71", "3级 54.71" (the grade's number is
    not the amount), "54．71" (a full-width point)."""
    text = raw.replace(" ", "").replace("．", ".").replace("，", ".")
    numbers = [m for m in re.finditer(r"\d+(?:\.\d{1,2})?", text)
               if text[m.end():m.end() + 1] not in ("级", "档", "类", "等")]
    if not numbers:
        return None
    return max(numbers, key=lambda m: ("." in m.group(0), len(m.group(0)))).group(0)


def old_id_number(raw: str) -> str | None:
    """A 15-digit ID number (the format before 1999: region, YYMMDD born in 19YY, sequence;
    no check digit), taken only from a cell labelled as one, and only with a real birth day."""
    m = _OLD_ID.search(re.sub(r"(?<=\d)[ \u3000](?=\d)", "", raw))
    if not m:
        return None
    try:
        dt.date(1900 + int(m.group(2)), int(m.group(3)), int(m.group(4)))
    except ValueError:
        return None
    return m.group(0)


def normalise_value(kind: str, raw: str) -> str | None:
    """What a cell's text means for this kind of fact, or None when it is not such a value
    (an empty cell, "无", a date cell that holds no date)."""
    raw = _despeck(kind, raw)
    text = clean_cell(raw).lstrip("）)]】|｜")
    if not text or text in ("无", "/", "—", "-"):
        return None
    if kind in DATE_KINDS:
        dates = find_dates(raw)
        return dates[0].iso if dates else None
    if kind in MONEY_KINDS:
        return _amount(raw)
    if kind == "id_number":
        raw = re.sub("[×ⅩХх]", "X", raw)  # the check character as OCR may read it
        found = find_id_numbers(raw)
        return found[0] if found else old_id_number(raw)
    if kind == "gender":
        text = text.removesuffix("性")  # 男性
        return text if text in ("男", "女") else None
    if kind in ("name", "former_name"):
        text = text.strip("（）()【】[]")  # a name written in brackets: （岳欣欣）
        return text if looks_like_name(text, relaxed=True) else None
    if kind == "unit":
        return text if len(text) >= 3 and text.endswith(_UNIT_WORDS) else None
    if kind in ("grade_before", "grade_after"):
        return text if len(text) <= 12 else None
    if kind == "wage_doc":
        numbers = find_doc_numbers(raw)
        return numbers[0].normalized if numbers else None
    if kind == "seniority":  # as written: 37年, 三十七年, 25年6个月
        m = re.search(r"[0-9一二三四五六七八九十]+年(?:[0-9一二三四五六七八九十]+个?月)?", text)
        return m.group(0) if m else None
    return text if len(text) <= 24 else None


FILER_LABELS = ("填报单位", "单位（盖章）", "单位(盖章)")
LABEL_DEBRIS = "）)(（]】[【|｜丨/"


@functools.lru_cache(maxsize=4096)
def _label_at(cell: str) -> str | None:
    for label in _LABELS_LONGEST:
        if cell.startswith(label):
            return label
    return None


def _right_of(row: Row, line: Line) -> Line | None:
    right = [ln for ln in row.lines if ln is not line and ln.box and line.box
             and ln.box[0] >= line.box[2] - line.height * 0.3]
    return min(right, key=lambda ln: ln.box[0]) if right else None


_LABEL_RE = re.compile("|".join(re.escape(x) for x in _LABELS_LONGEST))


def _pairs_in_line(ln: Line) -> list[tuple[str, str, int, int]] | None:
    """A line that runs several cells together ("姓名 解玉堂 性别 男 出生年月 1938年5月", as a
    PDF's text layer or a wide OCR box gives them): (label, raw value, start, end) for each
    label and the text up to the next label; None when the line is not of that shape (one
    label at most, or not starting with one)."""
    found = list(_LABEL_RE.finditer(ln.text))
    if len(found) < 2 or ln.text[:found[0].start()].strip():
        return None
    out = []
    for m, nxt in zip(found, [*found[1:], None], strict=True):
        if m.group(0) not in LABELS:
            continue
        end = nxt.start() if nxt else len(ln.text)
        raw = ln.text[m.end():end]
        lead = len(raw) - len(raw.lstrip(" :：\u3000"))
        if raw.strip(" :：\u3000"):
            out.append((m.group(0), raw[lead:], m.end() + lead, end))
    return out


_TAILS = re.compile(r"(?:名称|全称|及职务|及工种|（全称）|\(全称\)|年月日|年月|日期|时间)")


def _label_tail(kind: str, rest: str) -> bool:
    """What follows a label in its own cell and is more label, not a value."""
    return bool(_TAILS.fullmatch(rest)) and normalise_value(kind, rest) is None


def form_facts(page_rows: list[Row]) -> list[Fact]:
    """Labelled cells: the label and its value in one line ("出生年月：1941.4") or the value
    in the next cell to the right. The subject is the last 姓名 read above."""
    facts: list[Fact] = []
    subject: str | None = None

    filer: list[Fact] = []  # units named by 填报单位 (who filled the form in)

    def add(kind: str, raw: str, box, label_box, label: str = "") -> None:
        nonlocal subject
        value = normalise_value(kind, raw)
        if value is None:
            return
        if label in FILER_LABELS:
            filer.append(Fact(kind, value, shown_text(kind, raw), box, label_box, subject,
                              None, "form"))
            return
        span = find_dates(raw) if kind == "teaching_start" else []
        if len(span) == 2:  # 任教起止时间 1965.9—1980.12
            facts.append(Fact("teaching_end", span[1].iso, span[1].text, box, label_box,
                              subject, None, "form"))
            raw = span[0].text
        if kind == "name":
            subject = value
        facts.append(Fact(kind, value, shown_text(kind, raw), box, label_box, subject, None,
                          "form"))

    for row in page_rows:
        for ln in row.lines:
            pairs = _pairs_in_line(ln)
            if pairs:
                for label, raw, start, end in pairs:
                    add(LABELS[label], raw, ln.span_box(start, end), None, label)
                continue
            cell = clean_cell(ln.text)
            label = _label_at(cell)
            if label not in LABELS:
                continue
            # a label's bracket or bar read into the cell ("姓名）", "姓名|"): still the label
            rest = cell[len(label):].lstrip(LABEL_DEBRIS)
            if rest and _label_tail(LABELS[label], rest):
                rest = ""  # 单位名称, 工作单位及职务: the label goes on; its value is right of it
            if rest:
                # the value's position in the line as read (labels may be spaced out: 姓　　名)
                start = ln.text.find(rest[0], len(label))
                start = start if start >= 0 else 0
                add(LABELS[label], ln.text[start:], ln.span_box(start, len(ln.text)),
                    ln.span_box(0, start) if start else None, label)
                continue
            value_line = _right_of(row, ln)
            if value_line is None or _label_at(clean_cell(value_line.text)):
                continue
            add(LABELS[label], value_line.text, value_line.box, ln.box, label)
    # 填报单位 is the person's unit only where the form names no 工作单位: an office that
    # filled in the form for people of many units is not their unit.
    if not any(f.kind == "unit" for f in facts):
        facts = filer + facts
    # The subject is known once 姓名 is read; facts above it (填报单位) belong to it too.
    first = next((f.subject for f in facts if f.subject), None)
    for f in facts:
        f.subject = f.subject or first
    # A form repeats cells (a 登记表 and an 审批表 on one page): one fact per kind and value.
    unique: dict[tuple[str, str, str | None], Fact] = {}
    for f in facts:
        unique.setdefault((f.kind, f.value, f.subject), f)
    return list(unique.values())


def _known_labels() -> set[str]:
    from .layout import ROSTER_HEADINGS
    return {*LABELS, *OTHER_LABELS, *ROSTER_HEADINGS}


_KNOWN = _known_labels()
_PREFIXES = {k[:i] for k in _KNOWN for i in range(1, len(k))}


def join_stacked_labels(lines: list[Line]) -> list[Line]:
    """A label printed over two or three lines of its cell ("参加工作" over "时间", "任民办教师"
    over "时间") as one line with the union box, so it is read as the label it is. Only
    fragments that together make a known label are joined; everything else is untouched."""
    boxed = sorted((ln for ln in lines if ln.box), key=lambda ln: ln.box[1])
    joined: dict[int, Line] = {}
    used: set[int] = set()
    for a in boxed:
        if id(a) in used:
            continue
        top, text, parts = a, clean_cell(a.text), []
        h = max(a.height, 1)
        while text in _PREFIXES and len(parts) < 2:
            cand = [b for b in boxed if id(b) not in used and b is not a and b not in parts
                    and -0.3 * h <= b.box[1] - top.box[3] <= 0.9 * h
                    and min(top.box[2], b.box[2]) - max(top.box[0], b.box[0])
                    >= 0.4 * min(top.box[2] - top.box[0], b.box[2] - b.box[0])
                    and (heading_key(text + clean_cell(b.text)) in _KNOWN
                         or text + clean_cell(b.text) in _PREFIXES)]
            if not cand:
                break
            b = min(cand, key=lambda b: b.box[1])
            top = Line(top.text + b.text, (min(top.box[0], b.box[0]), top.box[1],
                                           max(top.box[2], b.box[2]), b.box[3]),
                       min(top.confidence, b.confidence), None, None, top.kind)
            text = clean_cell(top.text)
            parts.append(b)
        if parts and heading_key(text) in _KNOWN:
            joined[id(a)] = top
            used |= {id(b) for b in parts}
    if not joined:
        return lines
    return [joined.get(id(ln), ln) for ln in lines if id(ln) not in used]


def heading_key(text: str) -> str:
    """A column heading as the LABELS know it: without a unit or format note in brackets
    ("调整后工资（元）", "出生年月(年.月)"), without the spaces of a spaced-out heading, and
    职工姓名 or 教师姓名 as 姓名."""
    from .layout import plain_heading
    return plain_heading(text)


@functools.lru_cache(maxsize=4096)
def heading_kind(heading: str) -> str | None:
    """The kind of fact a roster column holds, by its heading: a label as forms print it, or
    one that begins with it ("工作单位名称", "原工资标准额")."""
    key = heading_key(heading)
    if key in LABELS:
        return LABELS[key]
    label = _label_at(key)
    return LABELS.get(label) if label and len(label) >= 3 else None


def _cells_of(ln: Line, table: Table) -> list[tuple[str, Line]]:
    """(heading, cell) for a line of a roster row: a line OCR ran over two columns (a long
    unit and the date after it, an amount and the next) is cut where the second column's
    value begins — a date or an amount at its end; any other line is one cell."""
    spanned = table.spanned(ln)
    if len(spanned) == 2:
        first, second = spanned
        kind = heading_kind(second)
        found = None
        if kind in DATE_KINDS:
            dates = find_dates(ln.text)
            found = (dates[-1].start, dates[-1].end) if dates else None
        elif kind in MONEY_KINDS:
            amounts = list(re.finditer(r"\d+\.\d{2}", ln.text))
            found = (amounts[-1].start(), amounts[-1].end()) if len(amounts) >= 1 else None
        if found and found[0] > 0 and ln.text[:found[0]].strip():
            a, b = found
            return [(first, Line(ln.text[:a], ln.span_box(0, a), ln.confidence)),
                    (second, Line(ln.text[a:b], ln.span_box(a, b), ln.confidence))]
    return [(table.column_of(ln), ln)]


def roster_facts(body: list[Row], table: Table) -> list[Fact]:
    """One set of facts per roster row, by the heading each cell sits under. A row's unit is
    its own 单位 cell or none: the office named above the table (the one that issued it, or
    the first row's unit) is not every row's unit."""
    facts: list[Fact] = []
    row_no = 0
    for row in body:
        cells = [cell for ln in row.lines for cell in _cells_of(ln, table)]
        names = [ln for heading, ln in cells if heading_key(heading) == "姓名"
                 and looks_like_name(clean_cell(ln.text), relaxed=True)]
        if not names:
            continue
        row_no += 1  # numbered as fields.py numbers roster persons
        name = clean_cell(names[0].text)
        facts.append(Fact("name", name, name, names[0].box, table.header.box, name, row_no,
                          "roster"))
        seen: set[str] = set()
        for i, (heading, ln) in enumerate(cells):
            text = clean_cell(ln.text)
            if text.startswith("曾用名"):  # noted in the remarks: "曾用名 曾满仓"
                alias = text[3:] or (clean_cell(cells[i + 1][1].text) if i + 1 < len(cells)
                                     else "")
                if looks_like_name(alias):
                    facts.append(Fact("former_name", alias, alias, ln.box, None, name, row_no,
                                      "roster"))
                continue
            kind = heading_kind(heading)
            if not kind or kind == "name" or kind in seen:
                continue  # one value per column kind: a cell split in two is read once
            value = normalise_value(kind, ln.text)
            if value is not None:
                seen.add(kind)
                header = next((h for h in table.header.lines if h.text == heading
                               or clean_cell(h.text) == heading), None)
                facts.append(Fact(kind, value, shown_text(kind, ln.text), ln.box,
                                  header.box if header else None, name, row_no, "roster"))
    return facts


def prose_facts(text: str, boxes_of, subject: str | None, names=()) -> list[Fact]:
    """Dates followed by the event they date: "1979年12月入伍", "1941.4生）". A date wrapped
    at the end of a line ("批准你于一九" / "八四年十二月三日应征入伍") is read whole. Each
    event is the fact of the person named last before it (of `names`, the page's persons),
    else of `subject`: "其夫刘建国1962年8月参军" is 刘建国's."""
    joined, where = _unwrapped(text)
    mentions = sorted((m.start(), name) for name in {*names, *([subject] if subject else [])}
                      for m in re.finditer(re.escape(name), joined))
    facts = []
    for d in find_dates(joined):
        before = [name for at, name in mentions if at < d.start]
        owner = before[-1] if before else subject
        after = joined[d.end:d.end + 8]
        for word, kind in _PROSE_EVENTS.items():
            if word + "时间" in after or word + "日期" in after:
                continue  # a label, not an event
            spaced = after.lstrip("，, ").startswith(word) and kind != "birth"
            if after.startswith(word) or spaced:
                boxes = boxes_of(where[d.start], where[d.end - 1] + 1)
                facts.append(Fact(kind, d.iso, d.text, boxes[0] if boxes else None, None,
                                  owner, None, "prose"))
                break
    return facts


def _unwrapped(text: str) -> tuple[str, list[int]]:
    """The text with line breaks inside a sentence taken out (between two characters of
    running text), and each character's offset in the original."""
    out, where = [], []
    for i, ch in enumerate(text):
        if ch == "\n" and 0 < i < len(text) - 1 and _RUNNING.match(text[i - 1]) \
                and _RUNNING.match(text[i + 1]):
            continue
        out.append(ch)
        where.append(i)
    return "".join(out), where


_RUNNING = re.compile(r"[\u4e00-\u9fff〇0-9.]")
_PROSE_GENDER = re.compile(r"[（(]\s*([男女])\s*[，,、；;）)]")


def prose_gender(text: str, boxes_of, subject: str) -> list[Fact]:
    """The gender prose gives right after a name: "仇卫东同志（男，1956年11月生）"."""
    at = text.find(subject)
    if at < 0:
        return []
    m = _PROSE_GENDER.search(text, at + len(subject), at + len(subject) + 8)
    if not m:
        return []
    boxes = boxes_of(m.start(1), m.end(1))
    return [Fact("gender", m.group(1), m.group(1), boxes[0] if boxes else None, None, subject,
                 None, "prose")]
