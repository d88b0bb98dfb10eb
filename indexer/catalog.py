"""The archival catalogue (目录) as exported from an archive system: one row per 档号, in a
CSV export (UTF-8 or GB18030) or in the spreadsheet (.xlsx) archives keep their 目录 in."""

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


@dataclass(frozen=True)
class CatalogRow:
    line: int  # the row's number as the clerk sees it in the file (the header is row 1)
    entry: CatalogEntry


def _cell(v) -> str:
    """A spreadsheet cell as the catalogue means it: 19851003 typed as a number is the text
    19851003, not 19851003.0; a date cell is its day."""
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if hasattr(v, "strftime"):
        return v.strftime("%Y%m%d")
    return str(v).strip()


def _table_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise CatalogError(f"{path}: neither UTF-8 nor GB18030")
    return list(csv.reader(text.splitlines()))


def _table_xlsx(path: Path) -> list[list[str]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as e:
        raise CatalogError(f"{path}: 不是可读的 .xlsx 文件（{type(e).__name__}）") from e
    try:
        sheet = book.worksheets[0]  # the 目录 is the first sheet
        return [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def read_rows(path: Path) -> list[CatalogRow]:
    """Every row with a 档号, in file order, duplicates kept (an import reports them)."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        table = _table_xlsx(path)
    elif suffix == ".xls":
        raise CatalogError(f"{path}: 旧版 .xls 请在表格软件中另存为 .xlsx 或 CSV")
    else:
        table = _table_csv(path)
    header = next((i for i, r in enumerate(table) if "档号" in [c.strip() for c in r]), None)
    if header is None:
        raise CatalogError(f"{path}: no 档号 column (columns: {table[0] if table else []})")
    names = [c.strip() for c in table[header]]
    out = []
    for n, row in enumerate(table[header + 1:], start=header + 2):
        values = {COLUMNS[k]: (v or "").strip() for k, v in zip(names, row, strict=False)
                  if k in COLUMNS}
        if values.get("code"):
            out.append(CatalogRow(n, CatalogEntry(**values)))
    return out


def read_catalog(path: Path) -> dict[str, CatalogEntry]:
    """Rows keyed by 档号 (a 档号 given twice: the later row). CSV or .xlsx."""
    return {r.entry.code: r.entry for r in read_rows(path)}
