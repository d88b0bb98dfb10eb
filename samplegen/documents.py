"""Templates for the record types a county archive holds, one function per form.

Each returns a GeneratedDoc: sheets (pages) that know their own truth, plus the catalogue
description (题名, 责任者, 日期) an archivist would write for the item.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from . import people as P
from . import printed
from .layout import A4_LANDSCAPE
from .people import Person
from .sheet import Sheet

LABOUR_BUREAU = "东岭县劳动人事局"
EDUCATION_BUREAU = "东岭县教育局"
ARMED_FORCES = "东岭县人民武装部"
CIVIL_AFFAIRS = "东岭县民政局"


@dataclass
class GeneratedDoc:
    doc_type: str
    title: str
    creator: str
    date: tuple[int, int, int]
    sheets: list[Sheet]
    retention: str = "永久"
    extra: dict = field(default_factory=dict)


class Styles:
    """Round-robin pickers, so even a 40-page sample shows every date and 文号 form."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self._date = [rng.randrange(len(printed.DATE_STYLES))]
        self._docno = [rng.randrange(len(printed.DOCNO_STYLES))]

    def date(self, exclude: tuple[str, ...] = ()) -> str:
        while True:
            style = printed.pick(self.rng, printed.DATE_STYLES, self._date)
            if style not in exclude:
                return style

    def docno(self) -> str:
        return printed.pick(self.rng, printed.DOCNO_STYLES, self._docno)


# Full dates in Chinese numerals (一九八五年十月二十日) do not fit a narrow form cell.
NARROW = ("cn",)

Cell = tuple[int, "str | Callable[[float, float, float, float], None]"]


def table(
    sh: Sheet,
    x0: float,
    y0: float,
    col_w: list[float],
    rows: list[tuple[float, list[Cell]]],
    label_size: float = 3.8,
) -> float:
    y = y0
    for height, cells in rows:
        x, ci = x0, 0
        for span, content in cells:
            w = sum(col_w[ci : ci + span])
            sh.page.box(x, y, x + w, y + height)
            if isinstance(content, str):
                sh.label(x + 1.6, y + (height - label_size) / 2 - 0.6, content, size=label_size)
            elif content is not None:
                content(x + 2.0, y + (height - 4.6) / 2 - 0.8, w, height)
            x += w
            ci += span
        y += height
    return y


def _title(sh: Sheet, text: str, y: float = 20.0, size: float = 7.2) -> None:
    sh.label(sh.width / 2, y, text, size=size, bold=True, anchor="ma")


def _money(rng: random.Random, lo: float, hi: float) -> str:
    return f"{rng.uniform(lo, hi):.2f}元"


def _opinion(sh: Sheet, text: str, ymd, style: str, stamp: str):
    """An opinion cell: a sentence, a date under it and the office's seal over the date."""

    def draw(x, y, w, h):
        top = y - (h - 4.6) / 2 + 3
        sh.fill(x + 4, top + 2, text)
        dx = x + w - 52
        sh.date(dx, top + h - 14, ymd, style, role="approved")
        sh.page.stamp(dx + 18, top + h - 17, stamp, "")

    return draw


