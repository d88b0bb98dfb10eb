"""From OCR lines to what staff search by: persons, years, 文号, ID numbers, units, type.

Forms name a person in a labelled cell (姓名, 曾用名), rosters in a column under 姓名, letters
in prose ("兹介绍……瞿德明同志"). Each person keeps the box where it was read, so a hit can be
marked on the scan and a roster hit points at its own row.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from dangan.doctypes import classify
from dangan.text.dates import damaged_years, find_dates, year_mentions
from dangan.text.docnumbers import find_doc_numbers
from dangan.text.idnumbers import find_id_numbers
from dangan.text.names import clean_cell, is_name_cell, looks_like_name, names_in_prose
from dangan.text.normalize import HAN

from .facts import (
    LABEL_DEBRIS,
    Fact,
    form_facts,
    heading_key,
    heading_kind,
    join_stacked_labels,
    prose_facts,
    prose_gender,
    roster_facts,
)
from .layout import Row, find_table, rows
from .ocr.base import Line
from .reading import ReadingText, normalized_line, reading_text

PERSON_LABELS = {"姓名": "姓名", "曾用名": "曾用名"}
UNIT_LABELS = ("工作单位", "填报单位", "招工单位", "任教学校", "单位（盖章）", "单位(盖章)", "单位")
_UNIT_RE = re.compile(f"^[{HAN}]{{3,24}}(厂|局|公司|小学|中学|学校|医院|合作社|社|站|所|部)$")
# The words of a sentence that lead into a unit ("，分配到东岭县水泥厂"): the unit is what
# follows them, never the phrase (OCR joins the label and the unit written after it).
_INTO_UNIT = re.compile(
    "^(?:分配|调动|调|借调|招收|录用|安排|派|转|回|进|迁)(?:到|至|入|往|回|在)|^进入|^调入|^来自")


@dataclass
class PersonHit:
    name: str
    role: str  # 姓名 | 曾用名 | roster | prose | cell
    box: tuple[int, int, int, int] | None = None
    row: int | None = None  # roster row number, 1-based
    row_box: tuple[int, int, int, int] | None = None
    alias_of: str | None = None  # for 曾用名: the person's current name


@dataclass
class PageFields:
    persons: list[PersonHit] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    # years read from a damaged date ("一九八年") and confirmed by the page (another date of
    # that year, or the recogniser's alternatives); also in `years`, listed here so staff
    # can see they were inferred
    years_uncertain: list[int] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    doc_numbers: list[str] = field(default_factory=list)
    id_numbers: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    # Names and 文号 as the recogniser nearly read them (凤 where it read 风): searchable with
    # a lower weight than what it did read
    ocr_alternatives: list[str] = field(default_factory=list)
    # The text around each character the recogniser nearly read otherwise, as it would read
    # with that character ("断肠声里忆年生" → "断肠声里忆平生"): phrases find it, weaker
    alt_text: list[str] = field(default_factory=list)
    # What the red seals stamped on the page say (the issuing unit), read apart from the text
    seals: list[str] = field(default_factory=list)
    # Label → value facts about the persons on the page (出生年月, 参加工作时间 …), each with
    # its box and subject: what a person's dossier is assembled from (see facts.py)
    facts: list[Fact] = field(default_factory=list)
    doc_type: str = "other"
    title: str = ""
    text: str = ""  # normalised page text in reading order (what is indexed)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> PageFields:
        persons = [PersonHit(**{**p, "box": tuple(p["box"]) if p.get("box") else None,
                                "row_box": tuple(p["row_box"]) if p.get("row_box") else None})
                   for p in data.get("persons", [])]
        facts = [Fact.from_json(f) for f in data.get("facts", [])]
        return cls(**{**data, "persons": persons, "facts": facts})

    @property
    def person_names(self) -> list[str]:
        return list(dict.fromkeys(p.name for p in self.persons))


def extract(lines: list[Line]) -> PageFields:
    """All fields of one page. Lines are normalised here; originals stay with the caller."""
    norm = [normalized_line(ln) for ln in lines]
    seals = [ln.text for ln in norm if ln.kind == "seal"]
    norm = [ln for ln in norm if ln.text.strip() and ln.kind != "seal"]
    page_rows = rows(join_stacked_labels(norm))  # cells; the reading keeps the lines as read
    fields = PageFields()
    reading = reading_text(norm)
    fields.text = reading.text
    table = find_table(page_rows, heading_kind)
    persons: list[PersonHit] = []
    money_lines: set[int] = set()
    units = _units(page_rows)
    if table:
        tbl, header_index = table
        persons += _roster_persons(page_rows[header_index + 1:], tbl)
        persons += _labelled_persons(page_rows[:header_index])
        facts = roster_facts(page_rows[header_index + 1:], tbl)
        for row in page_rows[header_index + 1:]:
            money_lines |= {id(ln) for ln in row.lines if tbl.is_money(ln) or _amounts(ln)}
    else:
        persons += _labelled_persons(page_rows)
        facts = form_facts(page_rows)
    persons += _persons_of_facts(facts, {p.name for p in persons})
    persons += _prose_persons(norm, reading, {p.name for p in persons})
    fields.facts = _with_prose_facts(facts, norm, reading, persons)
    persons += _cell_persons(norm, {p.name for p in persons})
    fields.persons = persons

    dates, years = [], set()
    for ln in norm:
        if id(ln) in money_lines:
            continue
        for d in find_dates(ln.text):
            dates.append(d.iso)
            years.add(d.year)
        years.update(year_mentions(ln.text))
    doc_numbers = find_doc_numbers(reading.text)
    alt_names, alt_numbers, alt_years = _alternatives(norm, persons, money_lines)
    # A damaged year is confirmed by a date of the page or by what the recogniser nearly
    # read; not by a 文号, whose year is the policy's, not the event's.
    evidence = years | alt_years
    uncertain = set(alt_years - years)
    for ln in norm:
        for candidates in damaged_years(ln.text):
            confirmed = candidates & evidence
            if len(confirmed) == 1:
                uncertain |= confirmed
    fields.dates = list(dict.fromkeys(dates))
    fields.years = sorted(years | uncertain)
    fields.years_uncertain = sorted(uncertain - years)
    fields.doc_numbers = list(dict.fromkeys(d.normalized for d in doc_numbers))
    fields.alt_text = _alternative_windows(norm)
    fields.ocr_alternatives = [a for a in dict.fromkeys([*alt_names, *alt_numbers])
                               if a not in fields.doc_numbers and a not in fields.person_names]
    fields.id_numbers = list(dict.fromkeys(
        [*find_id_numbers(reading.text), *(f.value for f in fields.facts
                                           if f.kind == "id_number")]))
    fields.seals = list(dict.fromkeys(seals))
    fields.units = units
    fields.title = _title(page_rows)
    fields.doc_type = classify(fields.title, fields.text)
    return fields


_AMOUNTS = re.compile(r"(?:\d{1,4}\.\d{2}元?\s*){2,}")


def _amounts(line: Line) -> bool:
    """Roster cells OCR ran together ("101.16 159.27 58.11"): amounts, never dates, whatever
    column the run's middle falls under."""
    return bool(_AMOUNTS.fullmatch(line.text.strip()))


