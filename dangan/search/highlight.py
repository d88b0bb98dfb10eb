"""Snippets with the matched strings marked, on the page's own normalised text.

Matching is done on Python strings by character offset, so Chinese offsets are exact by
construction (no 马克/马克思 off-by-one from byte or token arithmetic).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def find_spans(text: str, needles: list[str]) -> list[Span]:
    """Non-overlapping occurrences of any needle, longest needle first at each place."""
    spans: list[Span] = []
    for needle in sorted({n for n in needles if n}, key=len, reverse=True):
        start = 0
        while (i := text.find(needle, start)) >= 0:
            span = Span(i, i + len(needle))
            if not any(s.start < span.end and span.start < s.end for s in spans):
                spans.append(span)
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
    best, best_count = spans[0].start, 0
    for s in spans:
        count = sum(1 for t in spans if s.start <= t.start < s.start + width)
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
