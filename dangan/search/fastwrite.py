"""Writing a Whoosh segment faster, in exactly Whoosh's own format.

Why: Whoosh spends index-writing time per token and per posting in pure Python — a Token
object per gram, a dict update per token, an assertion-laden method call per posting and
a pickle + zlib call per block, most posting lists being one block of one or two postings.
A profile of one shard writer on 1,000 pages: adding documents 43%, writing postings 41%,
then decoding the segment just written back into posting arrays 12%.

What this does, inside Whoosh's own `SegmentWriter` (its pool, its per-document writer,
its merge policy, its TOC and its W3 codec, recorded in the segment as always):

- `add_document`: the same steps as `SegmentWriter.add_document`, but the fields analysed
  by our own tokenizers (analysis.py: Han grams with positions, jieba words) and Whoosh's
  comma-separated KEYWORD and ID fields are counted in one pass over plain tuples, without
  Token objects, and the postings go into a pool grouped by term (`TermPool`: no sort of
  every posting; past Whoosh's own size estimate it spills into Whoosh's run files, so
  memory stays bounded).
- `add_reader` (a merge): the merged segments' postings are not pooled; their terms are
  already in order, so they are read term by term from the mapped files while the merged
  segment is written, merged with the new pages' pool.
- `PostingsWriter`, used as the segment's `FieldWriter.add_postings`: each term's whole
  posting list is written at once, block by block, with the same pickles, zlib level,
  block headers and term infos as `W3PostingsWriter`, except that a block whose pickle is
  short is stored uncompressed (UNCOMPRESSED_BELOW) and a block's data is pickled with a
  protocol that stores bytes as bytes (BLOCK_PROTOCOL) — with both as Whoosh has them, the
  segment's bytes are identical to what stock Whoosh writes (tests/test_search_fastwrite.py
  compares them file by file), and as they are, stock Whoosh reads every posting back as
  written.
- While it writes, it keeps every term's postings, so the posting arrays (sidecar.py) of the
  new segment — also of a segment made by merging — are built from what was written
  instead of decoding the segment back.

Anything else (boosts, spelling, term vectors, other analyzers) takes Whoosh's own path.
"""

from __future__ import annotations

import heapq
from array import array
from hashlib import md5
from itertools import chain, groupby, pairwise
from operator import itemgetter
from pickle import HIGHEST_PROTOCOL, dump, dumps, load
from zlib import compress

import numpy as np
from whoosh.analysis import CompositeAnalyzer, IDTokenizer, RegexTokenizer, StripFilter
from whoosh.fields import FieldType
from whoosh.formats import Existence, Frequency, Positions

from . import whoosh_internals  # every private name of Whoosh's, checked by its verify()
from .analysis import HanGramTokenizer, JiebaTokenizer, gram_positions, jieba_words
from .whoosh_internals import (
    WHOOSH3_HEADER_MAGIC,
    SegmentReader,
    W3TermInfo,
    byte_to_length,
    length_to_byte,
    md5_hash,
    pack_int,
    pack_uint,
    pack_ushort,
)

_TERM = itemgetter(0, 1)
# The pool's memory, counted as it is held (Whoosh's pool estimates its own per-posting
# tuples, ~190 bytes each; here a posting is three list slots, its number, weight and value):
# measured on merges, 6,000 pages held whole took 150 MB, ~80 bytes a posting.
_POSTING_BYTES = 110
_TERM_BYTES = 200  # a term's key, list and dictionary slot
_FLOAT32: dict[float, float] = {}  # a weight as Whoosh's array("f") of a block holds it
# Blocks whose pickle is shorter are written uncompressed (the block's info says so, and
# every Whoosh reader honours it). Whoosh's writer means to do this below 20 bytes, but the
# line that would is dead (W3PostingsWriter._write_block sets `comp = 0`, then overwrites
# it), so it runs zlib — with its 256 KB of state set up per call — on every block, most of
# them one or two postings. Measured on 8 segments of 1,000 pages: a new segment 2.2 →
# 1.9 CPU-s, and the index no larger (zlib gains nothing on so few bytes).
UNCOMPRESSED_BELOW = 128
# The pickle protocol of a block's data (its id deltas, weights and values). Whoosh writes
# protocol 2, where every bytes value — a posting's encoded positions or frequency — is
# pickled as a call `_codecs.encode(str, "latin1")`, rebuilt by a function call when read;
# protocol 3 stores bytes as bytes. Measured on a block of 40 positional postings: 1,384 →
# 778 bytes, pickling 24 → 2.2 µs, unpickling 20 → 1.9 µs. Whoosh reads blocks with
# `pickle.loads`, which takes any protocol: the same objects come back, so segments of
# either protocol read alike and merge together (stock Whoosh's writer keeps 2).
BLOCK_PROTOCOL = 3
_CHUNK = 200_000  # encoded positions decoded at a time
_RELEASE_EVERY = 20_000  # postings read from a merged segment between releases of its pages


