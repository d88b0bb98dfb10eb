"""What the printable 查档结果摘要 of one confirmed person says: the facts with their sources,
the conflicts with every value, the birth-date rule's choice, the timeline and 连续工龄. It is
drawn, the certified copies of the cited pages after it, by dangan.papers.summary, and goes
through the register like any copy (code, QR, issued-papers record)."""

from __future__ import annotations

from dangan.corrections import provenance
from dangan.pension.reckon import Reckoning

from .appearances import Record
from .dossier import Person
from .timeline import service_line, shown_date

TITLE = "查档结果摘要"


def source_label(r: Record, reference: str) -> str:
    where = f"第{r.row}行" if r.row else ""
    return f"{reference} 第{r.page}页{where}（{shown_date(r.date) or '日期不明'}）"


def _dates(sources) -> str:
    return "、".join(shown_date(s.record.date) or "日期不明" for s in sources)


def summary_lines(person: Person, name: str, references: dict[str, str],
                  retirement: Reckoning | None = None) -> list[str]:
    """The summary as lines of text (also what a test reads back from the PDF). The
    retirement reckoning, when given, comes last, labelled as a reference only."""
    ref = {r.key: source_label(r, references.get(r.key, r.document)) for r in person.group.records}
    count = len(person.group.records)
    out = [f"姓名：{name}　共 {count} 条档案记录（已经工作人员确认为同一人）", ""]
    out.append("一、记载事项及出处（未注明者为机器识别，注明“人工核对”者经工作人员对照原件核对）")
    for f in person.facts:
        for v in f.values:
            sources = "；".join(ref[s.record.key] + (f"（{provenance(s.fact)}）"
                                                      if s.fact.checked else "")
                               for s in v.sources)
            out.append(f"{f.label}：{v.text}　出处：{sources}")
    if person.conflicts:
        out += ["", "二、记载不一致"]
        for f in person.conflicts:
            out.append(f"{f.label}：" + "；".join(f"{v.text}（{_dates(v.sources)}）"
                                                  for v in f.values))
    if person.birth:
        b = person.birth
        out += ["", "三、出生时间认定", f"{b.rule}：“{b.rule_text}”。",
                f"最先记载的记录：{ref.get(b.record_key, '')}，所载出生时间 {b.text}。"]
    out += ["", "四、时间线"]
    out += [f"{shown_date(e.date) or '日期不明'}　{e.what}{('　' + e.detail) if e.detail else ''}"
            for e in person.timeline]
    s = person.service
    if s:
        out.append(service_line(s))
        for a, b in s.gaps:
            out.append(f"无档案记载的期间：{a} 至 {b}（请核对是否连续）")
    if retirement:
        out += retirement_lines(retirement, ref)
    return out


def retirement_lines(r: Reckoning, ref: dict[str, str]) -> list[str]:
    """五、退休时间线: each figure, the facts it rests on with their records, its notes."""
    out = ["", f"五、退休时间线（{r.notice}）",
           "以下按档案所载事项和现行规定测算，仅供参考，不作为退休审批依据。"]
    for ln in r.lines:
        out.append(f"{ln.label}：{ln.value}")
        if ln.basis:
            out.append("　依据：" + "；".join(f"{b.label} {b.text}，{ref.get(b.record_key, '')}"
                                          for b in ln.basis))
        out += [f"　说明：{n}" for n in ln.notes]
    if r.uncertainties:
        out.append("不确定之处：")
        out += [f"　{u}" for u in r.uncertainties]
    out.append("政策依据：" + "；".join(r.sources) + "。")
    return out
