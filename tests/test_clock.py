"""The archive's clock (dangan/clock.py): dates in the archive's zone, whatever the server's."""

import datetime as dt

import pytest

from dangan import clock
from dangan.config import ConfigError, load


@pytest.fixture(autouse=True)
def _restore_zone():
    yield
    clock.use_zone(clock.DEFAULT_ZONE)


def test_the_zone_comes_from_config_and_defaults_to_shanghai(tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text("[archive]\nname = \"x\"\n", encoding="utf-8")
    assert load(cfg).timezone == "Asia/Shanghai"
    cfg.write_text('[archive]\ntimezone = "Asia/Urumqi"\n', encoding="utf-8")
    assert load(cfg).timezone == "Asia/Urumqi"


def test_reading_the_config_leaves_the_process_clock_alone(tmp_path):
    """Only the entry points (`dangan`, the web app) make the archive's zone the process's."""
    cfg = tmp_path / "config.toml"
    cfg.write_text('[archive]\ntimezone = "Asia/Urumqi"\n', encoding="utf-8")
    load(cfg)
    assert clock.zone().key == clock.DEFAULT_ZONE


def test_the_entry_points_set_the_archives_zone(tmp_path):
    import subprocess
    import sys

    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[archive]\ntimezone = "Asia/Urumqi"\n[paths]\ndata_dir = "{tmp_path}"\n',
                   encoding="utf-8")
    code = ("import sys; from dangan import cli, clock; cli.cmd_status = "
            "lambda cfg, args: print(clock.zone().key) or 0; sys.exit(cli.main(sys.argv[1:]))")
    out = subprocess.run([sys.executable, "-c", code, "--config", str(cfg), "status"],
                         capture_output=True, text=True, check=True).stdout
    assert out.strip() == "Asia/Urumqi"
    from dangan.web.app import create_app

    create_app(load(cfg), testing=True)
    assert clock.zone().key == "Asia/Urumqi"


def test_an_unknown_zone_is_refused_with_the_key_named(tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text('[archive]\ntimezone = "Mars/Olympus"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="timezone"):
        load(cfg)


def test_now_and_today_are_the_archives_wall_clock():
    clock.use_zone("Asia/Shanghai")
    utc = dt.datetime.now(dt.UTC)
    shanghai = clock.now()
    assert shanghai.tzinfo is None  # stored naive, as the register holds it
    assert abs((shanghai - utc.replace(tzinfo=None)).total_seconds() - 8 * 3600) < 5
    clock.use_zone("UTC")
    assert abs((clock.now() - utc.replace(tzinfo=None)).total_seconds()) < 5


def test_times_are_shown_without_seconds_or_a_T():
    assert clock.shown(dt.datetime(2024, 5, 6, 14, 3, 9)) == "2024-05-06 14:03"
    assert clock.shown(dt.datetime(2024, 5, 6, 14, 3, 9), seconds=True) == "2024-05-06 14:03:09"
    assert clock.shown("2024-05-06T14:03:09") == "2024-05-06 14:03"
    assert clock.shown(None) == ""
