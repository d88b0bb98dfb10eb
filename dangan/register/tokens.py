"""Tokens that partner archives present to this node's API, and the API's own access log.

A token is shown once when created (`dangan token create PEER`) and stored only as its SHA-256:
tokens are 32 random bytes, so a plain hash is enough and a stolen database reveals none.
Revoking keeps the row, so the log still says which token a past call used.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from sqlalchemy import DateTime, Integer, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from .accounts import Base, now

PREFIX = "dgn_"


class ApiToken(Base):
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    peer: Mapped[str] = mapped_column(String(32))  # the partner archive's code
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(16))  # first characters, to tell tokens apart
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class ApiAccess(Base):
    """Every API call, answered or refused: partners' searches are views too."""

    __tablename__ = "api_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    peer: Mapped[str] = mapped_column(String(32), default="")  # empty when refused
    action: Mapped[str] = mapped_column(String(32))
    status: Mapped[int] = mapped_column(Integer)
    detail: Mapped[str] = mapped_column(Text, default="")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create(db, peer: str) -> str:
    """A new token for `peer`; the only time its plain text exists."""
    peer = peer.strip()
    if not peer or len(peer) > 32:
        raise ValueError("请给出对方档案馆代码 / give the partner archive's code")
    token = PREFIX + secrets.token_urlsafe(32)
    with db.session() as s:
        s.add(ApiToken(peer=peer, token_hash=_digest(token), hint=token[:10]))
        s.commit()
    return token


def verify(db, token: str) -> str | None:
    """The partner code a live token belongs to, or None."""
    if not token.startswith(PREFIX):
        return None
    digest = _digest(token)
    with db.session() as s:
        row = s.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
        # compare_digest: the lookup is by hash already; this keeps the check constant-time.
        if row is None or row.revoked_at is not None or not hmac.compare_digest(
                row.token_hash, digest):
            return None
        row.last_used_at = now()
        s.commit()
        return row.peer


def revoke(db, peer: str, hint: str | None = None) -> int:
    """Revoke the partner's live tokens (or the one starting with `hint`); how many."""
    with db.session() as s:
        q = select(ApiToken).where(ApiToken.peer == peer, ApiToken.revoked_at.is_(None))
        rows = [r for r in s.scalars(q) if hint is None or r.hint.startswith(hint[:10])]
        for r in rows:
            r.revoked_at = now()
        s.commit()
        return len(rows)


def listing(db) -> list[ApiToken]:
    with db.session() as s:
        return list(s.scalars(select(ApiToken).order_by(ApiToken.peer, ApiToken.id)))
