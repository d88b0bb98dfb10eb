"""Log in and out."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for

from .security import local_target

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    error = None
    if request.method == "POST":
        db = current_app.extensions["dangan_db"]
        user = db.user(request.form.get("username", "").strip())
        if user is not None and user.check_password(request.form.get("password", "")):
            session.clear()
            session["uid"] = user.id
            return redirect(local_target(request.args.get("next"), url_for("search.index")))
        error = "用户名或密码错误，或账号已停用"
    return render_template("login.html", error=error), (401 if error else 200)


@bp.route("/logout", methods=["POST"])
def logout():
    session.clear()
    return redirect(url_for("auth.login"))