class _LengthBytes(dict):
    """length_to_byte, remembered (a bisect per call, two calls per block)."""

    def __missing__(self, length):
        byte = self[length] = length_to_byte(length)
        return byte


_LENGTH_BYTE = _LengthBytes()


# -- analysis ------------------------------------------------------------------------------
# Positions.encode([p]) — most grams occur once on a page — is a 4-byte count and a pickled
# one-item list; built here by concatenation, a new object each time as Whoosh's are (the
# pickler of a block writes a shared object once and refers back to it: other bytes).
_ONE_SMALL = [pack_uint(1) + dumps([p], 2)[:-2] for p in range(256)]  # ... K p | a .


def _one_position(p: int) -> bytes:
    if p < 256:
        return _ONE_SMALL[p] + b"a."
    return pack_uint(1) + dumps([p], 2)


assert all(_one_position(p) == pack_uint(1) + dumps([p], 2) for p in (0, 7, 255, 256, 70000))


def _gram_items(text: str, boost: float) -> list[tuple[bytes, int, float, bytes]]:
    """Positions.word_values over HanGramTokenizer, without Token objects."""
    out = []
    for gram, plist in gram_positions(text).items():
        n = len(plist)
        if n == 1:
            value = _one_position(plist[0])
        else:
            deltas = [plist[0]] + [b - a for a, b in pairwise(plist)]
            value = pack_uint(n) + dumps(deltas, 2)
        out.append((gram.encode("utf-8"), n, (1.0 * n) * boost, value))
    return out


def _word_items(text: str, boost: float) -> list[tuple[bytes, int, float, bytes]]:
    """Frequency.word_values over JiebaTokenizer, without Token objects."""
    freqs: dict[str, int] = {}
    for word, _start, _end in jieba_words(text):
        freqs[word] = freqs.get(word, 0) + 1
    return _frequency_items(freqs, boost)


def _frequency_items(freqs: dict[str, int], boost: float) -> list:
    """Frequency.word_values' tuples from the counted words."""
    return [(word.encode("utf-8"), n, (1.0 * n) * boost, pack_uint(n))
            for word, n in freqs.items()]


def _keyword_items(text: str, boost: float) -> list[tuple[bytes, int, float, bytes]]:
    """Frequency.word_values over KEYWORD(commas=True)'s analyzer (RegexTokenizer("[^,]+")
    then StripFilter), without Token objects: each non-empty run between commas, stripped
    (to "" if it was only spaces, as Whoosh does). Names, years, 文号 and units are fields
    of this kind: Whoosh's generic path over them was 7% of a commit's time (py-spy)."""
    freqs: dict[str, int] = {}
    for part in text.split(","):
        if part:
            word = part.strip()
            freqs[word] = freqs.get(word, 0) + 1
    return _frequency_items(freqs, boost)


def _id_items(text: str, boost: float) -> list[tuple[bytes, int, float, bytes]]:
    """Existence.word_values over ID's IDTokenizer: the whole value, one term."""
    return [(text.encode("utf-8"), 1, boost, b"")]


def _is_comma_keywords(analyzer) -> bool:
    """Is this exactly KEYWORD(commas=True, lowercase=False)'s analyzer?"""
    items = getattr(analyzer, "items", None)
    return (type(analyzer) is CompositeAnalyzer and len(items) == 2
            and type(items[0]) is RegexTokenizer and items[0].expression.pattern == "[^,]+"
            and not items[0].gaps and type(items[1]) is StripFilter)


