"""A dossier as a partner archive may see it: the candidate persons' facts with their
sources (档号, title, record date, page), ID numbers masked, no paths or page ids. Built from
a dossier gathered without clearance, so restricted records never contribute (the openness
rule, applied by the search the dossier gathers through)."""

from __future__ import annotations

from dangan.text.idnumbers import mask

from .dossier import Dossier


def public_persons(d: Dossier, references: dict[str, str]) -> list[dict]:
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
                                 "page": s.record.page, "row": s.record.row}
                                for s in v.sources]})
            facts.append({"kind": f.kind, "label": f.label, "conflict": f.conflict,
                          "values": values})
        birth = None
        if p.birth:
            birth = {"value": p.birth.value, "text": p.birth.text,
                     "record_date": p.birth.record_date, "rule": p.birth.rule}
        out.append({"records": len(p.group.records), "confirmed": p.group.confirmed,
                    "birth_by_rule": birth, "facts": facts})
    return out
