"""The register's audit chain against someone holding the database (issue 27 (4)), on SQLite
and on a real PostgreSQL: the triggers refuse rewrites; with the triggers out of the way, an
edit, an inserted row, a deleted entry, a truncated tail, a chain recomputed with or without
the key, blanked chain entries and missing triggers are each reported by their first entry.
Appends from two processes on one register keep one chain."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
import sqlalchemy as sa
from sqlalchemy import select, text

from dangan.register import chain, clearances
from dangan.register.accounts import Access, Database, IssuedPaper, Visit
from dangan.register.dossiers import record_decision


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'r.sqlite3'}"
    return request.getfixturevalue("postgres").new_database()


@pytest.fixture
def db(url, tmp_path) -> Database:
    db = Database(url, evidence_dir=tmp_path / "data")
    boss = db.add_user("boss", "boss-password", "admin")
    with db.session() as s:
        for n in (1, 2):
            s.add(Visit(number=f"T01-20261206-000{n}", requester_name="王秀英",
                        id_number="11010519491231002X", relation="本人", purpose="其他",
                        staff_id=boss.id))
        s.commit()
        for n in range(6):
            s.add(Access(user_id=boss.id, visit_id=1, action="view", path="a.pdf", page=n,
                         detail=f"person=王秀英 {n}"))
            s.commit()
    clearances.grant(db, user_id=boss.id, document="X012-KZ-0001", reason="经馆长批准",
                     visit_id=1, request_number=None)
    with db.session() as s:
        s.add(IssuedPaper(code="ABCD-EFGH-JKLM", kind="档案复制件", number="T01-20261206-0001",
                          pages=1, titles="", sha256="0" * 64, user_id=boss.id))
        s.commit()
    record_decision(db, user_id=boss.id, name="王秀英", action="confirm", keys=["1", "2"])
    with db.session() as s:
        v = s.get(Visit, 2)
        v.outcome, v.closed_by, v.ended_at = "查到", boss.id, v.started_at
        s.commit()
    return db


def _report(db, tmp_path):
    return chain.verify(db.engine, tmp_path / "data")


def _kinds(report) -> set[str]:
    return {f.what for f in report.findings}


def _tamper(db, *statements: str) -> None:
    """What anyone holding the database can do: switch the triggers off, then write."""
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "sqlite":
            for (name,) in conn.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE type='trigger'").all():
                conn.exec_driver_sql(f"DROP TRIGGER {name}")
        else:
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        for sql in statements:
            conn.exec_driver_sql(sql)


def test_an_untouched_register_verifies(db, tmp_path):
    report = _report(db, tmp_path)
    assert report.intact, report.findings
    # genesis, 2 visits, 6 views, a clearance, a paper, a decision, a closing
    assert report.entries == report.anchored == 13


@pytest.mark.parametrize("sql", [
    "UPDATE access_log SET detail='x' WHERE id=2",
    "DELETE FROM access_log WHERE id=2",
    "UPDATE visits SET requester_name='别人' WHERE id=1",
    "UPDATE visits SET ended_at=NULL, outcome=NULL WHERE id=2",
    "UPDATE clearances SET reason='x'",
    "DELETE FROM issued_papers",
    "UPDATE dossier_decisions SET records='[]'",
    "UPDATE audit_chain SET digest='0' WHERE id=3",
])
def test_the_triggers_refuse_rewrites_on_both_databases(db, sql):
    with pytest.raises(sa.exc.DBAPIError), db.engine.begin() as conn:
        conn.exec_driver_sql(sql)


def test_an_open_visits_person_cannot_be_rewritten(db):
    with pytest.raises(sa.exc.DBAPIError), db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE visits SET requester_name='别人', "
                             "id_number='110105194912310011' WHERE id=1")


def test_an_edited_entry_is_named(db, tmp_path):
    _tamper(db, "UPDATE access_log SET detail='person=别人' WHERE id=2")
    report = _report(db, tmp_path)
    edited = [f for f in report.findings if f.what == "edited"]
    assert edited and "访问日志第 2 条" in edited[0].message


@pytest.mark.parametrize("sql,where", [
    ("UPDATE visits SET requester_name='别人' WHERE id=1", "查档登记第 1 条"),
    ("UPDATE visits SET outcome='未查到' WHERE id=2", "查档登记办结第 2 条"),
    ("UPDATE clearances SET user_id=2", "受控档案审批第 1 条"),
    ("UPDATE issued_papers SET pages=9", "出具文书第 1 条"),
    ("UPDATE dossier_decisions SET action='split'", "人员档案决定第 1 条"),
])
def test_every_evidence_table_is_covered(db, tmp_path, sql, where):
    _tamper(db, sql)
    report = _report(db, tmp_path)
    assert any(f.what == "edited" and where in f.message for f in report.findings), \
        report.findings


def test_a_truncated_tail_is_found(db, tmp_path):
    # The last two views and their chain entries go, as if never written.
    _tamper(db, "DELETE FROM dossier_decisions", "DELETE FROM audit_chain WHERE id >= 12",
            "UPDATE visits SET ended_at=NULL, outcome=NULL, closed_by=NULL WHERE id=2")
    report = _report(db, tmp_path)
    truncated = [f for f in report.findings if f.what == "truncated"]
    assert truncated and truncated[0].entry == 12


def test_a_deleted_entry_and_row_are_found(db, tmp_path):
    _tamper(db, "DELETE FROM access_log WHERE id=3", "DELETE FROM audit_chain WHERE row_id=3 "
            "AND kind='access_log'")
    assert "deleted" in _kinds(_report(db, tmp_path))


def test_a_row_written_past_the_chain_is_found(db, tmp_path):
    # "Rows without a hash are older than the chain" no longer holds: the chain has begun.
    _tamper(db, "INSERT INTO access_log (at, user_id, visit_id, action, path, detail, "
            "prev_hash, hash) VALUES ('2026-12-06 10:00:00', 1, 1, 'view', 'b.pdf', '', '', '')")
    report = _report(db, tmp_path)
    assert any(f.what == "inserted" and "访问日志第 7 条" in f.message for f in report.findings)


def test_blanked_chain_entries_are_found(db, tmp_path):
    _tamper(db, "DELETE FROM audit_chain WHERE kind='access_log'")
    kinds = _kinds(_report(db, tmp_path))
    assert {"deleted", "inserted"} <= kinds


def _recompute(db, key: bytes, edit: str) -> None:
    """Edit a row, then rewrite every digest and MAC from there on, as a forger would."""
    _tamper(db, edit)
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        t = chain._table("audit_chain")
        prev = ""
        for e in conn.execute(select(t).order_by(t.c.id)).mappings().all():
            digest = e["digest"]
            if e["kind"] in chain.KINDS:
                table = chain._table(chain.KINDS[e["kind"]].table)
                row = conn.execute(select(table).where(table.c.id == e["row_id"])) \
                    .mappings().one()
                digest = chain.row_digest(e["kind"], row)
            mac = chain.entry_mac(key, e["id"], prev, e["kind"], e["row_id"], digest, e["note"])
            conn.execute(sa.update(t).where(t.c.id == e["id"]).values(
                digest=digest, prev=prev, mac=mac))
            prev = mac


def test_a_chain_recomputed_without_the_key_is_found(db, tmp_path):
    _recompute(db, b"guessed key", "UPDATE access_log SET detail='x' WHERE id=2")
    report = _report(db, tmp_path)
    assert any(f.what == "recomputed" and f.entry == 1 for f in report.findings)


def test_a_chain_recomputed_with_the_stolen_key_fails_the_head_file(db, tmp_path):
    key = (tmp_path / "data" / chain.KEY_FILE).read_bytes()
    _recompute(db, key, "UPDATE access_log SET detail='x' WHERE id=2")
    report = _report(db, tmp_path)
    # access_log id 2 is chain entry 5 (genesis, two visits, views 1 and 2)
    assert [f.entry for f in report.findings if f.what == "recomputed"] == [5]


def test_missing_triggers_are_reported(db, tmp_path):
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "sqlite":
            conn.exec_driver_sql("DROP TRIGGER access_log_no_update")
        else:
            conn.exec_driver_sql("DROP TRIGGER access_log_no_change ON access_log")
    report = _report(db, tmp_path)
    assert [f.what for f in report.findings] == ["trigger"]
    assert "access_log" in report.findings[0].message


APPENDER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from dangan.register.accounts import Access, Database
    db = Database(sys.argv[1], evidence_dir=Path(sys.argv[2]))
    for n in range(60):
        with db.session() as s:
            s.add(Access(user_id=1, action="search", detail=f"{sys.argv[3]} {n}"))
            s.commit()
""")


def test_two_processes_keep_one_chain(db, url, tmp_path):
    procs = [subprocess.Popen([sys.executable, "-c", APPENDER, url, str(tmp_path / "data"),
                               name]) for name in ("甲", "乙")]
    for p in procs:
        assert p.wait(timeout=300) == 0
    report = _report(db, tmp_path)
    assert report.intact, report.findings
    assert report.entries == 13 + 120
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM access_log")).scalar() == 126
