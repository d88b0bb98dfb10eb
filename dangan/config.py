"""Load config.toml into a typed, read-only settings object.

Relative paths resolve against the config file's folder, not the working directory, so
`dangan --config /srv/archive/config.toml index` behaves the same from anywhere.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from dangan import clock

DEFAULT_PATH = Path("config.toml")
ENV_VAR = "DANGAN_CONFIG"


class ConfigError(ValueError):
    """The configuration file is missing or says something dangan cannot use."""


@dataclass(frozen=True)
class OcrSettings:
    engine: str = "rapidocr"
    workers: int = 0
    threads_per_worker: int = 1
    max_side_len: int = 2000
    max_pixels: int = 120_000_000
    commit_every: int = 50
    scheduler: str = ""  # tcp://HOST:8786 of a Dask cluster; empty = local worker processes

    @property
    def worker_count(self) -> int:
        return self.workers if self.workers > 0 else (os.cpu_count() or 1)


@dataclass(frozen=True)
class Peer:
    """A partner archive: its node code, name, API base URL and the token it issued to us."""

    code: str
    name: str
    url: str
    token: str


@dataclass(frozen=True)
class DeskSettings:
    """The request desk's clock: how many working days a request may take, and the calendar."""

    deadline_days: int = 4
    holidays: tuple[str, ...] = ()  # ISO dates off work (法定节假日)
    workdays: tuple[str, ...] = ()  # weekend dates worked instead (调休上班)
    # Public intake form: submissions per address per hour before it says "try later".
    intake_per_hour: int = 5


@dataclass(frozen=True)
class Config:
    path: Path | None
    archive_name: str
    archive_code: str
    scan_root: Path
    index_dir: Path
    data_dir: Path
    catalog: Path | None
    ocr: OcrSettings
    web_host: str
    web_port: int
    policies_file: str | None = None
    database_url: str | None = None  # SQLAlchemy URL; default SQLite in the data dir
    web_https: bool = False
    web_proxy: bool = False  # behind one reverse proxy: trust its X-Forwarded-* headers
    copy_stamp: Path | None = None
    desk: DeskSettings = DeskSettings()
    peers: tuple[Peer, ...] = ()
    peer_timeout: float = 5.0  # seconds a 跨馆检索 waits for each partner archive
    # Verification of issued papers: the address printed under the QR code (this archive's
    # public address), and the archive's signing certificate (PKCS#12) for PAdES signatures.
    public_url: str = ""
    certificate: Path | None = None
    certificate_password: str = ""
    # Partner calls go direct unless this names a proxy: the environment's http_proxy is
    # for the internet, and a partner archive on the government network is not.
    peer_proxy: str | None = None
    # Partner API: calls per token per minute, before it answers 429.
    api_per_minute: int = 120
    # A counter PC left alone this long is logged out (minutes).
    idle_minutes: int = 30
    # 著录 corrections: may the clerk who proposed one confirm it (a one-person reading
    # room)? Otherwise an admin other than the proposer confirms (dangan/corrections).
    corrections_self_confirm: bool = False
    # The archive's time zone (dangan/clock.py): dates shown, visit numbers, deadlines.
    timezone: str = "Asia/Shanghai"
    # 退休时间线测算 (dangan/pension): the month the province began personal pension accounts
    # (视同缴费年限 count to it; None = not set, not reckoned), and a local 特殊工种 list.
    pension_account_start: str | None = None
    special_jobs_file: str | None = None

    def peer(self, code: str) -> Peer | None:
        return next((p for p in self.peers if p.code == code), None)

    def scan_path(self, key: str) -> Path:
        """Where a file named `key` in the store and index lies: keys are relative to the scan
        root when the file is inside it (so the archive can move), absolute otherwise. A key
        decoded from a Windows (GBK) name leads back to its bytes (dangan/filenames.py)."""
        from .filenames import on_disk

        p = Path(key)
        return on_disk(p if p.is_absolute() else self.scan_root / p)

    @property
    def store_path(self) -> Path:
        return self.data_dir / "pages.sqlite3"

    @property
    def reports_dir(self) -> Path:
        return self.data_dir / "reports"


def resolve_path(cli_value: str | os.PathLike | None) -> Path | None:
    """The config file to use: --config, else $DANGAN_CONFIG, else ./config.toml if present."""
    if cli_value:
        return Path(cli_value)
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    return DEFAULT_PATH if DEFAULT_PATH.exists() else None


# Every key config.toml may hold, with its TOML type. A key not listed here is a typo or a
# setting of another version, and is refused rather than silently ignored; a value of the
# wrong type is refused here, naming it, rather than failing later in whatever uses it.
_STR, _INT, _BOOL, _NUMBER, _STRINGS = "a string", "an integer", "true or false", "a number", \
    "a list of strings"
