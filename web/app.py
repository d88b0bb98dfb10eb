"""Flask application factory for the counter web app."""

from __future__ import annotations

from flask import Flask, render_template

from dangan.config import Config


def create_app(cfg: Config) -> Flask:
    app = Flask(__name__)
    app.config["DANGAN"] = cfg
    app.config["JSON_AS_ASCII"] = False

    from .search import bp as search_bp

    app.register_blueprint(search_bp)

    @app.errorhandler(404)
    def not_found(_e):
        return render_template("error.html", message="页面不存在"), 404

    @app.errorhandler(500)
    def server_error(_e):
        return render_template("error.html", message="系统内部错误，请联系管理员"), 500

    return app
