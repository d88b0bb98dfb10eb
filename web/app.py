"""Flask application factory for the counter web app (查档窗口)."""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from flask import Flask, g, jsonify, render_template, request, session
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from dangan import clock
from dangan.config import Config
from dangan.diskfull import MESSAGE as DISK_FULL
from dangan.diskfull import is_disk_full
from dangan.register.accounts import Database, database_url

from .security import (
    AccessLogUnavailable,
    before_request,
    csrf_token,
    held_visit_id,
    open_visits,
    security_headers,
    staff_name,
)
from .stores import close_page_store


class _IdConverter(IntegerConverter):
    regex = r"[0-9]{1,18}"


log = logging.getLogger("dangan.web")


def _secret_key(data_dir: Path) -> bytes:
    """A per-installation key kept in the data dir (0600), created on first start."""
    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(secrets.token_bytes(32))
    return path.read_bytes()


def create_app(cfg: Config, *, testing: bool = False) -> Flask:
    clock.use_zone(cfg.timezone)  # an entry point: the archive's clock is the process's
    app = Flask(__name__)
    app.config.update(
        DANGAN=cfg,
        SECRET_KEY=_secret_key(cfg.data_dir),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        # Secure only over HTTPS, or the browser would drop the cookie on the intranet's http.
        SESSION_COOKIE_SECURE=cfg.web_https,
        PERMANENT_SESSION_LIFETIME=8 * 3600,
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        TESTING=testing,
        COPY_STAMP=str(cfg.copy_stamp) if cfg.copy_stamp else None,
    )
    app.json.ensure_ascii = False
    if cfg.web_proxy:  # one proxy in front (deploy/nginx-dangan.conf): believe its headers
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_prefix=1)
    # The web app is what `dangan serve` runs: it brings the register to this release's schema.
    app.extensions["dangan_db"] = Database(database_url(cfg), evidence_dir=cfg.data_dir,
                                           migrate=True)
    # Ids in URLs are ASCII digits that fit SQLite's integers: Werkzeug's \d+ also takes
    # "٨" (read as 8), and 23 digits overflowed the database (500 instead of 404).
    app.url_map.converters["int"] = _IdConverter

    from . import auth
    from .counter import (
        admin,
        catalog,
        copies,
        corrections,
        dossier,
        search,
        users,
        verify,
        viewer,
        visits,
    )
    from .desk import intake
    from .desk import pages as desk
    from .partners import api, federated

    for module in (auth, search, visits, viewer, copies, admin, desk, intake, api, federated,
                   verify, dossier, corrections, catalog, users):
        app.register_blueprint(module.bp)
    app.before_request(before_request)
    app.after_request(security_headers)
    app.teardown_appcontext(close_page_store)

    app.jinja_env.filters["when"] = clock.shown  # every time shown: the archive's clock

    @app.context_processor
    def inject():
        return {"cfg": cfg, "csrf_token": csrf_token, "user": g.get("user"),
                "visit_number": session.get("visit_number") if held_visit_id() else None,
                "request_number": session.get("request_number"),
                "open_visits": open_visits, "staff_name": staff_name}

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        if e.code in (400, 401, 403, 405, 409, 413, 429):
            # The endpoint, not the URL: query strings carry names and ID numbers.
            log.info("refused %s %s: %s", request.method, request.endpoint or "?", e.code)
        messages = {400: "请求有误", 401: "未授权", 403: "无权访问", 404: "页面不存在",
                    405: "不支持的操作", 409: "当前状态下不能这样操作", 413: "提交的内容过大",
                    429: "操作过于频繁，请稍后再试"}
        message = e.description if e.description and not e.description.startswith(
            ("The ", "Bad ", "You ")) else messages.get(e.code, "请求无法完成")
        if request.path.startswith("/api/"):  # partners get JSON, never an HTML page
            return jsonify({"error": message}), e.code
        return render_template("error.html", message=message, code=e.code), e.code

    @app.errorhandler(AccessLogUnavailable)
    def access_log_unavailable(e: AccessLogUnavailable):
        # Searches too: a register of personal-record searches with holes is not a register.
        message = ("访问记录无法写入（磁盘空间不足或数据库出错），按规定不能检索、查看或复制"
                   "未记录的内容。请联系管理员清理磁盘。")
        if request.path.startswith("/api/"):
            return jsonify({"error": message}), 503
        return render_template("error.html", message=message, code=503), 503

    @app.errorhandler(Exception)
    def server_error(e: Exception):
        if is_disk_full(e):  # a visit, a request, a login: one clear line, never a bare 500
            log.error("disk full in %s %s: %s", request.method, request.endpoint or "?", e)
            message = f"{DISK_FULL}：数据无法写入，本次操作未完成。请联系管理员清理磁盘后重试。"
            if request.path.startswith("/api/"):
                return jsonify({"error": message}), 503
            return render_template("error.html", message=message, code=503), 503
        log.exception("unhandled error in %s %s", request.method, request.endpoint or "?")
        if request.path.startswith("/api/"):
            return jsonify({"error": "系统内部错误"}), 500
        return render_template("error.html", message="系统内部错误，请联系管理员", code=500), 500

    return app
