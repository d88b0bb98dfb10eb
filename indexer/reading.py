"""Reading order: a page's OCR lines as one searchable text, and the way back to the boxes.

OCR returns boxes, not text. A word is often cut between two boxes of one row ("上海东昌投资
发展有限 公司", "MU 2379"), and Chinese prose wraps in the middle of a word with no hyphen
("…教学能力" / "考核，择优录取", a table cell "本期结算金额合" / "计"). If every box were its
own run, a phrase could never cross such a cut. So lines that continue each other are joined
with nothing between them: a box right after another on the same baseline with no more than
a character's gap, and a full line followed by the line that continues it underneath (same
left edge, no wider, close below). Unrelated cells and columns stay apart: a space between
cells of a row, a newline between rows, and nothing is joined down a table whose rows repeat
the same columns (a roster's names are not one long word).

The text keeps, for every joined line, where it starts, so a match can be drawn on the scan
even when it runs over two lines.
"""

from __future__ import annotations

import itertools
import re
import statistics
from dataclasses import dataclass

from dangan.text.normalize import HAN, HAN_RE, normalize

from .layout import split_at_gutter, visual_rows
from .ocr.base import Line

# A box follows another as part of the same word when the gap is below this many character
# heights; cells of a table are further apart than that.
SAME_WORD_GAP = 0.8
# A line continues below another when it starts within this band of its left edge (a first
# line may be indented two characters), no more than this far below.
WRAP_INDENT, WRAP_GAP = 2.5, 1.0
# A line shorter than this (a name, a number, a label) is a cell of its own, not prose.
MIN_WRAPPING_CHARS = 5


@dataclass(frozen=True)
class Segment:
    """Line `line` (an index into the page's lines) sits at text[start:start+length]."""

    line: int
    start: int
    length: int


@dataclass
class ReadingText:
    text: str
    segments: list[Segment]

    def spans(self, start: int, end: int) -> list[tuple[int, int, int]]:
        """(line index, start, end) in each line that text[start:end] covers."""
        out = []
        for seg in self.segments:
            s, e = max(start, seg.start), min(end, seg.start + seg.length)
            if s < e:
                out.append((seg.line, s - seg.start, e - seg.start))
        return out

    def boxes(self, lines: list[Line], start: int, end: int) -> list[tuple[int, int, int, int]]:
        """The boxes on the scan of text[start:end], one per line it touches."""
        out = []
        for i, s, e in self.spans(start, end):
            box = lines[i].span_box(s, e)
            if box:
                out.append(box)
        return out

    def find_boxes(self, lines: list[Line], needle: str) -> list[tuple[int, int, int, int]]:
        """Boxes of every occurrence of `needle` in the text, across line joins too."""
        out: list[tuple[int, int, int, int]] = []
        if not needle:
            return out
        i = self.text.find(needle)
        while i >= 0:
            out += self.boxes(lines, i, i + len(needle))
            i = self.text.find(needle, i + len(needle))
        return out


# Lines that stand on their own under a heading: a 文号, a date.
_STANDALONE = re.compile(
    r"[〔\[［【（(]\s*(?:19|20)?\d{2}\s*[〕\]］】）)]|\d{2,4}\s*[年.\-/]|^\s*\d")


def _h(line: Line) -> float:
    return max(1, line.height)


def _similar_height(a: Line, b: Line, ratio: float = 1.45) -> bool:
    ha, hb = _h(a), _h(b)
    return max(ha, hb) <= ratio * min(ha, hb)


def _v_overlap(a: Line, b: Line) -> float:
    """Vertical overlap as a share of the shorter box."""
    top, bottom = max(a.box[1], b.box[1]), min(a.box[3], b.box[3])
    return max(0, bottom - top) / min(_h(a), _h(b))


def _h_overlap(a: Line, b: Line) -> bool:
    return min(a.box[2], b.box[2]) > max(a.box[0], b.box[0])


def _same_column(a: Line, b: Line, h: float) -> bool:
    return abs(a.cx - b.cx) <= 1.5 * h or abs(a.box[0] - b.box[0]) <= h


def _ends_open(text: str) -> bool:
    """A line that could run on: it does not end a sentence or a clause."""
    return bool(text) and text[-1] not in "。！？!?；;：:"


def _same_row(a: Line, b: Line) -> bool:
    return _v_overlap(a, b) > 0.5


def _may_continue(upper: str, lower: str) -> bool:
    """Text wraps between two characters of one kind, or into punctuation; a number above
    Han text (or Han above a number) is two fields of a form ("填报日期：1993-10-23" over
    "女"), not one word."""
    a, b = upper[-1], lower[0]
    return not ((a.isascii() and a.isalnum() and _is_han(b))
                or (_is_han(a) and b.isascii() and b.isalnum()))


