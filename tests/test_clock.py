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
    assert load(cfg).timezone == "Asia/Shanghai" and clock.zone().key == "Asia/Shanghai"
    cfg.write_text('[archive]\ntimezone = "Asia/Urumqi"\n', encoding="utf-8")
    assert load(cfg).timezone == "Asia/Urumqi" and clock.zone().key == "Asia/Urumqi"


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
