"""Staff accounts on screen (/admin/users): add, disable and enable, reset a password, set
the real name printed as 经办人, see each account's last login.

HTTP only: every rule (what a login may look like, password length, the last admin cannot
be disabled) is the one `dangan user …` obeys, in dangan/register/accounts.py; both call it.
Each change is written to the access log by the system, under the admin who made it.
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for

from dangan.register.accounts import ROLES

from ..security import admin_required, log_access

bp = Blueprint("users", __name__, url_prefix="/admin/users")

ROLE_LABELS = {"staff": "窗口人员", "admin": "管理员"}


def _db():
    return current_app.extensions["dangan_db"]


def _page(draft: dict | None = None, error: str = "", code: int = 200):
    db = _db()
    return render_template("admin_users.html", users=db.users(), logins=db.last_logins(),
                           roles=ROLES, role_labels=ROLE_LABELS, draft=draft or {},
                           error=error), code


def _message(e: ValueError) -> str:
    """The Chinese half of a rule's "中文 / english" message."""
    return str(e).split(" / ")[0]


@bp.route("/")
@admin_required
def index():
    return _page()


@bp.route("/", methods=["POST"])
@admin_required
def add():
    form = {k: request.form.get(k, "").strip() for k in ("username", "full_name", "role")}
    try:
        _db().add_user(form["username"][:64], request.form.get("password", "")[:256],
                       form["role"], form["full_name"])
    except ValueError as e:
        # Refused: say why beside the form and keep what was typed (not the password).
        return _page(form, f"未创建账号：{_message(e)}", 400)
    log_access("account", detail=f"新建账号 {form['username']}（{ROLE_LABELS[form['role']]}）")
    flash(f"已创建账号 {form['username']}")
    return redirect(url_for("users.index"))


@bp.route("/<username>", methods=["POST"])
@admin_required
def change(username: str):
    action = request.form.get("action", "")
    try:
        if action == "name":
            name = request.form.get("full_name", "").strip()[:64]
            _db().update_user(username, full_name=name)
            done = f"设置 {username} 的姓名为 {name or '（空）'}"
        elif action == "password":
            _db().update_user(username, password=request.form.get("password", "")[:256])
            done = f"重设 {username} 的密码（其已登录的会话随即失效）"
        elif action in ("disable", "enable"):
            if action == "disable" and username == g.user.username:
                raise ValueError("不能停用自己正在使用的账号")
            _db().update_user(username, active=action == "enable")
            done = f"{'启用' if action == 'enable' else '停用'}账号 {username}"
        else:
            raise ValueError("未知操作")
    except ValueError as e:
        return _page(error=f"{username}：{_message(e)}", code=400)
    log_access("account", detail=done)
    flash("已" + done)
    return redirect(url_for("users.index"))
