"""A person's retirement timeline from their records (退休时间线测算): the rules of rules.py
applied to the facts the dossier gathered, every figure with the facts it rests on and their
records, every uncertainty in words. A reference for the pension office, which decides
(测算参考；以社保经办机构核定为准): nothing here says whether someone may retire.

What it reads from the records:
- 性别 and the birth date the 劳社部发〔1999〕8号 rule takes (dangan/dossier/rules.py);
- for a woman, 干部 or 工人 (原法定退休年龄 55 / 50) from 身份 / 用工形式 and the 工种 or 职务
  written on her forms; when they do not say, or disagree, both ages are shown;
- the earliest 参加工作 / 招工 / 入伍 / 转正 date, for 视同缴费年限 up to the month personal
  pension accounts began ([pension] account_start), with every stretch the records leave open;
- 工种 on dated records, for the stretches of 特殊工种 work (special.py) with their sources.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import asdict, dataclass, field

from . import rules as R
from .special import PensionSettings

NOTICE = "测算参考；以社保经办机构核定为准"
START_KINDS = ("work_start", "recruited", "enlisted", "regularized")
GAP_MONTHS = 12  # a stretch of more than a year with no record is named
# 干部 / 工人 as forms write them: 身份 and 用工形式 cells, 工种 or 职务 cells.
CADRE = re.compile(r"干部|科员|科长|干事|会计|出纳|教师|主任|局长|厂长|经理|书记|技术员|工程师|"
                   r"医师")
WORKER = re.compile(r"工人|合同制|全民工|集体工|临时工|学徒|^.{1,5}工$")


@dataclass
class Basis:
    """One fact a figure rests on: its label, as written, and the record it is on."""
    label: str
    text: str
    record_key: str


@dataclass
class Line:
    key: str  # age, month, flexible, minimum, deemed, special, special_age
    label: str
    value: str
    basis: list[Basis] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Reckoning:
    lines: list[Line]
    uncertainties: list[str]
    sources: list[str]
    notice: str = NOTICE

    def to_json(self, record_ref) -> dict:
        """For the partner API: each basis names its record through `record_ref(key)`."""
        out = []
        for ln in self.lines:
            d = asdict(ln)
            d["basis"] = [{"label": b.label, "text": b.text, **record_ref(b.record_key)}
                          for b in ln.basis]
            out.append(d)
        return {"notice": self.notice, "lines": out, "uncertainties": self.uncertainties,
                "sources": self.sources}


def _values(person, kind: str) -> list[tuple[str, str, str, str]]:
    """(value, as written, record key, record date) of every source of a kind."""
    return [(v.value, v.text, s.record.key, s.record.date)
            for f in person.facts if f.kind == kind for v in f.values for s in v.sources]


def original_age_evidence(person) -> tuple[list[Basis], list[Basis]]:
    """The facts saying 干部 and those saying 工人."""
    cadre, worker = [], []
    for kind, label in (("status", "身份"), ("job", "工种/职务")):
        for value, text, key, _ in _values(person, kind):
            if CADRE.search(value):
                cadre.append(Basis(label, text, key))
            elif WORKER.search(value):
                worker.append(Basis(label, text, key))
    return cadre, worker


def _birth_months(person) -> tuple[list[int], list[str], Basis | None]:
    b = person.birth
    if b is None:
        return [], ["档案未载出生时间，无法测算退休年龄和时间"], None
    basis = Basis("出生时间（按最先记载）", b.text, b.record_key)
    notes = []
    if any(f.kind == "birth" for f in person.conflicts):
        notes.append(f"各记录所载出生时间不一致：按{b.rule}取最先记载的 {b.text}")
    if len(b.value) == 4:
        y = int(b.value)
        notes.append(f"出生时间只记至年（{b.text}）：按当年1月和12月出生分别测算，实际在两者之间")
        return [R.month(y, 1), R.month(y, 12)], notes, basis
    if len(b.value) == 7:
        notes.append(f"出生时间只记至月（{b.text}）：对照表按出生年月测算，不影响结果；"
                     "到龄之日以出生日期为准")
    return [R.parse_month(b.value)], notes, basis


def _gender(person) -> tuple[str | None, list[Basis], list[str]]:
    values = _values(person, "gender")
    said = {v for v, *_ in values}
    basis = [Basis("性别", t, k) for _, t, k, _ in values[:1]]
    if len(said) == 1:
        return said.pop(), basis, []
    if not said:
        return None, [], ["档案未载性别，无法确定适用的退休年龄"]
    return None, [Basis("性别", t, k) for _, t, k, _ in values], ["各记录所载性别不一致，无法测算"]


def _span(months: list[int]) -> str:
    if len(months) == 1:
        return R.chinese(months[0])
    return f"{R.chinese(months[0])} 至 {R.chinese(months[-1])}"


def _scenario(group: R.Group, births: list[int], prefix: str, basis: list[Basis]
              ) -> list[Line]:
    rs = [R.statutory(group, b) for b in births]
    first, last = rs[0], rs[-1]
    new_age = " 至 ".join(dict.fromkeys(R.age_text(r.age) for r in rs))
    delayed = ("（出生早于新规定适用范围，按原规定）" if last.delayed == 0 else "")
    birth = [b for b in basis if b.label.startswith("出生")]
    lines = [
        Line("age", f"{prefix}法定退休年龄",
             f"原规定 {R.age_text(first.original_age)}；2025年起新规定 {new_age}{delayed}",
             basis, [f"适用：{group.label}"]),
        Line("month", f"{prefix}退休时间",
             f"原规定 {_span([r.original_month for r in rs])}；"
             f"新规定 {_span([r.month for r in rs])}", birth, ["出生年月加退休年龄"]),
        Line("flexible", f"{prefix}弹性退休",
             f"最早可申请弹性提前退休 {_span([r.earliest_flexible for r in rs])}"
             f"（{R.age_text(first.earliest_flexible_age)}）；"
             f"弹性延迟最晚 {_span([r.latest_flexible for r in rs])}", [],
             ["弹性提前退休须已达到最低缴费年限，提前最多三年且不得早于原法定退休年龄；"
              "弹性延迟最多三年，须单位与职工协商一致"])
        if first.original_month >= R.REFORM_START or last.original_month >= R.REFORM_START else
        Line("flexible", f"{prefix}弹性退休", "不适用：原退休时间在2025年1月之前，按原规定退休"),
    ]
    years = sorted({r.month // 12 for r in rs} | {r.earliest_flexible // 12 for r in rs})
    minimum = "；".join(f"{y}年退休 {R.years_text(R.minimum_contribution(y))}" for y in years)
    lines.append(Line("minimum", f"{prefix}最低缴费年限", minimum, [],
                      ["按退休年份：2030年1月1日起每年提高6个月，至2039年达20年"]))
    return lines


def _start(person) -> tuple[str, Basis] | None:
    """The earliest recorded start of work (ISO, as precise as written) and its fact."""
    starts = []
    for kind, label in (("work_start", "参加工作时间"), ("recruited", "招工时间"),
                        ("enlisted", "入伍时间"), ("regularized", "转正时间")):
        for value, text, key, date in _values(person, kind):
            starts.append((value[:7], date or "9999", value, Basis(label, text, key)))
    if not starts:
        return None
    first = min(starts, key=lambda t: t[:2])  # the same month: the earliest record's writing
    return first[2], first[3]


def _dated_points(person) -> list[str]:
    points = {r.date[:7] for r in person.group.records if len(r.date) >= 7}
    for f in person.facts:
        if f.kind in (*START_KINDS, "wage_effective", "discharged", "retired", "teaching_start",
                      "teaching_end"):
            points |= {v.value[:7] for v in f.values if len(v.value) >= 7}
    return sorted(points)


def deemed_years(person, account_start: str | None) -> Line | None:
    if not account_start:
        return Line("deemed", "视同缴费年限", "未测算：本馆未配置本省建立个人账户的年月"
                    "（config.toml [pension] account_start）")
    found = _start(person)
    if found is None:
        return Line("deemed", "视同缴费年限", "未测算：档案未载参加工作（招工、入伍、转正）时间")
    begin, start = found
    a, end = R.parse_month(begin[:7] if len(begin) >= 7 else begin + "-01"), \
        R.parse_month(account_start)
    if a >= end:
        return Line("deemed", "视同缴费年限",
                    f"无：最早记载的{start.label}（{start.text}）在本省建立个人账户"
                    f"（{R.chinese(end)}）之后", [start])
    notes = [f"自最早记载的{start.label} {R.chinese(a)} 计至本省建立个人账户的 {R.chinese(end)}"
             f"（config.toml [pension] account_start）；须为连续工龄，以原始记录为准"]
    if len(begin) == 4:
        notes.append(f"{start.label}只记至年（{start.text}）：按当年1月计，可能多计至多11个月")
    points = [p for p in _dated_points(person) if begin[:7] <= p < account_start]
    points = [R.iso(a), *[p for p in points if p > R.iso(a)], account_start]
    gaps = [(x, y) for x, y in itertools.pairwise(points)
            if R.parse_month(y) - R.parse_month(x) > GAP_MONTHS]
    for x, y in gaps:
        notes.append(f"{R.chinese(R.parse_month(x))} 至 {R.chinese(R.parse_month(y))} 无档案记载，"
                     "须另有材料证明连续工作")
    if not gaps:
        notes.append("其间各年均有档案记载（间隔不超过一年）")
    return Line("deemed", "视同缴费年限", f"{R.years_text(end - a)}（测算上限）", [start], notes)


def special_stretches(person, settings: PensionSettings) -> list[Line]:
    """Runs of dated records whose 工种 is of one 特殊工种 class, ended by a record of other
    work; each with its records, the months they span, and the class's years and source."""
    dated = []
    for value, text, key, date in _values(person, "job"):
        if len(date) >= 7:
            dated.append((date[:7], value, text, key))
    dated.sort()
    runs: list[list] = []
    for date, value, text, key in dated:
        cls = settings.special.class_of(value)
        if runs and runs[-1][0] == (cls.name if cls else None):
            runs[-1][1].append((date, text, key))
        else:
            runs.append([cls.name if cls else None, [(date, text, key)], cls])
    lines = []
    for i, (name, seen, cls) in enumerate(runs):
        if name is None:
            continue
        a, b = R.parse_month(seen[0][0]), R.parse_month(seen[-1][0])
        basis = [Basis("工种", t, k) for _, t, k in seen]
        notes = [f"{cls.name}类须累计满{cls.years}年（{settings.special.source}）",
                 "首末两条记录之间的工种按未变测算；是否属于本省特殊工种名录、能否提前退休，"
                 "由社保经办机构依原始记录审核"]
        if i + 1 < len(runs):
            nxt = runs[i + 1][1][0]
            notes.append(f"下一条记录（{R.chinese(R.parse_month(nxt[0]))}）所载工种为{nxt[1]}")
        span = R.years_text(b - a)
        enough = "，已达该类累计年限" if b - a >= cls.years * 12 else "，未达该类累计年限"
        lines.append(Line("special", "特殊工种记录",
                          f"{seen[0][1]}（{cls.name}）：{R.chinese(a)} 至 {R.chinese(b)}，"
                          f"记录跨度 {span}{enough}（仅就档案所见）", basis, notes))
    return lines


