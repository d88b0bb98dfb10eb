"""The `dangan` command as scripts see it: one list of exit statuses, and a register that is
behind this release is migrated only by `serve` and `db upgrade`."""

from __future__ import annotations

import subprocess

from conftest import DANGAN, run_dangan
from sqlalchemy import create_engine
from test_register_migrations import previous_release_register

from dangan.exitcodes import Exit
from dangan.register import migrate


def test_help_lists_every_exit_status():
    out = subprocess.run([*DANGAN, "--help"], capture_output=True, text=True,
                         check=True).stdout
    for code in Exit:
        assert f"  {int(code):>3}  " in out, code


def test_every_exit_status_is_in_the_readme():
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for code in Exit:
        assert f"| {int(code)} | `{code.name}` |" in readme, code


def _config(tmp_path, url: str):
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[paths]\ndata_dir = "{tmp_path}"\n[web]\ndatabase = "{url}"\n',
                   encoding="utf-8")
    return cfg


def test_a_command_on_a_register_that_is_behind_says_so_and_changes_nothing(tmp_path):
    url = previous_release_register(tmp_path / "old.sqlite3")
    cfg = _config(tmp_path, url)
    for args in (("user", "list"), ("token", "list"), ("requests", "list"),
                 ("audit", "verify")):
        proc = run_dangan(cfg, *args, check=False)
        assert proc.returncode == Exit.REGISTER_BEHIND, (args, proc.stderr)
        assert "dangan db upgrade" in proc.stderr and "Traceback" not in proc.stderr
        assert migrate.current(create_engine(url)) is None  # untouched
    run_dangan(cfg, "db", "upgrade")
    assert migrate.current(create_engine(url)) == migrate.head()
    assert run_dangan(cfg, "user", "list").stdout.count("\n") == 2  # clerk, boss


def test_a_new_database_is_created_by_any_command(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    cfg = _config(tmp_path, url)
    assert run_dangan(cfg, "user", "list").stdout == ""
    assert migrate.current(create_engine(url)) == migrate.head()
