"""Working-day deadlines: "4 working days from acceptance", as the archive counts them.

Weekends do not count, nor do public holidays; weekend days worked in exchange (调休) do. The
calendar comes from config because it changes every year by State Council notice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class WorkCalendar:
    holidays: frozenset[dt.date] = frozenset()
    workdays: frozenset[dt.date] = frozenset()  # weekend days worked (调休上班)

    @classmethod
    def from_iso(cls, holidays: Iterable[str] = (), workdays: Iterable[str] = ()
                 ) -> WorkCalendar:
        return cls(frozenset(dt.date.fromisoformat(d) for d in holidays),
                   frozenset(dt.date.fromisoformat(d) for d in workdays))

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

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