def _indexer(field):
    """Our one-pass counting for a field, or None for Whoosh's own `field.index`."""
    if type(field).index is not FieldType.index:  # NUMERIC, BOOLEAN …: terms of their own
        return None
    fmt, analyzer = field.format, getattr(field, "analyzer", None)
    if type(analyzer) is HanGramTokenizer and type(fmt) is Positions:
        return _gram_items
    if type(analyzer) is JiebaTokenizer and type(fmt) is Frequency:
        return _word_items
    if _is_comma_keywords(analyzer) and type(fmt) is Frequency:
        return _keyword_items
    if type(analyzer) is IDTokenizer and type(fmt) is Existence:
        return _id_items
    return None


class DocumentAdder:
    """`SegmentWriter.add_document` for one writer, with the fast analysis above."""

    def __init__(self, writer):
        self.w = writer
        self._plan = {}
        for name, field in writer.schema.items():
            fast = _indexer(field)
            plain = not field.separate_spelling() and not field.vector
            self._plan[name] = (field, fast, plain)

    def __call__(self, fields: dict) -> None:
        w = self.w
        plan = self._plan
        if any(name.startswith("_") or name not in plan or not plan[name][2]
               for name in fields):
            w.add_document(**fields)  # boosts, spelling, vectors, unknown fields: Whoosh's own
            return
        w._check_state()
        pdw = w.perdocwriter
        docnum = w.docnum
        pool = w.pool
        if pool.segments:
            pool._take_segments()
        pdw.start_doc(docnum)
        try:
            for name in sorted(fields):
                value = fields[name]
                if value is None:
                    continue
                field, fast, _ = plan[name]
                length = 0
                if field.indexed:
                    if fast is not None and isinstance(value, str):
                        items = fast(value, field.format.field_boost)
                    else:
                        items = field.index(value)
                    scorable = field.scorable
                    terms = pool.field_terms(name)
                    size = 0
                    for tbytes, freq, weight, vbytes in items:
                        if scorable:
                            length += freq
                        size += _POSTING_BYTES + len(vbytes or "")
                        postings = terms.get(tbytes)
                        if postings is None:
                            size += _TERM_BYTES + len(tbytes)
                            terms[tbytes] = [docnum, weight * 1.0, vbytes]
                        else:
                            postings += (docnum, weight * 1.0, vbytes)
                    pool.grew(size)
                pdw.add_field(name, field, value if field.stored else None, length)
                column = field.column_type
                if column:
                    pdw.add_column_value(name, column, field.to_column_value(value))
        except Exception:
            pdw.cancel_doc()
            raise
        pdw.finish_doc()
        w._added = True
        w.docnum += 1


