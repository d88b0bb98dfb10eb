"""Admin pages: index status with the last batch's failures, the access log, the partner API
log, and the tokens issued to partner archives."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, current_app, render_template
from sqlalchemy import select

from dangan.records.accounts import Access
from dangan.records.tokens import ApiAccess, listing

from ..security import admin_required
from ..stores import page_store, search_index

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/status")
@admin_required
def status():
    info = page_store().status()
    index = search_index()
    info["index_bytes"] = index.size_bytes() if index.dir.exists() else 0
    info["index_current"] = index.is_current()
    last = info.get("last_batch")
    if last and last.get("finished"):
        last["finished_text"] = dt.datetime.fromtimestamp(last["finished"]).strftime(
            "%Y-%m-%d %H:%M")
    return render_template("admin_status.html", info=info)


@bp.route("/log")
@admin_required
def log():
    with current_app.extensions["dangan_db"].session() as s:
        rows = list(s.scalars(select(Access).order_by(Access.at.desc()).limit(500)))
        users = {a.id: a.user.username for a in rows}
    return render_template("admin_log.html", rows=rows, users=users)


@bp.route("/api-log")
@admin_required
def api_log():
    db = current_app.extensions["dangan_db"]
    with db.session() as s:
        rows = list(s.scalars(select(ApiAccess).order_by(ApiAccess.id.desc()).limit(500)))
    return render_template("admin_api_log.html", rows=rows, tokens=listing(db))
