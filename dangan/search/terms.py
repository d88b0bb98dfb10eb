"""dangan's own query objects: what a search asks of the index, in the index's fields.

Why not Whoosh's: the rest of dangan (query building, the search around it, the web app and
the partner API) then never names the engine. `backend.SearchIndex.search` takes these and
hands them to Whoosh (whoosh_queries.py) — the seam Whoosh lives behind.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Term:
    """Pages whose `field` holds `text` exactly (a name, a year key, a 文号, a flag)."""

    field: str
    text: str | bool
    boost: float = 1.0


@dataclass
class Phrase:
    """Pages where the `words` (grams) stand one after another in `field`."""

    field: str
    words: list[str]
    boost: float = 1.0


@dataclass
class Or:
    """Pages matching any clause, scored by all that match."""

    clauses: list = field(default_factory=list)
    boost: float = 1.0


@dataclass
class And:
    """Pages matching every clause."""

    clauses: list = field(default_factory=list)
    boost: float = 1.0


@dataclass
class AndNot:
    """Pages matching `query` but not `exclude` (scored by `query` alone)."""

    query: object
    exclude: object


@dataclass
class NumericRange:
    """Pages with a number in `field` from `low` to `high`, both included (years)."""

    field: str
    low: int
    high: int


@dataclass
class Prefix:
    """Pages whose `field` holds a value starting with `text` (档号 and its volumes)."""

    field: str
    text: str


@dataclass
class Every:
    """Every page (a search by filters only)."""


@dataclass
class Syntax:
    """Text in the engine's own query syntax, for staff who know it (over grams and words)."""

    text: str


Query = Term | Phrase | Or | And | AndNot | NumericRange | Prefix | Every | Syntax
