"""Run dangan's queries over Whoosh's own postings with numpy, a whole list at a time.

Why: Whoosh walks every matching posting through several layers of Python objects, scores it
one call at a time and, when block skipping is possible in principle, runs a query twice to
count its hits. At 100,000 pages a two-word query matches tens of thousands of pages, which
costs seconds. The index format is not the problem: a posting block decodes in one pickle
load. So this module reads each term's postings once as arrays (document numbers and term
frequencies), and does union, intersection, BM25F scoring, filters, masks, top-k and facet
counts as array operations. Phrases are checked only on the documents that hold every gram.

It understands the queries `query.build` makes (Term, Or, And, AndNot, Phrase, NumericRange,
Prefix, Every); anything else raises `Unsupported` and the backend lets Whoosh run it. Scores follow
Whoosh's BM25F (same idf, B, K1 and field lengths), so rankings agree with the slow path;
a test holds the two to the same hits.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from itertools import chain
from pickle import loads

import numpy as np
from whoosh import query as Q

from . import sidecar
from .hits import Found, Unsupported
from .whoosh_internals import (
    byte_to_length,
    length_bytes,
    read_all_blocks,
    segment_lengths,
    term_hash,
    term_key,
    term_matcher,
    term_offset,
)

B, K1 = 0.75, 1.2  # Whoosh's BM25F defaults
_LENGTH_OF_BYTE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)
_EMPTY_IDS = np.empty(0, dtype=np.int64)
_EMPTY_SCORES = np.empty(0, dtype=np.float64)


@dataclass
class _Part:
    """Where one segment's share of a term's postings sits in the joined arrays, and how to
    get their raw values (positions): a decoded list, or the segment's posting arrays."""

    start: int
    length: int
    leaf: int
    term: int | None = None  # the term's index in the segment's posting arrays
    values: list | None = None


@dataclass
class _Postings:
    ids: np.ndarray  # global document numbers, ascending
    tf: np.ndarray  # term frequency (Whoosh's posting weight)
    parts: list[_Part] = field(default_factory=list)
    value_count: int = 0  # decoded raw values held (the cache's memory bound)