SCHEMA: dict[str, dict[str, str]] = {
    "archive": {"name": _STR, "code": _STR, "public_url": _STR, "certificate": _STR,
                "certificate_password": _STR, "timezone": _STR},
    "paths": {"scan_root": _STR, "index_dir": _STR, "data_dir": _STR, "catalog": _STR},
    "ocr": {"engine": _STR, "workers": _INT, "threads_per_worker": _INT, "max_side_len": _INT,
            "max_pixels": _INT, "commit_every": _INT, "scheduler": _STR},
    "web": {"host": _STR, "port": _INT, "https": _BOOL, "proxy": _BOOL, "database": _STR,
            "copy_stamp": _STR, "idle_minutes": _INT, "corrections_self_confirm": _BOOL},
    "search": {"policies": _STR},
    "requests": {"deadline_days": _INT, "holidays": _STRINGS, "workdays": _STRINGS,
                 "intake_per_hour": _INT},
    "federation": {"timeout": _NUMBER, "proxy": _STR, "api_per_minute": _INT},
    "pension": {"account_start": _STR, "special_jobs": _STR},
}
PEER_SCHEMA: dict[str, str] = {"code": _STR, "name": _STR, "url": _STR, "token": _STR}
# The numbers that only make sense within bounds: (least, most; None = no bound). A port of
# -1 or a commit every 0 pages is refused here, naming the key, rather than failing at once
# in a socket or looping in a batch.
RANGES: dict[tuple[str, str], tuple[float, float | None]] = {
    ("ocr", "workers"): (0, 256),  # 0: one per core
    ("ocr", "threads_per_worker"): (1, 64),
    ("ocr", "max_side_len"): (64, None),
    ("ocr", "max_pixels"): (1, None),
    ("ocr", "commit_every"): (1, None),
    ("web", "port"): (1, 65535),
    ("web", "idle_minutes"): (1, 24 * 60),
    ("requests", "deadline_days"): (1, None),
    ("requests", "intake_per_hour"): (1, None),
    ("federation", "timeout"): (0.1, 600),
    ("federation", "api_per_minute"): (1, None),
}


def _is(value: object, kind: str) -> bool:
    if kind == _STR:
        return isinstance(value, str)
    if kind == _INT:  # TOML true is a bool, and bool is an int in Python: refuse it
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == _BOOL:
        return isinstance(value, bool)
    if kind == _NUMBER:
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _describe(value: object) -> str:
    kinds = {bool: "true/false", int: "an integer", float: "a number", str: "the string",
             list: "a list", dict: "a table"}
    kind = kinds.get(type(value), type(value).__name__)
    return f"{kind} {value!r}" if isinstance(value, str | int | float) else kind


def validate(raw: dict, where: str) -> None:
    """Refuse unknown sections and keys and values of the wrong type, naming file and key."""
    for name, value in raw.items():
        if name == "peers":
            if not isinstance(value, list) or not all(isinstance(p, dict) for p in value):
                raise ConfigError(f"{where}: [[peers]] must be an array of tables")
            for n, peer in enumerate(value, 1):
                _check(peer, PEER_SCHEMA, f"[[peers]] #{n}", where)
            continue
        if name not in SCHEMA:
            raise ConfigError(f"{where}: unknown section [{name}] (known: "
                              f"{', '.join(f'[{s}]' for s in [*SCHEMA, '[peers]'])})")
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: [{name}] must be a table")
        _check(value, SCHEMA[name], f"[{name}]", where)
        for key, number in value.items():
            if (name, key) in RANGES:
                _check_range(number, *RANGES[name, key], f"[{name}] {key}", where)


def _check_range(value: float, least: float, most: float | None, label: str,
                 where: str) -> None:
    if value < least or (most is not None and value > most):
        bound = f"{least} 到 {most} 之间 / between {least} and {most}" if most is not None \
            else f"至少为 {least} / at least {least}"
        raise ConfigError(f"{where}: {label} 应{bound}，不能是 / not {value!r}")


def _check(table: dict, schema: dict[str, str], label: str, where: str) -> None:
    for key, value in table.items():
        if key not in schema:
            raise ConfigError(f"{where}: {label} unknown key {key!r} "
                              f"(known: {', '.join(schema)})")
        if not _is(value, schema[key]):
            raise ConfigError(f"{where}: {label} {key} must be {schema[key]}, "
                              f"not {_describe(value)}")


def load(path: str | os.PathLike | None = None) -> Config:
    cfg_path = resolve_path(path)
    raw: dict = {}
    if cfg_path is not None:
        try:
            raw = tomllib.loads(Path(cfg_path).read_text(encoding="utf-8"))
        except FileNotFoundError as e:
            raise ConfigError(f"config file not found: {cfg_path}") from e
        except tomllib.TOMLDecodeError as e:
            raise ConfigError(f"{cfg_path}: not valid TOML: {e}") from e
    where = str(cfg_path) if cfg_path is not None else "(built-in defaults)"
    validate(raw, where)
    try:
        cfg = _build(raw, cfg_path)
    except ConfigError as e:
        raise ConfigError(f"{where}: {e}") from e
    return cfg