# ---------------------------------------------------------------- wage adjustment (工资调整)
def wage_form(rng: random.Random, st: Styles, p: Person, reform: int, traditional=False):
    sh = Sheet(traditional=traditional)
    month = 10 if reform == 1993 else rng.choice([7, 10])
    when = (reform, month, rng.randint(1, 28))
    policy = rng.choice(P.POLICIES[f"wage_{reform}"])
    old = rng.uniform(40, 70) if reform == 1985 else rng.uniform(90, 160)
    raise_ = rng.uniform(7, 18) if reform == 1985 else rng.uniform(20, 60)
    _title(sh, "职工工资调整审批表")
    sh.label(20, 33, "填报单位：", size=4.0)
    sh.unit(40, 32.5, p.unit)
    sh.label(138, 33, "填报日期：", size=4.0)
    sh.date(158, 32.5, when, st.date(("compact",)), role="filled")
    w = [28, 30, 22, 30, 28, 32]

    def v(text):
        return lambda x, y, w_, h: sh.fill(x, y, text)

    rows = [
        (
            13,
            [
                (1, "姓　　名"),
                (1, lambda x, y, w_, h: sh.person(x, y, p.name, "姓名")),
                (1, "性别"),
                (1, v(p.gender)),
                (1, "出生年月"),
                (
                    1,
                    lambda x, y, w_, h: sh.date(
                        x, y, p.birth, st.date(NARROW), size=4.2, role="birth"
                    ),
                ),
            ],
        ),
        (
            13,
            [
                (1, "工作单位"),
                (3, lambda x, y, w_, h: sh.unit(x, y, p.unit)),
                (1, "参加工作时间"),
                (
                    1,
                    lambda x, y, w_, h: sh.date(
                        x, y, p.work_start, st.date(NARROW), size=4.2, role="work_start"
                    ),
                ),
            ],
        ),
        (
            13,
            [
                (1, "职务(工种)"),
                (1, v(p.job)),
                (1, "文化程度"),
                (1, v(p.education)),
                (1, "民　　族"),
                (1, v(p.nation)),
            ],
        ),
        (
            13,
            [
                (1, "原工资等级"),
                (1, v(grade_before := rng.choice(P.GRADES))),
                (1, "原标准"),
                (1, v(f"{old:.2f}元")),
                (1, "月增资额"),
                (1, v(f"{raise_:.2f}元")),
            ],
        ),
        (
            13,
            [
                (1, "调整后等级"),
                (1, v(grade_after := rng.choice(P.GRADES))),
                (1, "新标准"),
                (1, v(f"{old + raise_:.2f}元")),
                (1, "执行时间"),
                (
                    1,
                    lambda x, y, w_, h: sh.date(
                        x, y, (reform, month, 1), st.date(NARROW), size=4.2, role="effective"
                    ),
                ),
            ],
        ),
        (
            13,
            [
                (1, "调资依据"),
                (5, lambda x, y, w_, h: sh.docno(x, y, policy, st.docno(), prefix="根据")),
            ],
        ),
        (42, [(1, "单位意见"), (5, _opinion(sh, "情况属实，同意调整。", when, st.date(), p.unit))]),
        (
            42,
            [
                (1, ["劳动人事部门", "审批意见"][0]),
                (
                    5,
                    _opinion(
                        sh,
                        "经审核，同意。",
                        (reform, month, min(28, when[2] + 5)),
                        st.date(),
                        LABOUR_BUREAU,
                    ),
                ),
            ],
        ),
    ]
    y = table(sh, 20, 42, w, rows)
    sh.label(20, y + 4, "注：本表一式三份，单位、劳动部门、本人档案各存一份。", size=3.4)
    # Truth: every fact the form prints, dates as precisely as written (read off the page's
    # recorded dates; nothing here draws from rng, so the scans stay as they were).
    written = {d["role"]: d["value"] for d in sh.dates}
    for kind, value in (("name", p.name), ("gender", p.gender), ("birth", written["birth"]),
                        ("unit", p.unit), ("work_start", written["work_start"]), ("job", p.job),
                        ("grade_before", grade_before), ("wage_before", f"{old:.2f}"),
                        ("wage_raise", f"{raise_:.2f}"), ("grade_after", grade_after),
                        ("wage_after", f"{old + raise_:.2f}"),
                        ("wage_effective", written["effective"]),
                        ("wage_doc", printed.canonical_doc_number(*policy))):
        sh.fact(p.name, kind, value)
    return GeneratedDoc("wage_adjustment", f"{p.name}{reform}年工资调整审批表", p.unit, when, [sh])


