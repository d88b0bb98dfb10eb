"""The page as the archive reads it: the machine reading with the confirmed corrections laid
over it. The one place this is computed — indexing (dangan.indexer.indexing), the viewer and
the dossier (through the page store's page_view) all call `effective`.

A line correction replaces the line's text and the page's fields are extracted again from the
corrected lines (so a corrected name is the name on the page for search, the roster row and
the dossier); a fact correction then replaces that fact's value. A correction applies only
while the machine still reads what it replaced (`original`): OCR read again with another
engine, or a changed extraction, leaves it unapplied rather than laid over other text.
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass, field

from dangan.indexer.facts import normalise_value, shown_text
from dangan.indexer.fields import extract
from dangan.indexer.ocr.base import Line


@dataclass
class Check:
    """Who checked a reading against the scan, and when (人工核对)."""

    correction_id: int
    by: str
    at: str
    reason: str
    confirmed_by: str = ""

    def to_json(self) -> dict:
        return dataclasses.asdict(self)

    @property
    def label(self) -> str:
        return f"{CHECKED}（{self.by}，{self.at[:16]}）"


@dataclass
class LineReading:
    index: int
    text: str
    machine: str  # what the machine read (原识别)
    box: tuple[int, int, int, int] | None
    check: Check | None = None

    @property
    def label(self) -> str:
        return self.check.label if self.check else MACHINE


@dataclass
class Reading:
    page: object  # the StoredPage as corrected (lines and fields); the stored one is untouched
    lines: list[LineReading]
    machine_text: list[str] = field(default_factory=list)  # replaced readings, searchable
    machine_names: list[str] = field(default_factory=list)  # names only the machine read
    renamed: dict[str, str] = field(default_factory=dict)  # machine's name → corrected ("" unsure)
    unapplied: list = field(default_factory=list)  # confirmed, but the machine reads otherwise

    @property
    def checked(self) -> bool:
        return any(ln.check for ln in self.lines) or any(
            f.checked for f in self.page.fields.facts)


MACHINE = "机器识别"
CHECKED = "人工核对"


def provenance(fact) -> str:
    """How a fact came to read as it does, in the words of the screen and the summary."""
    c = fact.checked
    return f"{CHECKED}（{c['by']}，{c['at'][:16]}）" if c else MACHINE


def fact_locator(fact) -> dict:
    """A fact's identity as the machine read it: what a fact correction names. A corrected
    fact keeps the identity of the reading it replaced."""
    if fact.checked and fact.checked.get("locator"):
        return fact.checked["locator"]
    return {"kind": fact.kind, "row": fact.row, "subject": fact.subject, "value": fact.value}


def _check(c) -> Check:
    return Check(c.id, c.by_name, c.at, c.reason, c.reviewed_by or "")


def _inside(inner, outer) -> bool:
    """Most of `inner` lies in `outer`: the fact was read from that line."""
    if not inner or not outer:
        return False
    w = min(inner[2], outer[2]) - max(inner[0], outer[0])
    h = min(inner[3], outer[3]) - max(inner[1], outer[1])
    area = max(1, (inner[2] - inner[0]) * (inner[3] - inner[1]))
    return w > 0 and h > 0 and w * h >= 0.5 * area


def _latest(corrections) -> list:
    """The last confirmed correction of each target (a later one supersedes)."""
    by_target = {}
    for c in sorted(corrections, key=lambda c: c.id):
        if c.status == "confirmed":
            by_target[c.target, c.locator] = c
    return list(by_target.values())


def effective(page, corrections=None) -> Reading:
    """The page as corrected. `corrections` defaults to those the page store attached to the
    page (its confirmed corrections); a page without any is returned as it is."""
    corrections = _latest(page.corrections if corrections is None else corrections)
    machine = [LineReading(i, ln.text, ln.text, ln.box) for i, ln in enumerate(page.lines)]
    if not corrections:
        return Reading(page, machine)
    lines: list[Line] = list(page.lines)
    reading = Reading(page, machine)
    line_checks: list[tuple[tuple, dict, str, str]] = []
    for c in (c for c in corrections if c.target == "line"):
        i = c.where["line"]
        if i >= len(lines) or lines[i].text != c.original:
            reading.unapplied.append(c)
            continue
        old = lines[i]
        lines[i] = dataclasses.replace(
            old, text=c.value, alternatives=None,
            char_x=old.char_x if old.char_x and len(old.char_x) == len(c.value) else None)
        check = _check(c)
        machine[i].text, machine[i].check = c.value, check
        reading.machine_text.append(c.original)
        line_checks.append((old.box, check.to_json(), c.original, c.value))
    fields = extract(lines) if line_checks else copy.deepcopy(page.fields)
    for f in fields.facts:
        for box, check, original, text in line_checks:
            # read from a line staff corrected (by its box; a text layer has none): checked
            if _inside(f.box, box) or (not box and not f.box and f.text and f.text in text):
                f.checked = {**check, "original": original}
    for c in (c for c in corrections if c.target == "fact"):
        where = c.where
        fact = next((f for f in fields.facts if fact_locator(f) == where), None)
        value = normalise_value(where["kind"], c.value)
        if fact is None or value is None:
            reading.unapplied.append(c)
            continue
        fact.checked = {**_check(c).to_json(), "original": c.original, "locator": where}
        fact.value, fact.text = value, shown_text(fact.kind, c.value)
        reading.machine_text.append(c.original)
    names = {p.name for p in fields.persons}
    reading.machine_names = [n for n in dict.fromkeys(p.name for p in page.fields.persons)
                             if n not in names]
    before = {p.name for p in page.fields.persons}
    new = [n for n in dict.fromkeys(p.name for p in fields.persons) if n not in before]
    reading.renamed = {n: new[0] if len(new) == 1 == len(reading.machine_names) else ""
                       for n in reading.machine_names}
    # What the machine read instead stays searchable, weaker, beside the recogniser's own
    # near-readings (原识别): a clerk who types the old misreading still finds the page.
    fields.ocr_alternatives = list(dict.fromkeys([*fields.ocr_alternatives,
                                                  *reading.machine_names]))
    fields.alt_text = [*fields.alt_text, *reading.machine_text]
    reading.page = dataclasses.replace(page, lines=lines, fields=fields)
    return reading