# -- the pool -----------------------------------------------------------------------------
class TermPool:
    """Whoosh's posting pool, grouped by term as postings arrive.

    Whoosh's PostingPool keeps one tuple per posting and sorts them all at the end (a tenth
    of writing time); here each term's document numbers, weights and values are in one flat
    list from the start, and only the terms are sorted. Postings arrive in document order —
    the new pages first, then each merged segment's (SegmentWriter numbers them in that
    order) — so each term's list is already in the order Whoosh's sort would give. Past
    Whoosh's limit (128 MB in the shard writer), counted in what this pool holds, the terms
    are spilled to a run file in Whoosh's temporary storage, so memory stays bounded while
    merging large segments.
    """

    def __init__(self, pool):
        self.pool = pool  # Whoosh's own: its run files, its limit, its cleanup
        # field → term → its postings flat: docnum, weight, value, docnum, weight, value …
        self.fields: dict[str, dict[bytes, list]] = {}
        self.size = 0
        # Segments being merged, read while the merged segment is written (add_segment).
        self.segments: list[tuple] = []

    def field_terms(self, fieldname: str) -> dict:
        terms = self.fields.get(fieldname)
        if terms is None:
            self.pool.fieldnames.add(fieldname)
            terms = self.fields[fieldname] = {}
        return terms

    def grew(self, size: int) -> None:
        self.size += size
        if self.size > self.pool.limit:
            self.save()

    def add(self, item) -> None:
        """One posting (fieldname, btext, docnum, weight, vbytes): merged segments' way in."""
        if self.segments:
            self._take_segments()
        fieldname, btext, docnum, weight, vbytes = item
        terms = self.field_terms(fieldname)
        postings = terms.get(btext)
        size = _POSTING_BYTES + len(vbytes or "")
        if postings is None:
            size += _TERM_BYTES + len(btext)
            terms[btext] = [docnum, weight, vbytes]
        else:
            postings += (docnum, weight, vbytes)
        self.grew(size)

    def add_segment(self, schema, reader, startdoc: int, docmap: dict | None) -> None:
        """Queue a segment being merged (SegmentWriter.add_postings_to_pool): numbered from
        `startdoc` on, or through `docmap` when it has deletions (deleted documents are
        left out). Its postings are not held: `groups` reads them term by term while the
        merged segment is written (each segment's terms are already in Whoosh's order), so
        a merge neither spills nor reads back run files, and its memory does not grow with
        the segments merged. `reader` is this pool's own, closed when the pool is done."""
        self.segments.append((schema, reader, startdoc, docmap))

    def _take_segments(self) -> None:
        """Read the queued segments' postings into the pool now: a document added after a
        segment was queued is numbered after it, and the pool's own postings must come
        first in `groups` (SegmentWriter never does this, but its API allows it)."""
        queued, self.segments = self.segments, []
        for schema, reader, startdoc, docmap in queued:
            try:
                for fieldname, btext, ids, weights, values in _segment_postings(
                        schema, reader, startdoc, docmap):
                    n = len(ids)
                    chunk = [None] * (3 * n)
                    chunk[0::3], chunk[1::3], chunk[2::3] = ids, weights, values
                    terms = self.field_terms(fieldname)
                    held = terms.get(btext)
                    size = n * _POSTING_BYTES + sum(map(len, filter(None, values)))
                    if held is None:
                        size += _TERM_BYTES + len(btext)
                        terms[btext] = chunk
                    else:
                        held += chunk
                    self.grew(size)
            finally:
                reader.close()

    def save(self) -> None:
        """Spill what is held into a run file of Whoosh's pool (its temporary storage, its
        cleanup): one pickle per term, in term order. Postings arrive in document order,
        so a term's postings in a later run all follow those in an earlier one."""
        path, f = self.pool._new_run()
        for item in self._held():
            dump(item, f, HIGHEST_PROTOCOL)  # a temporary file: no format to keep
        f.close()
        self.pool._add_run(path)
        self.fields, self.size = {}, 0

    def _run(self, path: str):
        f = self.pool._open_run(path)
        try:
            while True:
                yield load(f)
        except EOFError:
            pass
        finally:
            f.close()

    def groups(self):
        """(fieldname, btext, ids, weights, values) term by term, in Whoosh's order: the
        pool's own (the new documents', numbered first) merged with each queued segment's,
        in the order they were queued (their numbers follow one another)."""
        if not self.segments:
            yield from self._own_groups()
            return
        sources = [self._own_groups()] + [_segment_postings(*queued)
                                          for queued in self.segments]
        try:
            # heapq.merge keeps equal terms in the order of `sources`: document order.
            for (fieldname, btext), group in groupby(heapq.merge(*sources, key=_TERM),
                                                     key=_TERM):
                parts = list(group)
                if len(parts) == 1:
                    yield parts[0]
                    continue
                ids, weights, values = [], [], []
                for part in parts:
                    ids += part[2]
                    weights += part[3]
                    values += part[4]
                yield fieldname, btext, ids, weights, values
        finally:
            self._close_segments()

    def _close_segments(self) -> None:
        queued, self.segments = self.segments, []
        for _schema, reader, _startdoc, _docmap in queued:
            reader.close()

    def _own_groups(self):
        """The pool's own postings, term by term (the new documents')."""
        if self.pool.runs:
            self.save()
            merged = heapq.merge(*(self._run(p) for p in self.pool.runs), key=_TERM)
            for (fieldname, btext), group in groupby(merged, key=_TERM):
                parts = [flat for _, _, flat in group]  # in run order: document order
                flat = parts[0] if len(parts) == 1 else list(chain.from_iterable(parts))
                yield fieldname, btext, flat[0::3], flat[1::3], flat[2::3]
            return
        for fieldname, btext, flat in self._held():
            yield fieldname, btext, flat[0::3], flat[1::3], flat[2::3]

    def _held(self):
        """(fieldname, btext, flat postings) of what is held, in term order."""
        fields, self.fields = self.fields, {}
        for fieldname in sorted(fields):
            terms = fields.pop(fieldname)
            for btext in sorted(terms):
                yield fieldname, btext, terms.pop(btext)

    def iter_postings(self):
        return _Grouped(self.groups())

    def cleanup(self) -> None:
        self._close_segments()
        self.pool.cleanup()


