"""The national rule for a birth date on which records disagree, in one place.

劳社部发〔1999〕8号: "当本人身份证与档案记载的出生时间不一致时，以本人档案最先记载的出生时间为准"
— the birth date in the earliest-dated record of the person's file. The rule never decides
silently: the dossier shows every value with its record's date, and this choice beside them.
"""

from __future__ import annotations

from dataclasses import dataclass

BIRTH_RULE = "劳社部发〔1999〕8号"
BIRTH_RULE_TEXT = ("当本人身份证与档案记载的出生时间不一致时，以本人档案最先记载的出生时间为准")


@dataclass
class RuleChoice:
    value: str  # ISO date as recorded (1941-04)
    text: str  # as written on the page (1941.4)
    record_key: str
    record_date: str
    rule: str = BIRTH_RULE
    rule_text: str = BIRTH_RULE_TEXT

    @property
    def explanation(self) -> str:
        when = self.record_date or "日期不明"
        return (f"依{self.rule}，以档案最先记载的出生时间为准：取最早记录（{when}）"
                f"所载 {self.text}")


def earliest_recorded_birth(records) -> RuleChoice | None:
    """The birth date the rule takes: the value in the earliest-dated record that gives one.
    Records without a date come last (they cannot be shown to be earliest)."""
    dated = [(r.date or "9999", r.key, r) for r in records if r.fact("birth")]
    if not dated:
        return None
    _, _, first = min(dated, key=lambda t: (t[0], t[1]))
    fact = first.fact("birth")
    return RuleChoice(fact.value, fact.text, first.key, first.date)
