"""The register of corrections: proposed, confirmed or rejected, never edited or deleted.

Two append-only tables in the page store (so a backup of the store carries them, and every
rebuild finds them): `corrections` (what a clerk says a line or a fact reads, and why) and
`correction_reviews` (an admin's — or, per config, the proposer's — confirm or reject). SQLite
triggers refuse UPDATE and DELETE on both. Each row carries a digest chained to the row
before it in its table, so a row rewritten behind the application's back shows in `verify`;
the access-log entry written for every act names the row and its digest (web/counter), which
ties the corrections into the access log's own hash chain.

A correction names the page by its stable id (file, page, SHA-256 of the file): when the file
changes, the page gets a new id and the old corrections stop applying — `flagged` lists them
for review instead of laying them over a different scan.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dangan import clock

if TYPE_CHECKING:
    from dangan.indexer.store import PageStore

SCHEMA = """
CREATE TABLE IF NOT EXISTS corrections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    page_id INTEGER NOT NULL REFERENCES page_ids(id),
    target TEXT NOT NULL,             -- line | fact
    locator TEXT NOT NULL,            -- JSON: {"line": 3} or the machine fact's identity
    original TEXT NOT NULL,           -- the machine reading it replaces (原识别)
    value TEXT NOT NULL,              -- what staff read on the scan
    reason TEXT NOT NULL,
    by_user INTEGER, by_name TEXT NOT NULL, at TEXT NOT NULL,
    supersedes INTEGER REFERENCES corrections(id),  -- the confirmed one it replaces
    digest TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS corrections_page ON corrections(page_id);