def _segment_postings(schema, reader, startdoc: int, docmap: dict | None):
    """A merged segment's postings term by term, renumbered for the new segment: from
    `startdoc` on, or through `docmap` (deleted documents left out)."""
    last = None
    read = 0
    for fieldname, btext, ids, weights, values in whoosh_internals.raw_postings(reader):
        read += len(ids)
        if read >= _RELEASE_EVERY:
            whoosh_internals.release_mapped_pages(reader)
            read = 0
        if fieldname not in schema:
            continue
        if last is not None and (fieldname, btext) <= last:
            # Whoosh writes a segment's terms in this order; a merge relies on it.
            raise RuntimeError(f"segment {reader._segment.segment_id()}: terms out of order")
        last = (fieldname, btext)
        if docmap is not None:
            keep = [i for i, d in enumerate(ids) if d in docmap]
            if len(keep) < len(ids):
                weights = [weights[i] for i in keep]
                values = [values[i] for i in keep]
            ids = [docmap[ids[i]] for i in keep]
            if not ids:
                continue
        else:
            ids = [startdoc + d for d in ids]
        yield fieldname, btext, ids, weights, values


class _TermTable:
    """`OrderedHashWriter.add` (the segment's term table) for a whole segment's terms: the
    same bytes at the same places, the same hash buckets and key index, but written a
    megabyte at a time, and the key's MD5 read from its digest instead of its hex string
    (Whoosh's md5_hash: the low 32 bits). cProfile put a tenth of a large merge's time in
    `add`; a sampling profile about 5%, and the whole merge moved within its noise."""

    def __init__(self, tindex):
        if tindex.hashfn is not md5_hash:
            raise ValueError("term table with another hash than Whoosh 3's")
        self.tindex = tindex
        self.buckets = tindex.buckets
        self.at = tindex.dbfile.tell()
        self.buf = bytearray()
        self.positions: list[int] = []
        self.lastkey = tindex.lastkey

    def add(self, key: bytes, value: bytes) -> None:
        if key <= self.lastkey:
            raise ValueError(f"Keys must increase: {self.lastkey!r}..{key!r}")
        buf = self.buf
        pos = self.at + len(buf)
        self.positions.append(pos)
        buf += whoosh_internals.TERM_PAIR_LENGTHS.pack(len(key), len(value))
        buf += key
        buf += value
        h = int.from_bytes(md5(key, usedforsecurity=False).digest()[12:], "big")
        self.buckets[h & 255].append((h, pos))
        self.lastkey = key
        if len(buf) > 1 << 20:
            self.flush()

    def flush(self) -> None:
        """Everything added so far onto the file (before anything else writes to it)."""
        self.tindex.dbfile.write(bytes(self.buf))
        self.at += len(self.buf)
        self.buf = bytearray()
        self.tindex.index.extend(self.positions)
        self.positions = []
        self.tindex.lastkey = self.lastkey


class _Grouped:
    """Postings already grouped by term (TermPool.groups), for PostingsWriter."""

    def __init__(self, groups):
        self.groups = groups

    def __iter__(self):
        return self._tuples()

    def _tuples(self):
        for fieldname, btext, ids, weights, values in self.groups:
            for posting in zip(ids, weights, values, strict=True):
                yield (fieldname, btext, *posting)


def _grouped(items):
    """Any stream of Whoosh's posting tuples, grouped by term."""
    if isinstance(items, _Grouped):
        return items.groups
    return ((f, b, [p[2] for p in ps], [p[3] for p in ps], [p[4] for p in ps])
            for (f, b), ps in ((k, list(g)) for k, g in groupby(items, key=_TERM)))


