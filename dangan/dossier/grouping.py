"""Group a name's records into candidate persons by the evidence on the pages, and say why.

Two records are the same person when their facts agree (ID number, birth date, 参加工作时间,
unit, 籍贯) more than they disagree; an ID number or gender that differs keeps them apart
whatever else agrees. A birth date off by a year with the same month is a clerk's slip, not
another person (the very disagreement the birth-date rule settles), so it counts little.
Variant spellings (同音, 形近) are never grouped automatically: they are listed apart, each
with the group it would fit, until staff confirm them. Staff decisions (confirm, split,
merge; dangan/register/dossiers.py) are applied last, in the order they were made.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .appearances import Record

SAME = 2.0  # average pairwise score needed to join two groups
HARD = -100.0  # never the same person


def _ym(value: str) -> str:
    return value[:7]


def evidence(a: Record, b: Record) -> tuple[float, list[str]]:
    """A score (positive: same person) and the reasons, in words for the clerk."""
    score, why = 0.0, []
    ida, idb = a.values("id_number"), b.values("id_number")
    if ida and idb:
        if set(ida) & set(idb):
            return 10.0, ["身份证号相同"]
        return HARD, ["身份证号不同"]
    ga, gb = a.values("gender"), b.values("gender")
    if ga and gb and not set(ga) & set(gb):
        return HARD, ["性别不同"]
    ba, bb = a.values("birth"), b.values("birth")
    if ba and bb:
        if {_ym(v) for v in ba} & {_ym(v) for v in bb}:
            score += 3
            why.append(f"出生年月相同（{_ym(ba[0])}）")
        elif any(abs(int(x[:4]) - int(y[:4])) <= 1 and x[5:7] == y[5:7] for x in ba for y in bb):
            score -= 0.5
            why.append(f"出生年月相近（{ba[0][:7]} / {bb[0][:7]}）")
        else:
            score -= 4
            why.append(f"出生年月不同（{ba[0][:7]} / {bb[0][:7]}）")
    wa = a.values("work_start") + a.values("recruited") + a.values("teaching_start")
    wb = b.values("work_start") + b.values("recruited") + b.values("teaching_start")
    if wa and wb:
        if {_ym(v) for v in wa} & {_ym(v) for v in wb}:
            score += 3
            why.append(f"参加工作时间相同（{_ym(wa[0])}）")
        elif {v[:4] for v in wa} & {v[:4] for v in wb}:
            score += 1
            why.append(f"参加工作年份相同（{wa[0][:4]}）")
        else:
            score -= 3
            why.append("参加工作时间不同")
    ua, ub = a.values("unit"), b.values("unit")
    if ua and ub:
        if set(ua) & set(ub):
            score += 2
            why.append(f"单位相同（{sorted(set(ua) & set(ub))[0]}）")
        else:
            score -= 1  # people change units: weak evidence
            why.append("单位不同")
    na, nb = a.values("native_place"), b.values("native_place")
    if na and nb:
        if set(na) & set(nb):
            score += 1
            why.append("籍贯相同")
        else:
            score -= 2
            why.append("籍贯不同")
    fa, fb = a.values("former_name"), b.values("former_name")
    if fa and fb and set(fa) & set(fb):
        score += 2
        why.append(f"曾用名相同（{sorted(set(fa) & set(fb))[0]}）")
    return score, why


def different_person_reason(v: Record, groups: list[Group]) -> str:
    """Why a look-alike record fits no candidate, in words: plainly "另一人" when what its
    page says (unit, birth, start of work) differs from every candidate, with the reasons;
    "无足够信息判断" only when there is nothing to compare."""
    scored = [evidence(v, o) for g in groups for o in g.records]
    informative = [(s, why) for s, why in scored if why]
    if not informative:
        return "无足够信息判断"
    score, why = max(informative, key=lambda t: t[0])
    if score < 0:
        return "记载表明为另一人（与各候选人员均不符）：" + "；".join(why)
    return "与各候选人员记载不符：" + "；".join(why)


@dataclass
class Group:
    records: list[Record]
    reasons: dict[str, str] = field(default_factory=dict)  # record key → why it is here
    confirmed: bool = False
    staff_made: bool = False  # formed or changed by a staff decision

    @property
    def keys(self) -> list[str]:
        return [r.key for r in self.records]


@dataclass
class Grouping:
    groups: list[Group]
    variants: list[tuple[Record, int | None, str]]  # record, the group it fits, why
    unassigned: list[Record]  # no evidence either way (a mention in prose)


def _link(a: list[Record], b: list[Record], scores=None) -> float:
    """Average-link score of two groups: the mean of the informative pair scores, or HARD
    when any pair cannot be the same person."""
    pairs = ([scores[x.key, y.key] for x in a for y in b] if scores is not None
             else [evidence(x, y)[0] for x in a for y in b])
    if any(s <= HARD for s in pairs):
        return HARD
    informative = [s for s in pairs if s != 0]
    return sum(informative) / len(informative) if informative else 0.0


def _reasons(group: list[Record]) -> dict[str, str]:
    out = {}
    for r in group:
        best: tuple[float, list[str], Record] | None = None
        for other in group:
            if other is r:
                continue
            s, why = evidence(r, other)
            if best is None or s > best[0]:
                best = (s, why, other)
        if best is None:
            out[r.key] = "该人仅此一条可据以归并的记录"
        else:
            out[r.key] = "；".join(best[1]) + f"（与{best[2].date[:7] or '无日期'}之记录）" \
                if best[1] else "无可比对的信息"
    return out


def group_records(records: list[Record], decisions=()) -> Grouping:
    """Candidate persons, variants apart, then staff decisions applied in order."""
    main = [r for r in records if not r.is_variant]
    informative = [r for r in main if any(f.kind not in ("name", "gender") for f in r.facts)]
    bare = [r for r in main if r not in informative]
    clusters: list[list[Record]] = [[r] for r in informative]
    # every pair scored once; merging only adds up scores already known
    scores = {}
    for i, a in enumerate(informative):
        for b in informative[i:]:
            scores[a.key, b.key] = scores[b.key, a.key] = evidence(a, b)[0]
    # links between clusters, kept and recomputed only for a cluster that grew
    links = {(i, j): _link(clusters[i], clusters[j], scores)
             for i in range(len(clusters)) for j in range(i + 1, len(clusters))}
    alive = set(range(len(clusters)))
    while True:
        best = max(((s, ij) for ij, s in links.items() if s >= SAME), default=None)
        if best is None:
            break
        _, (i, j) = best
        clusters[i] += clusters[j]
        alive.discard(j)
        links = {ij: s for ij, s in links.items() if j not in ij and i not in ij}
        for k in alive - {i}:
            links[min(i, k), max(i, k)] = _link(clusters[i], clusters[k], scores)
    clusters = [clusters[i] for i in sorted(alive)]
    # A bare mention belongs to the only candidate there is; with several, staff decide.
    if len(clusters) == 1:
        clusters[0] += bare
        bare = []
    elif not clusters and bare:
        clusters, bare = [bare], []
    groups = [Group(sorted(c, key=lambda r: (r.date or "9999", r.key))) for c in clusters]
    for g in groups:
        g.reasons = _reasons(g.records)
    variants = []
    for v in (r for r in records if r.is_variant):
        fits = [(_link([v], g.records), k) for k, g in enumerate(groups)]
        fits = [f for f in fits if f[0] >= SAME]
        if fits:
            _, k = max(fits)
            _, why = max((evidence(v, o) for o in groups[k].records), key=lambda t: t[0])
            variants.append((v, k, "；".join(why)))
        elif groups:
            variants.append((v, None, different_person_reason(v, groups)))
        else:
            variants.append((v, None, "无足够信息判断"))
    grouping = Grouping(groups, variants, bare)
    for d in decisions:
        _apply(grouping, records, d.action, d.keys)
    grouping.groups = [g for g in grouping.groups if g.records]
    grouping.groups.sort(key=lambda g: (not g.confirmed, g.records[0].date or "9999"))
    return grouping


def _apply(grouping: Grouping, records: list[Record], action: str, keys: list[str]) -> None:
    by_key = {r.key: r for r in records}
    chosen = [by_key[k] for k in keys if k in by_key]
    if not chosen:
        return  # the records are gone (a page re-scanned): the decision no longer applies
    chosen_keys = {r.key for r in chosen}
    # take the chosen records out of wherever they are now
    touched = [g for g in grouping.groups if chosen_keys & set(g.keys)]
    for g in grouping.groups:
        g.records = [r for r in g.records if r.key not in chosen_keys]
    grouping.variants = [v for v in grouping.variants if v[0].key not in chosen_keys]
    grouping.unassigned = [r for r in grouping.unassigned if r.key not in chosen_keys]
    if action == "split":
        new = Group(chosen, {r.key: "工作人员拆分为另一人" for r in chosen}, staff_made=True)
        grouping.groups.append(new)
        return
    # confirm / merge: the chosen records and the rest of the groups they were in are one
    target = Group([], staff_made=True)
    for g in touched:
        target.records += g.records
        target.reasons.update(g.reasons)
        target.confirmed = target.confirmed or g.confirmed
        g.records = []
    target.records += chosen
    for r in chosen:
        target.reasons.setdefault(r.key, "工作人员确认为同一人")
        if r.is_variant:
            target.reasons[r.key] = f"{r.relation}（{r.name}），工作人员确认为同一人"
    target.records.sort(key=lambda r: (r.date or "9999", r.key))
    target.confirmed = target.confirmed or action == "confirm"
    grouping.groups.append(target)