def wage_roster(
    rng: random.Random,
    st: Styles,
    staff: list[Person],
    reform: int,
    unit: str,
    continuation: bool = False,
    page_no: int = 1,
):
    sh = Sheet(size=A4_LANDSCAPE)
    when = (reform, 11 if reform == 1993 else 8, rng.randint(1, 28))
    title = (
        f"{reform}年工资套改人员花名册" if reform == 1993 else f"{reform}年工资改革增资人员花名册"
    )
    sh.year(reform)
    _title(sh, title + ("（续）" if continuation else ""), y=14, size=6.6)
    sh.label(15, 26, "单位（盖章）：", size=4.0)
    sh.unit(42, 25.5, unit)
    sh.label(200, 26, "填报日期：", size=4.0)
    sh.date(222, 25.5, when, st.date(("compact",)), role="filled")
    sh.label(262, 14, f"第{page_no}页", size=3.6)
    cols = [10, 26, 12, 28, 30, 24, 26, 26, 22, 63]
    heads = [
        "序号",
        "姓名",
        "性别",
        "出生年月",
        "参加工作时间",
        "职务",
        "套改前工资",
        "套改后工资",
        "增资额",
        "备注",
    ]
    x0, y0, rh = 15.0, 34.0, 9.6 if len(staff) <= 13 else 9.0
    table(sh, x0, y0, cols, [(11, [(1, h) for h in heads])], label_size=3.5)
    y = y0 + 11
    for i, p in enumerate(staff, 1):
        old = rng.uniform(60, 160)
        inc = rng.uniform(15, 60)
        xs = [x0 + sum(cols[:k]) for k in range(len(cols) + 1)]
        for k in range(len(cols)):
            sh.page.box(xs[k], y, xs[k + 1], y + rh)
        ty = y + (rh - 4.2) / 2 - 0.6
        sh.label(xs[0] + 2.5, ty + 0.3, str(i + (page_no - 1) * 15), size=3.6)
        sh.person(xs[1] + 2, ty, p.name, "roster", size=4.2)
        sh.fill(xs[2] + 3, ty, p.gender, size=4.2)
        sh.date(
            xs[3] + 2,
            ty,
            p.birth,
            st.date(("cn", "compact", "ymd_cn", "cn_ym")),
            size=4.0,
            role="birth",
        )
        birth = sh.dates[-1]["value"]
        sh.date(
            xs[4] + 2,
            ty,
            p.work_start,
            st.date(("cn", "ymd_cn", "cn_ym")),
            size=4.0,
            role="work_start",
        )
        started = sh.dates[-1]["value"]
        sh.fill(xs[5] + 2, ty, p.job, size=4.2)
        sh.fill(xs[6] + 2, ty, f"{old:.2f}", size=4.0)
        sh.fill(xs[7] + 2, ty, f"{old + inc:.2f}", size=4.0)
        sh.fill(xs[8] + 2, ty, f"{inc:.2f}", size=4.0)
        # Truth: the row's facts, dates as precisely as written (the roster's unit is the
        # office's header, not each row's: no unit fact).
        for kind, value in (("name", p.name), ("gender", p.gender), ("birth", birth),
                            ("work_start", started), ("wage_before", f"{old:.2f}"),
                            ("wage_after", f"{old + inc:.2f}"), ("wage_raise", f"{inc:.2f}"),
                            ("job", p.job), ("former_name", p.former_name)):
            if value:
                sh.fact(p.name, kind, value)
        if p.former_name:
            sh.label(xs[9] + 2, ty + 0.2, "曾用名", size=3.6)
            sh.person(xs[9] + 16, ty, p.former_name, "曾用名", size=4.0, former_of=p.name)
        sh.page.tags.append(
            {"kind": "roster_row", "name": p.name, "row": i, "box_mm": (x0, y, xs[-1], y + rh)}
        )
        y += rh
    sh.label(15, y + 4, "制表人：", size=3.8)
    sh.label(120, y + 4, "审核人：", size=3.8)
    sh.label(200, y + 4, "单位负责人：", size=3.8)
    return sh, when, title


