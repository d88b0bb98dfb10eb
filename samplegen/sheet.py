"""A page under construction that remembers what it says: the source of ground truth.

Every person, date and 文号 is drawn through a method that also records it, so the truth file
can never claim something that is not on the paper.
"""

from __future__ import annotations

import functools

from . import fonts, printed
from .layout import A4, Page, Text

_REF_PX = 400


@functools.lru_cache(maxsize=4096)
def measure(text: str, role: str, size_mm: float) -> float:
    """Width of `text` in mm at em size `size_mm`."""
    return fonts.load(role, _REF_PX).getlength(text) / _REF_PX * size_mm


@functools.lru_cache(maxsize=1)
def _s2t():
    import opencc

    return opencc.OpenCC("s2t")


class Sheet:
    def __init__(self, size=A4, traditional: bool = False):
        self.page = Page(size=size)
        self.traditional = traditional
        self.persons: list[dict] = []
        self.dates: list[dict] = []
        self.years: set[int] = set()
        self.doc_numbers: list[dict] = []
        self.id_numbers: list[str] = []
        self.units: list[str] = []
        # what the page states about whom: {subject, kind, value} (the dossier's fact kinds)
        self.facts: list[dict] = []

    @property
    def width(self) -> float:
        return self.page.size[0]

    def t(self, text: str) -> str:
        return _s2t().convert(text) if self.traditional else text

    # -- drawing that records ------------------------------------------------------------
    def label(self, x, y, text, size=4.0, **kw) -> Text:
        return self.page.text(x, y, self.t(text), size=size, font=kw.pop("font", "song"), **kw)

    def fill(self, x, y, text, size=4.6, tag=None, anchor="la") -> Text:
        return self.page.text(
            x, y, self.t(text), size=size, font="kai", hand=True, anchor=anchor, tag=tag
        )

    def person(self, x, y, name, role, hand=True, size=4.6, anchor="la", former_of=None) -> None:
        shown = self.t(name)
        tag = {"kind": "person", "name": shown, "index": len(self.persons)}
        entry = {"name": shown, "simplified": name, "role": role}
        if former_of:
            entry["former_name_of"] = former_of
        self.persons.append(entry)
        font = "kai" if hand else "song"
        self.page.text(x, y, shown, size=size, font=font, hand=hand, anchor=anchor, tag=tag)

    def date(self, x, y, ymd, style, hand=True, size=4.6, anchor="la", role="") -> str:
        text = self.record_date(ymd, style, role)
        if hand:
            self.fill(x, y, text, size=size, anchor=anchor)
        else:
            self.label(x, y, text, size=size, anchor=anchor)
        return text

    def record_date(self, ymd, style, role="") -> str:
        y, m, d = ymd
        text = printed.date(y, m, d, style)
        precise = style in ("ymd_cn", "cn", "dot_ymd", "compact", "dash")
        value = f"{y:04d}-{m:02d}-{d:02d}" if precise else f"{y:04d}-{m:02d}"
        self.dates.append({"printed": self.t(text), "value": value, "role": role})
        self.years.add(y)
        return text

    def docno(self, x, y, policy, style, hand=True, size=4.6, prefix="") -> str:
        text = self.record_docno(policy, style)
        (self.fill if hand else self.label)(x, y, prefix + text, size=size)
        return text

    def record_docno(self, policy, style) -> str:
        issuer, year, number = policy
        text = printed.doc_number(issuer, year, number, style)
        self.doc_numbers.append(
            {
                "printed": self.t(text),
                "normalized": printed.canonical_doc_number(issuer, year, number),
            }
        )
        return text

    def unit(self, x, y, name, hand=True, size=4.6) -> None:
        self.units.append(self.t(name))
        (self.fill if hand else self.label)(x, y, name, size=size)

    def id_number(self, x, y, number, size=4.6) -> None:
        self.id_numbers.append(number)
        self.fill(x, y, number, size=size)

    def fact(self, subject: str, kind: str, value: str) -> None:
        self.facts.append({"subject": subject, "kind": kind, "value": value})

    def year(self, y: int) -> None:
        self.years.add(y)

    # -- prose ------------------------------------------------------------------------
    def prose(self, x, y, width, segments, size=4.6, leading=2.0, hand=False, indent=2) -> float:
        """Typeset a paragraph of (text, kind, value) segments; returns y below it.

        kind is None for plain text, or 'person' / 'date' (or 'date:ROLE', e.g. date:birth)
        / 'docno' / 'unit' with the value to record; tagged persons get their own drawn item
        so their box is known.
        """
        role = "kai" if hand else "song"
        advance = 1.07 if hand else 1.0  # hand glyphs spread a little
        cx, cy = x + indent * size, y
        for text, kind, value in segments:
            if kind and kind.startswith("date"):  # "date:birth": a date with its role
                text = self.record_date(value, text, kind.partition(":")[2])
            elif kind == "docno":
                text = self.record_docno(value, text)
            elif kind == "unit":
                self.units.append(self.t(value))
            shown = self.t(text)
            if kind == "person":
                self.persons.append({"name": shown, "simplified": text, "role": value})
            buf = ""
            for ch in shown:
                w = measure(ch, role, size) * advance
                if cx + measure(buf, role, size) * advance + w > x + width:
                    self._prose_run(cx, cy, buf, kind, size, hand)
                    cx, cy, buf = x, cy + size + leading, ""
                buf += ch
            if buf:
                self._prose_run(cx, cy, buf, kind, size, hand)
                cx += measure(buf, role, size) * advance
        return cy + size + leading

    def _prose_run(self, x, y, text, kind, size, hand):
        tag = None
        if kind == "person":
            tag = {
                "kind": "person",
                "name": self.persons[-1]["name"],
                "index": len(self.persons) - 1,
            }
        self.page.text(x, y, text, size=size, font="kai" if hand else "song", hand=hand, tag=tag)

    # -- truth ------------------------------------------------------------------------
    def reading_lines(self) -> list[str]:
        """Text items grouped into visual lines, top to bottom, left to right."""
        items = sorted((i for i in self.page.items if isinstance(i, Text)), key=lambda i: i.y)
        lines: list[list[Text]] = []
        for item in items:
            if lines and abs(lines[-1][0].y - item.y) < item.size * 0.6:
                lines[-1].append(item)
            else:
                lines.append([item])
        out = []
        for line in lines:
            line.sort(
                key=lambda i: (
                    i.x
                    - (
                        measure(i.text, i.font, i.size)
                        if i.anchor == "ra"
                        else measure(i.text, i.font, i.size) / 2
                        if i.anchor == "ma"
                        else 0
                    )
                )
            )
            out.append(" ".join(i.text for i in line))
        return out
