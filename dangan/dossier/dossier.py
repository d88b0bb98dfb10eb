"""Open a dossier: gather, group, and for each candidate person the facts, the conflicts,
the birth-date rule's choice, the timeline and the 连续工龄."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from .appearances import Record, gather
from .facts import PersonFact, person_facts
from .grouping import Group, group_records
from .rules import RuleChoice, earliest_recorded_birth
from .timeline import Event, Service, events, service


@dataclass
class Person:
    group: Group
    facts: list[PersonFact]
    birth: RuleChoice | None
    timeline: list[Event]
    service: Service | None

    @property
    def conflicts(self) -> list[PersonFact]:
        return [f for f in self.facts if f.conflict]

    def record(self, key: str) -> Record | None:
        return next((r for r in self.group.records if r.key == key), None)


@dataclass
class Dossier:
    name: str
    records: list[Record]
    persons: list[Person]
    variants: list[tuple[Record, int | None, str]]
    unassigned: list[Record]
    seconds: float = 0.0
    decisions: list = field(default_factory=list)

    def record(self, key: str) -> Record | None:
        return next((r for r in self.records if r.key == key), None)

    def references(self, store) -> dict[str, str]:
        """Each record's 档号 as printed, for staff and partners alike: the catalogue's,
        else its title with 未编档号."""
        out = {}
        for r in self.records:
            meta = store.document(r.document) or {}
            out[r.key] = meta.get("archive_code") or f"{meta.get('title') or r.title}（未编档号）"
        return out


def assemble(name: str, records: list[Record], decisions=()) -> Dossier:
    grouping = group_records(records, decisions)
    persons = []
    for g in grouping.groups:
        birth = earliest_recorded_birth(g.records)
        persons.append(Person(g, person_facts(g.records), birth,
                              events(g.records, birth.value if birth else None),
                              service(g.records)))
    return Dossier(name, records, persons, grouping.variants, grouping.unassigned,
                   decisions=list(decisions))


def open_dossier(index, store, name: str, decisions=(), cleared: Iterable[str] = ()
                 ) -> Dossier:
    t0 = time.monotonic()
    d = assemble(name, gather(index, store, name, cleared), decisions)
    d.seconds = time.monotonic() - t0
    return d
