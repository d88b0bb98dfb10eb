"""What a search returns, whichever way Whoosh was driven (engine.py): hits and facets."""

from __future__ import annotations

from dataclasses import dataclass, field


class Unsupported(Exception):
    """A query shape the fast path does not evaluate; the backend lets Whoosh run it."""


@dataclass
class Found:
    """The outcome of a search, whichever engine ran it."""

    total: int
    docs: list[tuple[int, float]]  # (global document number, score), best first
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    stored: list[dict] = field(default_factory=list)  # each doc's stored fields, same order
    path: str = "stock"  # which way ran it: "fast" (numpy over the postings) or "stock"
