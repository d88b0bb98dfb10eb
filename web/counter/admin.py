"""Admin pages: index status with the last batch's failures, the access log, the partner API
log, and the tokens issued to partner archives."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, current_app, render_template
from sqlalchemy import select

from dangan import clock
from dangan.desk.deadlines import calendar_warning
from dangan.desk.records import calendar as desk_calendar
from dangan.desk.workflow import DELIVERED
from dangan.indexer import locks
from dangan.records.accounts import Access
from dangan.records.requests import Request
from dangan.records.tokens import ApiAccess, listing
from dangan.search import engine as search_engine
from dangan.verification import public_url_problem

from ..security import admin_required
from ..stores import page_store, search_index
from .logview import entries

bp = Blueprint("admin", __name__, url_prefix="/admin")


# Warn before the data disk is full: a full disk stops views (they cannot be logged).
DISK_WARN_FREE = 0.05
DISK_WARN_BYTES = 2 * 1024**3


def disk_warning(folder) -> str | None:
    import shutil

    try:
        usage = shutil.disk_usage(folder)
    except OSError:
        return None
    if usage.free < DISK_WARN_BYTES or usage.free < usage.total * DISK_WARN_FREE:
        return (f"数据盘仅剩 {usage.free / 1024**3:.1f} GB（{usage.free / usage.total:.0%}）："
                "磁盘写满后页面查看将因无法记录而被拒绝，请尽快清理或扩容。")
    return None


@bp.route("/status")
@admin_required
def status():
    cfg = current_app.config["DANGAN"]
    running = locks.running_batch(cfg.data_dir)
    info = page_store().status(running=(running or {}).get("batch"))
    info["running_batch"] = running
    info["disk_warning"] = disk_warning(cfg.data_dir)
    info["public_url_warning"] = public_url_problem(cfg.public_url)
    index = search_index()
    info["index_bytes"] = index.size_bytes() if index.dir.exists() else 0
    info["index_current"] = index.is_current()
    engine = search_engine.status()
    info["engine_path"] = "快速路径" if engine.fast else "标准 Whoosh"
    info["engine_warning"] = engine.warning()
    # Deadlines counted in a year the official calendar does not cover yet: say so here.
    with current_app.extensions["dangan_db"].session() as s:
        dues = list(s.scalars(select(Request.due_on).where(Request.status != DELIVERED)))
    today = clock.today()
    info["calendar_warning"] = calendar_warning(
        desk_calendar(current_app.config["DANGAN"]).uncovered_years(
            today, today + dt.timedelta(days=30), *dues))
    last = info.get("last_batch")
    if last and last.get("finished"):
        last["finished_text"] = clock.from_timestamp(last["finished"]).strftime(
            "%Y-%m-%d %H:%M")
    return render_template("admin_status.html", info=info)


@bp.route("/log")
@admin_required
def log():
    with current_app.extensions["dangan_db"].session() as s:
        rows = entries(s, list(s.scalars(select(Access).order_by(Access.id.desc()).limit(500))))
    return render_template("admin_log.html", rows=rows)


@bp.route("/api-log")
@admin_required
def api_log():
    db = current_app.extensions["dangan_db"]
    with db.session() as s:
        rows = list(s.scalars(select(ApiAccess).order_by(ApiAccess.id.desc()).limit(500)))
    return render_template("admin_api_log.html", rows=rows, tokens=listing(db))