def reckon(person, settings: PensionSettings | None = None) -> Reckoning:
    settings = settings or PensionSettings()
    births, uncertainties, birth_basis = _birth_months(person)
    gender, gender_basis, gender_notes = _gender(person)
    uncertainties += gender_notes
    lines: list[Line] = []
    base = [*gender_basis, *([birth_basis] if birth_basis else [])]
    if births and gender == "男":
        lines += _scenario(R.MEN, births, "", base)
    elif births and gender == "女":
        cadre, worker = original_age_evidence(person)
        if cadre and not worker:
            lines += _scenario(R.WOMEN_55, births, "", base + cadre)
        elif worker and not cadre:
            lines += _scenario(R.WOMEN_50, births, "", base + worker)
        else:
            if cadre and worker:
                uncertainties.append("各记录对干部、工人身份的记载不一致（见依据）：两种原法定退休年龄"
                                     "均列出，以退休时所在岗位和经办机构认定为准")
            else:
                uncertainties.append("档案未载明干部或工人身份：原法定退休年龄55岁（干部）和50岁"
                                     "（工人）两种情形均列出")
            lines += _scenario(R.WOMEN_55, births, "如为干部（原55岁）：", base + cadre)
            lines += _scenario(R.WOMEN_50, births, "如为工人（原50岁）：", base + worker)
    deemed = deemed_years(person, settings.account_start)
    if deemed:
        lines.append(deemed)
    special = special_stretches(person, settings)
    lines += special
    if special and gender in R.SPECIAL_AGE and births:
        months = [R.special_month(gender, b) for b in births]
        lines.append(Line("special_age", "特殊工种退休年龄",
                          f"{gender}{R.SPECIAL_AGE[gender] // 12}岁（{_span(months)}），"
                          "仅在经办机构认定符合条件时适用", base, [R.SPECIAL_RULE]))
    sources = [R.DECISION, R.MEASURES, R.SPECIAL_RULE,
               "劳社部发〔1999〕8号（出生时间以档案最先记载为准）"]
    return Reckoning(lines, uncertainties, sources)
