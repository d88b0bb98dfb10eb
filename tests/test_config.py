"""config.toml is checked when it is loaded: a typo or a value of the wrong type is refused at
once with the file and the key named, never half-used and failing later."""

from __future__ import annotations

from pathlib import Path

import pytest

from dangan import config

ROOT = Path(__file__).resolve().parent.parent


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def refused(tmp_path: Path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(config.ConfigError) as e:
        config.load(path)
    message = str(e.value)
    assert str(path) in message
    return message


def test_the_shipped_config_loads():
    cfg = config.load(ROOT / "config.toml")
    assert cfg.archive_code == "DL01" and cfg.ocr.workers == 0 and cfg.desk.deadline_days == 4


def test_no_file_gives_the_defaults(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(config.ENV_VAR, raising=False)
    cfg = config.load()
    assert cfg.path is None and cfg.web_port == 8080


def test_a_number_written_as_a_string_is_refused_naming_the_key(tmp_path):
    message = refused(tmp_path, '[ocr]\nworkers = "4"\n')
    assert "[ocr] workers must be an integer" in message and "'4'" in message


@pytest.mark.parametrize("text, key", [
    ('[web]\nport = "8080"\n', "[web] port"),
    ("[web]\nhttps = \"yes\"\n", "[web] https"),
    ("[web]\nport = true\n", "[web] port"),
    ("[archive]\ncode = 17\n", "[archive] code"),
    ("[requests]\nholidays = \"2026-01-01\"\n", "[requests] holidays"),
    ("[requests]\nholidays = [20260101]\n", "[requests] holidays"),
    ("[federation]\ntimeout = \"5\"\n", "[federation] timeout"),
    ('[[peers]]\ncode = "B02"\nurl = "http://b"\ntoken = 5\n', "[[peers]] #1 token"),
])
def test_wrong_types_are_refused(tmp_path, text, key):
    assert key in refused(tmp_path, text)


def test_an_unknown_key_is_refused_naming_it_and_the_known_ones(tmp_path):
    message = refused(tmp_path, "[ocr]\nworker = 4\n")
    assert "[ocr] unknown key 'worker'" in message and "workers" in message


def test_an_unknown_section_is_refused(tmp_path):
    assert "unknown section [serch]" in refused(tmp_path, '[serch]\npolicies = "p.toml"\n')


def test_an_unknown_key_of_a_peer_is_refused(tmp_path):
    text = '[[peers]]\ncode = "B02"\nurl = "http://b"\ntoken = "t"\ntimeout = 3\n'
    assert "[[peers]] #1 unknown key 'timeout'" in refused(tmp_path, text)


def test_a_section_that_is_not_a_table_is_refused(tmp_path):
    assert "[web] must be a table" in refused(tmp_path, 'web = "0.0.0.0"\n')


def test_a_number_is_accepted_where_a_float_is_wanted(tmp_path):
    cfg = config.load(write(tmp_path, "[federation]\ntimeout = 3\n"))
    assert cfg.peer_timeout == 3.0


def test_value_rules_also_name_the_file(tmp_path):
    assert "[requests] deadline_days 应至少为 1" in refused(tmp_path,
                                                          "[requests]\ndeadline_days = 0\n")
    assert "not a date" in refused(tmp_path, '[requests]\nholidays = ["2026-13-01"]\n')
    assert "engine must be" in refused(tmp_path, '[ocr]\nengine = "easyocr"\n')


@pytest.mark.parametrize("text, key", [
    ("[web]\nport = -1\n", "[web] port"),
    ("[web]\nport = 70000\n", "[web] port"),
    ("[web]\nidle_minutes = 0\n", "[web] idle_minutes"),
    ("[ocr]\nworkers = -3\n", "[ocr] workers"),
    ("[ocr]\ncommit_every = 0\n", "[ocr] commit_every"),
    ("[federation]\ntimeout = 0\n", "[federation] timeout"),
])
def test_numbers_out_of_range_are_refused_naming_the_key(tmp_path, text, key):
    message = refused(tmp_path, text)
    assert key in message and "应" in message


def test_numbers_at_their_bounds_are_accepted(tmp_path):
    cfg = config.load(write(tmp_path, "[web]\nport = 1\nidle_minutes = 1\n"
                                      "[ocr]\nworkers = 0\ncommit_every = 1\n"))
    assert (cfg.web_port, cfg.idle_minutes, cfg.ocr.workers, cfg.ocr.commit_every) == (1, 1, 0, 1)


def test_a_bad_config_stops_the_command_with_exit_2_and_no_traceback(tmp_path):
    import subprocess
    import sys

    path = write(tmp_path, "[web]\nport = -1\n")
    proc = subprocess.run([sys.executable, "-m", "dangan.cli", "--config", str(path), "status"],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "[web] port" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_the_pension_account_start_is_a_month_and_has_no_default(tmp_path):
    """视同缴费年限 count to the month the province began personal accounts: no province's
    date is built in, and a value that is not a month is refused."""
    assert config.load(ROOT / "config.toml").pension_account_start is None
    assert config.load(write(tmp_path, '[pension]\naccount_start = "1996-01"\n')
                       ).pension_account_start == "1996-01"
    assert "account_start" in refused(tmp_path, '[pension]\naccount_start = "1996"\n')
