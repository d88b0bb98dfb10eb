"""A dossier as a partner archive may see it: the candidate persons' facts with their
sources (档号, title, record date, page), ID numbers masked, no paths or page ids. Built from
a dossier gathered without clearance, so restricted records never contribute (the openness
rule, applied by the search the dossier gathers through)."""

from __future__ import annotations

from dangan.pension.reckon import reckon
from dangan.pension.special import PensionSettings
from dangan.text.idnumbers import mask

from .dossier import Dossier
from .timeline import WAGE_EVENT, shown_date


def public_persons(d: Dossier, references: dict[str, str],
                   pension: PensionSettings | None = None) -> list[dict]:
    """Each candidate person's facts, the birth rule's choice and the retirement reckoning
    (测算参考), every figure naming the records it rests on."""
    out = []
    for p in d.persons:
        facts = []
        for f in p.facts:
            values = []
            for v in f.values:
                values.append({
                    "value": mask(v.value) if f.kind == "id_number" else v.value,
                    "text": v.text,
                    "sources": [{"archive_code": references.get(s.record.key, ""),
                                 "title": s.record.title, "date": s.record.date,
                                 "page": s.record.page, "row": s.record.row,
                                 "text": mask(s.fact.value) if f.kind == "id_number"
                                 else s.fact.text,
                                 # 人工核对: staff checked it against the scan (no names)
                                 "checked": bool(s.fact.checked)}
                                for s in v.sources]})
            facts.append({"kind": f.kind, "label": f.label, "conflict": f.conflict,
                          "values": values})
        birth = None
        if p.birth:
            birth = {"value": p.birth.value, "text": p.birth.text,
                     "record_date": p.birth.record_date, "rule": p.birth.rule}
        by_key = {r.key: r for r in p.group.records}

        def record_ref(key: str, by_key=by_key) -> dict:
            r = by_key[key]
            return {"archive_code": references.get(key, ""), "title": r.title,
                    "date": r.date, "page": r.page, "row": r.row}

        out.append({"records": len(p.group.records), "confirmed": p.group.confirmed,
                    "birth_by_rule": birth, "facts": facts,
                    "retirement": reckon(p, pension).to_json(record_ref),
                    "wage_changes": [{"date": e.date, "shown_date": shown_date(e.date),
                                      "detail": e.detail} for e in p.timeline
                                     if e.what == WAGE_EVENT]})
    return out
