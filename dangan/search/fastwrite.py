"""Writing a Whoosh segment faster, in exactly Whoosh's own format.

Why: Whoosh spends index-writing time per token and per posting in pure Python — a Token
object per gram, a dict update per token, an assertion-laden method call per posting and
a pickle + zlib call per block, most posting lists being one block of one or two postings.
A profile of one shard writer on 1,000 pages: adding documents 43%, writing postings 41%,
then decoding the segment just written back into posting arrays 12%.

What this does, inside Whoosh's own `SegmentWriter` (its pool, its per-document writer,
its merge policy, its TOC and its W3 codec, recorded in the segment as always):

- `add_document`: the same steps as `SegmentWriter.add_document`, but the fields analysed
  by our own tokenizers (analysis.py: Han grams with positions, jieba words) are counted in
  one pass over the tokenizer's plain tuples, without Token objects, and the postings go
  into Whoosh's pool list directly (the same size accounting, so the pool still spills to
  disk at its limit).
- `write_postings`, used as the segment's `FieldWriter.add_postings`: each term's whole
  posting list is written at once, block by block, with the same pickles, zlib level,
  block headers and term infos as `W3PostingsWriter` — the segment's bytes are identical to
  what stock Whoosh writes (tests/test_search_fastwrite.py compares them file by file).
- While it writes, it keeps every term's postings, so the posting arrays (sidecar.py) of the
  new segment — also of a segment made by merging — are built from what was written
  instead of decoding the segment back.

Anything else (boosts, spelling, term vectors, other analyzers) takes Whoosh's own path.
"""

from __future__ import annotations

from array import array
from itertools import groupby
from operator import itemgetter
from pickle import dumps
from zlib import compress

import numpy as np
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.formats import Frequency, Positions
from whoosh.system import pack_int, pack_uint, pack_ushort
from whoosh.util.numeric import length_to_byte

from . import whoosh_internals  # refuses any Whoosh but the pinned one
from .analysis import HanGramTokenizer, JiebaTokenizer, grams, jieba_words

_TERM = itemgetter(0, 1)
_CHUNK = 200_000  # encoded positions decoded at a time


# -- analysis ------------------------------------------------------------------------------
def _gram_items(text: str, boost: float) -> list[tuple[bytes, int, float, bytes]]:
    """Positions.word_values over HanGramTokenizer, without Token objects."""
    poses: dict[str, list[int]] = {}
    for gram, pos, _start, _end in grams(text):
        found = poses.get(gram)
        if found is None:
            poses[gram] = [pos]
        else:
            found.append(pos)
    out = []
    for gram, plist in poses.items():
        n = len(plist)
        if n == 1:
            deltas = plist
        else:
            deltas = [plist[0]] + [b - a for a, b in zip(plist, plist[1:], strict=False)]
        out.append((gram.encode("utf-8"), n, (1.0 * n) * boost,
                    pack_uint(n) + dumps(deltas, 2)))
    return out


def _word_items(text: str, boost: float) -> list[tuple[bytes, int, float, bytes]]:
    """Frequency.word_values over JiebaTokenizer, without Token objects."""
    freqs: dict[str, int] = {}
    for word, _start, _end in jieba_words(text):
        freqs[word] = freqs.get(word, 0) + 1
    return [(word.encode("utf-8"), n, (1.0 * n) * boost, pack_uint(n))
            for word, n in freqs.items()]


def _indexer(field):
    """Our one-pass counting for a field, or None for Whoosh's own `field.index`."""
    fmt, analyzer = field.format, getattr(field, "analyzer", None)
    if type(analyzer) is HanGramTokenizer and type(fmt) is Positions:
        return _gram_items
    if type(analyzer) is JiebaTokenizer and type(fmt) is Frequency:
        return _word_items
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
        limit = pool.limit
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
                    pool.fieldnames.add(name)
                    base = 150 + len(name)  # PostingPool.add's estimate of a posting's size
                    current = pool.current
                    size = pool.currentsize
                    for tbytes, freq, weight, vbytes in items:
                        if scorable:
                            length += freq
                        size += base + 2 * len(tbytes) + len(vbytes or "")
                        if size > limit:
                            pool.currentsize = size
                            pool.save()  # sorts and spills a run, as PostingPool.add does
                            current, size = pool.current, 0
                        current.append((name, tbytes, docnum, weight * 1.0, vbytes))
                    pool.currentsize = size
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
        write = postfile.write
        blocklimit, comp = codec._blocklimit, codec._compression
        tindex_add = fw._tindex.add
        keep = self.keep
        for fieldname, terms in groupby(items, key=itemgetter(0)):
            fieldobj = schema[fieldname]
            fw.start_field(fieldname, fieldobj)
            fieldid = pack_ushort(fw._fieldid)
            fixed = fieldobj.format.fixed_value_size()
            positional = fieldobj.format.supports("positions")
            table = _lengths_of(lengths, fieldname)
            prefix = fieldname.encode("utf-8") + b"\0"
            for (_, btext), group in groupby(terms, key=_TERM):
                posts = list(group)
                ids = [p[2] for p in posts]
                if ids[0] == -1:  # spelling words (Whoosh skips them here too)
                    continue
                weights = [p[3] for p in posts]
                values = [p[4] for p in posts]
                lens = [table(d) for d in ids]
                ti = W3TermInfo()
                start = postfile.tell()
                write(WHOOSH3_HEADER_MAGIC)
                n_all = len(ids)
                for b in range(0, n_all, blocklimit):
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
                    ti._minlength = minlen if ti._minlength is None else min(ti._minlength,
                                                                             minlen)
                    ti._maxlength = max(ti._maxlength, maxlen)
                    ti._maxweight = max(ti._maxweight, maxw)
                    if ti._minid is None:
                        ti._minid = bids[0]
                    ti._maxid = bids[-1]
                    # W3PostingsWriter._write_block
                    deltas = [bids[0]] + [y - x for x, y in zip(bids, bids[1:], strict=False)]
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
                    data = dumps((tuple(deltas), mini_w, mini_v), 2)
                    if comp:
                        data = compress(data, comp)
                    info = dumps((len(bids), bids[-1], maxw, comp, length_to_byte(minlen),
                                  length_to_byte(maxlen)), 2)
                    size = len(info) + len(data)
                    write(pack_int(-size if b + blocklimit >= n_all else size))
                    write(info)
                    write(data)
                ti.set_extent(start, postfile.tell() - start)
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
            fw.finish_field()
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


def install(writer) -> tuple[DocumentAdder, PostingsWriter]:
    """Make a fresh SegmentWriter write its segment through this module: returns the
    document adder to call instead of `writer.add_document`, and the postings writer
    (which, after the commit, holds what the segment's posting arrays are made of)."""
    postings = PostingsWriter(writer.fieldwriter)
    writer.fieldwriter.add_postings = postings
    return DocumentAdder(writer), postings