CREATE TABLE IF NOT EXISTS correction_reviews (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    correction_id INTEGER NOT NULL UNIQUE REFERENCES corrections(id),
    decision TEXT NOT NULL,           -- confirm | reject
    by_user INTEGER, by_name TEXT NOT NULL, at TEXT NOT NULL,
    note TEXT NOT NULL,
    digest TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS corrections_no_update BEFORE UPDATE ON corrections
BEGIN SELECT RAISE(ABORT, 'corrections are append-only'); END;
CREATE TRIGGER IF NOT EXISTS corrections_no_delete BEFORE DELETE ON corrections
BEGIN SELECT RAISE(ABORT, 'corrections are append-only'); END;
CREATE TRIGGER IF NOT EXISTS correction_reviews_no_update BEFORE UPDATE ON correction_reviews
BEGIN SELECT RAISE(ABORT, 'correction reviews are append-only'); END;
CREATE TRIGGER IF NOT EXISTS correction_reviews_no_delete BEFORE DELETE ON correction_reviews
BEGIN SELECT RAISE(ABORT, 'correction reviews are append-only'); END;
"""

TARGETS = ("line", "fact")
DECISIONS = {"confirm": "确认", "reject": "驳回"}
MAX_VALUE = 200
MAX_REASON = 500

_COLS = ("id", "page_id", "target", "locator", "original", "value", "reason", "by_user",
         "by_name", "at", "supersedes", "digest")
_HASHED = _COLS[1:-1]
_REVIEW_HASHED = ("correction_id", "decision", "by_user", "by_name", "at", "note")
_SELECT = ("SELECT c.id, c.page_id, c.target, c.locator, c.original, c.value, c.reason, "
           "c.by_user, c.by_name, c.at, c.supersedes, c.digest, r.decision, r.by_name, r.at, "
           "r.note, i.path, i.page, i.sha256 FROM corrections c "
           "JOIN page_ids i ON i.id = c.page_id "
           "LEFT JOIN correction_reviews r ON r.correction_id = c.id")


class CorrectionError(ValueError):
    """A correction that cannot be made or reviewed; the message says why, in Chinese."""


@dataclass
class Correction:
    id: int
    page_id: int
    target: str
    locator: str
    original: str
    value: str
    reason: str
    by_user: int | None
    by_name: str
    at: str
    supersedes: int | None
    digest: str
    decision: str | None = None  # confirm | reject | None (pending)
    reviewed_by: str | None = None
    reviewed_at: str | None = None
    review_note: str | None = None
    path: str = ""
    page: int = 0
    sha256: str = ""

    @property
    def status(self) -> str:
        return {"confirm": "confirmed", "reject": "rejected"}.get(self.decision or "", "pending")

    @property
    def status_label(self) -> str:
        return {"confirmed": "已确认", "rejected": "已驳回", "pending": "待确认"}[self.status]

    @property
    def where(self) -> dict:
        return json.loads(self.locator)

    @property
    def what(self) -> str:
        """The target in words, for lists and the log."""
        w = self.where
        if self.target == "line":
            return f"第{w['line'] + 1}行"
        from dangan.indexer.facts import FACT_KINDS

        row = f"第{w['row']}行" if w.get("row") else ""
        return f"{row}{FACT_KINDS.get(w['kind'], w['kind'])}"


def ensure(db) -> None:
    db.executescript(SCHEMA)


def locator_text(locator: dict) -> str:
    """One spelling of a locator, so equal targets compare equal as stored text."""
    return json.dumps(locator, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _digest(prev: str, values: list) -> str:
    body = json.dumps([prev, *values], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _now() -> str:
    return clock.now().replace(microsecond=0, tzinfo=None).isoformat(sep=" ")


def _row(r) -> Correction:
    return Correction(*r)


def get(db, correction_id: int) -> Correction | None:
    row = db.execute(_SELECT + " WHERE c.id=?", (correction_id,)).fetchone()
    return _row(row) if row else None


def of_page(db, page_id: int) -> list[Correction]:
    """Every correction ever made on this page id, oldest first: its history."""
    return [_row(r) for r in db.execute(_SELECT + " WHERE c.page_id=? ORDER BY c.id",
                                        (page_id,))]


def pending(db) -> list[Correction]:
    """Corrections waiting for a decision, oldest first, on pages whose file is unchanged."""
    return [_row(r) for r in db.execute(
        _SELECT + " JOIN files f ON f.path = i.path AND f.sha256 = i.sha256 "
        "WHERE r.id IS NULL ORDER BY c.id")]


def confirmed_for(db, path: str, page: int, sha256: str | None = None) -> list[Correction]:
    """The confirmed corrections of a page as its file reads now (or as `sha256`, for a file
    being committed), oldest first: what the overlay lays over the machine reading."""
    if sha256 is None:
        row = db.execute("SELECT sha256 FROM files WHERE path=? AND status='ok'",
                         (path,)).fetchone()
        if row is None:
            return []
        sha256 = row[0]
    return [_row(r) for r in db.execute(
        _SELECT + " WHERE i.path=? AND i.page=? AND i.sha256=? AND r.decision='confirm' "
        "ORDER BY c.id", (path, page, sha256))]


def corrected_pages(db) -> set[tuple[str, int, str]]:
    """(path, page, sha256) of every page with a confirmed correction: lets a rebuild of
    100,000 pages ask only about the few that have one."""
    return set(db.execute(
        "SELECT DISTINCT i.path, i.page, i.sha256 FROM corrections c "
        "JOIN page_ids i ON i.id = c.page_id JOIN correction_reviews r "
        "ON r.correction_id = c.id AND r.decision = 'confirm'"))


def flagged(db) -> list[Correction]:
    """Confirmed corrections that no longer apply because their scan file changed (or is
    gone): staff must look at the new scan and correct it again if it is still misread."""
    return [_row(r) for r in db.execute(
        _SELECT + " LEFT JOIN files f ON f.path = i.path AND f.status = 'ok' "
        "WHERE r.decision = 'confirm' AND (f.sha256 IS NULL OR f.sha256 != i.sha256) "
        "ORDER BY c.id")]


def _current(db, page_id: int, target: str, locator: str) -> Correction | None:
    row = db.execute(_SELECT + " WHERE c.page_id=? AND c.target=? AND c.locator=? "
                     "AND r.decision='confirm' ORDER BY c.id DESC LIMIT 1",
                     (page_id, target, locator)).fetchone()
    return _row(row) if row else None


def propose(store: PageStore, *, page_id: int, target: str, locator: dict, value: str,
            reason: str, user_id: int | None, user_name: str) -> Correction:
    """Record what a clerk reads on the scan where the machine read otherwise. Checks that
    the target exists on the page as it reads now and that the value says something new."""
    from .overlay import effective, fact_locator

    value, reason = (value or "").strip(), (reason or "").strip()
    if target not in TARGETS:
        raise CorrectionError("未知的更正对象")
    if not reason:
        raise CorrectionError("请填写更正理由（如：对照扫描件，原件为…）")
    if not value:
        raise CorrectionError("请填写更正后的内容")
    if len(value) > MAX_VALUE or len(reason) > MAX_REASON:
        raise CorrectionError(f"更正内容最多 {MAX_VALUE} 字，理由最多 {MAX_REASON} 字")
    page = store.page_by_id(page_id)
    if page is None:
        raise CorrectionError(store.page_problem(page_id))
    reading = effective(page)
    if target == "line":
        index = locator.get("line")
        if not isinstance(index, int) or not 0 <= index < len(page.lines):
            raise CorrectionError("该页没有这一行")
        locator = {"line": index}
        original, now_reads = page.lines[index].text, reading.lines[index].text
    else:
        from dangan.indexer.facts import FACT_KINDS, normalise_value

        fact = next((f for f in reading.page.fields.facts
                     if fact_locator(f) == _fact_identity(locator)), None)
        if fact is None:
            raise CorrectionError("该页上已没有这项记载（页面可能已重新识别），请刷新后再试")
        if normalise_value(fact.kind, value) is None:
            raise CorrectionError(f"“{value}”不是有效的{FACT_KINDS.get(fact.kind, fact.kind)}")
        locator = fact_locator(fact)
        original = (fact.checked or {}).get("original", fact.text)
        now_reads = fact.text
    if value == now_reads:
        raise CorrectionError("更正内容与现在的读法相同，无需更正")
    text = locator_text(locator)
    before = _current(store.db, page_id, target, text)
    return _insert(store.db, [page_id, target, text, original, value, reason, user_id,
                              user_name, _now(), before.id if before else None])


def _fact_identity(locator: dict) -> dict:
    return {k: locator.get(k) for k in ("kind", "row", "subject", "value")}


def _insert(db, values: list) -> Correction:
    prev = db.execute("SELECT digest FROM corrections ORDER BY id DESC LIMIT 1").fetchone()
    digest = _digest(prev[0] if prev else "", values)
    cur = db.execute(f"INSERT INTO corrections({','.join(_HASHED)}, digest) "
                     f"VALUES ({','.join('?' * (len(_HASHED) + 1))})", (*values, digest))
    db.commit()
    return get(db, int(cur.lastrowid))


def may_review(c: Correction, *, user_id: int | None, is_admin: bool, self_confirm: bool
               ) -> str | None:
    """Why this user may not decide on this correction, or None when they may: an admin
    decides on anyone's; the proposer only when the archive allows it (small archives with
    one clerk), and then even without being an admin."""
    own = c.by_user is not None and c.by_user == user_id
    if own and not self_confirm:
        return "不能确认自己提出的更正，请另一位管理员确认"
    if not is_admin and not own:
        return "只有管理员可以确认或驳回更正"
    return None


def review(store: PageStore, correction_id: int, *, decision: str, user_id: int | None,
           user_name: str, is_admin: bool, self_confirm: bool, note: str = "") -> Correction:
    if decision not in DECISIONS:
        raise CorrectionError("未知的处理方式")
    c = get(store.db, correction_id)
    if c is None:
        raise CorrectionError("无此更正")
    if c.decision:
        raise CorrectionError(f"该更正已于 {c.reviewed_at} 由 {c.reviewed_by} "
                              f"{DECISIONS[c.decision]}，不能重复处理")
    why_not = may_review(c, user_id=user_id, is_admin=is_admin, self_confirm=self_confirm)
    if why_not:
        raise CorrectionError(why_not)
    values = [correction_id, decision, user_id, user_name, _now(), (note or "").strip()[:500]]
    prev = store.db.execute(
        "SELECT digest FROM correction_reviews ORDER BY id DESC LIMIT 1").fetchone()
    digest = _digest(prev[0] if prev else "", values)
    store.db.execute(f"INSERT INTO correction_reviews({','.join(_REVIEW_HASHED)}, digest) "
                     "VALUES (?,?,?,?,?,?,?)", (*values, digest))
    store.db.commit()
    return get(store.db, correction_id)


def verify(db) -> tuple[int, str | None]:
    """Recompute both digest chains: (rows checked, the first row that no longer fits)."""
    n = 0
    for table, cols in (("corrections", _HASHED), ("correction_reviews", _REVIEW_HASHED)):
        prev = ""
        for row in db.execute(f"SELECT id, {','.join(cols)}, digest FROM {table} ORDER BY id"):
            n += 1
            if _digest(prev, list(row[1:-1])) != row[-1]:
                return n, f"{table} #{row[0]} 的内容与其摘要不符（被改动、删除或插入）"
            prev = row[-1]
    return n, None


# How the access log names an act on a correction (web/counter/corrections._entry).
_LOGGED = re.compile(r"^(提出|确认|驳回)更正 #(\d+) .*摘要 (\S{16})$", re.S)


def logged_entry(verb: str, correction: Correction) -> str:
    """The access-log line of an act on a correction: it names the row and its digest, and the
    access log is in the register's keyed audit chain — which is how a correction is too."""
    return (f"{verb}更正 #{correction.id} {correction.what}：“{correction.original}” → "
            f"“{correction.value}”；理由：{correction.reason}；摘要 {correction.digest[:16]}")


