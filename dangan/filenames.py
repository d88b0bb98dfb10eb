"""Scan file names that are not UTF-8: the name a scan is stored, shown and searched under,
and back from that name to the bytes on the disk.

Most Chinese offices name files on Windows PCs: copied from a Windows share or unpacked from
a zip made there, a name arrives as GBK bytes, which are not UTF-8 (Python sees them as
surrogate escapes). A clerk cannot rename thousands of files, so each part of such a path is
decoded as GB18030 (a superset of GBK) when its bytes decode and encode back to the very
same bytes; a part that decodes in no known encoding is shown with its bad bytes as \\xNN.
The bytes themselves are never stored: they are derived again from the stored name
(`on_disk`), the one rule both ways living here.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

GB18030 = "gb18030"
ESCAPED = "escaped"
_ESCAPE = re.compile(r"\\x([0-9a-f]{2})")


def _decode_part(raw: bytes) -> tuple[str, str | None]:
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode(GB18030)
        if text.encode(GB18030) == raw and text.isprintable():
            return text, GB18030
    except UnicodeError:
        pass
    escaped = raw.decode("utf-8", "backslashreplace")
    return escaped, ESCAPED


def stored_name(name: str) -> tuple[str, str | None]:
    """The name a file is stored and shown under, for `name` as the file system gave it
    (a str that may carry surrogate escapes), and how it was decoded: None (UTF-8, as
    is), "gb18030", or "escaped" (\\xNN for bytes no encoding explains). ValueError when
    the stored name would not lead back to these bytes (a name with a literal \\xNN)."""
    try:
        name.encode("utf-8")
        return name, None
    except UnicodeEncodeError:
        pass
    parts, hows = [], set()
    for raw in os.fsencode(name).split(b"/"):
        text, how = _decode_part(raw)
        if how is not None and _encode_part(text) != os.fsdecode(raw):
            raise ValueError(f"file name cannot be stored reversibly: {text}")
        parts.append(text)
        hows.add(how)
    return "/".join(parts), ESCAPED if ESCAPED in hows else GB18030


def _encode_part(text: str) -> str:
    """The file-system name (surrogate escapes for non-UTF-8 bytes) a decoded part came
    from, when it was not UTF-8: its \\xNN escapes as bytes, or its GB18030 bytes."""
    if _ESCAPE.search(text):
        raw = _ESCAPE.sub(lambda m: f"\0{m.group(1)}", text).encode("utf-8")
        raw = re.sub(rb"\0([0-9a-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw)
        return os.fsdecode(raw)
    try:
        return os.fsdecode(text.encode(GB18030))
    except UnicodeEncodeError:
        return text


def on_disk(path: Path) -> Path:
    """The file `path` (built from a stored name) names on the disk: itself when it exists,
    else the same path with its non-UTF-8 parts given back their own bytes — part by part,
    so that a UTF-8 folder holding a GBK-named file is found too."""
    if path.exists():
        return path
    parts = path.parts
    found = Path(parts[0]) if path.is_absolute() else Path()
    for part in parts[1:] if path.is_absolute() else parts:
        if not (found / part).exists() and (not part.isascii() or _ESCAPE.search(part)):
            theirs = found / _encode_part(part)
            if theirs.exists():
                found = theirs
                continue
        found = found / part
    return found
