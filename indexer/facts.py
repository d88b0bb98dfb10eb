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

import re
from dataclasses import asdict, dataclass

from dangan.text.dates import find_dates
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
    "retired": "退休时间",
}
DATE_KINDS = {"birth", "work_start", "recruited", "teaching_start", "teaching_end",
              "regularized", "enlisted", "discharged", "wage_effective", "retired"}
MONEY_KINDS = {"wage_before", "wage_after"}

# Labels as printed on forms (after clean_cell: no spaces or colons), longest first so
# 参加工作时间 is never read as 工作单位's neighbour. One label, one kind.
LABELS: dict[str, str] = {
    "出生年月": "birth", "出生日期": "birth", "出生时间": "birth", "出生年月日": "birth",
    "出生": "birth",  # a vertical label read in two cells (出生 | 日期); the value must be a date
    "参加工作时间": "work_start", "参加工作日期": "work_start", "参加工作年月": "work_start",
    "招工时间": "recruited", "招收时间": "recruited", "录用时间": "recruited",
    "任教时间": "teaching_start", "任教起始时间": "teaching_start",
    "开始任教时间": "teaching_start",
    "任教截止时间": "teaching_end", "任教终止时间": "teaching_end",
    "转正时间": "regularized", "转正日期": "regularized",
    "入伍时间": "enlisted", "入伍日期": "enlisted", "入伍年月": "enlisted",
    "退伍时间": "discharged", "退伍日期": "discharged", "复员时间": "discharged",
    "退休时间": "retired", "退休日期": "retired", "离退休时间": "retired",
    "原工资等级": "grade_before", "原等级": "grade_before", "套改前等级": "grade_before",
    "原标准": "wage_before", "原工资标准": "wage_before", "原工资": "wage_before",
    "套改前工资": "wage_before",
    "调整后等级": "grade_after", "现等级": "grade_after", "套改后等级": "grade_after",
    "新标准": "wage_after", "现工资标准": "wage_after", "调整后标准": "wage_after",
    "现工资": "wage_after", "套改后工资": "wage_after",
    "执行时间": "wage_effective",
    "工作单位": "unit", "填报单位": "unit", "招工单位": "unit", "任教学校": "unit",
    "单位（盖章）": "unit", "单位(盖章)": "unit", "单位": "unit",
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
                "批准文号", "月增资额", "连续工龄", "退休类别", "退休费", "计发比例", "审批依据",
                "调资依据", "任教科目", "教龄", "备注", "政审意见")
_LABELS_LONGEST = sorted([*LABELS, *OTHER_LABELS], key=len, reverse=True)
_UNIT_WORDS = ("厂", "局", "公司", "小学", "中学", "学校", "医院", "合作社", "社", "站", "所", "部",
               "院", "校", "队", "场", "店")

# Prose: "于1979.12入伍，1983.3退伍", "1941年4月生", "1958年3月参加工作".
_PROSE_EVENTS = {"入伍": "enlisted", "应征入伍": "enlisted", "退伍": "discharged",
                 "参加工作": "work_start", "出生": "birth", "生）": "birth", "生)": "birth",
                 "转正": "regularized", "退休": "retired"}


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


def shown_text(kind: str, raw: str) -> str:
    """The value as it reads on the page, for the clerk: a date as written (1941.4), an
    amount with its decimals."""
    raw = re.sub(r"^[\s:：]+|\s+$", "", raw)
    if kind in DATE_KINDS:
        dates = find_dates(raw)
        return dates[0].text if dates else raw
    return raw


def normalise_value(kind: str, raw: str) -> str | None:
    """What a cell's text means for this kind of fact, or None when it is not such a value
    (an empty cell, "无", a date cell that holds no date)."""
    text = clean_cell(raw)
    if not text or text in ("无", "/", "—", "-"):
        return None
    if kind in DATE_KINDS:
        dates = find_dates(raw)
        return dates[0].iso if dates else None
    if kind in MONEY_KINDS:
        m = re.search(r"\d+(?:\.\d{1,2})?", raw.replace(" ", ""))
        return m.group(0) if m else None
    if kind == "id_number":
        found = find_id_numbers(raw)
        return found[0] if found else None
    if kind == "gender":
        return text if text in ("男", "女") else None
    if kind in ("name", "former_name"):
        text = text.strip("（）()【】[]")  # a name written in brackets: （岳欣欣）
        return text if looks_like_name(text, relaxed=True) else None
    if kind == "unit":
        return text if len(text) >= 3 and text.endswith(_UNIT_WORDS) else None
    if kind in ("grade_before", "grade_after"):
        return text if len(text) <= 12 else None
    return text if len(text) <= 24 else None


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