def _alternatives(lines: list[Line], persons: list[PersonHit], money_lines
                  ) -> tuple[list[str], list[str], set[int]]:
    """What the page may also say, read from the recogniser's alternatives: other spellings
    of the names found on it, 文号 and years. A year counts only where the line as read had
    none: an alternative recovers a damaged date ("一九八年" with a 〇 nearly read), it never
    competes with a clean one, so the year filter stays exact."""
    names, numbers, years = [], [], set()
    known = {p.name for p in persons}
    for ln in lines:
        if not ln.alternatives:
            continue
        spans = [(d.start, d.end) for d in find_dates(ln.text)]
        for text, start, _ in ln.alternative_texts():
            for name in known:
                at = ln.text.find(name)
                if at >= 0 and at <= start < at + len(name) and len(text) == len(ln.text):
                    names.append(text[at:at + len(name)])
            if id(ln) not in money_lines:
                for d in find_dates(text):
                    if d.start <= start < d.end and not any(s < d.end and d.start < e
                                                            for s, e in spans):
                        years.add(d.year)
            # a 文号 may compete with the one read (41号 or 47号): it is a weaker field
            numbers += [d.normalized for d in find_doc_numbers(text) if d.start <= start < d.end]
    return names, numbers, years


ALT_WINDOW = 6  # characters kept on each side of an alternative: a typed phrase's reach


def _alternative_windows(lines: list[Line]) -> list[str]:
    out = []
    for ln in lines:
        for text, start, end in ln.alternative_texts():
            out.append(text[max(0, start - ALT_WINDOW):end + ALT_WINDOW])
    return list(dict.fromkeys(out))


def _persons_of_facts(facts: list[Fact], known: set[str]) -> list[PersonHit]:
    """Names that only the facts read: a line running cells together ("姓名 解玉堂 性别 男",
    as a PDF's text layer gives it) is a labelled cell all the same."""
    found = []
    for f in facts:
        if f.kind in ("name", "former_name") and f.row is None and f.value not in known:
            known.add(f.value)
            found.append(PersonHit(f.value, "姓名" if f.kind == "name" else "曾用名", f.box,
                                   alias_of=f.subject if f.kind == "former_name" else None))
    return found


def _with_prose_facts(facts: list[Fact], lines: list[Line], reading: ReadingText,
                      persons: list[PersonHit]) -> list[Fact]:
    """Add the dates prose gives an event ("于1979.12入伍"), about the page's subject (its
    姓名, else the first person named in the prose), where no cell said the same; and the
    gender prose gives after the name ("仇卫东同志（男，…"), where no cell gives one."""
    subject = next((f.subject for f in facts if f.subject and f.row is None), None) or next(
        (p.name for p in persons if p.role == "prose"), None)
    if subject is None or any(f.row is not None for f in facts):
        return facts  # a roster's facts are by row
    def boxes_of(s, e):
        return reading.boxes(lines, s, e)

    if not any(f.kind == "gender" and f.subject == subject for f in facts):
        facts += prose_gender(reading.text, boxes_of, subject)
    if any(f.kind not in ("name", "gender") for f in facts):
        return facts  # a form's cells say it (its "1958年3月退休时间" is a label)
    seen = {(f.kind, f.value, f.subject) for f in facts}
    for f in prose_facts(reading.text, boxes_of, subject, [p.name for p in persons]):
        if (f.kind, f.value, f.subject) not in seen:
            seen.add((f.kind, f.value, f.subject))
            facts.append(f)
    return facts