class Executor:
    """One per searcher generation: the readers are fixed, so caches never go stale."""

    def __init__(self, reader, cache_terms: int = 1024, cache_values: int = 2_000_000,
                 arrays: bool = True):
        """`arrays` False: ignore the posting arrays beside segments (bench/scale.py times
        both ways)."""
        self.reader = reader
        self._use_arrays = arrays
        if hasattr(reader, "leaf_readers"):
            self.leaves = [(leaf, offset) for leaf, offset in reader.leaf_readers()]
        else:
            self.leaves = [(reader, 0)]
        self.doc_count = reader.doc_count_all()
        self.schema = reader.schema
        self.live = np.ones(self.doc_count, dtype=bool)
        for leaf, offset in self.leaves:
            if leaf.has_deletions():
                dead = np.fromiter(leaf.deleted_docs_set, dtype=np.int64)
                self.live[dead + offset] = False
        self._lock = threading.Lock()
        self._terms: OrderedDict[tuple[str, str], _Postings] = OrderedDict()
        self._cache_terms = cache_terms
        self._cache_values = cache_values  # ~50 bytes each: about 100 MB at most
        self._value_count = 0
        self._lengths: dict[str, tuple[np.ndarray, float]] = {}  # field → (lengths, average)
        self._facets: dict[str, dict[str, np.ndarray]] = {}
        self._latest: np.ndarray | None = None  # each page's latest year (_latest_year)
        self._arrays: dict[int, sidecar.SegmentArrays | None] = {}

    def forget_terms(self) -> None:
        """Empty the term cache (bench/scale.py times queries whose terms are not cached)."""
        with self._lock:
            self._terms.clear()
            self._value_count = 0

    def _segment_arrays(self, i: int) -> sidecar.SegmentArrays | None:
        """The posting arrays written beside segment `i`, mapped on first use (None: read
        that segment's postings from Whoosh's blocks)."""
        if i not in self._arrays:
            self._arrays[i] = sidecar.load(self.leaves[i][0]) if self._use_arrays else None
        return self._arrays[i]

    # -- reading postings ---------------------------------------------------------------
    def postings(self, fieldname: str, text: str) -> _Postings:
        """A term's postings across all segments. Kept in an LRU cache: staff repeat the
        same names and words all day, and a phrase's grams recur across phrases.

        A segment with posting arrays beside it gives a slice of them (no decoding; raw
        values are decoded later, block by block, only where a phrase needs them). Any
        other segment is decoded from Whoosh's blocks, values included for a positional
        field: decoding a block costs the same with or without them. The cache holds at
        most `cache_values` of those (about 50 bytes each)."""
        key = (fieldname, text)
        with self._lock:
            hit = self._terms.get(key)
            if hit is not None:
                self._terms.move_to_end(key)
                return hit
        with_values = self._positional(fieldname)
        ids, tfs, parts = [], [], []
        fmt = self.schema[fieldname].format
        count = held = 0
        term = term_key(self.schema, fieldname, text)
        hashed = term_hash(term) if term is not None else 0
        for i, (leaf, offset) in enumerate(self.leaves):
            arrays = self._segment_arrays(i)
            if arrays is not None and term is not None and arrays.has_keys:
                # the segment's own dictionary: one hash for all segments, no Whoosh lookup
                t = arrays.lookup(term, hashed)
                if t is None:
                    continue
            elif arrays is not None:
                at = term_offset(leaf, fieldname, text)
                if at is None:
                    continue
                t = arrays.find(at) if at >= 0 else None
            else:
                t = None
            if t is not None:
                a, b = int(arrays.term_start[t]), int(arrays.term_start[t + 1])
                ids.append(arrays.ids[a:b].astype(np.int64) + offset)
                tfs.append(arrays.tf[a:b].astype(np.float64))
                parts.append(_Part(count, b - a, i, term=t))
                count += b - a
                continue
            m = term_matcher(leaf, fieldname, text, fmt)
            if m is None:
                continue
            values = [] if with_values else None
            before = sum(len(x) for x in ids)
            read_all_blocks(m, offset, ids, tfs, values)
            n = sum(len(x) for x in ids) - before
            parts.append(_Part(count, n, i, values=values))
            count += n
            held += len(values or ())
        p = _Postings(np.concatenate(ids) if ids else _EMPTY_IDS,
                      np.concatenate(tfs) if tfs else _EMPTY_SCORES, parts, held)
        with self._lock:
            old = self._terms.pop(key, None)
            if old is not None:
                self._value_count -= old.value_count
            self._terms[key] = p
            self._value_count += p.value_count
            while len(self._terms) > self._cache_terms or (
                    self._value_count > self._cache_values and len(self._terms) > 1):
                _, dropped = self._terms.popitem(last=False)
                self._value_count -= dropped.value_count
        return p

    def _positions_at(self, p: _Postings, where: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(i, position) pairs for the postings at indices `where` (ascending) of `p`, i
        indexing `where`: sliced from a segment's posting arrays, or decoded from values."""
        owners, positions = [], []
        for part in p.parts:
            lo, hi = np.searchsorted(where, [part.start, part.start + part.length])
            if lo == hi:
                continue
            local = where[lo:hi] - part.start
            if part.values is not None:
                owner, pos = _decode_positions([part.values[j] for j in local])
            else:
                arrays = self._segment_arrays(part.leaf)
                posting = local + int(arrays.term_start[part.term])
                first = arrays.pos_start[posting]
                counts = arrays.pos_start[posting + 1] - first
                owner = np.repeat(np.arange(len(local)), counts)
                run_start = np.cumsum(counts) - counts
                at = np.repeat(first - run_start, counts) + np.arange(int(counts.sum()))
                pos = arrays.positions[at].astype(np.int64)
            owners.append(owner + lo)
            positions.append(pos)
        if not owners:
            return _EMPTY_IDS, _EMPTY_IDS
        return np.concatenate(owners), np.concatenate(positions)

    def _positional(self, fieldname: str) -> bool:
        return bool(self.schema[fieldname].format.supports("positions"))

    def preload(self) -> None:
        """Load what the first query would otherwise wait for: every scored field's lengths."""
        for name, fieldtype in self.schema.items():
            if fieldtype.scorable:
                self._field_lengths(name)

    def _field_lengths(self, fieldname: str) -> tuple[np.ndarray, float] | None:
        """Every document's length in `fieldname` (Whoosh's one-byte encoding, decoded) and
        the field's average length, as BM25F wants them; None for an unscored field."""
        if not self.schema[fieldname].scorable:
            return None
        with self._lock:
            if fieldname in self._lengths:
                return self._lengths[fieldname]
        out = np.zeros(self.doc_count, dtype=np.float64)
        for leaf, offset in self.leaves:
            column = segment_lengths(leaf, fieldname)
            if column is None:
                continue
            raw = length_bytes(column, leaf.doc_count_all())
            out[offset:offset + len(raw)] = _LENGTH_OF_BYTE[raw]
        average = (self.reader.field_length(fieldname) / self.doc_count) if self.doc_count else 1
        stats = (out, average or 1)
        with self._lock:
            self._lengths[fieldname] = stats
        return stats

    # -- scoring ------------------------------------------------------------------------
    def _term(self, fieldname: str, text: str, boost: float) -> tuple[np.ndarray, np.ndarray]:
        p = self.postings(fieldname, text)
        if not len(p.ids):
            return _EMPTY_IDS, _EMPTY_SCORES
        return p.ids, self._score(fieldname, p.ids, p.tf, boost)

    def _score(self, fieldname: str, ids: np.ndarray, tf: np.ndarray, boost: float,
               df: int | None = None) -> np.ndarray:
        stats = self._field_lengths(fieldname)
        if stats is None:  # not scorable: Whoosh scores the posting weight
            return tf * boost
        lengths, avgfl = stats
        df = len(ids) if df is None else df
        idf = math.log(self.doc_count / (df + 1)) + 1
        dl = lengths[ids]
        return boost * idf * (tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * dl / avgfl))

    def evaluate(self, q: Q.Query) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers ascending, scores) of everything `q` matches."""
        if isinstance(q, Q.Term):
            return self._term(q.fieldname, q.text, q.boost)
        if isinstance(q, Q.Or):
            parts = [self.evaluate(s) for s in q.subqueries]
            return _union(parts, q.boost, self.doc_count)
        if isinstance(q, Q.And):
            parts = [self.evaluate(s) for s in q.subqueries]
            return _intersection(parts, q.boost, self.doc_count)
        if isinstance(q, Q.Phrase):
            return self._phrase(q)
        if isinstance(q, Q.AndNot):
            ids, scores = self.evaluate(q.a)
            b = q.b
            latest = self._latest_year()
            if (isinstance(b, Q.NumericRange) and b.fieldname == "years" and b.start is not None
                    and (b.end is None or int(b.end) >= latest.max(initial=0))):
                # "states a year from `start` on" (a policy's late pages): the page's latest
                # year says it, without the union of every later year's postings
                keep = latest[ids] < int(b.start)
            else:
                keep = ~np.isin(ids, self.docset(b))
            return ids[keep], scores[keep]
        if isinstance(q, Q.Every):  # filters alone: every page weighs 1, as in Whoosh
            ids = np.flatnonzero(self.live).astype(np.int64)
            return ids, np.full(len(ids), q.boost, dtype=np.float64)
        if isinstance(q, (Q.NumericRange, Q.Prefix)):
            ids = self.docset(q)
            return ids, np.zeros(len(ids), dtype=np.float64)
        raise Unsupported(type(q).__name__)

    def _latest_year(self) -> np.ndarray:
        """Each page's latest year (0: none), from the year keys' postings, once per
        generation (the year facet reads the same postings)."""
        with self._lock:
            if self._latest is not None:
                return self._latest
        latest = np.zeros(self.doc_count, dtype=np.int32)
        for text, ids in self._facet_terms("year_keys").items():
            if text.isdigit():
                latest[ids] = np.maximum(latest[ids], int(text))
        with self._lock:
            self._latest = latest
        return latest

    def docset(self, q: Q.Query) -> np.ndarray:
        """Document numbers `q` matches, unscored: filters and masks."""
        if isinstance(q, Q.NumericRange) and q.fieldname == "years":
            # Years are also indexed as plain keys (year_keys); a range is their union.
            lo = int(q.start) if q.start is not None else 1900
            hi = int(q.end) if q.end is not None else 2100
            sets = [self.postings("year_keys", str(y)).ids for y in range(lo, hi + 1)]
            return _union_ids(sets)
        if isinstance(q, Q.Prefix):
            terms = set()
            for leaf, _ in self.leaves:
                terms.update(leaf.expand_prefix(q.fieldname, q.text))
            return _union_ids([self.postings(q.fieldname, _text(t)).ids for t in terms])
        return self.evaluate(q)[0]

    def _phrase(self, q: Q.Phrase) -> tuple[np.ndarray, np.ndarray]:
        words = list(q.words)
        if len(words) == 1:
            return self._term(q.fieldname, words[0], q.boost)
        plain = sorted((self.postings(q.fieldname, w) for w in words), key=lambda p: len(p.ids))
        candidates = plain[0].ids
        for p in plain[1:]:  # rarest first: the candidate set only shrinks
            candidates = _common(candidates, p.ids, self.doc_count)
            if not len(candidates):
                return _EMPTY_IDS, _EMPTY_SCORES
        # Positions only for the documents that hold every gram, and only for grams that
        # tile the phrase: bigrams at offsets 0, 2, 4 … (and the last) found at p, p+2, p+4 …
        # spell the whole phrase, so the grams between them need no checking.
        tiling = sorted({*range(0, len(words), 2), len(words) - 1})
        found = None  # (candidate index, start position) pairs still alive, as int64 keys
        for i in tiling:
            if not self._positional(q.fieldname):
                raise Unsupported(f"{q.fieldname} has no positions")
            full = self.postings(q.fieldname, words[i])
            where = _locate(full.ids, candidates, self.doc_count)
            cand, pos = self._positions_at(full, where)
            keys = (cand << 32) | (pos - i)  # where the phrase would start
            # keys are unique (a posting's positions are distinct)
            found = keys if found is None else np.intersect1d(found, keys, assume_unique=True)
            if not len(found):
                return _EMPTY_IDS, _EMPTY_SCORES
        keep = np.zeros(len(candidates), dtype=bool)
        keep[found >> 32] = True
        ids = candidates[keep]
        score = np.zeros(len(ids), dtype=np.float64)
        for p in plain:
            score += self._score(q.fieldname, ids, p.tf[_locate(p.ids, ids, self.doc_count)], 1.0,
                                 df=len(p.ids))
        return ids, score * q.boost

    # -- the whole search ---------------------------------------------------------------
    def search(self, q: Q.Query, filter: Q.Query | None = None, mask: Q.Query | None = None,
               limit: int | None = 10, page: int = 1,
               facets: dict[str, str] | None = None) -> Found:
        ids, scores = self.evaluate(q)
        keep = self.live[ids] if len(ids) else np.zeros(0, dtype=bool)
        if filter is not None and len(ids):
            keep &= _member(ids, self.docset(filter))
        if mask is not None and len(ids):
            keep &= ~_member(ids, self.docset(mask))
        ids, scores = ids[keep], scores[keep]
        start = (page - 1) * limit if limit else 0
        chosen = _best(ids, scores, start, limit)
        found = Found(total=len(ids),
                      docs=[(int(ids[i]), float(scores[i])) for i in chosen], path="fast")
        if facets:
            found.facets = self.facet_counts(ids, facets)
        return found

    def facet_counts(self, ids: np.ndarray, facets: dict[str, str]) -> dict[str, dict[str, int]]:
        hit = np.zeros(self.doc_count, dtype=bool)
        hit[ids] = True
        out = {}
        for name, fieldname in facets.items():
            counts = {}
            for term, term_ids in self._facet_terms(fieldname).items():
                n = int(hit[term_ids].sum())
                if n:
                    counts[term] = n
            out[name] = counts
        return out

    def _facet_terms(self, fieldname: str) -> dict[str, np.ndarray]:
        with self._lock:
            if fieldname in self._facets:
                return self._facets[fieldname]
        terms: set[str] = set()
        for leaf, _ in self.leaves:
            if fieldname in leaf.schema:
                terms.update(_text(t) for t in leaf.lexicon(fieldname))
        table = {t: self.postings(fieldname, t).ids for t in sorted(terms)}
        with self._lock:
            self._facets[fieldname] = table
        return table


# How Whoosh stores "one occurrence at position P": a 4-byte count of 1, then the pickle of
# [P] (protocol 2), its final STOP byte sometimes trimmed. Nearly every posting of a gram in a
# page of forms looks like this, so those are read straight from the bytes.
_ONE = np.frombuffer(b"\x00\x00\x00\x01\x80\x02]q\x00", dtype=np.uint8)
_BININT1, _BININT2 = ord("K"), ord("M")


def _decode_positions(values: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """Whoosh's Positions encoding (a 4-byte count, then a pickled list of deltas) for many
    postings at once: (index of the posting, position) pairs.

    Single occurrences are decoded with array operations on the joined bytes; the rest are
    unpickled one by one and their deltas summed by numpy."""
    n = len(values)
    lens = np.fromiter(map(len, values), dtype=np.int64, count=n)
    buf = np.frombuffer(b"".join(values) + b"\0" * 16, dtype=np.uint8)
    starts = np.zeros(n, dtype=np.int64)
    np.cumsum(lens[:-1], out=starts[1:])
    head = buf[starts[:, None] + np.arange(len(_ONE))]
    single = (head == _ONE).all(axis=1)
    op = buf[starts + len(_ONE)]
    one_byte = single & (op == _BININT1) & ((lens == 12) | (lens == 13))
    two_byte = single & (op == _BININT2) & ((lens == 14) | (lens == 15))
    owner = [np.flatnonzero(one_byte), np.flatnonzero(two_byte)]
    pos = [buf[starts[owner[0]] + 10].astype(np.int64),
           buf[starts[owner[1]] + 10].astype(np.int64)
           + 256 * buf[starts[owner[1]] + 11].astype(np.int64)]
    rest = np.flatnonzero(~(one_byte | two_byte))
    if len(rest):
        small, rest = _small_deltas(buf, starts, lens, rest)
        if small is not None:
            owner.append(small[0])
            pos.append(small[1])
    if len(rest):
        deltas = [loads(values[i][4:] if values[i][-1:] == b"." else values[i][4:] + b".")
                  for i in rest]
        counts = np.fromiter((len(d) for d in deltas), dtype=np.int64, count=len(deltas))
        flat = np.fromiter(chain.from_iterable(deltas), dtype=np.int64,
                           count=int(counts.sum()))
        sums = np.cumsum(flat)
        # Subtract each posting's starting total, so every list's sum restarts at zero.
        first = np.concatenate(([0], np.cumsum(counts)[:-1]))
        before = np.concatenate(([0], sums))[first]
        owner.append(np.repeat(rest, counts))
        pos.append(sums - np.repeat(before, counts))
    return np.concatenate(owner), np.concatenate(pos)


# "Several occurrences, each delta below 256" — most repeated grams on a page: the count,
# then the pickle of the delta list (protocol 2: an empty list, memo, MARK), one "K d" per
# delta, APPENDS, and the STOP byte (sometimes trimmed).
_MANY = np.frombuffer(b"\x80\x02]q\x00(", dtype=np.uint8)
_APPENDS = ord("e")


def _small_deltas(buf: np.ndarray, starts: np.ndarray, lens: np.ndarray, which: np.ndarray):
    """The postings in `which` whose positions are all one-byte deltas, decoded from the
    joined bytes with array operations: ((owners, positions) or None, the postings left)."""
    at = starts[which]
    count = (buf[at].astype(np.int64) << 24 | buf[at + 1].astype(np.int64) << 16
             | buf[at + 2].astype(np.int64) << 8 | buf[at + 3].astype(np.int64))
    length = lens[which]
    fits = ((count >= 2) & (count <= 1000)  # pickle starts another MARK past 1,000 items
            & ((length == 12 + 2 * count) | (length == 11 + 2 * count)))
    fits &= (buf[at[:, None] + 4 + np.arange(len(_MANY))] == _MANY).all(axis=1)
    fits[fits] &= buf[at[fits] + 10 + 2 * count[fits]] == _APPENDS
    if not fits.any():
        return None, which
    cand, at, count = which[fits], at[fits], count[fits]
    total = int(count.sum())
    first = np.cumsum(count) - count
    k = np.arange(total) - np.repeat(first, count)
    op_at = np.repeat(at, count) + 10 + 2 * k
    ok_item = buf[op_at] == _BININT1
    bad = np.zeros(len(cand), dtype=bool)
    bad[np.repeat(np.arange(len(cand)), count)[~ok_item]] = True
    if bad.any():
        keep = np.repeat(~bad, count)
        op_at = op_at[keep]
        cand, count = cand[~bad], count[~bad]
        first = np.cumsum(count) - count
    sums = np.cumsum(buf[op_at + 1].astype(np.int64))
    before = np.concatenate(([0], sums))[first]
    positions = sums - np.repeat(before, count)
    left = np.concatenate((which[~fits], which[fits][bad]))
    return (np.repeat(cand, count), positions), np.sort(left)


def _text(term) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else str(term)


def _union(parts: list[tuple[np.ndarray, np.ndarray]], boost: float, size: int):
    parts = [p for p in parts if len(p[0])]
    if not parts:
        return _EMPTY_IDS, _EMPTY_SCORES
    if len(parts) == 1:
        return parts[0][0], parts[0][1] * boost
    ids = np.concatenate([p[0] for p in parts])
    scores = np.concatenate([p[1] for p in parts])
    if len(ids) * 16 > size:
        # Many hits: count over every document number at once (no sort). bincount adds each
        # document's scores in the same order as below, so the sums are identical.
        present = np.flatnonzero(np.bincount(ids, minlength=size))
        total = np.bincount(ids, weights=scores, minlength=size)[present]
        return present.astype(np.int64), total.astype(np.float64) * boost
    uniq, inverse = np.unique(ids, return_inverse=True)
    return uniq, (np.bincount(inverse, weights=scores).astype(np.float64) * boost)


def _common(a: np.ndarray, b: np.ndarray, size: int) -> np.ndarray:
    """The document numbers in both sorted, unique arrays, ascending."""
    if (len(a) + len(b)) * 16 > size:  # many: a mask over every document number, no sort
        mask = np.zeros(size, dtype=bool)
        mask[a] = True
        return b[mask[b]]
    return np.intersect1d(a, b, assume_unique=True)


def _locate(ids: np.ndarray, wanted: np.ndarray, size: int) -> np.ndarray:
    """Where each of `wanted` (all present) sits in the sorted array `ids`. Many: through a
    table over every document number (a scatter and a gather, five times faster than a
    binary search each at 40,000 of 100,000 pages); few: a binary search each."""
    if len(wanted) < 4096 or size > 1 << 31:
        return np.searchsorted(ids, wanted)
    table = np.empty(size, dtype=np.int32)
    table[ids] = np.arange(len(ids), dtype=np.int32)
    return table[wanted]


def _intersection(parts: list[tuple[np.ndarray, np.ndarray]], boost: float, size: int):
    if any(not len(p[0]) for p in parts):
        return _EMPTY_IDS, _EMPTY_SCORES
    parts = sorted(parts, key=lambda p: len(p[0]))  # smallest first: every step shrinks
    ids = parts[0][0]
    for p in parts[1:]:
        ids = _common(ids, p[0], size)
        if not len(ids):
            return _EMPTY_IDS, _EMPTY_SCORES
    scores = np.zeros(len(ids), dtype=np.float64)
    for p_ids, p_scores in parts:
        scores += p_scores[_locate(p_ids, ids, size)]
    return ids, scores * boost


def _best(ids: np.ndarray, scores: np.ndarray, start: int, limit: int | None) -> np.ndarray:
    """Indices of the hits from `start` to `start + limit` in Whoosh's order: best score
    first, equal scores in index order. Only the hits scoring at least the last one wanted
    are sorted (a partition finds that score), not all of tens of thousands."""
    want = start + limit if limit else len(ids)
    if want < len(ids) // 4:
        cut = np.partition(scores, len(ids) - want)[len(ids) - want]
        sel = np.flatnonzero(scores >= cut)  # every tie of the cut-off score is kept
        order = sel[np.lexsort((ids[sel], -scores[sel]))]
    else:
        order = np.lexsort((ids, -scores))
    return order[start:start + limit] if limit else order


def _union_ids(sets: list[np.ndarray]) -> np.ndarray:
    sets = [s for s in sets if len(s)]
    if not sets:
        return _EMPTY_IDS
    return np.unique(np.concatenate(sets)) if len(sets) > 1 else sets[0]


def _member(ids: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """For each of `ids`, whether it is in the sorted array `allowed`."""
    if not len(allowed):
        return np.zeros(len(ids), dtype=bool)
    at = np.searchsorted(allowed, ids)
    at[at == len(allowed)] = 0
    return allowed[at] == ids
