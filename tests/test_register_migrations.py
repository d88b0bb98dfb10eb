"""The records database is brought to the current schema by Alembic, and a register made by
the previous release comes through the upgrade with every visit, request and log entry."""

from __future__ import annotations

import importlib.util
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, select, text

from dangan.register import migrate
from dangan.register.accounts import Access, Base, Database, User, Visit
from dangan.register.requests import Request
from dangan.register.tokens import ApiAccess, ApiToken

OLD_SCHEMA = Path(__file__).parent / "data" / "records_cb55e17.sql"

OLD_ROWS = """
INSERT INTO users VALUES (1, 'clerk', 'pbkdf2:sha256:1$x$y', 'staff', TRUE, '2025-03-01 08:00:00');
INSERT INTO users VALUES (2, 'boss', 'pbkdf2:sha256:1$x$z', 'admin', TRUE, '2025-03-01 08:00:00');
INSERT INTO visits VALUES (1, 'V20250302-001', '李四', '11010519491231002X', '本人', '工龄认定',
    '', 1, '2025-03-02 09:00:00', '2025-03-02 09:40:00', '查到', '12,13');
INSERT INTO visits VALUES (2, 'V20250302-002', '王小明', '110105194912310021', '亲属', '退休核定',
    '母亲的档案', 1, '2025-03-02 10:00:00', NULL, NULL, '');
INSERT INTO requests VALUES (1, 'T01-20250303-R001', '2025-03-03 09:00:00', '王小明',
    '110105194912310021', '13800000000', '北京市东城区', '亲属', '子女', '', '网上', TRUE, '王秀英',
    '王秀瑛', 1950, '东岭县纺织厂', 1985, 1993, 'wage', '退休核定', '', 'T01', 'T01', '已出具',
    '2025-03-03', '2025-03-07', '', '已找到 1993 年工资套改表', '', '', '', '', '', NULL);
INSERT INTO request_events VALUES (1, 1, '2025-03-03 09:00:00', '网上申请', NULL, '', '已受理', '');
INSERT INTO request_events VALUES (2, 1, '2025-03-04 10:00:00', 'clerk', 1, '已受理', '查找中', '开始查找');
INSERT INTO request_events VALUES (3, 1, '2025-03-05 11:00:00', 'clerk', 1, '查找中', '已出具', '');
INSERT INTO request_pages VALUES (1, 1, 12, '1993 工资套改审批表 第 2 页', 'clerk', '2025-03-05 10:50:00');
INSERT INTO access_log VALUES (1, '2025-03-02 09:05:00', 1, 1, NULL, 'search', '/?person=李四', NULL, '');
INSERT INTO access_log VALUES (2, '2025-03-02 09:06:00', 1, 1, NULL, 'view', '/page/12', 12, '');
INSERT INTO access_log VALUES (3, '2025-03-02 09:30:00', 2, 1, NULL, 'view_restricted', '/page/13', 13, '理由：本人申请');
INSERT INTO access_log VALUES (4, '2025-03-04 10:05:00', 1, NULL, 'T01-20250303-R001', 'view', '/page/12', 12, '');
INSERT INTO api_tokens VALUES (1, 'B02', 'abc123', 'dgn_ab', '2025-03-01 08:00:00', NULL, '2025-03-03 12:00:00');
INSERT INTO api_log VALUES (1, '2025-03-03 12:00:00', 'B02', 'search', 200, 'person=王秀英');
INSERT INTO api_log VALUES (2, '2025-03-03 12:01:00', '?', 'search', 401, 'bad token');
"""


def previous_release_register(path: Path, *, without_request_number: bool = False,
                              postgres=None) -> str:
    """A register made and filled by the release before migrations: on SQLite from the DDL
    that release wrote; on PostgreSQL from the same tables as frozen in the baseline revision
    (what that release's create_all made there), ids advanced as the release left them."""
    rows = OLD_ROWS
    if without_request_number:  # the first release's access log, before remote requests
        rows = rows.replace("NULL, 'search'", "'search'").replace("NULL, 'view", "'view") \
            .replace("'T01-20250303-R001', 'view'", "'view'")
    if postgres is None:
        schema = OLD_SCHEMA.read_text(encoding="utf-8")
        if without_request_number:
            schema = schema.replace("\trequest_number VARCHAR(40), \n", "")
        with sqlite3.connect(path) as db:
            db.executescript(schema + rows)
        return f"sqlite:///{path}"
    url = postgres.new_database()
    meta = _baseline_tables()
    engine = create_engine(url)
    with engine.begin() as conn:
        meta.create_all(conn)
        if without_request_number:
            conn.execute(text("ALTER TABLE access_log DROP COLUMN request_number"))
        for statement in filter(str.strip, rows.split(";")):
            conn.exec_driver_sql(statement)
        for table in meta.tables:
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                              f"(SELECT coalesce(max(id), 1) FROM {table}))"))
    engine.dispose()
    return url


