"""Admin pages: index status with the last batch's failures, the access log, the partner API
log, and the tokens issued to partner archives."""

from __future__ import annotations

import csv
import datetime as dt
import io

from flask import Blueprint, Response, abort, current_app, render_template, request
from sqlalchemy import select

from dangan import accesslog, clock
from dangan.desk.deadlines import calendar_warning
from dangan.desk.steps import calendar as desk_calendar
from dangan.desk.workflow import DELIVERED
from dangan.indexer import locks
from dangan.register import chain
from dangan.register.requests import Request
from dangan.register.tokens import ApiAccess, listing
from dangan.search import engine as search_engine
from dangan.text.numbers import parse_int
from dangan.verification import public_url_problem

from ..security import admin_required, log_access
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
    info["audit_head"] = chain.head(current_app.extensions["dangan_db"].engine)
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


def _log_filter() -> tuple[accesslog.LogFilter, str]:
    """The log's filter from the query string, and what was wrong with it (Chinese)."""
    a = request.args
    problem, days = "", []
    for key in ("from", "to"):
        try:
            day = accesslog.parse_day(a.get(key))
        except ValueError as e:
            problem, day = str(e), None
        days.append(day)
    return accesslog.LogFilter(
        visit=a.get("visit", "").strip()[:40], request=a.get("request", "").strip()[:40],
        user=a.get("user", "").strip()[:64], person=a.get("person", "").strip()[:30],
        day_from=days[0], day_to=days[1]), problem


@bp.route("/log")
@admin_required
def log():
    """Every entry of the access register, newest first, a page at a time, filtered."""
    f, problem = _log_filter()
    page = parse_int(request.args.get("p"), 1, 10**6) or 1
    db = current_app.extensions["dangan_db"]
    with db.session() as s:
        total = accesslog.count(s, f)
        pages = max(1, -(-total // accesslog.PAGE_SIZE))
        page = min(page, pages)
        rows = entries(s, accesslog.page_of(s, f, page))
    args = {k: v for k, v in request.args.items() if k != "p" and v}
    return render_template("admin_log.html", rows=rows, total=total, page=page, pages=pages,
                           args=args, users=db.users(), problem=problem), (
        400 if problem else 200)


@bp.route("/log.csv")
@admin_required
def log_csv():
    """The filtered register as a spreadsheet: the same sentences, ID numbers masked as
    they were written. The export is itself an entry."""
    f, problem = _log_filter()
    if problem:
        abort(400, description=problem)
    log_access("log_export", detail=f.words())
    db = current_app.extensions["dangan_db"]
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["时间", "用户", "登记 / 申请", "记录"])
    with db.session() as s:
        for e in entries(s, list(accesslog.every(s, f))):
            w.writerow([e.at, e.user, e.visit, e.sentence])
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=access-log.csv"})


@bp.route("/api-log")
@admin_required
def api_log():
    db = current_app.extensions["dangan_db"]
    with db.session() as s:
        rows = list(s.scalars(select(ApiAccess).order_by(ApiAccess.id.desc()).limit(500)))
    return render_template("admin_api_log.html", rows=rows, tokens=listing(db))