def _continuation(upper: Line, lines: list[Line]) -> Line | None:
    """The line that continues `upper` on the next line down, if there is one."""
    if len(upper.text) < MIN_WRAPPING_CHARS or not _ends_open(upper.text):
        return None
    h = _h(upper)
    below = [c for c in lines if c is not upper and c.box[1] >= upper.cy
             and c.box[1] - upper.box[3] <= WRAP_GAP * h and _h_overlap(upper, c)]
    if not below:
        return None
    c = min(below, key=lambda c: (c.box[1], c.box[0]))
    if not (_similar_height(upper, c) and _may_continue(upper.text, c.text)):
        return None
    left_aligned = (upper.box[0] - WRAP_INDENT * h <= c.box[0] <= upper.box[0] + 0.8 * h
                    and c.box[2] <= upper.box[2] + 0.8 * h)
    # A centred heading cell wraps centred ("本期结算金额合" / "计（含税）"); a 文号 or a
    # date centred under a title is a line of its own, not the title's end.
    narrower = c.box[2] - c.box[0] < upper.box[2] - upper.box[0]
    centred = (abs(c.cx - upper.cx) <= 0.75 * h and narrower
               and c.box[1] - upper.box[3] <= 0.5 * h and not _STANDALONE.search(c.text))
    if not (left_aligned or centred):
        return None
    # A table whose rows repeat the same columns (a roster): the cells beside `upper` have
    # cells beside `c` under them, so `c` is the next record, not the rest of `upper`.
    # A cell centred on both lines (the amount beside a wrapped name) is no such evidence:
    # it stands beside the two lines of one record.
    beside_upper = [x for x in lines if x is not upper and x is not c and _same_row(x, upper)]
    beside_c = [x for x in lines if x is not c and x is not upper and _same_row(x, c)]
    shared = {id(x) for x in beside_upper} & {id(x) for x in beside_c}
    # Text runs on to the right before it wraps: a line with more of its row to its right
    # (other than cells centred on both lines) does not continue below; nor does the end of
    # a line of prose that a number cut into runs (a run touching another on its left):
    # that line wraps as a row, to its own left edge.
    if any(x.box[0] >= upper.box[2] - 0.3 * h and id(x) not in shared for x in beside_upper):
        return None
    if any(x.box[2] <= upper.box[0] + 0.3 * h and upper.box[0] - x.box[2] <= SAME_WORD_GAP * h
           for x in beside_upper):
        return None
    repeats = sum(1 for a in beside_upper if id(a) not in shared
                  and any(id(b) not in shared and _same_column(a, b, h) for b in beside_c))
    if repeats >= 2:
        return None
    return c


def _chains(lines: list[Line]) -> list[list[Line]]:
    """Lines grouped into runs that read as one (a paragraph, a wrapped cell)."""
    nxt: dict[int, Line] = {}
    has_prev: set[int] = set()
    for ln in sorted(lines, key=lambda ln: (ln.box[1], ln.box[0])):
        c = _continuation(ln, lines)
        if c is not None and id(c) not in has_prev:
            nxt[id(ln)] = c
            has_prev.add(id(c))
    chains = []
    for ln in lines:
        if id(ln) in has_prev:
            continue
        chain = [ln]
        while id(chain[-1]) in nxt and len(chain) <= len(lines):
            chain.append(nxt[id(chain[-1])])
        chains.append(chain)
    return chains


def _rows_of_chains(chains: list[list[Line]]) -> list[list[list[Line]]]:
    """Chains grouped into visual rows by their first line, top to bottom, left to right."""
    median_h = statistics.median(_h(c[0]) for c in chains)
    rows: list[list[list[Line]]] = []
    for chain in sorted(chains, key=lambda c: c[0].cy):
        if rows and abs(statistics.fmean(c[0].cy for c in rows[-1]) - chain[0].cy) < \
                median_h * 0.55:
            rows[-1].append(chain)
        else:
            rows.append([chain])
    for row in rows:
        row.sort(key=lambda c: c[0].box[0])
    return rows


def _joins_as_word(left: list[Line], right: list[Line]) -> bool:
    """Is `right` the rest of the word `left` ends with? Han runs into Han ("…有限" "公司")
    and letters into letters or digits ("MU" "2379"); a number beside a number or a name
    beside its row number are cells of their own unless they all but touch."""
    a, b = left[-1], right[0]
    if not (a.text and b.text and _same_row(a, b) and _similar_height(a, b)
            and _ends_open(a.text)):
        return False
    gap = b.box[0] - a.box[2]
    h = min(_h(a), _h(b))
    x, y = a.text[-1], b.text[0]
    if (_is_han(x) and _is_han(y)) or (x.isascii() and x.isalpha() and y.isascii() and y.isalnum()):
        return -0.3 * h <= gap <= SAME_WORD_GAP * h
    return (-0.3 * h <= gap <= 0.3 * h and x.isascii() and y.isascii() and x.isalnum()
            and y.isalnum())


def _is_han(ch: str) -> bool:
    return HAN_RE.fullmatch(ch) is not None


def _text_layer(lines: list[Line]) -> ReadingText:
    """Lines of a PDF text layer: already in reading order, one per printed line."""
    text, segments = "", []
    for i, ln in enumerate(lines):
        if i:
            text += "\n"
        segments.append(Segment(i, len(text), len(ln.text)))
        text += ln.text
    return ReadingText(text, segments)


