"""A candidate person's facts, each value with its sources, and the conflicts between them."""

from __future__ import annotations

from dataclasses import dataclass, field

from dangan.indexer.facts import DATE_KINDS, FACT_KINDS, Fact
from dangan.text.idnumbers import mask

from .appearances import Record

SINGLE_VALUED = {"gender", "birth", "native_place", "id_number", "work_start", "recruited",
                 "teaching_start", "regularized", "enlisted", "discharged", "retired"}


@dataclass
class Source:
    record: Record
    fact: Fact


@dataclass
class FactValue:
    value: str
    text: str  # as first written
    sources: list[Source] = field(default_factory=list)

    @property
    def shown(self) -> str:
        return self.text


@dataclass
class PersonFact:
    kind: str
    values: list[FactValue]

    @property
    def label(self) -> str:
        return FACT_KINDS.get(self.kind, self.kind)

    @property
    def conflict(self) -> bool:
        """Records disagree on something a person has only one of (a birth date, not a wage
        or a unit, which change over a working life). A date written to the day and one
        written to the month agree when the month agrees: that is no conflict."""
        return self.kind in SINGLE_VALUED and any(
            not same(self.kind, a.value, b.value)
            for i, a in enumerate(self.values) for b in self.values[i + 1:])


def same(kind: str, a: str, b: str) -> bool:
    """1941-04 and 1941-04-12 agree (at the month): a date is as precise as the page wrote
    it, and two dates agree as far as the less precise one goes."""
    if kind in DATE_KINDS:
        return a.startswith(b) or b.startswith(a)
    return a == b


def person_facts(records: list[Record]) -> list[PersonFact]:
    """Every kind of fact the records give, in the order of FACT_KINDS. Each value is quoted
    at the precision its page wrote it: records that write the same value are one value with
    several sources; 1933-12 and 1933-12-14 stay two values (the month is never credited
    with a day it did not write), which agree (`conflict` is False). ID numbers are masked
    here, for every screen."""
    by_kind: dict[str, list[FactValue]] = {}
    for r in records:
        for f in r.facts:
            values = by_kind.setdefault(f.kind, [])
            text = mask(f.value) if f.kind == "id_number" else f.text
            value = next((v for v in values if v.value == f.value), None)
            if value is None:
                value = FactValue(f.value, text)
                values.append(value)
            value.sources.append(Source(r, f))
    order = list(FACT_KINDS)
    return [PersonFact(k, by_kind[k]) for k in sorted(by_kind, key=order.index)
            if k != "name" or len(by_kind[k]) > 0]