# ------------------------------------------------------------- recruitment (招工 / 录用)
def recruitment(rng: random.Random, st: Styles, p: Person, traditional=False, two_pages=True):
    year = p.work_start[0]
    # 劳动合同制 began with the 1986 reform; earlier hires were 全民 or 集体, approved locally.
    form = rng.choice(["全民", "集体", "合同制"] if year >= 1986 else ["全民", "集体"])
    policy = (
        P.POLICIES["recruitment"][0] if form == "合同制" else ("东劳字", year, rng.randint(3, 60))
    )
    sh = Sheet(traditional=traditional)
    heading = {
        "全民": "全民所有制单位招收工人登记表",
        "集体": "集体所有制单位招工登记表",
        "合同制": "劳动合同制工人招工登记表",
    }[form]
    _title(sh, heading)
    sh.label(20, 33, "招工单位：", size=4.0)
    sh.unit(42, 32.5, p.unit)
    w = [26, 32, 20, 30, 28, 34]

    def v(text):
        return lambda x, y, w_, h: sh.fill(x, y, text)

    rows = [
        (
            13,
            [
                (1, "姓　　名"),
                (1, lambda x, y, w_, h: sh.person(x, y, p.name, "姓名")),
                (1, "曾用名"),
                (
                    1,
                    (lambda x, y, w_, h: sh.person(x, y, p.former_name, "曾用名", former_of=p.name))
                    if p.former_name
                    else v("无"),
                ),
                (1, "性　　别"),
                (1, v(p.gender)),
            ],
        ),
        (
            13,
            [
                (1, "出生年月"),
                (
                    1,
                    lambda x, y, w_, h: sh.date(
                        x, y, p.birth, st.date(NARROW), size=4.2, role="birth"
                    ),
                ),
                (1, "民族"),
                (1, v(p.nation)),
                (1, "文化程度"),
                (1, v(p.education)),
            ],
        ),
        (
            13,
            [
                (1, "家庭住址"),
                (
                    5,
                    v(
                        f"{P.COUNTY}{rng.choice(['城关镇', '河口乡', '石门乡', '柳湾乡'])}"
                        f"{rng.choice(['东街', '西街', '新村', '大庄'])}{rng.randint(1, 90)}号"
                    ),
                ),
            ],
        ),
        (
            13,
            [
                (1, "用工形式"),
                (1, v(form + ("工" if form != "合同制" else ""))),
                (1, "工种"),
                (1, v(p.job)),
                (1, "招工时间"),
                (
                    1,
                    lambda x, y, w_, h: sh.date(
                        x, y, p.work_start, st.date(NARROW), size=4.2, role="work_start"
                    ),
                ),
            ],
        ),
        (13, [(1, "批准文号"), (5, lambda x, y, w_, h: sh.docno(x, y, policy, st.docno()))]),
        (
            44,
            [
                (1, "本人简历"),
                (
                    5,
                    lambda x, y, w_, h: _resume(sh, x, y - 12, p),
                ),
            ],
        ),
        (
            44,
            [
                (1, "招工单位意见"),
                (5, _opinion(sh, "经考核，同意招收。", p.work_start, st.date(), p.unit)),
            ],
        ),
    ]
    table(sh, 20, 42, w, rows)
    sheets = [sh]
    if two_pages:
        sh2 = Sheet(traditional=traditional)
        _title(sh2, "招收工人录用审批表")
        sh2.label(20, 36, "兹有", size=4.6)
        sh2.person(32, 35.5, p.name, "姓名")
        sh2.label(55, 36, f"同志，{p.gender}，经政审、体检合格，", size=4.6)
        sh2.label(20, 46, "拟录用为", size=4.6)
        sh2.fill(40, 45.5, f"{form}{'工' if form != '合同制' else '工人'}")
        sh2.label(68, 46, "，分配到", size=4.6)
        sh2.unit(88, 45.5, p.unit)
        sh2.label(20, 56, "工作。录用依据：", size=4.6)
        sh2.docno(57, 55.5, policy, st.docno())
        sh2.label(20, 80, "劳动部门审批意见：", size=4.6)
        sh2.fill(30, 92, "同意录用。")
        sh2.date(130, 112, p.work_start, st.date(), role="approved")
        sh2.page.stamp(148, 108, LABOUR_BUREAU)
        sheets.append(sh2)
    return GeneratedDoc(
        "recruitment", f"{p.name}招工登记表", p.unit, p.work_start, sheets, extra={"form": form}
    )


def _resume(sh: Sheet, x: float, y: float, p: Person) -> None:
    """本人简历: a line of the person's history; its years are years on the page."""
    school, home = p.birth[0] + 7, p.work_start[0] - 1
    sh.year(school)
    sh.year(home)
    sh.fill(x, y, f"{school}年入学读书，{home}年回乡参加劳动。")


