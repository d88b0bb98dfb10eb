"""Pages whose facts the dossier must state right, as other archives print them.

Each records what it states about whom (Sheet.fact: subject, kind, value at the precision
written), so the dossier's facts can be judged fact by fact:

- office_roster: a roster issued by an office (填报单位 above the table is the office, not the
  staff's unit), each row with its own 单位 cell; wage columns under any of the headings
  rosters print (调整后工资, 晋级后工资, 新工资, 转正后工资; 原工资, 原工资标准; 增资额), headings
  over two lines, landscape with up to 22 rows, its date a bare year;
- register_form: a 职工登记表 whose labels are printed over two lines (参加工作/时间,
  任民办教师/时间), with a 15-digit ID number (before 1999), 工龄 as written, a damaged
  姓名 label;
- enlist_notice: prose that gives gender only after the name and a date that wraps.
"""

from __future__ import annotations

import random

from .documents import GeneratedDoc, Styles, _title
from .layout import A4, A4_LANDSCAPE
from .people import REGION, Person
from .sheet import Sheet

OFFICES = ("东岭县劳动人事局", "东岭县教育局", "东岭县工业局", "东岭县二轻局")
WAGE_HEADINGS = [("原工资", "调整后工资"), ("原工资标准", "晋级后工资"), ("原工资", "新工资"),
                 ("原工资标准", "转正后工资")]


def _iso(ymd: tuple[int, int, int], style: str) -> str:
    y, m, d = ymd
    precise = style in ("ymd_cn", "cn", "dot_ymd", "compact", "dash")
    return f"{y:04d}-{m:02d}-{d:02d}" if precise else f"{y:04d}-{m:02d}"


def old_id_number(p: Person) -> str:
    """The 15-digit number of before 1999: region, YYMMDD, a sequence ending odd for men."""
    y, m, d = p.birth
    seq = (sum(ord(c) for c in p.name) % 45) * 2 + (1 if p.gender == "男" else 2)
    return f"{REGION}{y % 100:02d}{m:02d}{d:02d}{seq:03d}"


def office_roster(rng: random.Random, st: Styles, staff: list[Person], year: int,
                  office: str | None = None, two_line: bool | None = None) -> GeneratedDoc:
    office = office or rng.choice(OFFICES)
    before, after = rng.choice(WAGE_HEADINGS)
    two_line = rng.random() < 0.5 if two_line is None else two_line
    landscape = len(staff) > 12
    sh = Sheet(size=A4_LANDSCAPE if landscape else A4)
    title = f"{year}年职工工资调整花名册"
    _title(sh, title, y=14, size=6.6)
    sh.label(15, 26, "填报单位：", size=4.0)
    sh.unit(36, 25.5, office)
    sh.label(sh.width - 60, 26, f"{year}年", size=4.0)  # its date: a bare year
    sh.year(year)
    heads = ["序号", "姓名", "性别", "工作单位", "出生年月", "参加工作时间", before, after,
             "增资额"]
    cols = [10, 24, 11, 44, 26, 26, 24, 24, 20]
    x0, y0, head_h = 12.0, 34.0, 13.0
    cols = [c * (sh.width - 2 * x0) / sum(cols) for c in cols]  # the table fills the width
    rh = min(9.6, (sh.page.size[1] - y0 - head_h - 18) / len(staff))
    xs = [x0 + sum(cols[:k]) for k in range(len(cols) + 1)]
    for k, h in enumerate(heads):
        sh.page.box(xs[k], y0, xs[k + 1], y0 + head_h)
        if two_line and len(h) >= 5 and h.endswith("时间"):
            sh.label(xs[k] + 1.5, y0 + 1.5, h[:-2], size=3.5)
            sh.label(xs[k] + 1.5, y0 + 6.8, h[-2:], size=3.5)
        else:
            sh.label(xs[k] + 1.5, y0 + 4.2, h, size=3.5)
    y = y0 + head_h
    size = 3.8 if rh >= 8 else 3.4
    for i, p in enumerate(staff, 1):
        for k in range(len(cols)):
            sh.page.box(xs[k], y, xs[k + 1], y + rh)
        ty = y + (rh - size) / 2 - 0.5
        old = rng.uniform(40, 160)
        inc = rng.uniform(5, 60)
        sh.label(xs[0] + 2, ty, str(i), size=size)
        sh.person(xs[1] + 1.5, ty, p.name, "roster", size=size)
        sh.fill(xs[2] + 2, ty, p.gender, size=size)
        sh.unit(xs[3] + 1.5, ty, p.unit, size=size)
        bstyle = st.date(("cn", "compact", "ymd_cn", "cn_ym", "dash"))
        sh.date(xs[4] + 1.5, ty, p.birth, bstyle, size=size, role="birth")
        wstyle = st.date(("cn", "compact", "ymd_cn", "cn_ym", "dash"))
        sh.date(xs[5] + 1.5, ty, p.work_start, wstyle, size=size, role="work_start")
        for k, amount in ((6, old), (7, old + inc), (8, inc)):
            sh.fill(xs[k] + 1.5, ty, f"{amount:.2f}", size=size)
        for kind, value in (("name", p.name), ("gender", p.gender), ("unit", p.unit),
                            ("birth", _iso(p.birth, bstyle)),
                            ("work_start", _iso(p.work_start, wstyle)),
                            ("wage_before", f"{old:.2f}"), ("wage_after", f"{old + inc:.2f}"),
                            ("wage_raise", f"{inc:.2f}")):
            sh.fact(p.name, kind, value)
        sh.page.tags.append(
            {"kind": "roster_row", "name": p.name, "row": i, "box_mm": (x0, y, xs[-1], y + rh)})
        y += rh
    return GeneratedDoc("wage_adjustment", office + title, office, (year, 1, 1), [sh])


