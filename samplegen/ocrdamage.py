"""What real scans and real OCR do to a page's lines, applied to generated pages.

Each pattern here was seen on real pages (the real-dev set) or on a held-out archive; the
relevance harness and the tests apply them to generated pages whose truth is known, so a fix
is measured on the pattern, not on one page. A function takes a page's OCR lines
([text, [x1, y1, x2, y2]]) and returns new lines plus what it did, for the queries.
"""

from __future__ import annotations

import itertools
import random
import re

from dangan.text.normalize import HAN

Lines = list[list]
_HAN_RUN = re.compile(f"[{HAN}]{{8,}}")


def split_a_box(lines: Lines, rng: random.Random) -> tuple[Lines, str | None]:
    """One box cut in two with a small gap ("上海东昌投资发展有限" "公司"): returns the
    phrase over the cut, which a search must still find."""
    cands = [i for i, (t, _b) in enumerate(lines) if _HAN_RUN.fullmatch(t)]
    if not cands:
        return lines, None
    i = rng.choice(cands)
    text, (x1, y1, x2, y2) = lines[i]
    cut = rng.randrange(3, len(text) - 3)
    w = (x2 - x1) / len(text)
    gap = max(2, round(w * 0.3))
    left = [text[:cut], [x1, y1, round(x1 + cut * w), y2]]
    right = [text[cut:], [round(x1 + cut * w) + gap, y1, x2 + gap, y2]]
    return [*lines[:i], left, right, *lines[i + 1:]], text[cut - 3:cut + 3]


def wrapped_phrases(lines: Lines) -> list[str]:
    """Phrases that run over the end of one printed line into the next (prose wraps in the
    middle of a word, no hyphen): 3 characters before the wrap and 3 after. A row wraps
    when it reaches the right margin of the text and the next row starts at its left."""
    rows: list[list] = []
    for text, box in sorted(lines, key=lambda ln: (ln[1][1], ln[1][0])):
        if rows and box[1] < rows[-1][-1][1][3] - 0.5 * (box[3] - box[1]):
            rows[-1].append([text, box])
        else:
            rows.append([[text, box]])
    right = max((b[2] for _t, b in lines), default=0)
    out = []
    for upper, lower in itertools.pairwise(rows):
        upper.sort(key=lambda ln: ln[1][0])
        lower.sort(key=lambda ln: ln[1][0])
        h = upper[-1][1][3] - upper[-1][1][1]
        a, b = "".join(t for t, _b in upper), "".join(t for t, _b in lower)
        full = upper[-1][1][2] >= right - 3 * h and len(upper) >= 2
        starts_left = abs(lower[0][1][0] - min(bx[0] for _t, bx in upper)) <= 3 * h
        close = lower[0][1][1] - upper[-1][1][3] < 1.0 * h
        if full and starts_left and close and re.fullmatch(f"[{HAN}]{{3}}", a[-3:]) \
                and re.fullmatch(f"[{HAN}]{{3}}", b[:3]):
            out.append(a[-3:] + b[:3])
    return out


def glue_title_to_number(lines: Lines) -> tuple[Lines, bool]:
    """The title line over a 文号 read as one line ("…暂行办法国发〔1978〕104号"): OCR merges
    a heading and the number centred close under it."""
    for i, (text, box) in enumerate(lines):
        if re.search(r"〔(19|20)\d\d〕\d+号$", text) and i > 0:
            prev_text, prev_box = lines[i - 1]
            if re.search(f"[{HAN}]{{4}}$", prev_text):
                merged = [prev_text + text, [min(prev_box[0], box[0]), prev_box[1],
                                             max(prev_box[2], box[2]), box[3]]]
                return [*lines[:i - 1], merged, *lines[i + 1:]], True
    return lines, False


def dot_in_number(lines: Lines, rng: random.Random) -> tuple[Lines, bool]:
    """A stray dot inside a 文号's 代字 ("国.办发[1997]32号")."""
    for i, (text, box) in enumerate(lines):
        m = re.search(f"([{HAN}])([{HAN}]+)〔(19|20)", text)
        if m:
            text = text[:m.end(1)] + rng.choice(".·") + text[m.end(1):]
            return [*lines[:i], [text, box], *lines[i + 1:]], True
    return lines, False


MEASURES = ["参考范围 9.01--19.04pmol/L", "如图10.2-1所示", "月工资155.86元",
            "体温37.5℃", "增资额 20.12元", "比例 18.06%"]


def add_measures(lines: Lines, rng: random.Random) -> tuple[Lines, list[str]]:
    """Numbers that look like dates and are not (a lab range, a figure label, a wage)
    written at the foot of the page."""
    bottom = max((b[3] for _t, b in lines), default=0)
    picks = rng.sample(MEASURES, 2)
    new = [[t, [200, bottom + 60 + 70 * k, 200 + 40 * len(t), bottom + 110 + 70 * k]]
           for k, t in enumerate(picks)]
    return lines + new, picks


def damage_a_year(lines: Lines, rng: random.Random) -> tuple[Lines, int | None]:
    """A date whose year lost a digit: handwritten 2011年 read 201年, 一九八〇年 read 一九八年
    (the 〇 dropped), a year under a seal. Returns the year lost."""
    cands = [(i, m) for i, (t, _b) in enumerate(lines)
             for m in re.finditer(r"((?:19|20)\d\d|一九[〇一二三四五六七八九]{2})年\s*\d{0,2}", t)]
    if not cands:
        return lines, None
    i, m = rng.choice(cands)
    year_text = m.group(1)
    drop = 3 if year_text[3] in "0〇" or rng.random() < 0.5 else 2
    damaged = year_text[:drop] + year_text[drop + 1:]
    text, box = lines[i]
    text = text[:m.start(1)] + damaged + text[m.end(1):]
    digits = year_text.translate(str.maketrans("〇一二三四五六七八九", "0123456789"))
    return [*lines[:i], [text, box], *lines[i + 1:]], int(digits)