# ---------------------------------------------------------- community teacher (民办教师)
def community_teacher(rng: random.Random, st: Styles, p: Person, two_pages=True):
    school = rng.choice(P.SCHOOLS)
    start = p.work_start
    regular = (rng.choice([1994, 1995, 1996, 1997]), 9, rng.randint(1, 28))
    policy = P.POLICIES["teacher"][0 if regular[0] < 1995 else rng.randrange(2)]
    sh = Sheet()
    _title(sh, "民办教师登记表")
    w = [28, 30, 22, 30, 28, 32]

    def v(text):
        return lambda x, y, w_, h: sh.fill(x, y, text)

    rows = [
        (
            13,
            [
                (1, "姓　　名"),
                (1, lambda x, y, w_, h: sh.person(x, y, p.name, "姓名")),
                (1, "性别"),
                (1, v(p.gender)),
                (1, "出生年月"),
                (
                    1,
                    lambda x, y, w_, h: sh.date(
                        x, y, p.birth, st.date(NARROW), size=4.2, role="birth"
                    ),
                ),
            ],
        ),
        (
            13,
            [
                (1, "任教学校"),
                (3, lambda x, y, w_, h: sh.unit(x, y, school)),
                (1, "任教时间"),
                (1, lambda x, y, w_, h: sh.date(x, y, start, st.date(), role="work_start")),
            ],
        ),
        (
            13,
            [
                (1, "文化程度"),
                (1, v(p.education)),
                (1, "任教科目"),
                (1, v(rng.choice(["语文", "数学", "复式"]))),
                (1, "教龄"),
                (1, v(f"{regular[0] - start[0]}年")),
            ],
        ),
        (
            50,
            [
                (1, "学校意见"),
                (
                    5,
                    _opinion(
                        sh,
                        "该同志长期坚持民办教学，表现良好。",
                        (regular[0] - 1, 12, 20),
                        st.date(),
                        school,
                    ),
                ),
            ],
        ),
    ]
    table(sh, 20, 42, w, rows)
    sheets = [sh]
    if two_pages:
        sh2 = Sheet()
        _title(sh2, "民办教师转正审批表")
        rows2 = [
            (
                13,
                [
                    (1, "姓　　名"),
                    (1, lambda x, y, w_, h: sh2.person(x, y, p.name, "姓名")),
                    (1, "性别"),
                    (1, lambda x, y, w_, h: sh2.fill(x, y, p.gender)),
                    (1, "转正时间"),
                    (
                        1,
                        lambda x, y, w_, h: sh2.date(
                            x, y, regular, st.date(NARROW), size=4.2, role="effective"
                        ),
                    ),
                ],
            ),
            (13, [(1, "转正依据"), (5, lambda x, y, w_, h: sh2.docno(x, y, policy, st.docno()))]),
            (
                50,
                [
                    (1, "县教育局意见"),
                    (5, _opinion(sh2, "同意转为公办教师。", regular, st.date(), EDUCATION_BUREAU)),
                ],
            ),
        ]
        table(sh2, 20, 42, w, rows2)
        sheets.append(sh2)
    return GeneratedDoc(
        "community_teacher", f"{p.name}民办教师登记及转正审批表", EDUCATION_BUREAU, regular, sheets
    )


# ------------------------------------------------------------------- military (入伍 / 退伍)
def military_discharge(rng: random.Random, st: Styles, p: Person, hand=False):
    enlist = (rng.randint(1970, 1984), 12, rng.randint(1, 28))
    discharge = (enlist[0] + rng.choice([3, 4, 5]), rng.choice([1, 3, 10]), rng.randint(1, 28))
    policy = P.POLICIES["military"][0 if discharge[0] >= 1988 else 1]
    sh = Sheet()
    _title(sh, "退伍军人安置介绍信", y=28)
    sh.label(150, 42, "东民安字第", size=4.2)
    sh.fill(172, 41.5, f"{rng.randint(10, 300)}号")
    sh.unit(20, 55, p.unit + "：", hand=hand)
    end = sh.prose(
        20,
        67,
        170,
        [
            ("兹介绍退伍军人", None, None),
            (p.name, "person", "prose"),
            (f"同志（{p.gender}，", None, None),
            ("ym_cn", "date:birth", p.birth),
            ("生）到你单位报到。该同志于", None, None),
            (st.date(("compact",)), "date:enlisted", enlist),
            ("入伍，", None, None),
            (st.date(("compact",)), "date:discharged", discharge),
            ("退伍。根据", None, None),
            (st.docno(), "docno", policy),
            ("文件精神，经研究，安置到你单位工作，请按规定办理接收手续。", None, None),
        ],
        hand=hand,
        leading=4.0,
    )
    sh.label(20, end + 6, "此致", size=4.6)
    sh.label(20, end + 16, "敬礼", size=4.6)
    sh.label(120, end + 34, CIVIL_AFFAIRS, size=4.6)
    sh.date(124, end + 44, discharge, st.date(("compact", "short_ym")), hand=hand, role="issued")
    sh.page.stamp(140, end + 38, CIVIL_AFFAIRS)
    return GeneratedDoc("military", f"{p.name}退伍安置介绍信", CIVIL_AFFAIRS, discharge, [sh])