# -- postings ------------------------------------------------------------------------------
class PostingsWriter:
    """A W3FieldWriter's `add_postings`, a whole posting list at a time, byte for byte as
    Whoosh's W3PostingsWriter; it also keeps what it wrote for the posting arrays."""

    def __init__(self, fieldwriter, keep: bool = True):
        self.fw = fieldwriter
        self.keep = keep
        # What was written, in postings-file order (sidecar.py's columns).
        self.offsets = array("q")
        self.keys: list[bytes] = []
        self.term_start = array("q", [0])
        self.ids = array("i")
        self.weights = array("f")
        # Positional fields' values (encoded positions) are decoded a chunk at a time, so a
        # merge of large segments never holds millions of small bytes objects.
        self.valued = array("q")  # which postings have the values in `values`
        self.values: list[bytes] = []
        self.chunks: list = []  # whoosh_internals.position_chunk results
        self.pst_size: int | None = None

    def __call__(self, schema, lengths, items) -> None:
        fw = self.fw
        codec = fw._codec
        postfile = fw._postfile
        blocklimit, comp = codec._blocklimit, codec._compression
        protocol = BLOCK_PROTOCOL
        termtable = _TermTable(fw._tindex)
        tindex_add = termtable.add
        keep = self.keep
        # Blocks go into one buffer, written to the file a field (or a megabyte) at a time.
        buf = bytearray()
        at = postfile.tell()
        fieldname = None
        for fname, btext, ids, weights, values in _grouped(items):
            if ids[0] == -1:  # spelling words (Whoosh skips them here too)
                continue
            if fname != fieldname:
                if fieldname is not None:
                    fw.finish_field()
                fieldname = fname
                fieldobj = schema[fieldname]
                fw.start_field(fieldname, fieldobj)
                fieldid = pack_ushort(fw._fieldid)
                fixed = fieldobj.format.fixed_value_size()
                positional = fieldobj.format.supports("positions")
                table = _lengths_of(lengths, fieldname)
                prefix = fieldname.encode("utf-8") + b"\0"
            if len(buf) > 1 << 20:
                postfile.write(bytes(buf))
                at += len(buf)
                buf = bytearray()
            ti = W3TermInfo()
            start = at + len(buf)
            buf += WHOOSH3_HEADER_MAGIC
            n_all = todo = len(ids)
            if n_all == 1:  # most terms: one block of one posting, the same steps unrolled
                doc, raw, value = ids[0], weights[0], values[0]
                length = table(doc) or None
                w32 = _FLOAT32.get(raw)
                if w32 is None:
                    w32 = _FLOAT32[raw] = array("f", (raw,))[0]
                maxw = raw if raw > 0 else 0
                ti._weight, ti._df = 0 + w32, 1
                ti._minlength, ti._maxlength = length, length or 0
                ti._maxweight, ti._minid, ti._maxid = max(0, maxw), doc, doc
                if fixed is None or fixed < 0:
                    mini_v = (value,) if value else ()
                elif fixed == 0:
                    mini_v = None
                else:
                    mini_v = value or b""
                data = dumps(((doc,), None if w32 == 1.0 else w32, mini_v), protocol)
                bcomp = comp if len(data) >= UNCOMPRESSED_BELOW else 0
                if bcomp:
                    data = compress(data, comp)
                info = dumps((1, doc, maxw, bcomp, _LENGTH_BYTE[length],
                              _LENGTH_BYTE[length or 0]), 2)
                buf += pack_int(-(len(info) + len(data)))
                buf += info
                buf += data
                todo = 0  # nothing left for the general loop
            lens = list(map(table, ids)) if todo else ()
            for b in range(0, todo, blocklimit):
                bids = ids[b:b + blocklimit]
                braw = weights[b:b + blocklimit]
                bw = array("f", braw)
                bvals = [v for v in values[b:b + blocklimit] if v]
                blens = [x for x in lens[b:b + blocklimit] if x]
                minlen = min(blens) if blens else None
                maxlen = max(blens) if blens else 0
                maxw = max(braw)
                if not maxw > 0:
                    maxw = 0
                # W3TermInfo.add_block
                ti._weight += sum(bw)
                ti._df += len(bids)
                ti._minlength = minlen if ti._minlength is None else min(ti._minlength, minlen)
                ti._maxlength = max(ti._maxlength, maxlen)
                ti._maxweight = max(ti._maxweight, maxw)
                if ti._minid is None:
                    ti._minid = bids[0]
                ti._maxid = bids[-1]
                # W3PostingsWriter._write_block
                if len(bids) == 1:
                    deltas = (bids[0],)
                else:
                    deltas = (bids[0], *[y - x for x, y in pairwise(bids)])
                if all(x == 1.0 for x in bw):
                    mini_w = None
                elif all(x == bw[0] for x in bw):
                    mini_w = bw[0]
                else:
                    mini_w = tuple(bw)
                if fixed is None or fixed < 0:
                    mini_v = tuple(bvals)
                elif fixed == 0:
                    mini_v = None
                else:
                    mini_v = b"".join(bvals)
                data = dumps((deltas, mini_w, mini_v), protocol)
                bcomp = comp if len(data) >= UNCOMPRESSED_BELOW else 0
                if bcomp:
                    data = compress(data, comp)
                info = dumps((len(bids), bids[-1], maxw, bcomp, _LENGTH_BYTE[minlen],
                              _LENGTH_BYTE[maxlen]), 2)
                size = len(info) + len(data)
                buf += pack_int(-size if b + blocklimit >= n_all else size)
                buf += info
                buf += data
            ti._offset, ti._length = start, at + len(buf) - start
            tindex_add(fieldid + btext, ti.to_bytes())
            if keep:
                first = len(self.ids)
                self.offsets.append(start)
                self.keys.append(prefix + btext)
                self.ids.extend(ids)
                self.term_start.append(len(self.ids))
                self.weights.extend(array("f", weights))
                if positional:
                    self.valued.extend(range(first, first + n_all))
                    self.values.extend(values)
                    if len(self.values) >= _CHUNK:
                        self._decode_chunk()
        termtable.flush()
        if fieldname is not None:
            fw.finish_field()
        postfile.write(bytes(buf))
        self._decode_chunk()
        self.pst_size = postfile.tell()

    def _decode_chunk(self) -> None:
        if self.values or self.valued:
            which = np.frombuffer(self.valued, dtype=np.int64).copy()
            self.chunks.append(whoosh_internals.position_chunk(which, self.values))
            self.valued, self.values = array("q"), []

    def columns(self) -> dict[str, np.ndarray]:
        """The posting arrays of the segment written (sidecar.write), exactly as
        `sidecar.build` decodes them from the segment."""
        return whoosh_internals.posting_columns(
            np.frombuffer(self.offsets, dtype=np.int64), self.keys,
            np.frombuffer(self.term_start, dtype=np.int64),
            np.frombuffer(self.ids, dtype=np.int32), np.frombuffer(self.weights, np.float32),
            self.chunks)


