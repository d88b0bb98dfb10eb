"""Which way dangan drives Whoosh is decided by checking what the fast path relies on, not
by a version string; a Whoosh that fails the check is run through its public API with one
warning, never a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest
from whoosh.codec import whoosh3
from whoosh_release import RENAMED, env_with, make_release

from dangan.search import engine, whoosh_internals


@pytest.fixture
def fresh_check():
    engine.reset_for_tests()
    yield
    engine.reset_for_tests()


def test_the_installed_whoosh_passes_the_check(fresh_check):
    assert whoosh_internals.verify() is None
    status = engine.status()
    assert status.fast and status.problem is None and status.warning() is None
    assert "快速路径" in status.describe()


def test_every_private_name_the_fast_path_uses_is_named_in_the_check():
    """fastwrite and fastpath take Whoosh's private names from whoosh_internals only."""
    from pathlib import Path

    search = Path(whoosh_internals.__file__).parent
    for module in ("fastwrite.py", "fastpath.py", "sidecar.py", "backend.py", "query.py",
                   "searching.py", "schema.py", "analysis.py"):
        text = (search / module).read_text(encoding="utf-8")
        for private in ("whoosh.codec", "whoosh.filedb", "whoosh.system", "whoosh.util",
                        "whoosh.reading import SegmentReader", "whoosh.writing"):
            assert private not in text, (module, private)


def test_a_renamed_private_name_turns_the_fast_path_off_with_one_warning(
        fresh_check, monkeypatch, caplog):
    monkeypatch.delattr(whoosh3.W3LeafMatcher, "_goto")
    status = engine.status()
    assert not status.fast
    assert "W3LeafMatcher._goto" in status.problem
    assert "标准 Whoosh" in status.warning() and "whoosh_internals.py" in status.warning()
    assert [r.levelname for r in caplog.records if "标准 Whoosh" in r.getMessage()] == ["WARNING"]
    engine.status()  # checked once per process: no second warning
    assert len([r for r in caplog.records if "标准 Whoosh" in r.getMessage()]) == 1


def test_a_changed_format_turns_the_fast_path_off(fresh_check, monkeypatch):
    monkeypatch.setattr(whoosh3, "WHOOSH3_HEADER_MAGIC", b"W4Bl")
    monkeypatch.setattr(whoosh_internals, "WHOOSH3_HEADER_MAGIC", b"W4Bl")
    status = engine.status()
    assert not status.fast and "posting list header" in status.problem


def test_a_round_trip_that_reads_back_differently_turns_the_fast_path_off(
        fresh_check, monkeypatch):
    # The fast writer's posting weights drift from what it claims to write.
    from dangan.search import fastwrite

    real = fastwrite.PostingsWriter.columns

    def drifting(self):
        columns = real(self)
        columns["tf"] = columns["tf"] * 2
        return columns

    monkeypatch.setattr(fastwrite.PostingsWriter, "columns", drifting)
    status = engine.status()
    assert not status.fast and "round trip" in status.problem


def test_asking_for_stock_whoosh_patches_nothing(fresh_check, monkeypatch):
    from whoosh.filedb import structfile

    monkeypatch.setenv(engine.ENV_VAR, "stock")
    stock_init = whoosh_internals._STOCK_BUFFER_INIT
    whoosh_internals.restore_stock_buffers()
    status = engine.status()
    assert status.path == engine.STOCK and status.warning() is None
    assert structfile.BufferFile.__init__ is stock_init


def test_importing_the_backend_patches_nothing():
    code = ("from whoosh.filedb import structfile\n"
            "before = structfile.BufferFile.__init__\n"
            "import dangan.search.backend, dangan.search.searching, dangan.cli\n"
            "print(structfile.BufferFile.__init__ is before)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "True"


def _check_in(env) -> str:
    code = ("from dangan.search import engine\n"
            "s = engine.status()\n"
            "print(s.path, s.whoosh_version, s.problem)")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, env=env).stdout.strip()


def test_a_release_with_only_a_new_version_string_keeps_the_fast_path(tmp_path):
    site = make_release(tmp_path / "site", version="2.7.6")
    assert _check_in(env_with(site)) == "fast 2.7.6 None"


def test_a_release_that_renames_a_private_name_runs_stock(tmp_path):
    site = make_release(tmp_path / "site", version="2.7.6", rename=RENAMED)
    path, version, problem = _check_in(env_with(site)).split(" ", 2)
    assert (path, version) == ("stock", "2.7.6")
    assert "W3LeafMatcher._read_data" in problem


def test_whoosh_is_imported_only_behind_the_seam():
    """Query building and the search around it speak dangan's own query objects (terms.py);
    only the engine's modules (backend, the fast path, schema, analysis, the translation of
    queries) import whoosh, and nothing outside dangan/search does."""
    import re
    from pathlib import Path

    root = Path(whoosh_internals.__file__).resolve().parents[2]
    seam = {"backend.py", "fastpath.py", "fastwrite.py", "whoosh_internals.py", "sidecar.py",
            "schema.py", "analysis.py", "whoosh_queries.py", "engine.py"}
    importing = re.compile(r"^\s*(from|import) whoosh\b", re.M)
    for folder in ("dangan", "indexer", "web"):
        for source in (root / folder).rglob("*.py"):
            if source.parent.name == "search" and source.name in seam:
                continue
            assert not importing.search(source.read_text(encoding="utf-8")), source


_REMEMBERED = """
import sys
from dangan.search import engine, whoosh_internals
if sys.argv[2] == "no-check":
    def refuse():
        raise AssertionError("checked again")
    whoosh_internals.verify = refuse
s = engine.status(remember_in=sys.argv[1])
print(s.path, s.problem)
"""


def test_the_verdict_is_remembered_beside_the_index_until_whoosh_changes(tmp_path):
    def run(mode: str, env=None) -> str:
        return subprocess.run([sys.executable, "-c", _REMEMBERED, str(tmp_path), mode],
                              capture_output=True, text=True, check=True,
                              env=env).stdout.strip()

    assert run("check") == "fast None"
    assert (tmp_path / engine.VERDICT_FILE).exists()
    assert run("no-check") == "fast None"  # the round trip is not paid again
    # Another Whoosh (a release renaming a private name): checked, not taken from the file.
    site = make_release(tmp_path / "site", version="2.7.6", rename=RENAMED)
    path, problem = run("check", env_with(site)).split(" ", 1)
    assert path == "stock" and "W3LeafMatcher._read_data" in problem
    assert run("no-check", env_with(site)).startswith("stock missing")
    assert run("check") == "fast None"  # and back
