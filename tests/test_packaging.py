"""What `./run.sh` installs (a wheel, not the editable checkout the tests run from) holds every
module, template, script and data file of the repository: a folder missing from pyproject's
package list works in every test and fails on the archive's server at the first import."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETUP = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]


def _shipped_folders() -> dict[str, Path]:
    """Every folder of the installed tree, by its package name (dangan.web.counter …)."""
    out = {}
    for package, folder in SETUP["package-dir"].items():
        for d in [ROOT / folder, *(p for p in (ROOT / folder).rglob("*") if p.is_dir())]:
            if "__pycache__" in d.parts or not any(f.is_file() for f in d.iterdir()):
                continue
            rel = d.relative_to(ROOT / folder).parts
            name = ".".join([package, *rel])
            # a nested package-dir entry (dangan.indexer) owns its own folder
            if any(name.startswith(other + ".") or name == other for other in SETUP["package-dir"]
                   if other != package and other.startswith(package + ".")):
                continue
            out[name] = d
    return out


def test_every_folder_of_code_or_data_is_a_listed_package():
    missing = sorted(set(_shipped_folders()) - set(SETUP["packages"]))
    assert not missing, f"add to [tool.setuptools] packages in pyproject.toml: {missing}"


def test_every_data_file_is_covered_by_package_data():
    uncovered = []
    for package, folder in _shipped_folders().items():
        patterns = SETUP.get("package-data", {}).get(package, [])
        for f in folder.iterdir():
            if f.is_file() and f.suffix not in (".py", ".pyc") and \
                    not any(fnmatch.fnmatch(f.name, p) for p in patterns):
                uncovered.append(f"{package}: {f.name}")
    assert not uncovered, f"add to [tool.setuptools.package-data]: {uncovered}"
