"""Archival reference codes (档号) in file names, after DA/T 31 and DA/T 22.

Item level (件):   X012-WS·1985-Y-0012-0001.jpg  → 档号 X012-WS·1985-Y-0012, page 1
Volume level (卷): 0501-1996-001-0001.jpg        → 档号 0501-1996-001, page 1
A file named by the 档号 alone (X012-WS·1987-Y-0007.pdf) is the whole item. Anything else
is a loose scan: one file, one document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

# 全宗号-门类代码·年度-保管期限-件号; the separator dot comes as · or . depending on the scanner.
_ITEM = r"[A-Z0-9]{1,8}-[A-Z]{1,4}[·.][0-9]{4}-[A-Z0-9]{1,4}-[0-9]{3,5}"
# 全宗号-年度-案卷号
_VOLUME = r"[A-Z0-9]{2,8}-[0-9]{4}-[0-9]{3}"
_NAME = re.compile(rf"^(?P<code>{_ITEM}|{_VOLUME})(?:-(?P<seq>[0-9]{{3,4}}))?$")


@dataclass(frozen=True)
class FileName:
    document: str  # 档号, or the file stem for loose scans
    archive_code: str | None
    sequence: int | None  # page sequence within the item, from the name


def parse(path: str | Path) -> FileName:
    stem = Path(path).stem
    m = _NAME.match(stem)
    if not m:
        return FileName(document=stem, archive_code=None, sequence=None)
    code = m.group("code").replace(".", "·", 1) if "·" not in m.group("code") else m.group("code")
    seq = int(m.group("seq")) if m.group("seq") else None
    return FileName(document=code, archive_code=code, sequence=seq)
