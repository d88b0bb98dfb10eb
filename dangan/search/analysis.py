"""Tokenizers for Chinese archive text: jieba words and Han-character n-grams.

Why two: jieba gives meaningful words (调资, 民办教师) for ranking, but splits ~15% of personal
names and cannot do phrases; character bigrams find any substring — a name in prose, a phrase,
a word OCR damaged — at the cost of precision. Both analyse the normalised text, so the query
side must call the same `normalize` first.
"""

from __future__ import annotations

import functools
import itertools
import re
from importlib import resources

from whoosh.analysis import Token, Tokenizer

from dangan.text.normalize import HAN

_RUN = re.compile(f"([{HAN}]+)|([0-9A-Za-z]+)")


@functools.lru_cache(maxsize=1)
def _jieba():
    """jieba's dictionary and algorithm, in Rust (rjieba): the same tokens as the Python
    package on our archive text, 15–25× faster — tokenising was half of indexing time."""
    import rjieba

    seg = rjieba.Jieba()
    terms = resources.files("dangan").joinpath("data/archive_terms.txt").read_text("utf-8")
    for line in terms.splitlines():
        parts = line.split()
        if parts and not line.startswith("#"):
            seg.add_word(parts[0], int(parts[1]) if len(parts) > 1 else None, None)
    return seg


def jieba_words(text: str) -> list[tuple[str, int, int]]:
    """(word, start, end) in search mode: long words plus their shorter parts."""
    out = []
    for word, start, end in _jieba().tokenize(text, "search"):
        # single punctuation marks and spaces carry nothing to search for
        if _RUN.search(word):
            out.append((word.lower(), start, end))
    return out


class JiebaTokenizer(Tokenizer):
    """Words for scoring; positions are word ordinals (not character offsets — jieba's own
    analyzer uses offsets, which silently breaks phrase queries)."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True, mode="", **kw):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kw)
        for i, (word, start, end) in enumerate(jieba_words(value)):
            t.text = word
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = word
            if positions:
                t.pos = start_pos + i
            if chars:
                t.startchar, t.endchar = start_char + start, start_char + end
            yield t


def grams(text: str) -> list[tuple[str, int, int, int]]:
    """(gram, position, start, end): every Han character and every adjacent pair, and runs
    of Latin letters/digits whole. A bigram shares the position of its first character, so
    the bigrams of a phrase sit at consecutive positions and a Phrase query over them works.
    """
    out = []
    pos = 0
    for m in _RUN.finditer(text):
        if m.group(1):
            run, base = m.group(1), m.start()
            for i, ch in enumerate(run):
                out.append((ch, pos + i, base + i, base + i + 1))
                if i + 1 < len(run):
                    out.append((run[i:i + 2], pos + i, base + i, base + i + 2))
            pos += len(run) + 1  # a gap between runs so phrases never span punctuation
        else:
            out.append((m.group(2).lower(), pos, m.start(), m.end()))
            pos += 2
    return out


def gram_positions(text: str) -> dict[str, list[int]]:
    """The grams of `grams(text)`, each with its positions in ascending order: what the
    index stores, counted without building a tuple per gram (index writing's hot loop).
    tests/test_search_fastwrite.py holds it to `grams` through whole segments."""
    out: dict[str, list[int]] = {}
    get = out.get
    pos = 0
    for m in _RUN.finditer(text):
        run = m.group(1)
        if run:
            for p, ch in enumerate(run, pos):
                found = get(ch)
                if found is None:
                    out[ch] = [p]
                else:
                    found.append(p)
            for p, (a, b) in enumerate(itertools.pairwise(run), pos):
                gram = a + b
                found = get(gram)
                if found is None:
                    out[gram] = [p]
                else:
                    found.append(p)
            pos += len(run) + 1
        else:
            gram = m.group(2).lower()
            found = get(gram)
            if found is None:
                out[gram] = [pos]
            else:
                found.append(pos)
            pos += 2
    return out


def query_grams(text: str) -> list[str]:
    """The sequence of grams a phrase query must find at consecutive positions."""
    m = _RUN.fullmatch(text)
    if m and m.group(2):
        return [text.lower()]
    if len(text) == 1:
        return [text]
    return [text[i:i + 2] for i in range(len(text) - 1)]


class HanGramTokenizer(Tokenizer):
    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True, mode="", **kw):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kw)
        for gram, pos, start, end in grams(value):
            t.text = gram
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = gram
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar, t.endchar = start_char + start, start_char + end
            yield t


def jieba_analyzer():
    return JiebaTokenizer()


def gram_analyzer():
    return HanGramTokenizer()
