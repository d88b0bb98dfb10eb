"""The policy table: policy names and reform years staff type, mapped to what pages say.

Kept as data (dangan/data/policies.toml) that an archive extends in its own file, because every
province and county issued its own implementing documents.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from dangan.text.dates import read_year
from dangan.text.docnumbers import normalize_doc_number
from dangan.text.normalize import halfwidth, normalize


@dataclass(frozen=True)
class Policy:
    name: str
    aliases: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    doc_numbers: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    names: frozenset[str] = field(default=frozenset(), compare=False)


def _key(text: str) -> str:
    return re.sub(r"[\s《》“”\"'：:，,。]", "", normalize(text))


def _parse(data: dict, source: str) -> list[Policy]:
    out = []
    for entry in data.get("policy", []):
        if "name" not in entry:
            raise ValueError(f"{source}: a [[policy]] has no name")
        nos = tuple(normalize_doc_number(n) or n for n in entry.get("doc_numbers", []))
        aliases = tuple(entry.get("aliases", []))
        out.append(Policy(entry["name"], aliases, tuple(int(y) for y in entry.get("years", [])),
                          nos, tuple(normalize(k) for k in entry.get("keywords", [])),
                          frozenset(_key(n) for n in (entry["name"], *aliases))))
    return out


@functools.lru_cache(maxsize=8)
def load(extra: str | None = None) -> tuple[Policy, ...]:
    text = resources.files("dangan").joinpath("data/policies.toml").read_text("utf-8")
    policies = {p.name: p for p in _parse(tomllib.loads(text), "policies.toml")}
    if extra:
        path = Path(extra)
        for p in _parse(tomllib.loads(path.read_text("utf-8")), str(path)):
            policies[p.name] = p
    return tuple(policies.values())


def find(text: str, extra: str | None = None) -> Policy | None:
    """The policy `text` names: exactly, or as the only policy whose name contains it."""
    key = _key(text)
    if not key:
        return None
    policies = load(extra)
    for p in policies:
        if key in p.names:
            return p
    containing = [p for p in policies if any(key in n or n in key for n in p.names)]
    return containing[0] if len(containing) == 1 else None


# How staff say a 文号 without its 代字: the year and the number. "85年41号文", "1985年第41号",
# "〔85〕41号", "(1985)41号文件", and the number first: "41号文（85年）".
_YEAR = r"(?P<year>\d{4}|\d{2}|[〇零○一二三四五六七八九]{2,4})"
_NUM = r"第?\s*(?P<num>\d{1,4})\s*号(?:文件|文)?"
_SPOKEN = (
    re.compile(rf"^[〔\[（(【]?\s*{_YEAR}\s*(?:年|[〕\]）)】])\s*(?:的|度)?\s*{_NUM}$"),
    re.compile(rf"^{_NUM}\s*[（(〔\[【]\s*{_YEAR}\s*年?\s*[）)〕\]】]$"),
)


def spoken_doc_numbers(text: str, extra: str | None = None) -> tuple[str, ...]:
    """The 文号 in the policy table that a year-and-number form names: "85年41号文" →
    劳人薪〔1985〕41号. Two-digit years by the archive's one rule (dangan/text/dates.py).
    Empty when the text is not such a form or no policy's 文号 has that year and number."""
    compact = re.sub(r"\s+", "", halfwidth(text or ""))
    for pattern in _SPOKEN:
        m = pattern.match(compact)
        if m:
            break
    else:
        return ()
    year = read_year(m.group("year"))
    if year is None:
        return ()
    tail = f"〔{year}〕{int(m.group('num'))}号"
    found = [n for p in load(extra) for n in p.doc_numbers if n.endswith(tail)]
    return tuple(dict.fromkeys(found))