def _build(raw: dict, cfg_path: Path | None) -> Config:
    base = Path(cfg_path).resolve().parent if cfg_path else Path.cwd()

    def section(name: str) -> dict:
        value = raw.get(name, {})
        if not isinstance(value, dict):
            raise ConfigError(f"[{name}] must be a table")
        return value

    def path_of(value: str) -> Path:
        p = Path(value).expanduser()
        return p if p.is_absolute() else base / p

    archive, paths, ocr, web = section("archive"), section("paths"), section("ocr"), section("web")
    search = section("search")
    try:
        ocr_settings = OcrSettings(**{k: ocr[k] for k in ocr})
    except TypeError as e:
        raise ConfigError(f"[ocr]: {e}") from e
    if ocr_settings.engine not in ("rapidocr", "tesseract"):
        raise ConfigError(
            f"[ocr] engine must be 'rapidocr' or 'tesseract', not {ocr_settings.engine!r}")
    catalog = paths.get("catalog") or ""
    desk, peers = _desk(section("requests")), _peers(raw.get("peers", []))
    federation = section("federation")
    zone = str(archive.get("timezone", clock.DEFAULT_ZONE))
    if problem := clock.zone_problem(zone):
        raise ConfigError(f"[archive] timezone: {problem}")
    pension = section("pension")
    account_start = str(pension.get("account_start", "")).strip()
    if account_start and not re.fullmatch(r"(19|20)\d\d-(0[1-9]|1[0-2])", account_start):
        raise ConfigError(f"[pension] account_start: {account_start!r} is not a month (YYYY-MM)")
    return Config(
        path=Path(cfg_path).resolve() if cfg_path else None,
        archive_name=str(archive.get("name", "档案馆")),
        archive_code=str(archive.get("code", "LOCAL")),
        scan_root=path_of(paths.get("scan_root", "scans")),
        index_dir=path_of(paths.get("index_dir", "var/index")),
        data_dir=path_of(paths.get("data_dir", "var/data")),
        catalog=path_of(catalog) if catalog else None,
        ocr=ocr_settings,
        web_host=str(web.get("host", "127.0.0.1")),
        web_port=int(web.get("port", 8080)),
        policies_file=str(path_of(search["policies"])) if search.get("policies") else None,
        database_url=str(web["database"]) if web.get("database") else None,
        web_https=bool(web.get("https", False)),
        web_proxy=bool(web.get("proxy", False)),
        copy_stamp=path_of(web["copy_stamp"]) if web.get("copy_stamp") else None,
        desk=desk,
        peers=peers,
        peer_timeout=float(federation.get("timeout", 5.0)),
        public_url=str(archive.get("public_url", "")).rstrip("/"),
        certificate=path_of(archive["certificate"]) if archive.get("certificate") else None,
        certificate_password=str(archive.get("certificate_password", "")),
        peer_proxy=str(federation["proxy"]) if federation.get("proxy") else None,
        api_per_minute=int(federation.get("api_per_minute", 120)),
        idle_minutes=int(web.get("idle_minutes", 30)),
        corrections_self_confirm=bool(web.get("corrections_self_confirm", False)),
        timezone=zone,
        pension_account_start=account_start or None,
        special_jobs_file=(str(path_of(pension["special_jobs"])) if pension.get("special_jobs")
                           else None),
    )


def _desk(raw: dict) -> DeskSettings:
    for key in ("holidays", "workdays"):
        for value in raw.get(key, []):
            try:
                dt.date.fromisoformat(str(value))
            except ValueError as e:
                raise ConfigError(f"[requests] {key}: {value!r} is not a date (YYYY-MM-DD)") from e
    days = int(raw.get("deadline_days", 4))
    if days < 1:
        raise ConfigError("[requests] deadline_days must be at least 1")
    return DeskSettings(deadline_days=days,
                        holidays=tuple(str(d) for d in raw.get("holidays", [])),
                        workdays=tuple(str(d) for d in raw.get("workdays", [])),
                        intake_per_hour=int(raw.get("intake_per_hour", 5)))


def _peers(raw: list) -> tuple[Peer, ...]:
    if not isinstance(raw, list):
        raise ConfigError("[[peers]] must be an array of tables")
    peers = []
    for n, item in enumerate(raw, 1):
        missing = [k for k in ("code", "url", "token") if not item.get(k)]
        if missing:
            raise ConfigError(f"[[peers]] #{n}: missing {', '.join(missing)}")
        peers.append(Peer(code=str(item["code"]), name=str(item.get("name", item["code"])),
                          url=str(item["url"]).rstrip("/"), token=str(item["token"])))
    codes = [p.code for p in peers]
    if len(set(codes)) != len(codes):
        raise ConfigError("[[peers]]: each partner archive code may appear only once")
    return tuple(peers)