def register_form(rng: random.Random, st: Styles, p: Person, teacher: bool = False
                  ) -> GeneratedDoc:
    """A 登记表 with two-line labels, a 15-digit ID number and 工龄 as written."""
    sh = Sheet()
    title = "民办教师登记表" if teacher else "职工登记表"
    _title(sh, title)
    x0, y0, lw, vw, rh = 20.0, 40.0, 30.0, 55.0, 13.0
    damaged = rng.random() < 0.3
    ident = old_id_number(p)
    start = (p.work_start[0] + rng.randint(0, 3), rng.randint(1, 12), 1)
    years = rng.randint(20, 40)
    rows = [
        (("姓名）" if damaged else "姓　名", None), ("name", p.name), ("性　别", None),
         ("gender", p.gender)),
        (("出生年月", None), ("birth", p.birth), ("身份证号", None), ("id_number", ident)),
        (("参加工作", "时间"), ("work_start", p.work_start),
         (("任民办教师", "时间") if teacher else ("工龄", None)),
         ("teaching_start", start) if teacher else ("seniority", f"{years}年")),
        (("工作单位", None), ("unit", p.unit), ("民　族", None), (None, p.nation)),
    ]
    y = y0
    for row in rows:
        x = x0
        for k, cell in enumerate(row):
            w = lw if k % 2 == 0 else vw
            sh.page.box(x, y, x + w, y + rh)
            if k % 2 == 0:
                first, second = cell
                if second:
                    sh.label(x + 1.5, y + 1.5, first, size=3.6)
                    sh.label(x + 1.5, y + 6.6, second, size=3.6)
                else:
                    sh.label(x + 1.5, y + 4.2, first, size=3.8)
            else:
                kind, value = cell
                ty = y + 4.0
                if kind == "name":
                    sh.person(x + 2, ty, value, "姓名", size=4.4)
                elif kind in ("birth", "work_start", "teaching_start"):
                    style = st.date(("cn",))
                    role = "work_start" if kind == "teaching_start" else kind
                    sh.date(x + 2, ty, value, style, size=4.2, role=role)
                    value = _iso(value, style)
                elif kind == "id_number":
                    sh.fill(x + 2, ty, value, size=4.0)  # not an 18-digit number: no truth id
                elif kind == "unit":
                    sh.unit(x + 2, ty, value, size=4.2)
                else:
                    sh.fill(x + 2, ty, value, size=4.4)
                if kind:
                    sh.fact(p.name, kind, value)
            x += w
        y += rh
    when = (max(start[0], p.work_start[0]) + 1, rng.randint(1, 12), rng.randint(1, 28))
    sh.label(x0, y + 8, "填表日期：", size=3.8)
    sh.date(x0 + 20, y + 7.5, when, st.date(("compact",)), role="filled")
    return GeneratedDoc("registration", f"{p.name}{title}", p.unit, when, [sh])


def enlist_notice(rng: random.Random, st: Styles, p: Person) -> GeneratedDoc:
    """Prose: gender only in brackets after the name; the 入伍 date may wrap at a line end."""
    sh = Sheet()
    _title(sh, "入伍通知书")
    when = (rng.randint(1965, 1988), rng.randint(1, 12), rng.randint(1, 28))
    width = rng.uniform(120, 170)
    y = sh.prose(20, 45, width, [(p.name, "person", "prose"), (f"同志（{p.gender}，", None, None),
                                 (p.nation, None, None), ("）：", None, None)], indent=0)
    y = sh.prose(20, y + 2, width, [("经审查，你符合征兵条件，批准你于", None, None),
                                    ("cn", "date:enlisted", when),
                                    ("应征入伍，请按时到县人民武装部报到。", None, None)])
    sh.fact(p.name, "gender", p.gender)
    sh.fact(p.name, "enlisted", _iso(when, "cn"))
    sent = (when[0], when[1], min(28, when[2]))
    sh.label(120, y + 20, "东岭县人民武装部", size=4.2)
    sh.date(120, y + 28, sent, "ymd_cn", role="filled")
    return GeneratedDoc("military", f"{p.name}入伍通知书", "东岭县人民武装部", sent, [sh])


def pattern_docs(seed: int, n: int):
    """n documents of the three kinds above, with their people, for tests and bench/facts."""
    from . import people as P

    rng = random.Random(seed)
    st = Styles(rng)
    taken: set[str] = set()
    for i in range(n):
        kind = i % 4
        if kind == 0:
            staff = [P.make_person(rng, taken) for _ in range(rng.choice([8, 12, 22]))]
            yield office_roster(rng, st, staff, rng.choice([1985, 1989, 1993]))
        elif kind == 1:
            yield register_form(rng, st, P.make_person(rng, taken))
        elif kind == 2:
            yield register_form(rng, st, P.make_person(rng, taken), teacher=True)
        else:
            yield enlist_notice(rng, st, P.make_person(rng, taken, gender=rng.choice("男女")))


