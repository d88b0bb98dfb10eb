"""The partner API (/api/v1): search, forward a request, follow its status.

Partner archives authenticate every call with a bearer token this node issued to them
(`dangan token create PEER`). Search takes the same parameters as the counter form and runs
the same query code; restricted (控制) items are reported only as existing, never with their
title, persons, text or position. Every call, refused or answered, is logged.
"""

from __future__ import annotations

import json
import logging
from importlib import resources

from flask import Blueprint, Response, current_app, g, jsonify, request
from sqlalchemy import select

from dangan.desk import steps
from dangan.desk.forms import validate
from dangan.register import tokens
from dangan.register.requests import Request
from dangan.search.backend import IndexMissing
from dangan.search.query import QueryError, SearchRequest
from dangan.search.searching import search as run_search
from dangan.text.idnumbers import mask_in_text
from dangan.text.numbers import parse_int

from ..limits import SlidingWindow
from ..stores import page_store, search_index

bp = Blueprint("api", __name__, url_prefix="/api/v1")
log = logging.getLogger("dangan.web.api")
MAX_LIMIT = 50


def _db():
    return current_app.extensions["dangan_db"]


def _log(action: str, status: int, detail: str = "") -> None:
    if status >= 400:
        log.info("api %s refused: %s (peer %s)", action.split(" ")[0], status,
                 g.get("peer") or "-")
    with _db().session() as s:
        s.add(tokens.ApiAccess(peer=g.get("peer") or "", action=action, status=status,
                               detail=mask_in_text(detail)[:500]))
        s.commit()


def error(status: int, message: str, action: str = "") -> tuple[Response, int]:
    _log(action or request.endpoint or "?", status, message)
    return jsonify({"error": message}), status


@bp.before_request
def authenticate():
    g.peer = None
    if request.endpoint == "api.openapi":
        return None
    header = request.headers.get("Authorization", "")
    token = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
    peer = tokens.verify(_db(), token) if token else None
    if peer is None:
        response, status = error(401, "令牌无效或已吊销 / invalid or revoked token",
                                 f"refused {request.path}")
        response.headers["WWW-Authenticate"] = 'Bearer realm="dangan"'
        return response, status
    g.peer = peer
    cfg = current_app.config["DANGAN"]
    calls = current_app.extensions.setdefault("dangan_api_calls", SlidingWindow(60))
    if not calls.allow(peer, cfg.api_per_minute):
        response, status = error(429, f"调用过于频繁：每分钟最多 {cfg.api_per_minute} 次 / "
                                      "rate limit exceeded", f"throttled {request.path}")
        response.headers["Retry-After"] = "60"
        return response, status
    return None


@bp.route("/openapi.json")
def openapi():
    spec = json.loads(
        resources.files("dangan.web.partners").joinpath("openapi.json").read_text("utf-8"))
    cfg = current_app.config["DANGAN"]
    spec["info"]["x-archive"] = {"code": cfg.archive_code, "name": cfg.archive_name}
    return jsonify(spec)


def public_hit(hit) -> dict:
    d = hit.to_json()
    d["highlights"] = [[s.start, s.end] for s in hit.spans]
    d.pop("page_id", None)  # the page store's ids mean nothing outside this node
    if hit.restricted:
        # That a restricted file matches is useful (the partner can forward a request);
        # what it says is not the partner's to see.
        return {"restricted": True, "archive_code": d["archive_code"], "doc_type": "",
                "why": [], "snippet": "受控档案，需向本馆申请",
                "highlights": [], "persons": [], "years": [], "doc_numbers": [],
                "title": d["title"],  # catalogue_hits gives only a title the catalogue opens
                "path": "", "page": None, "document": "", "box": None, "row": None,
                "score": d["score"]}
    d.pop("box", None)
    return d


@bp.route("/search")
def search():
    cfg = current_app.config["DANGAN"]
    args = request.args
    if not any(args.get(k, "").strip() for k in SearchRequest.PARAMS):
        return error(400, "请至少给出一个检索条件（person, year, policy, q …）")
    limit = parse_int(args.get("limit", "20"), 1, MAX_LIMIT)
    if limit is None:
        return error(400, f"limit 应为 1–{MAX_LIMIT} 之间的整数")
    page = parse_int(args.get("page", "1"), 1, 10_000)
    if page is None:
        return error(400, "page 应为 1–10000 之间的整数")
    try:
        req = SearchRequest.from_params(args, limit=limit, page=page)
        store = page_store()
        results = run_search(search_index(), req, store.page_view, store.aliases_of,
                             policies_file=cfg.policies_file,
                             catalogue=store.restricted_catalogue)
    except (QueryError, ValueError) as e:
        return error(400, str(e))
    except IndexMissing:
        return error(503, "本馆索引尚未建立")
    _log("search", 200, request.query_string.decode("utf-8", "replace"))
    return jsonify({"archive": {"code": cfg.archive_code, "name": cfg.archive_name},
                    "total": results.total, "page": page, "limit": limit,
                    "seconds": round(results.seconds, 3),
                    "hits": [public_hit(h) for h in results.hits]})


def _status(req: Request) -> dict:
    return {"number": req.number, "origin_number": req.origin_number, "status": req.status,
            "accepted_on": req.accepted_on.isoformat(), "due_on": req.due_on.isoformat(),
            "result_note": req.result_note, "delivery": req.delivery,
            # Status changes only: what staff note on a step is internal (who was phoned,
            # what was tried); the partner gets the result and the reply.
            "history": [{"at": e.at.isoformat(sep=" "), "status": e.to_status}
                        for e in req.events if e.to_status != e.from_status]}


@bp.route("/requests", methods=["POST"])
def forward_in():
    cfg = current_app.config["DANGAN"]
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return error(400, "请求体应为 JSON 对象")
    body = {**body, "holding_archive": cfg.archive_code}
    values, problems = validate(body, channel="外馆转来", holding=(cfg.archive_code,))
    origin_number = str(body.get("origin_number", ""))[:40]
    if problems:
        _log("forward_in", 422, "；".join(problems))
        return jsonify({"error": "申请内容不完整", "problems": problems}), 422
    with _db().session() as s:
        if origin_number and (seen := s.scalar(select(Request).where(
                Request.origin_archive == g.peer, Request.origin_number == origin_number))):
            # A retry after a lost answer must not file the request twice.
            _log("forward_in", 200, f"{seen.number} (again)")
            return jsonify(_status(steps.get(_db(), seen.number))), 200
    req = steps.open_request(_db(), cfg, values, actor=f"外馆 {g.peer}",
                               origin_archive=g.peer, origin_number=origin_number)
    _log("forward_in", 201, req.number)
    return jsonify(_status(steps.get(_db(), req.number))), 201


@bp.route("/requests/<number>")
def request_status(number: str):
    req = steps.get(_db(), number)
    # A partner sees only the requests it forwarded; any other number does not exist for it.
    if req is None or req.origin_archive != g.peer:
        return error(404, "无此申请")
    _log("request_status", 200, number)
    return jsonify(_status(req))


from . import persons as _persons  # noqa: E402,F401  (GET /persons joins this blueprint)
