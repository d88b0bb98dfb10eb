"""A person's timeline and the 连续工龄 it implies.

Service is counted from the earliest recorded 参加工作时间 (招工, 民办教师任教 and 入伍 count as
starting work) to retirement, or to the latest record when none says 退休. Years without any
record are said, never filled in: a stretch of more than GAP_YEARS with nothing on file is a
gap the archive cannot explain, for the clerk to check with the citizen.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from .records import Record

GAP_YEARS = 10
START_KINDS = ("work_start", "recruited", "teaching_start", "enlisted")
EVENTS = {"birth": "出生", "work_start": "参加工作", "recruited": "招工", "enlisted": "入伍",
          "discharged": "退伍", "teaching_start": "民办教师任教", "teaching_end": "民办教师任教止",
          "regularized": "转正", "wage_effective": "工资调整", "retired": "退休"}


@dataclass
class Event:
    date: str
    what: str
    detail: str
    record_key: str


@dataclass
class Service:
    start: str  # earliest recorded start of work
    start_record: str
    end: str
    end_is_retirement: bool
    years: int
    months: int
    gaps: list[tuple[str, str]]  # (from, to) stretches with no record


def _months(a: str, b: str) -> int:
    ya, ma = int(a[:4]), int(a[5:7] or 1) if len(a) >= 7 else 1
    yb, mb = int(b[:4]), int(b[5:7] or 1) if len(b) >= 7 else 1
    return (yb - ya) * 12 + (mb - ma)


def events(records: list[Record], birth: str | None) -> list[Event]:
    out: list[Event] = []
    seen = set()
    if birth:
        out.append(Event(birth, "出生", "按出生时间认定规则取值", ""))
        seen.add(("birth", birth[:7]))
    for r in records:
        for f in r.facts:
            if f.kind not in EVENTS or (f.kind, f.value[:7]) in seen or (
                    f.kind == "birth" and birth):  # the rule's value; the others are conflicts
                continue
            seen.add((f.kind, f.value[:7]))
            detail = ""
            if f.kind == "wage_effective":
                parts = [f"{r.fact(k).text}" for k in ("grade_before", "wage_before")
                         if r.fact(k)]
                after = [f"{r.fact(k).text}" for k in ("grade_after", "wage_after")
                         if r.fact(k)]
                detail = " ".join(parts) + (" → " + " ".join(after) if after else "")
            out.append(Event(f.value, EVENTS[f.kind], detail, r.key))
    out.sort(key=lambda e: e.date)
    return out


def service(records: list[Record]) -> Service | None:
    starts = [(f.value, r.key) for r in records for f in r.facts if f.kind in START_KINDS]
    if not starts:
        return None
    start, start_key = min(starts)
    retired = sorted(f.value for r in records for f in r.facts if f.kind == "retired")
    dated = sorted({r.date for r in records if r.date} |
                   {f.value for r in records for f in r.facts
                    if f.kind in ("wage_effective", "regularized", "discharged", "retired",
                                  *START_KINDS)})
    end = retired[0] if retired else (dated[-1] if dated else start)
    total = max(0, _months(start, end))
    gaps = []
    points = [d for d in dated if start <= d <= end]
    for a, b in itertools.pairwise(points):
        if _months(a, b) > GAP_YEARS * 12:
            gaps.append((a[:7], b[:7]))
    return Service(start, start_key, end, bool(retired), total // 12, total % 12, gaps)