def _same_row_right(row: Row, label: Line) -> Line | None:
    right = [ln for ln in row.lines if ln.box and ln.box[0] >= label.box[2] - label.height * 0.3
             and ln is not label]
    return min(right, key=lambda ln: ln.box[0]) if right else None


def _labelled_persons(page_rows: list[Row]) -> list[PersonHit]:
    found: list[PersonHit] = []
    current: str | None = None
    for row in page_rows:
        for ln in row.lines:
            cell = clean_cell(ln.text)
            for label, role in PERSON_LABELS.items():
                if not cell.startswith(label) or (label == "姓名" and cell.startswith("姓名：无")):
                    continue
                rest = cell[len(label):].lstrip(LABEL_DEBRIS)  # "姓名）": a damaged label
                hit = None
                if rest and looks_like_name(rest, relaxed=True):
                    start = ln.text.find(rest[0], len(label))
                    hit = PersonHit(rest, role, ln.span_box(start, start + len(rest)))
                elif not rest and ln.box:
                    value = _same_row_right(row, ln)
                    if value and looks_like_name(clean_cell(value.text), relaxed=True):
                        name = clean_cell(value.text)
                        start = value.text.find(name[0])
                        hit = PersonHit(name, role, value.span_box(start, start + len(name)))
                if hit:
                    if role == "姓名":
                        current = hit.name
                    else:
                        hit.alias_of = current
                    found.append(hit)
    # A form repeats its subject's name (登记表 and 审批表 on one page): keep the first box.
    unique: dict[tuple[str, str], PersonHit] = {}
    for p in found:
        unique.setdefault((p.name, p.role), p)
    return list(unique.values())


def _roster_persons(body: list[Row], table) -> list[PersonHit]:
    found: list[PersonHit] = []
    row_no = 0
    for row in body:
        name_cells = [ln for ln in row.lines if heading_key(table.column_of(ln)) == "姓名"
                      and looks_like_name(clean_cell(ln.text), relaxed=True)]
        if not name_cells:
            continue
        row_no += 1
        cell = name_cells[0]
        name = clean_cell(cell.text)
        start = cell.text.find(name[0])
        person = PersonHit(name, "roster", cell.span_box(start, start + len(name)), row_no, row.box)
        found.append(person)
        # 曾用名 noted in the remarks column of the same row.
        for i, ln in enumerate(row.lines):
            text = clean_cell(ln.text)
            if text.startswith("曾用名"):
                alias = text[3:] or (clean_cell(row.lines[i + 1].text) if i + 1 < len(row.lines)
                                     else "")
                if looks_like_name(alias):
                    found.append(PersonHit(alias, "曾用名", None, row_no, row.box, alias_of=name))
    return found


def _prose_persons(lines: list[Line], reading: ReadingText, known: set[str]
                   ) -> list[PersonHit]:
    # The reading text joins wrapped lines, so a name cut at the end of a line is whole.
    found = []
    for name, offset in names_in_prose(reading.text):
        if name in known:
            continue
        known.add(name)
        boxes = reading.boxes(lines, offset, offset + len(name))
        found.append(PersonHit(name, "prose", boxes[0] if boxes else None))
    return found


def _cell_persons(lines: list[Line], known: set[str]) -> list[PersonHit]:
    """Names standing alone in a box of their own: a timetable's teachers, a signature."""
    found = []
    for ln in lines:
        name = ln.text.strip()  # a label and its value ("单位：股") is not a name cell
        if name not in known and is_name_cell(name):
            known.add(name)
            start = ln.text.find(name[0])
            found.append(PersonHit(name, "cell", ln.span_box(start, start + len(name))))
    return found


def _units(page_rows: list[Row]) -> list[str]:
    units: list[str] = []
    for row in page_rows:
        for ln in row.lines:
            cell = clean_cell(ln.text)
            cell = _INTO_UNIT.sub("", cell)
            for label in UNIT_LABELS:
                if cell.startswith(label):
                    value = cell[len(label):]
                    if not value and ln.box:
                        right = _same_row_right(row, ln)
                        value = clean_cell(right.text) if right else ""
                    if _UNIT_RE.match(value):
                        units.append(value)
                    break
            else:
                if _UNIT_RE.match(cell):
                    units.append(cell)
    return list(dict.fromkeys(units))


def _title(page_rows: list[Row]) -> str:
    """The first line that reads like a heading (not a page number or a file number)."""
    for row in page_rows[:4]:
        text = re.sub(r"第\d+页$", "", clean_cell(row.text))  # a page number beside the title
        if len(text) >= 4 and re.search(f"[{HAN}]{{4}}", text) and not text.startswith("第"):
            return text
    return ""
