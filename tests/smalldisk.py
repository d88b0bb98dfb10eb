"""A small real disk for tests of a full disk: a tmpfs of a few megabytes mounted on a folder
(the tests run as root, as CI does), and a filler that takes the space left."""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def small_disk(where: Path, size: str = "16m") -> Iterator[Path]:
    """A tmpfs of `size` mounted on `where` (created), unmounted afterwards."""
    where.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs",
                    str(where)], check=True, capture_output=True)
    try:
        yield where
    finally:
        subprocess.run(["umount", "--lazy", str(where)], check=False)


def fill(disk: Path, leave: int = 0) -> Path:
    """Take all the space left on `disk` but `leave` bytes (a file, `disk/filler`)."""
    filler = disk / "filler"
    chunk = b"\0" * 65536
    with open(filler, "ab", buffering=0) as f:
        try:
            while True:
                f.write(chunk)
        except OSError as e:
            assert e.errno == errno.ENOSPC, e
    if leave:
        os.truncate(filler, max(0, filler.stat().st_size - leave))
    return filler
