"""Openness (开放标识): the one place that decides whether an item is closed to a reader.

The catalogue says 开放, 控制, 延期开放, 不开放 (and local spellings such as 延期, 限制利用).
Anything that is not plainly open is restricted: an archive must never open an item because a
new word appeared in its catalogue export. Every caller — the index flag, the viewer, copies,
the request desk, the partner API — asks `is_restricted`, so there is one list, here.

What a reader without clearance may learn of a restricted item is also decided here: only its
open catalogue fields (档号, and 题名 when the catalogue marks the title open).
"""

from __future__ import annotations

from collections.abc import Mapping

OPEN_WORDS = ("开放",)
# Words that close an item even when "开放" is part of them (延期开放, 不开放).
CLOSED_WORDS = ("控制", "延期", "不开放", "限制", "封存", "密")
RESTRICTED_LABEL = "受控档案，需审批"
TITLE_OPEN_WORDS = ("是", "开放", "公开", "Y", "y", "1", "true")


def is_restricted_openness(openness: str | None) -> bool:
    """True unless the 开放标识 plainly says open. Empty (no catalogue entry) is open: loose
    scans without a catalogue are the archive's open working collection."""
    word = (openness or "").strip()
    if not word:
        return False
    if any(w in word for w in CLOSED_WORDS):
        return True
    return word not in OPEN_WORDS


def openness_problem(openness: str | None) -> str | None:
    """What is wrong with a catalogue row's 开放标识, for the import report; None when it is
    a word this rule knows. An unknown word closes the item (above) — and is still a
    mistake for staff to fix; an empty one opens it, which staff must mean."""
    word = (openness or "").strip()
    if not word:
        return "开放标识为空（按开放处理）"
    if word in OPEN_WORDS or any(w in word for w in CLOSED_WORDS):
        return None
    return f"无法识别的开放标识“{word}”（按受控处理）"


def is_restricted(meta: Mapping | None) -> bool:
    """Is the item (a page store document row, or a catalogue entry) restricted?"""
    return bool(meta) and is_restricted_openness(meta.get("openness"))


def open_title(meta: Mapping | None) -> str:
    """The title a reader without clearance may see: the catalogue's 题名 of an open item, or
    of a restricted one whose catalogue marks the title open; otherwise nothing."""
    if not meta:
        return ""
    title = meta.get("title") or ""
    if not is_restricted(meta):
        return title
    return title if (meta.get("title_open") or "").strip() in TITLE_OPEN_WORDS else ""


def public_label(meta: Mapping | None) -> str:
    """How a restricted item is named to a reader without clearance: 档号 and open title."""
    code = (meta or {}).get("archive_code") or "未编档号"
    title = open_title(meta)
    return f"档号：{code}" + (f"　{title}" if title else "")