def _lengths_of(lengths, fieldname: str):
    """A document number → field length function for one field."""
    if lengths is None:
        return lambda docnum: 0
    table = getattr(lengths, "table", None)
    if table is not None:
        column = table(fieldname)
        if column is None:
            return lambda docnum: 0
        return column.__getitem__
    return lambda docnum: lengths.doc_field_length(docnum, fieldname)


_LENGTHS = [byte_to_length(b) if b else None for b in range(256)]


class LengthsInMemory:
    """A segment's per-document reader whose field lengths come from memory.

    When Whoosh writes a new segment's postings it asks for the document's field length once
    per posting, and a merge copies every document's lengths one call each; each answer is a
    read from the length column on disk (a fifth of all index-writing time in a profile at
    1,500 pages). The column is read once here instead.
    """

    def __init__(self, reader):
        self._reader = reader
        self._tables: dict[str, list | None] = {}

    def table(self, fieldname: str) -> list | None:
        """Every document's length of one field (None for a length of 0), or None when the
        segment has no lengths for the field."""
        table = self._tables.get(fieldname, False)
        if table is False:
            column = whoosh_internals.length_column(self._reader, fieldname)
            count = self._reader.doc_count_all()
            table = None if column is None else [
                _LENGTHS[b] for b in whoosh_internals.length_bytes(column, count)]
            self._tables[fieldname] = table
        return table

    def doc_field_length(self, docnum, fieldname, default=0):
        table = self.table(fieldname)
        return default if table is None else table[docnum]

    def __getattr__(self, name):
        return getattr(self._reader, name)


class _MergedSegment:
    """A segment reader being merged, its field lengths from memory (LengthsInMemory)."""

    def __init__(self, reader):
        self._reader = reader
        self._lengths = LengthsInMemory(reader._perdoc)

    def doc_field_length(self, docnum, fieldname, default=0):
        return self._lengths.doc_field_length(docnum, fieldname, default)

    def __getattr__(self, name):
        return getattr(self._reader, name)


