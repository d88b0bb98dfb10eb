"""The national retirement rules since 2025-01-01, in one place, each with its source.

Sources:
- 《全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定》（2024年9月13日）and the
  《国务院关于渐进式提高职工法定退休年龄的办法》it adopts, with its 对照表 (出生时间 → 改革后
  法定退休年龄 → 改革后退休时间).
- 特殊工种 ages: 《国务院关于工人退休、退职的暂行办法》（国发〔1978〕104号）第一条第（二）项;
  the 2024 办法 keeps early retirement for 国家规定的特殊工种 as it was. The years of such
  work each job class needs are configuration (`[pension]` special_jobs), because the
  province's implementing file decides them; they are not here.

Everything counts in whole months: the 对照表 is by birth month and retirement month, and
"retire at age A" means the month the person reaches A (birth month + A). A month is an
integer (year * 12 + month - 1) so adding ages is arithmetic, shown as 2025年2月 / 2025-02.
"""

from __future__ import annotations

from dataclasses import dataclass

DECISION = "全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定（2024年9月13日）"
MEASURES = "国务院关于渐进式提高职工法定退休年龄的办法"
SPECIAL_RULE = "国务院关于工人退休、退职的暂行办法（国发〔1978〕104号）第一条第（二）项"

REFORM_START = 2025 * 12  # 2025-01: the first original retirement month the reform moves
FLEXIBLE_MONTHS = 36  # 弹性提前 / 弹性延迟: at most three years either way


def month(year: int, mon: int) -> int:
    return year * 12 + mon - 1


def parse_month(value: str) -> int:
    """'1975-02' or '1975-02-14' → month number; the day never matters (the table is by month)."""
    return month(int(value[:4]), int(value[5:7]))


def iso(m: int) -> str:
    return f"{m // 12:04d}-{m % 12 + 1:02d}"


def chinese(m: int) -> str:
    return f"{m // 12}年{m % 12 + 1}月"


def age_text(months: int) -> str:
    """60岁1个月, 63岁."""
    years, rest = divmod(months, 12)
    return f"{years}岁{rest}个月" if rest else f"{years}岁"


def years_text(months: int) -> str:
    """15年6个月, 20年."""
    years, rest = divmod(months, 12)
    return f"{years}年{rest}个月" if rest else f"{years}年"


@dataclass(frozen=True)
class Group:
    """A group of the 对照表: its original age and how fast the reform raises it."""
    key: str
    label: str
    original_years: int
    step: int  # the age rises one month for every `step` months of original retirement date
    cap_months: int  # at most this many months later than the original age

    @property
    def original_months(self) -> int:
        return self.original_years * 12


# 办法: 男职工和原法定退休年龄为五十五周岁的女职工，每四个月延迟一个月，分别逐步延迟至六十三
# 周岁和五十八周岁；原法定退休年龄为五十周岁的女职工，每二个月延迟一个月，逐步延迟至五十五周岁.
MEN = Group("men", "男职工", 60, 4, 36)
WOMEN_55 = Group("women55", "原法定退休年龄为五十五周岁的女职工（干部）", 55, 4, 36)
WOMEN_50 = Group("women50", "原法定退休年龄为五十周岁的女职工（工人）", 50, 2, 60)
GROUPS = (MEN, WOMEN_55, WOMEN_50)


@dataclass(frozen=True)
class Retirement:
    """One person's statutory retirement under both rules, as the 对照表 gives it."""
    group: Group
    birth: int
    original_age: int  # months
    original_month: int
    age: int  # months, 改革后法定退休年龄
    month: int  # 改革后退休时间
    earliest_flexible: int  # 弹性提前退休的最早时间
    latest_flexible: int  # 弹性延迟退休的最晚时间

    @property
    def delayed(self) -> int:
        return self.age - self.original_age

    @property
    def earliest_flexible_age(self) -> int:
        return self.earliest_flexible - self.birth


def added_months(group: Group, original_month: int) -> int:
    """The table's rule, written once: nothing for an original retirement month before
    2025-01; one month for 2025-01 up to `step` months on, one more for each `step` months
    after, never more than the cap."""
    if original_month < REFORM_START:
        return 0
    return min(group.cap_months, (original_month - REFORM_START) // group.step + 1)


def statutory(group: Group, birth: int) -> Retirement:
    """The retirement ages and months of someone of `group` born in month `birth`.

    弹性提前退休 (办法): up to three years before the new date, never before the original
    age (and only once the minimum contribution years are reached — the pension office checks
    that). 弹性延迟退休: up to three years after it, when the employer and employee agree."""
    original = birth + group.original_months
    age = group.original_months + added_months(group, original)
    new = birth + age
    return Retirement(group, birth, group.original_months, original, age, new,
                      max(new - FLEXIBLE_MONTHS, original), new + FLEXIBLE_MONTHS)


# 办法: 从2030年1月1日起，将职工按月领取基本养老金最低缴费年限由15年逐步提高至20年，每年
# 提高6个月.
MINIMUM_CONTRIBUTION_BASE = 15 * 12
MINIMUM_CONTRIBUTION_CAP = 20 * 12
MINIMUM_CONTRIBUTION_FROM = 2030


def minimum_contribution(year: int) -> int:
    """Months of contributions needed to draw a monthly pension when retiring in `year`."""
    if year < MINIMUM_CONTRIBUTION_FROM:
        return MINIMUM_CONTRIBUTION_BASE
    return min(MINIMUM_CONTRIBUTION_CAP,
               MINIMUM_CONTRIBUTION_BASE + 6 * (year - MINIMUM_CONTRIBUTION_FROM + 1))


# 国发〔1978〕104号: 从事井下、高空、高温、特别繁重体力劳动或者其他有害身体健康的工作，男年满五十
# 五周岁、女年满四十五周岁. Not raised by the 2024 decision.
SPECIAL_AGE = {"男": 55 * 12, "女": 45 * 12}


def special_month(gender: str, birth: int) -> int:
    """The month a person of `gender` reaches the 特殊工种 retirement age."""
    return birth + SPECIAL_AGE[gender]


def months_between(start: int, end: int) -> int:
    """Whole months from `start` to `end` (0 when end is not later): 1978-03 → 1996-01 is
    17年10个月."""
    return max(0, end - start)