def _baseline_tables():
    spec = importlib.util.spec_from_file_location(
        "baseline", migrate.MIGRATIONS / "versions" / "0001_baseline.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module._tables()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def engine_name(request):
    return request.param


@pytest.fixture
def fresh_url(engine_name, tmp_path, request) -> str:
    if engine_name == "sqlite":
        return f"sqlite:///{tmp_path / 'new.sqlite3'}"
    return request.getfixturevalue("postgres").new_database()


def test_a_new_database_is_created_at_the_current_revision(fresh_url):
    db = Database(fresh_url)
    assert db.schema_change == (None, migrate.head())
    assert migrate.current(db.engine) == migrate.head()
    assert {"users", "visits", "access_log", "requests", "request_events", "request_pages",
            "api_tokens", "api_log"} <= set(inspect(db.engine).get_table_names())


def test_opening_a_current_database_changes_nothing(fresh_url):
    Database(fresh_url)
    assert Database(fresh_url).schema_change == (migrate.head(), migrate.head())


def test_the_models_and_the_migrations_agree(fresh_url):
    """Fails when a model changes without a revision: add one (see README, Changing a table)."""
    db = Database(fresh_url)
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                Base.metadata)
    assert diff == []


@pytest.mark.parametrize("without_request_number", [False, True],
                         ids=["cb55e17", "before-request_number"])
def test_a_register_of_the_previous_release_comes_through_the_upgrade_intact(
        tmp_path, without_request_number, engine_name, request):
    postgres = request.getfixturevalue("postgres") if engine_name == "postgresql" else None
    url = previous_release_register(tmp_path / "old.sqlite3", postgres=postgres,
                                    without_request_number=without_request_number)
    db = Database(url, evidence_dir=tmp_path / "data", migrate=True)
    assert db.schema_change == (None, migrate.head())
    with db.session() as s:
        visits = {v.number: v for v in s.scalars(select(Visit))}
        assert set(visits) == {"V20250302-001", "V20250302-002"}
        first = visits["V20250302-001"]
        assert (first.requester_name, first.id_number, first.relation, first.outcome,
                first.copied, first.staff.username) == (
            "李四", "11010519491231002X", "本人", "查到", "12,13", "clerk")
        assert visits["V20250302-002"].ended_at is None
        log = list(s.scalars(select(Access).order_by(Access.id)))
        assert [(a.action, a.path, a.page, a.visit_id) for a in log] == [
            ("search", "/?person=李四", None, 1), ("view", "/page/12", 12, 1),
            ("view_restricted", "/page/13", 13, 1), ("view", "/page/12", 12, None)]
        assert log[2].detail == "理由：本人申请" and log[2].user.username == "boss"
        if not without_request_number:
            assert log[3].request_number == "T01-20250303-R001"
        req = s.scalar(select(Request))
        assert (req.number, req.subject_name, req.subject_former_names, req.status,
                req.delegated, str(req.due_on)) == (
            "T01-20250303-R001", "王秀英", "王秀瑛", "已出具", True, "2025-03-07")
        assert [(e.from_status, e.to_status) for e in req.events] == [
            ("", "已受理"), ("已受理", "查找中"), ("查找中", "已出具")]
        assert [p.page_id for p in req.pages] == [12]
        assert s.scalar(select(ApiToken)).peer == "B02"
        assert [(a.peer, a.status) for a in s.scalars(select(ApiAccess).order_by(ApiAccess.id))] \
            == [("B02", 200), ("?", 401)]
        assert {u.username for u in s.scalars(select(User))} == {"clerk", "boss"}
    # And the upgraded register takes new entries.
    with db.session() as s:
        s.add(Access(user_id=1, visit_id=2, action="search", path="/?person=王秀英"))
        s.commit()
        assert len(list(s.scalars(select(Access)))) == 5
    # The chain begins there: the older rows are under its genesis digest, and stay checked.
    from dangan.register import chain

    report = chain.verify(db.engine, tmp_path / "data")
    assert report.intact and report.entries == 2, report.findings
    with db.engine.begin() as conn:
        if engine_name == "sqlite":
            conn.exec_driver_sql("DROP TRIGGER access_log_no_update")
        else:
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        conn.exec_driver_sql("UPDATE access_log SET detail='' WHERE id=3")
    assert any(f.what == "edited" and f.entry == 1
               for f in chain.verify(db.engine, tmp_path / "data").findings)


def test_dangan_db_upgrade_reports_the_revisions(tmp_path):
    from conftest import run_dangan

    url = previous_release_register(tmp_path / "cli.sqlite3")
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[paths]\ndata_dir = "{tmp_path}"\n[web]\ndatabase = "{url}"\n',
                   encoding="utf-8")
    out = run_dangan(cfg, "db", "upgrade").stdout
    assert f"→ {migrate.head()}" in out
    assert migrate.current(create_engine(url)) == migrate.head()
    assert "已是最新" in run_dangan(cfg, "db", "upgrade").stdout
