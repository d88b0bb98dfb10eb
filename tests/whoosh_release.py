"""A simulated Whoosh release, for tests: a copy of the installed whoosh package with its
version string changed and, optionally, one private name renamed throughout (as a real
release would rename it: Whoosh's own code keeps working, dangan's fast path loses it). Put
first on PYTHONPATH, it is the Whoosh every `dangan` process of the test imports."""

from __future__ import annotations

import importlib.metadata
import os
import re
import shutil
from pathlib import Path

import whoosh

RENAMED = ("_read_data", "_read_block_data")  # W3LeafMatcher's, used by fastpath/sidecar


def make_release(folder: Path, version: str = "2.7.6", rename: tuple[str, str] | None = None
                 ) -> Path:
    """A site folder holding the simulated release; returns it."""
    folder.mkdir(parents=True, exist_ok=True)
    package = Path(whoosh.__file__).parent
    shutil.copytree(package, folder / "whoosh",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    dist = importlib.metadata.distribution("whoosh-reloaded")
    info = Path(dist._path)  # the installed .dist-info folder
    new_info = folder / re.sub(r"-[^-]+\.dist-info$", f"-{version}.dist-info", info.name)
    shutil.copytree(info, new_info)
    meta = new_info / "METADATA"
    meta.write_text(re.sub(r"(?m)^Version: .*$", f"Version: {version}",
                           meta.read_text(encoding="utf-8")), encoding="utf-8")
    (new_info / "RECORD").write_text("", encoding="utf-8")
    if rename:
        old, new = rename
        for source in (folder / "whoosh").rglob("*.py"):
            text = source.read_text(encoding="utf-8")
            changed = re.sub(rf"\b{re.escape(old)}\b", new, text)
            if changed != text:
                source.write_text(changed, encoding="utf-8")
    return folder


def env_with(folder: Path) -> dict[str, str]:
    """The environment of a process that imports the simulated release."""
    path = os.environ.get("PYTHONPATH", "")
    return {**os.environ, "PYTHONPATH": f"{folder}{os.pathsep}{path}" if path else str(folder),
            "PYTHONUNBUFFERED": "1"}
