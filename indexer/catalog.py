"""The archival catalogue (目录) as exported from an archive system: one row per 档号."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from dangan.openness import is_restricted_openness

# 题名开放 (optional): 是 when the title of a restricted item may be shown to any reader.
COLUMNS = {"档号": "code", "题名": "title", "责任者": "creator", "日期": "date",
           "保管期限": "retention", "开放标识": "openness", "题名开放": "title_open"}


@dataclass(frozen=True)
class CatalogEntry:
    code: str
    title: str = ""
    creator: str = ""
    date: str = ""
    retention: str = ""
    openness: str = ""
    title_open: str = ""

    @property
    def restricted(self) -> bool:
        return is_restricted_openness(self.openness)


class CatalogError(ValueError):
    pass


def read_catalog(path: Path) -> dict[str, CatalogEntry]:
    """Rows keyed by 档号. Accepts UTF-8 (with or without BOM) and GB18030 exports."""
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise CatalogError(f"{path}: neither UTF-8 nor GB18030")
    reader = csv.DictReader(text.splitlines())
    if not reader.fieldnames or "档号" not in reader.fieldnames:
        raise CatalogError(f"{path}: no 档号 column (columns: {reader.fieldnames})")
    out = {}
    for row in reader:
        values = {COLUMNS[k]: (v or "").strip() for k, v in row.items() if k in COLUMNS}
        if values.get("code"):
            out[values["code"]] = CatalogEntry(**values)
    return out