def unlogged(db, details: Iterable[str]) -> str | None:
    """The first correction or review that the access log's entries (`details`, in the keyed
    chain) do not name as it stands now: a row rewritten in the page store with its own
    digests recomputed — which anyone holding the file can do — or one written past the
    application. None when every row was logged as it is."""
    seen: dict[tuple[str, int], list[str]] = {}
    for d in details:
        if m := _LOGGED.match(d or ""):
            seen.setdefault((m[1], int(m[2])), []).append(m[3])

    def named(verb: str, cid: int, digest: str) -> bool:
        # an ID-number-like run in a digest is masked in the log ("*"): those places match
        return any(all(a == b or a == "*" for a, b in zip(logged, digest[:16], strict=True))
                   for logged in seen.get((verb, cid), ()))

    for cid, digest in db.execute("SELECT id, digest FROM corrections ORDER BY id"):
        if not named("提出", cid, digest):
            return f"更正 #{cid} 与访问日志（审计链）所记不符：提出后被改动，或未经系统写入"
    for cid, decision, digest in db.execute(
            "SELECT r.correction_id, r.decision, c.digest FROM correction_reviews r "
            "JOIN corrections c ON c.id = r.correction_id ORDER BY r.id"):
        if not named(DECISIONS.get(decision, "?"), cid, digest):
            return f"更正 #{cid} 的审核与访问日志（审计链）所记不符：被改动，或未经系统写入"
    return None