def military_enlist(rng: random.Random, st: Styles, p: Person):
    enlist = (rng.randint(1965, 1984), 12, rng.randint(1, 28))
    sh = Sheet()
    _title(sh, "入伍批准书", y=30, size=9)
    sh.prose(
        24,
        55,
        162,
        [
            (p.name, "person", "prose"),
            ("同志：", None, None),
        ],
        indent=0,
        size=5.0,
    )
    end = sh.prose(
        24,
        68,
        162,
        [
            ("经县征兵办公室审查，批准你于", None, None),
            ("ymd_cn", "date:enlisted", enlist),
            ("应征入伍。望你接到批准书后，按时到", None, None),
            (ARMED_FORCES, "unit", ARMED_FORCES),
            ("报到。入伍后要服从命令，听从指挥，刻苦训练，为保卫祖国作出贡献。", None, None),
        ],
        size=5.0,
        leading=4.5,
    )
    sh.label(118, end + 20, ARMED_FORCES, size=5.0)
    sh.date(122, end + 32, enlist, st.date(("compact",)), role="issued")
    sh.page.stamp(140, end + 26, ARMED_FORCES, "")
    return GeneratedDoc("military", f"{p.name}入伍批准书", ARMED_FORCES, enlist, [sh])


# ----------------------------------------------------------------- retirement (退休审批)
def retirement(rng: random.Random, st: Styles, p: Person):
    retire_year = max(p.birth[0] + (60 if p.gender == "男" else 50), 1995)
    retire = (retire_year, p.birth[1], 1)
    policy = P.POLICIES["retirement"][rng.randrange(2)]
    sh = Sheet()
    _title(sh, "职工退休审批表")
    sh.label(20, 33, "单位：", size=4.0)
    sh.unit(34, 32.5, p.unit)
    w = [28, 34, 22, 26, 28, 32]

    def v(text):
        return lambda x, y, w_, h: sh.fill(x, y, text)

    years = retire[0] - p.work_start[0]
    rows = [
        (
            13,
            [
                (1, "姓　　名"),
                (1, lambda x, y, w_, h: sh.person(x, y, p.name, "姓名")),
                (1, "性别"),
                (1, v(p.gender)),
                (1, "出生年月"),
                (
                    1,
                    lambda x, y, w_, h: sh.date(
                        x, y, p.birth, st.date(NARROW), size=4.2, role="birth"
                    ),
                ),
            ],
        ),
        (13, [(1, "身份证号码"), (5, lambda x, y, w_, h: sh.id_number(x, y, p.id_number))]),
        (
            13,
            [
                (1, "参加工作时间"),
                (
                    1,
                    lambda x, y, w_, h: sh.date(
                        x, y, p.work_start, st.date(NARROW), size=4.2, role="work_start"
                    ),
                ),
                (1, "连续工龄"),
                (1, v(f"{years}年")),
                (1, "退休时间"),
                (
                    1,
                    lambda x, y, w_, h: sh.date(
                        x, y, retire, st.date(NARROW), size=4.2, role="retire"
                    ),
                ),
            ],
        ),
        (
            13,
            [
                (1, "退休类别"),
                (1, v("正常退休")),
                (1, "退休费"),
                (1, v(_money(rng, 300, 1200))),
                (1, "计发比例"),
                (1, v(f"{rng.choice([75, 80, 85, 90])}%")),
            ],
        ),
        (13, [(1, "审批依据"), (5, lambda x, y, w_, h: sh.docno(x, y, policy, st.docno()))]),
        (
            44,
            [
                (1, "单位意见"),
                (
                    5,
                    _opinion(
                        sh,
                        "该同志已达退休年龄，同意退休。",
                        (retire[0], max(1, retire[1] - 1), 15),
                        st.date(),
                        p.unit,
                    ),
                ),
            ],
        ),
        (
            44,
            [
                (1, "劳动部门意见"),
                (5, _opinion(sh, "经审核，符合退休条件，同意。", retire, st.date(), LABOUR_BUREAU)),
            ],
        ),
    ]
    table(sh, 20, 42, w, rows)
    return GeneratedDoc(
        "retirement", f"{p.name}退休审批表", LABOUR_BUREAU, retire, [sh], retention="永久"
    )