def _row_wraps(upper: list[list[Line]], lower: list[list[Line]]) -> bool:
    """Does a row of prose run on into the next row? The last run of `upper` is open, the
    next row starts where `upper` starts (or up to a paragraph indent left of it), close
    below, and the two rows do not repeat the same columns (a table's rows)."""
    last, first = upper[-1][-1], lower[0][0]
    row_x1 = min(chain[0].box[0] for chain in upper)
    h = _h(last)
    if not _may_continue(last.text, first.text):
        return False
    if not (_ends_open(last.text) and _similar_height(last, first)
            and sum(len(run.text) for chain in upper for run in chain) >= MIN_WRAPPING_CHARS):
        return False
    if not (0 <= first.box[1] - last.box[3] + 0.3 * h <= (WRAP_GAP + 0.3) * h
            and row_x1 - WRAP_INDENT * h <= first.box[0] <= row_x1 + 0.8 * h
            and last.box[2] >= max(run.box[2] for chain in lower for run in chain) - 2 * h):
        return False
    # A row that is one continuous stretch of text (runs cut only by numbers) is prose;
    # otherwise its cells must not repeat the next row's columns (a table's rows).
    runs = sorted((run for chain in upper for run in chain[:1]), key=lambda r: r.box[0])
    if all(b.box[0] - a.box[2] <= SAME_WORD_GAP * h for a, b in itertools.pairwise(runs)):
        return True
    others_up = [chain[0] for chain in upper[:-1]] + [run for run in upper[-1][:-1]]
    others_low = [chain[0] for chain in lower[1:]]
    repeats = sum(1 for a in others_up if any(_same_column(a, b, h) for b in others_low))
    return repeats == 0


def _runs(lines: list[Line]) -> tuple[list[Line], dict[int, list[Line]]]:
    """Boxes of one row that read as one word, joined into runs (stand-in lines with the
    joined text and box), and each run's boxes. A wrap is judged on runs, not boxes: a
    line of prose may end in a short box ("…在" "东岭") that continues below."""
    runs, members = [], {}
    for row in visual_rows(lines):
        group = [row.lines[0]]
        for ln in row.lines[1:]:
            if _joins_as_word([group[-1]], [ln]):
                group.append(ln)
                continue
            runs.append(_run(group, members))
            group = [ln]
        runs.append(_run(group, members))
    return runs, members


def _run(group: list[Line], members: dict[int, list[Line]]) -> Line:
    if len(group) == 1:
        run = group[0]
    else:
        box = (min(ln.box[0] for ln in group), min(ln.box[1] for ln in group),
               max(ln.box[2] for ln in group), max(ln.box[3] for ln in group))
        run = Line("".join(ln.text for ln in group), box)
    members[id(run)] = group
    return run


def reading_text(lines: list[Line]) -> ReadingText:
    """The page's text in reading order, with continued lines joined (see the module doc)."""
    boxed = [ln for ln in lines if ln.box and ln.text]
    if len(boxed) < len([ln for ln in lines if ln.text]):
        return _text_layer(lines)
    if not boxed:
        return ReadingText("", [])
    index = {id(ln): i for i, ln in enumerate(lines)}
    text, segments = "", []
    for half in split_at_gutter(boxed):
        runs, members = _runs(half)
        previous = None
        for row in _rows_of_chains(_chains(runs)):
            if text and not (previous and _row_wraps(previous, row)):
                text += "\n"
            previous = row
            for k, chain in enumerate(row):
                if k:
                    text += " "
                for run in chain:
                    for ln in members[id(run)]:
                        segments.append(Segment(index[id(ln)], len(text), len(ln.text)))
                        text += ln.text
    return ReadingText(text, segments)


_ALT_CHAR = re.compile(f"[{HAN}0-9〇]")


def normalized_line(line: Line) -> Line:
    """The line in the index's canonical form (the one normalisation of lines, for fields
    and for marking hits alike). The recogniser's alternatives that matter for search
    (Han, digits, 〇) are kept while normalising leaves every character where it was."""
    text = normalize(line.text)
    alts = None
    if line.alternatives and len(text) == len(line.text):
        alts = [(k, normalize(ch), p) for k, ch, p in line.alternatives
                if _ALT_CHAR.fullmatch(ch)]
    return Line(text, line.box, line.confidence, line.char_x, alts or None, line.kind)


def term_boxes(lines: list[Line], terms: list[str]) -> list[tuple[int, int, int, int]]:
    """Where on the scan each (normalised) term stands, also over a wrap or a split box.
    Where normalising changed a line's length (spaces OCR put between characters), its
    character boxes no longer line up and `span_box` marks by proportion."""
    page = [ln for ln in map(normalized_line, lines) if ln.kind != "seal"]
    reading = reading_text(page)
    boxes: list[tuple[int, int, int, int]] = []
    for term in terms:
        boxes += reading.find_boxes(page, term)
    return boxes
