"""Issuing papers with a verification code, and the public page a 社保 office checks them on.

`issue` numbers, (optionally) signs, fingerprints and records a PDF as it is handed out;
`/verify/<code>` (no login) shows what was issued: archive, date, kind, pages, the 档号 of the
items, and the SHA-256 of the PDF. Nothing personal is shown: not the requester, not the
content, no title (an open title often names the person).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for
from sqlalchemy import select

from dangan import verification
from dangan.register.accounts import IssuedPaper

from ..limits import SlidingWindow
from ..security import log_access

bp = Blueprint("verify", __name__, url_prefix="/verify")

# Codes carry 60 random bits, so guessing one is hopeless; the limit stops a script from
# sweeping the page (and the database) anyway. Only misses count: an office checking a pile
# of genuine papers is never slowed down.
MISSES_PER_HOUR = 30


def _misses() -> SlidingWindow:
    return current_app.extensions.setdefault("dangan_verify_misses", SlidingWindow(3600))


def issue(kind: str, number: str, pages: int, titles: list[str],
          build: Callable[[str, str], bytes]) -> tuple[bytes, str]:
    """Build the PDF with its code and QR (`build(code, url)`), sign it where the archive has
    a certificate, and record it; returns (pdf, code)."""
    cfg = current_app.config["DANGAN"]
    code = verification.new_code()
    url = verification.verify_url(cfg.public_url or request.url_root, code)
    pdf = build(code, url)
    signed = False
    if cfg.certificate:
        pdf = verification.sign_pdf(pdf, cfg.certificate, cfg.certificate_password,
                                    cfg.archive_name)
        signed = True
    with current_app.extensions["dangan_db"].session() as s:
        s.add(IssuedPaper(code=code, kind=kind, number=number, pages=pages,
                          titles="\n".join(dict.fromkeys(t for t in titles if t)),
                          sha256=verification.sha256(pdf), signed=signed, user_id=g.user.id))
        s.commit()
    log_access("issue", detail=f"{kind} {number} 核验码 {code}")
    return pdf, code


@bp.route("/", methods=["GET"])
def lookup():
    code = verification.normalise_code(request.args.get("code", ""))
    if code:
        return redirect(url_for("verify.show", code=code))
    return render_template("verify.html", paper=None, code="", missing=False)


@bp.route("/<code>")
def show(code: str):
    code = verification.normalise_code(code)
    address = request.remote_addr or "?"
    if _misses().count(address) >= MISSES_PER_HOUR:
        return render_template("verify.html", paper=None, code=code, missing=False,
                               limited=True), 429
    with current_app.extensions["dangan_db"].session() as s:
        paper = s.scalar(select(IssuedPaper).where(IssuedPaper.code == code))
    if paper is None:
        _misses().add(address)
    return render_template("verify.html", paper=paper, code=code,
                           missing=paper is None), (200 if paper else 404)
