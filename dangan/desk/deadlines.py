"""Working-day deadlines: "4 working days from acceptance", as the archive counts them.

Weekends do not count, nor do public holidays; weekend days worked in exchange (调休) do. The
official calendar comes from the `chinesecalendar` package (the State Council's notices, one
release per year); config.toml's `holidays` and `workdays` are local overrides (a county's own
day off, a correction before the package is updated). A year the package does not cover yet
is counted by weekends and the overrides only — and `uncovered_years` says so, so the desk
can warn.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass


def official_working_day(day: dt.date) -> bool | None:
    """The State Council's answer for `day` (holidays and 调休), or None for a year the
    installed chinesecalendar does not cover."""
    import chinese_calendar

    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


def covered(year: int) -> bool:
    return official_working_day(dt.date(year, 6, 1)) is not None


@dataclass(frozen=True)
class WorkCalendar:
    holidays: frozenset[dt.date] = frozenset()  # local overrides: days off
    workdays: frozenset[dt.date] = frozenset()  # local overrides: days worked (调休上班)
    official: bool = True  # consult chinesecalendar (False: weekends and overrides only)

    @classmethod
    def from_iso(cls, holidays: Iterable[str] = (), workdays: Iterable[str] = (),
                 official: bool = True) -> WorkCalendar:
        return cls(frozenset(dt.date.fromisoformat(d) for d in holidays),
                   frozenset(dt.date.fromisoformat(d) for d in workdays), official)

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        if self.official:
            answer = official_working_day(day)
            if answer is not None:
                return answer
        return day.weekday() < 5

    def uncovered_years(self, *days: dt.date) -> list[int]:
        """Years among `days` that the official calendar does not cover: deadlines there are
        counted without the coming year's holidays and must be checked by hand."""
        if not self.official:
            return []
        return sorted({d.year for d in days if not covered(d.year)})

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The last day of a period of `days` working days that starts the day after `start`.

        A request accepted on Friday with 4 days is due on Thursday: the day of acceptance
        does not count, as in administrative time limits (办理时限).
        """
        day, left = start, days
        while left > 0:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                left -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (negative if end < start)."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(1 for n in range(1, (end - start).days + 1)
                   if self.is_working_day(start + dt.timedelta(days=n)))


def calendar_warning(years: list[int]) -> str:
    if not years:
        return ""
    listed = "、".join(str(y) for y in years)
    return (f"注意：已安装的法定节假日日历（chinesecalendar）尚未包含 {listed} 年，"
            f"该年的办理期限只扣除了周末和 config.toml 中的节假日，请核对或更新 chinesecalendar")


# How each urgency is written in lists and exports.
URGENCY_LABELS = {"overdue": "逾期", "due_today": "今日到期", "open": "未到期", "done": "已出结果"}


def urgency(due: dt.date, today: dt.date, done: bool) -> str:
    """How a request stands against its deadline: what the desk list colours."""
    if done:
        return "done"
    if today > due:
        return "overdue"
    if today == due:
        return "due_today"
    return "open"