def _add_reader(writer, pool: TermPool, reader) -> None:
    """SegmentWriter.add_reader (how a merge brings in a segment), with the postings read a
    block at a time instead of one matcher call per posting."""
    writer._check_state()
    startdoc = writer.docnum
    indexed = {name for name in reader.indexed_field_names() if name in writer.schema}
    docmap = writer.write_per_doc(set(writer.schema.names()) | indexed,
                                  _MergedSegment(reader) if hasattr(reader, "_perdoc")
                                  else reader)
    # The merge policy closes `reader` once this returns; the pool reads the segment's
    # postings later, while writing, through a reader of its own.
    own = SegmentReader(writer.storage, writer.schema, reader._segment) \
        if isinstance(reader, SegmentReader) else None
    if own is None:
        pool.add_segment(writer.schema, _Unclosed(reader), startdoc, docmap)
        pool._take_segments()
    else:
        pool.add_segment(writer.schema, own, startdoc, docmap)
    writer._added = True


class _Unclosed:
    """A reader the pool must not close (its caller's), read at once."""

    def __init__(self, reader):
        self._reader = reader

    def close(self) -> None:
        pass

    def __getattr__(self, name):
        return getattr(self._reader, name)


def install(writer) -> tuple[DocumentAdder, PostingsWriter]:
    """Make a fresh SegmentWriter write its segment through this module: returns the
    document adder to call instead of `writer.add_document`, and the postings writer
    (which, after the commit, holds what the segment's posting arrays are made of)."""
    postings = PostingsWriter(writer.fieldwriter)
    writer.fieldwriter.add_postings = postings
    writer.pool = pool = TermPool(writer.pool)
    writer.add_reader = lambda reader: _add_reader(writer, pool, reader)
    return DocumentAdder(writer), postings


# -- one shard's commit ---------------------------------------------------------------
def commit(shard_dir: str, ops: list[tuple[str, object]], optimize: bool = False) -> int:
    """Apply deletes and adds to one shard and commit, through this module's writer, then
    write the posting arrays of the segments the commit wrote (backend._apply calls this
    once engine.status() found the fast path sound). `optimize`: merge every segment into
    one (the start-up check's round trip exercises the merge this way)."""
    from whoosh import index as windex

    from . import sidecar

    ix = windex.open_dir(shard_dir)
    w = ix.writer(limitmb=128)
    segment_lengths = w.per_document_reader
    w.per_document_reader = lambda: LengthsInMemory(segment_lengths())
    # Whoosh's format, written faster; it keeps the new segment's postings for its arrays.
    add, postings = install(w)
    # Most deletions in a batch are of files new to the index: a term lookup per segment
    # says so, where Whoosh's delete runs a query through a searcher (a third of a
    # commit's time at 17 segments).
    existing = w.searcher().reader()
    try:
        for op, arg in ops:
            if op == "delete":
                if ("path", arg) in existing:
                    w.delete_by_term("path", arg)
            else:
                add(arg)
    except BaseException:
        w.cancel()
        raise
    w.commit(optimize=optimize)
    _release_freed_heap()
    # Posting arrays for the segments this commit wrote (or merged): derived, so a query
    # decodes nothing; a crash here leaves them missing, and searches read those segments
    # from Whoosh's blocks until `dangan repair` or the next commit writes them. The new
    # segment's come from what was just written; any other lacking them is decoded.
    if postings.pst_size is not None:
        sidecar.write(sidecar.path_in(shard_dir, w.newsegment.segment_id()),
                      postings.pst_size, postings.columns())
    del postings
    with ix.reader() as reader:
        sidecar.ensure(reader)
    ix.close()
    return len(ops)


def _release_freed_heap() -> None:
    """Give the memory a commit freed back to the system before the posting arrays are
    built. Writing a segment frees millions of small objects (a merge's blocks, the pool);
    glibc keeps those pages for reuse, but the arrays come in large blocks it maps afresh,
    so without this both are resident at once. Measured on a merge into 18,000 pages: 84 MB
    given back at this point, the writer's peak 545 → 500 MB. Elsewhere than glibc there is
    nothing to call, and nothing is done."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
