"""跨馆检索: one query to this archive and every partner at once, hits merged and labelled.

Partners answer in parallel, each within the configured timeout; whichever is down, slow or
refuses our token is listed with its state while the others' hits are shown as usual.
Partner text is untrusted: it is rendered escaped, with highlights from character offsets.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from flask import Blueprint, current_app, render_template, request
from markupsafe import Markup, escape

from dangan import federation
from dangan.doctypes import TYPES
from dangan.search.backend import IndexMissing
from dangan.search.explain import RELATIONS
from dangan.search.query import QueryError, SearchRequest
from dangan.search.searching import search

from ..security import log_access
from ..stores import page_store, search_index
from . import persons
from .api import public_hit

bp = Blueprint("federated", __name__, url_prefix="/federated")
FIELDS = ("person", "year", "from", "to", "policy", "type", "unit", "q")
LIMIT = 20


def marked(snippet: str, highlights: list) -> Markup:
    """Escape a partner's snippet and wrap the given character ranges in <mark>."""
    out, at = [], 0
    for pair in sorted(highlights or []):
        try:
            start, end = int(pair[0]), int(pair[1])
        except (TypeError, ValueError, IndexError):
            continue
        if not at <= start < end <= len(snippet):
            continue
        out += [escape(snippet[at:start]), Markup("<mark>"), escape(snippet[start:end]),
                Markup("</mark>")]
        at = end
    out.append(escape(snippet[at:]))
    return Markup("").join(out)


def _rank(hit: dict) -> tuple:
    """Merge order across archives: scores from different indexes are not comparable, the
    relation is (精确 before 同音 …), so rank by relation, then each archive's own order."""
    why = hit.get("why") or []
    label = str(why[0]).split("：")[0] if why else ""
    return (RELATIONS.get(label, len(RELATIONS)), hit["_order"])


@bp.route("/")
def index():
    cfg = current_app.config["DANGAN"]
    form = request.args
    answers, hits, error, local_state, people = [], [], None, None, []
    if any(form.get(k, "").strip() for k in FIELDS):
        params = {k: form.get(k, "").strip() for k in FIELDS if form.get(k, "").strip()}
        params["limit"] = LIMIT
        try:
            req = SearchRequest.from_params(form, limit=LIMIT)
        except QueryError as e:
            error = str(e)
        else:
            # Partners first (they wait on the network), this archive meanwhile.
            with ThreadPoolExecutor(max_workers=2) as pool:
                remote = pool.submit(federation.search_peers, cfg.peers, params,
                                     cfg.peer_timeout, cfg.peer_proxy)
                name = form.get("person", "").strip()
                their_persons = pool.submit(federation.persons_at_peers, cfg.peers, name,
                                            cfg.peer_timeout, cfg.peer_proxy) if name else None
                try:
                    store = page_store()
                    local = search(search_index(), req, store.page_view, store.aliases_of,
                                   policies_file=cfg.policies_file,
                                   catalogue=store.restricted_catalogue)
                    for n, h in enumerate(local.hits):
                        hits.append({**public_hit(h), "_archive": cfg.archive_code,
                                     "_archive_name": "本馆", "_local": True,
                                     "_page_id": h.page_id, "_order": n})
                    local_state = ("ok", local.total)
                except (QueryError, IndexMissing) as e:
                    local_state = ("error", str(e))
                answers = remote.result()
                if their_persons is not None and local_state[0] == "ok":
                    people = persons.columns(persons.local_column(name), their_persons.result())
            for a in answers:
                for n, h in enumerate(a.hits[:LIMIT]):
                    if isinstance(h, dict):
                        hits.append({**h, "_archive": a.peer.code, "_archive_name": a.peer.name,
                                     "_local": False, "_order": n})
            hits.sort(key=_rank)
            log_access("federated_search", detail=request.query_string.decode(
                "utf-8", "replace")[:500] + " | " + " ".join(
                f"{a.peer.code}:{a.state}" for a in answers))
    return render_template("federated.html", form=form, hits=hits, answers=answers,
                           error=error, local_state=local_state, types=TYPES, marked=marked,
                           peers=cfg.peers, people=people)
