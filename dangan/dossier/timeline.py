"""A person's timeline and the 连续工龄 it implies.

Service is counted from the earliest recorded 参加工作时间 (招工, 民办教师任教 and 入伍 count as
starting work) to retirement, or to the latest record when none says 退休: then it is a span
截至最后记载 (to the last record), not a 连续工龄 the records establish. Years without any
record are said, never filled in: a stretch of more than GAP_YEARS with nothing on file is a
gap the archive cannot explain, for the clerk to check with the citizen.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from dangan.indexer.facts import WAGE_KINDS

from .appearances import Record

GAP_YEARS = 10
START_KINDS = ("work_start", "recruited", "teaching_start", "enlisted")
EVENTS = {"birth": "出生", "work_start": "参加工作", "recruited": "招工", "enlisted": "入伍",
          "discharged": "退伍", "teaching_start": "民办教师任教", "teaching_end": "民办教师任教止",
          "regularized": "转正", "retired": "退休"}
WAGE_EVENT = "工资调整"
UP_TO_LAST = "截至最后记载"


def shown_date(iso: str) -> str:
    """A date the dossier derives or sorts by, in one form for the clerk: 1939年12月23日,
    1933年12月, 1933年 (as precise as it is known, never more)."""
    parts = iso.split("-") if iso else []
    if not parts or not parts[0].isdigit():
        return iso
    out = f"{int(parts[0])}年"
    if len(parts) > 1 and parts[1].isdigit():
        out += f"{int(parts[1])}月"
    if len(parts) > 2 and parts[2].isdigit():
        out += f"{int(parts[2])}日"
    return out


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


def _wage_detail(facts) -> str:
    """One wage change in words: 原 五级 54.71元 → 六级 71.01元；增资额 16.30元；依据 …"""
    got = {}
    for f in facts:
        got.setdefault(f.kind, f.text)
    def money(kind: str) -> str | None:
        text = got.get(kind)
        return (text if text.endswith("元") else text + "元") if text else None

    before = " ".join(x for x in (got.get("grade_before"), money("wage_before")) if x)
    after = " ".join(x for x in (got.get("grade_after"), money("wage_after")) if x)
    parts = []
    if before or after:
        parts.append(f"原 {before or '—'} → {after or '—'}")
    if got.get("wage_raise"):
        parts.append(f"增资额 {money('wage_raise')}")
    if got.get("wage_doc"):
        parts.append(f"依据 {got['wage_doc']}")
    if got.get("wage_effective"):
        parts.append(f"执行时间 {got['wage_effective']}")
    return "；".join(parts)


def wage_events(records: list[Record]) -> list[Event]:
    """Each wage change once: a form's or a roster row's grade and standard before and
    after, 增资额 and 文号, dated by its 执行时间, else by its record's date. Two records of
    one change (the form and the roster row with the same new standard, dates that agree as
    far as both go: 1985-07 and a roster dated 1985) are one event, the more precisely
    dated one."""
    out: list[tuple[Event, str | None]] = []
    for r in records:
        facts = [f for f in r.facts if f.kind in WAGE_KINDS]
        if not any(f.kind != "wage_doc" for f in facts):
            continue
        effective = next((f.value for f in facts if f.kind == "wage_effective"), None)
        date = effective or r.date
        after = next((f.value for f in facts if f.kind == "wage_after"), None)
        where = f"第{r.row}行" if r.row else ""
        event = Event(date, WAGE_EVENT, _wage_detail(facts) + (f"（{where}）" if where else ""),
                      r.key)
        same = next((k for k, (e, a) in enumerate(out) if after is not None and a == after
                     and (e.date.startswith(date) or date.startswith(e.date))), None)
        if same is None:
            out.append((event, after))
        elif len(date) > len(out[same][0].date):
            out[same] = (event, after)
    return [e for e, _ in out]


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
            out.append(Event(f.value, EVENTS[f.kind], "", r.key))
    out += wage_events(records)
    out.sort(key=lambda e: e.date or "9999")
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


def service_line(s: Service) -> str:
    """The span in words. To a retirement it is the 连续工龄 the records cover; without one it
    is counted only 截至最后记载 (to the last record), and says so."""
    if s.end_is_retirement:
        return (f"连续工龄：自最早记载的参加工作时间 {shown_date(s.start)} 至退休 "
                f"{shown_date(s.end[:7])}，计 {s.years} 年 {s.months} 个月。")
    return (f"工作年限（{UP_TO_LAST}，档案中无退休记载）：自最早记载的参加工作时间 "
            f"{shown_date(s.start)} 至最后一条记载 {shown_date(s.end[:7])}，计 {s.years} 年 "
            f"{s.months} 个月；非连续工龄认定。")
