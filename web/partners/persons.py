"""GET /api/v1/persons?name=…: this archive's facts about a person, for a partner's
cross-archive request (open records only; IDs masked; logged like every API call)."""

from __future__ import annotations

from flask import current_app, jsonify, request

from dangan.dossier import open_dossier
from dangan.dossier.export import public_persons
from dangan.pension.special import settings_of
from dangan.register.dossiers import decisions_for
from dangan.search.backend import IndexMissing
from dangan.search.query import QueryError

from .. import gate
from ..stores import page_store, search_index
from .api import _db, _log, bp, error

MAX_NAME = 20


@bp.route("/persons")
def persons():
    name = (request.args.get("name") or "").strip()
    if not name or len(name) > MAX_NAME:
        return error(400, f"name 应为 1–{MAX_NAME} 个字的姓名")
    cfg = current_app.config["DANGAN"]
    store = page_store()
    try:
        # no clearance: a partner never sees what a restricted record says (the gate's rule)
        d = open_dossier(search_index(), store, name, decisions_for(_db(), name),
                         gate.partner_cleared())
    except IndexMissing:
        return error(503, "本馆索引尚未建立")
    except QueryError as e:  # not a name the search can look up ("-1", "²")
        return error(400, str(e))
    _log("persons", 200, f"name={name} records={len(d.records)}")
    return jsonify({"archive": {"code": cfg.archive_code, "name": cfg.archive_name},
                    "name": name,
                    "persons": public_persons(d, d.references(store), settings_of(cfg))})


def local_column(name: str) -> dict:
    """This archive's own column of the side-by-side view (open records only, like a
    partner sees them: the comparison is between what each archive would certify)."""
    cfg = current_app.config["DANGAN"]
    store = page_store()
    d = open_dossier(search_index(), store, name, decisions_for(_db(), name),
                     gate.partner_cleared())
    return {"code": cfg.archive_code, "name": f"本馆 {cfg.archive_name}", "state": "正常",
            "message": "", "persons": public_persons(d, d.references(store), settings_of(cfg))}


def columns(local: dict, answers) -> list[dict]:
    return [local] + [{"code": a.peer.code, "name": f"{a.peer.name}（{a.peer.code}）",
                       "state": a.label, "message": a.message,
                       "persons": a.hits if a.state == "ok" else []} for a in answers]
