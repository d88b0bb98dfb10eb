"""Which 工种 count as 特殊工种 work, and the cumulative years each class needs: configuration,
not code (dangan/data/special_jobs.toml, or the province's own list named by [pension]
special_jobs), because the province's 特殊工种名录 decides them.

Also what the reckoning needs from config.toml, in one object (PensionSettings)."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "data" / "special_jobs.toml"


@dataclass(frozen=True)
class JobClass:
    name: str  # 井下, 高温, 高空, 特别繁重体力劳动, 其他有害身体健康
    years: int  # cumulative years of such work needed
    jobs: tuple[str, ...]  # words a 工种 contains


@dataclass(frozen=True)
class SpecialJobs:
    classes: tuple[JobClass, ...]
    source: str  # where the classes and years come from, quoted with every figure

    def class_of(self, job: str) -> JobClass | None:
        """The class a 工种 as written belongs to, or None (not on the list)."""
        return next((c for c in self.classes if any(w in job for w in c.jobs)), None)


@dataclass(frozen=True)
class PensionSettings:
    account_start: str | None = None  # YYYY-MM; None: 视同缴费年限 not reckoned
    special: SpecialJobs = field(default_factory=lambda: load_special_jobs())


def _read(path: Path) -> tuple[str, list[JobClass]]:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    classes = [JobClass(str(c["name"]), int(c["years"]), tuple(str(j) for j in c["jobs"]))
               for c in raw.get("class", [])]
    return str(raw.get("source", "")), classes


@functools.lru_cache(maxsize=4)
def load_special_jobs(local: str | None = None) -> SpecialJobs:
    """The national classes, with a local file's classes replacing those of the same name."""
    source, classes = _read(DEFAULT_FILE)
    if local:
        local_source, local_classes = _read(Path(local))
        names = {c.name for c in local_classes}
        classes = [c for c in classes if c.name not in names] + local_classes
        source = local_source or source
    return SpecialJobs(tuple(classes), source)


def settings_of(cfg) -> PensionSettings:
    """The reckoning's settings from a loaded dangan Config."""
    return PensionSettings(cfg.pension_account_start, load_special_jobs(cfg.special_jobs_file))
