"""Importing a catalogue (目录) from the admin pages: upload a .xlsx or CSV, read the report
(dangan.indexer.catalog_import — nothing changes yet), then 确认导入. The uploaded file is kept
in the data dir under a name the server gives it, so what is applied is what was reported."""

from __future__ import annotations

import hashlib
import re
import time

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from dangan.indexer import locks
from dangan.indexer.catalog import CatalogError
from dangan.indexer.catalog_import import import_catalogue

from ..security import admin_required, log_access

bp = Blueprint("catalog", __name__, url_prefix="/admin/catalog")
SUFFIXES = (".xlsx", ".csv")
_NAME = re.compile(r"^\d{8}-\d{6}-[0-9a-f]{12}\.(xlsx|csv)$")


def _folder():
    folder = current_app.config["DANGAN"].data_dir / "catalogues"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@bp.route("/", methods=["GET", "POST"])
@admin_required
def upload():
    if request.method == "GET":
        return render_template("catalog_import.html", report=None, name=None)
    f = request.files.get("file")
    suffix = "." + (f.filename or "").rsplit(".", 1)[-1].lower() if f and f.filename else ""
    if not f or suffix not in SUFFIXES:
        flash("请选择目录文件（.xlsx 或 .csv；旧版 .xls 请先另存为 .xlsx）", "warn")
        return redirect(url_for("catalog.upload"))
    data = f.read()
    name = f"{time.strftime('%Y%m%d-%H%M%S')}-{hashlib.sha256(data).hexdigest()[:12]}{suffix}"
    path = _folder() / name
    path.write_bytes(data)
    try:
        report = import_catalogue(current_app.config["DANGAN"], path)
    except CatalogError as e:
        path.unlink()
        flash(f"无法读取目录：{e}", "warn")
        return redirect(url_for("catalog.upload"))
    log_access("catalogue_preview", detail=f"目录预览 {f.filename}（{name}）：{report.rows} 行")
    return render_template("catalog_import.html", report=report, name=name,
                           original=f.filename)


@bp.route("/apply", methods=["POST"])
@admin_required
def apply():
    name = request.form.get("name", "")
    if not _NAME.match(name) or not (_folder() / name).exists():
        abort(400, description="找不到要导入的目录文件，请重新上传")
    try:
        report = import_catalogue(current_app.config["DANGAN"], _folder() / name, apply=True)
    except locks.Busy:
        flash("索引批次正在运行，请在其结束后再导入（目录文件已保留，可重新上传）", "warn")
        return redirect(url_for("catalog.upload"))
    except CatalogError as e:
        abort(400, description=f"无法读取目录：{e}")
    log_access("catalogue_import", detail=f"导入目录 {name}：新增 {len(report.new)}，变更 "
               f"{len(report.changed)}，开放 {len(report.opens)}，受控 {len(report.closes)}")
    flash(report.lines()[-1])
    return redirect(url_for("catalog.upload"))
