"""People of the sample whose records a retirement reckoning (退休时间线, dangan/pension) is
tried on, with the truth of what the 2025 rules give them, derived by hand from the published
对照表 (never by calling dangan).

- 周红梅, a woman worker born 1975-02: her 1994 招工登记表 (合同制, 工种 喷漆工), wage forms of
  1997 and 2003 still as 喷漆工 and one of 2006 as 装配工 — a full computation, with a
  特殊工种 stretch (喷漆 is 其他有害身体健康 work) of 1994-03 to 2003-07 on the records.
- 孙丽华, a woman born 1972-06 whose one record (职务 保管) says neither 干部 nor 工人: the
  original retirement age is open, so both are shown.

Loose scans (no 档号), so the catalogue stays as it was.
"""

from __future__ import annotations

import random

from . import documents as D
from . import people as P
from .sheet import Sheet

MILL = "东岭县农机修造厂"
STORE = "东岭县五金交电公司"

RETIREMENT_PEOPLE = {
    "zhou-1975": {
        "name": "周红梅", "names": ["周红梅"], "unit": MILL, "gender": "女",
        "births_recorded": ["1975-02"], "birth_by_rule": "1975-02", "work_start": "1994-03",
        "status": "工人",  # 合同制 on the 招工表; 喷漆工, 装配工 on the wage forms
        # 对照表: 原法定退休年龄五十周岁的女职工, born 1975-01..02 → 50岁1个月
        "retirement": {"original_age": "50岁", "original_month": "2025-02",
                       "age": "50岁1个月", "month": "2025-03", "earliest_flexible": "2025-02",
                       "minimum_contribution": "15年"},
        "special_job": {"job": "喷漆工", "class": "其他有害身体健康", "from": "1994-03",
                        "to": "2003-07", "next": ["2006-10", "装配工"]},
    },
    "sun-1972": {
        "name": "孙丽华", "names": ["孙丽华"], "unit": STORE, "gender": "女",
        "births_recorded": ["1972-06"], "birth_by_rule": "1972-06", "work_start": "1990-09",
        "status": None,  # 职务 保管: the records leave 干部 / 工人 open
        "retirement_if": {
            "干部": {"original_age": "55岁", "original_month": "2027-06", "age": "55岁8个月",
                   "month": "2028-02"},
            "工人": {"original_age": "50岁", "original_month": "2022-06", "age": "50岁",
                   "month": "2022-06"},
        },
    },
}


def wage_change_form(rng: random.Random, st: D.Styles, p: P.Person, when: tuple[int, int, int],
                     job: str) -> D.GeneratedDoc:
    """A 职工工资调整审批表 of any year (the reform forms of documents.py are 1985 and 1993
    only), with the 职务(工种) the reckoning reads."""
    sh = Sheet()
    old = rng.uniform(180, 600)
    raise_ = rng.uniform(20, 80)
    D._title(sh, "职工工资调整审批表")
    sh.label(20, 33, "填报单位：", size=4.0)
    sh.unit(40, 32.5, p.unit)
    w = [28, 30, 22, 30, 28, 32]

    def v(text):
        return lambda x, y, w_, h: sh.fill(x, y, text)

    def date(ymd, role):
        return lambda x, y, w_, h: sh.date(x, y, ymd, st.date(D.NARROW), size=4.2, role=role)

    rows = [
        (13, [(1, "姓　　名"), (1, lambda x, y, w_, h: sh.person(x, y, p.name, "姓名")),
              (1, "性别"), (1, v(p.gender)), (1, "出生年月"), (1, date(p.birth, "birth"))]),
        (13, [(1, "工作单位"), (3, lambda x, y, w_, h: sh.unit(x, y, p.unit)),
              (1, "参加工作时间"), (1, date(p.work_start, "work_start"))]),
        (13, [(1, "职务(工种)"), (1, v(job)), (1, "文化程度"), (1, v(p.education)),
              (1, "民　　族"), (1, v(p.nation))]),
        (13, [(1, "原工资等级"), (1, v(rng.choice(P.GRADES))), (1, "原标准"),
              (1, v(f"{old:.2f}元")), (1, "月增资额"), (1, v(f"{raise_:.2f}元"))]),
        (13, [(1, "调整后等级"), (1, v(rng.choice(P.GRADES))), (1, "新标准"),
              (1, v(f"{old + raise_:.2f}元")), (1, "执行时间"),
              (1, date((when[0], when[1], 1), "effective"))]),
        (42, [(1, "单位意见"),
              (5, D._opinion(sh, "情况属实，同意调整。", when, st.date(), p.unit))]),
    ]
    y = D.table(sh, 20, 42, w, rows)
    sh.label(20, y + 4, "注：本表一式三份，单位、劳动部门、本人档案各存一份。", size=3.4)
    return D.GeneratedDoc("wage_adjustment", f"{p.name}{when[0]}年工资调整审批表", p.unit, when,
                          [sh])


def retirement_items(rng: random.Random) -> list:
    from .archive import FixedStyle, Item  # the archive's own Item; imported late (cycle)

    zhou = P.make_person(rng, set(), name="周红梅", gender="女", unit=MILL, birth_year=1975)
    zhou.birth, zhou.work_start, zhou.job = (1975, 2, 14), (1994, 3, 8), "喷漆工"
    sun = P.make_person(rng, set(), name="孙丽华", gender="女", unit=STORE, birth_year=1972)
    sun.birth, sun.work_start = (1972, 6, 3), (1990, 9, 1)
    return [
        Item(D.recruitment(rng, FixedStyle(rng, "dot_ym"), zhou, two_pages=False), None, "jpeg",
             ["招工登记表_周红梅.jpg"], dpi=200, subject="zhou-1975"),
        Item(wage_change_form(rng, FixedStyle(rng, "cn_ym"), zhou, (1997, 7, 12), "喷漆工"),
             None, "jpeg", ["工资调整_周红梅_1997.jpg"], dpi=200, subject="zhou-1975"),
        Item(wage_change_form(rng, FixedStyle(rng, "cn_ym"), zhou, (2003, 7, 9), "喷漆工"),
             None, "jpeg", ["工资调整_周红梅_2003.jpg"], dpi=200, subject="zhou-1975"),
        Item(wage_change_form(rng, FixedStyle(rng, "cn_ym"), zhou, (2006, 10, 16), "装配工"),
             None, "jpeg", ["工资调整_周红梅_2006.jpg"], dpi=200, subject="zhou-1975"),
        Item(wage_change_form(rng, FixedStyle(rng, "cn_ym"), sun, (1993, 10, 20), "保管"),
             None, "jpeg", ["工资调整_孙丽华.jpg"], dpi=200, subject="sun-1972"),
    ]