# ------------------------------------------------------------------------ other (其他)
def service_certificate(rng: random.Random, st: Styles, p: Person):
    """工龄证明: a prose letter in a clerk's hand."""
    sh = Sheet()
    _title(sh, "工龄证明", y=30, size=8)
    end = sh.prose(
        20,
        52,
        170,
        [
            ("兹证明", None, None),
            (p.name, "person", "prose"),
            (f"同志，{p.gender}，", None, None),
            ("cn_ym", "date:birth", p.birth),
            ("出生，于", None, None),
            (st.date(), "date:work_start", p.work_start),
            ("参加工作，在", None, None),
            (p.unit, "unit", p.unit),
            (f"从事{p.job}工作至今，工龄连续计算。", None, None),
            ("特此证明。", None, None),
        ],
        hand=True,
        leading=5.0,
    )
    issued = (rng.randint(1988, 1999), rng.randint(1, 12), rng.randint(1, 28))
    sh.fill(120, end + 24, p.unit)
    sh.date(126, end + 36, issued, st.date(("compact",)), role="issued")
    sh.page.stamp(146, end + 30, p.unit)
    return GeneratedDoc("other", f"{p.name}工龄证明", p.unit, issued, [sh], retention="30年")


def file_list(rng: random.Random, st: Styles, entries: list[tuple[str, str, tuple]]):
    """卷内文件目录: the table of contents at the front of a volume."""
    sh = Sheet()
    _title(sh, "卷内文件目录", y=22)
    cols = [14, 38, 70, 28, 20]
    table(
        sh,
        20,
        36,
        cols,
        [(11, [(1, "序号"), (1, "责任者"), (1, "题名"), (1, "日期"), (1, "页号")])],
        label_size=3.6,
    )
    y = 47
    xs = [20 + sum(cols[:k]) for k in range(len(cols) + 1)]
    for i, (creator, title, ymd) in enumerate(entries, 1):
        for k in range(len(cols)):
            sh.page.box(xs[k], y, xs[k + 1], y + 11)
        sh.label(xs[0] + 4, y + 3, str(i), size=3.8)
        sh.fill(xs[1] + 1.5, y + 2.5, creator, size=3.4)
        sh.fill(xs[2] + 1.5, y + 2.5, title, size=3.8)
        sh.date(xs[3] + 1.5, y + 2.5, ymd, "compact", size=3.8, role="item")
        sh.fill(xs[4] + 4, y + 2.5, str(i * 2 - 1), size=3.8)
        y += 11
    return GeneratedDoc(
        "other", "卷内文件目录", "东岭县档案馆", entries[0][2], [sh], retention="永久"
    )


NOTICE_PARAGRAPHS = [
    "各乡镇人民政府，县直各部门、各企事业单位：",
    "根据国务院《关于机关和事业单位工作人员工资制度改革问题的通知》（国发〔1993〕79号）和"
    "省人民政府甘政发〔1993〕45号文件精神，经县人民政府研究，现就做好我县机关和事业单位工作人员"
    "工资套改工作的有关问题通知如下：",
    "一、工资套改的范围。凡1993年9月30日在册的机关和事业单位正式工作人员，均按本通知规定进行"
    "工资套改。离退休人员按国家有关规定增加离退休费，不参加套改。",
    "二、套改办法。工作人员按照现任职务和任职年限，套入相应的职务工资和级别工资。工作年限从参加"
    "工作之日起计算，间断工作的，扣除间断时间。民办教师转为公办教师的，其民办教师教龄合并计算为"
    "工作年限。",
    "三、套改后的工资从1993年10月1日起执行。各单位要认真填写《职工工资调整审批表》和"
    "《1993年工资套改人员花名册》，于1993年12月20日前报县劳动人事局审批。",
    "四、各单位要加强领导，严格按政策办事，不得擅自扩大范围、提高标准。工作中遇到的问题，"
    "请及时向县劳动人事局反映。",
]