def form_facts(page_rows: list[Row]) -> list[Fact]:
    """Labelled cells: the label and its value in one line ("出生年月：1941.4") or the value
    in the next cell to the right. The subject is the last 姓名 read above."""
    facts: list[Fact] = []
    subject: str | None = None

    def add(kind: str, raw: str, box, label_box) -> None:
        nonlocal subject
        value = normalise_value(kind, raw)
        if value is None:
            return
        if kind == "name":
            subject = value
        facts.append(Fact(kind, value, shown_text(kind, raw), box, label_box, subject, None,
                          "form"))

    for row in page_rows:
        for ln in row.lines:
            pairs = _pairs_in_line(ln)
            if pairs:
                for label, raw, start, end in pairs:
                    add(LABELS[label], raw, ln.span_box(start, end), None)
                continue
            cell = clean_cell(ln.text)
            label = _label_at(cell)
            if label not in LABELS:
                continue
            rest = cell[len(label):]
            if rest:
                # the value's position in the line as read (labels may be spaced out: 姓　　名)
                start = ln.text.find(rest[0], len(label))
                start = start if start >= 0 else 0
                add(LABELS[label], ln.text[start:], ln.span_box(start, len(ln.text)),
                    ln.span_box(0, start) if start else None)
                continue
            value_line = _right_of(row, ln)
            if value_line is None or _label_at(clean_cell(value_line.text)):
                continue
            add(LABELS[label], value_line.text, value_line.box, ln.box)
    # The subject is known once 姓名 is read; facts above it (填报单位) belong to it too.
    first = next((f.subject for f in facts if f.subject), None)
    for f in facts:
        f.subject = f.subject or first
    # A form repeats cells (a 登记表 and an 审批表 on one page): one fact per kind and value.
    unique: dict[tuple[str, str, str | None], Fact] = {}
    for f in facts:
        unique.setdefault((f.kind, f.value, f.subject), f)
    return list(unique.values())


def roster_facts(body: list[Row], table: Table, unit: str | None) -> list[Fact]:
    """One set of facts per roster row, by the heading each cell sits under; the unit is the
    roster's (单位（盖章）above the table)."""
    facts: list[Fact] = []
    row_no = 0
    for row in body:
        cells = [(table.column_of(ln), ln) for ln in row.lines]
        names = [ln for heading, ln in cells if heading == "姓名"
                 and looks_like_name(clean_cell(ln.text), relaxed=True)]
        if not names:
            continue
        row_no += 1  # numbered as fields.py numbers roster persons
        name = clean_cell(names[0].text)
        facts.append(Fact("name", name, name, names[0].box, table.header.box, name, row_no,
                          "roster"))
        for i, (heading, ln) in enumerate(cells):
            text = clean_cell(ln.text)
            if text.startswith("曾用名"):  # noted in the remarks: "曾用名 曾满仓"
                alias = text[3:] or (clean_cell(cells[i + 1][1].text) if i + 1 < len(cells)
                                     else "")
                if looks_like_name(alias):
                    facts.append(Fact("former_name", alias, alias, ln.box, None, name, row_no,
                                      "roster"))
                continue
            kind = LABELS.get(heading)
            if not kind or kind == "name":
                continue
            value = normalise_value(kind, ln.text)
            if value is not None:
                header = next((h for h in table.header.lines if clean_cell(h.text) == heading),
                              None)
                facts.append(Fact(kind, value, shown_text(kind, ln.text), ln.box,
                                  header.box if header else None, name, row_no, "roster"))
        if unit:
            facts.append(Fact("unit", unit, unit, None, None, name, row_no, "roster"))
    return facts


def prose_facts(text: str, boxes_of, subject: str | None) -> list[Fact]:
    """Dates followed by the event they date: "1979年12月入伍", "1941.4生）"."""
    facts = []
    for d in find_dates(text):
        after = text[d.end:d.end + 8]
        for word, kind in _PROSE_EVENTS.items():
            if word + "时间" in after or word + "日期" in after:
                continue  # a label, not an event
            spaced = after.lstrip("，, ").startswith(word) and kind != "birth"
            if after.startswith(word) or spaced:
                boxes = boxes_of(d.start, d.end)
                facts.append(Fact(kind, d.iso, d.text, boxes[0] if boxes else None, None,
                                  subject, None, "prose"))
                break
    return facts
