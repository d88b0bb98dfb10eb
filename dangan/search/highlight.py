"""Snippets with the matched strings marked, on the page's own normalised text.

Matching is done on Python strings by character offset, so Chinese offsets are exact by
construction (no 马克/马克思 off-by-one from byte or token arithmetic).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def find_spans(text: str, needles: list[str]) -> list[Span]:
    """Non-overlapping occurrences of any needle, longest needle first at each place."""
    spans: list[Span] = []
    taken = bytearray(len(text))  # characters inside a span already kept
    for needle in sorted({n for n in needles if n}, key=len, reverse=True):
        start = 0
        while (i := text.find(needle, start)) >= 0:
            if not any(taken[i:i + len(needle)]):
                spans.append(Span(i, i + len(needle)))
                taken[i:i + len(needle)] = b"\x01" * len(needle)
            start = i + 1
    return sorted(spans, key=lambda s: s.start)


def snippet(text: str, needles: list[str], width: int = 90) -> tuple[str, list[Span]]:
    """A window of `text` around the densest cluster of matches, and the spans inside it
    relative to the window. Newlines become ' / ' so table rows stay readable in one line."""
    flat = text.replace("\n", " / ")
    spans = find_spans(flat, needles)
    if not spans:
        cut = flat[:width]
        return cut + ("…" if len(flat) > width else ""), []
    starts = [s.start for s in spans]  # ascending
    best, best_count = spans[0].start, 0
    for k, s in enumerate(spans):
        count = bisect_left(starts, s.start + width, k) - bisect_left(starts, s.start, 0, k + 1)
        if count > best_count:
            best, best_count = s.start, count
    begin = max(0, best - width // 4)
    end = min(len(flat), begin + width)
    window = flat[begin:end]
    inside = [Span(s.start - begin, s.end - begin) for s in spans
              if s.start >= begin and s.end <= end]
    prefix = "…" if begin > 0 else ""
    suffix = "…" if end < len(flat) else ""
    shift = len(prefix)
    return prefix + window + suffix, [Span(s.start + shift, s.end + shift) for s in inside]


def to_html(text: str, spans: list[Span]) -> str:
    """Escape everything (OCR text is untrusted) and wrap spans in <mark>."""
    out, pos = [], 0
    for s in spans:
        out.append(escape(text[pos:s.start]))
        out.append(f"<mark>{escape(text[s.start:s.end])}</mark>")
        pos = s.end
    out.append(escape(text[pos:]))
    return "".join(out)


def to_terminal(text: str, spans: list[Span]) -> str:
    out, pos = [], 0
    for s in spans:
        out.append(text[pos:s.start])
        out.append(f"【{text[s.start:s.end]}】")
        pos = s.end
    out.append(text[pos:])
    return "".join(out)
