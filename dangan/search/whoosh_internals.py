"""Every use of Whoosh's private internals, in one place, checked before it is used.

dangan reads Whoosh 3-codec posting blocks and length columns directly (`fastpath`), writes
segments in Whoosh's format itself (`fastwrite`, which takes Whoosh's private names from
here) and keeps segment parts memory-mapped instead of copied. None of that is Whoosh's
public API: a new release may rename or reshape any of it. So nothing here trusts a version
string. `verify()` checks what the fast path relies on — every private name it touches
(`REQUIRED`), the on-disk formats it parses, and a round trip on a tiny index written by the
fast writer, read back by stock Whoosh and searched both ways — and `dangan.search.engine`
runs it once per process before an index is opened. If it fails, dangan runs on stock
Whoosh's public API (slower, the same results) and warns; see engine.py.

An upgrade of Whoosh therefore needs no change here to keep working; to keep it fast, re-read
the Whoosh sources the functions below name if `dangan status` says the check failed.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import mmap
import struct
import tempfile
import threading
from io import BytesIO
from itertools import accumulate
from pickle import load, loads
from zlib import decompress

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, W3TermInfo, _lenfield
from whoosh.filedb import structfile
from whoosh.filedb.filetables import md5_hash
from whoosh.reading import SegmentReader, TermNotFound
from whoosh.system import pack_int, pack_uint, pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte

# Re-exported for fastwrite, so that every private name dangan takes from Whoosh is imported
# in this module and named in REQUIRED.
__all__ = [
    "WHOOSH3_HEADER_MAGIC",
    "SegmentReader",
    "W3TermInfo",
    "byte_to_length",
    "length_to_byte",
    "md5_hash",
    "pack_int",
    "pack_uint",
    "pack_ushort",
]

_LONG = struct.Struct("!q")  # whoosh.system.pack_long
TERM_PAIR_LENGTHS = struct.Struct("!II")  # a term table pair's (whoosh.filedb.filetables)
_INT = struct.Struct("!i")  # whoosh.system.pack_int: a block's length (negative: the last)
_FIELD = struct.Struct("!H")  # a term key's field number (W3TermsReader._keycoder)
_HEADER_SIZE = len(WHOOSH3_HEADER_MAGIC)  # before a posting list's first block


# -- segment files stay memory-mapped ------------------------------------------------------
class _View:
    """A read-only, seekable file over a memoryview of a memory-mapped segment, without
    copying it.

    Whoosh maps each segment file, then wraps every part it opens (postings, term index) in
    a BytesIO — which copies the bytes. Opening the 100,000-page index thus held all of its
    postings in RAM twice over (1.2 GB for a 637 MB index), in the web server and in every
    writer that deletes. This keeps the mapping and lets the OS page it in and out.

    The read position is per thread: one searcher serves all of waitress's threads, and
    Whoosh reads a posting list's header by seek-then-read on the shared file, so two
    threads moving one position read each other's bytes ("Block tag error", zlib errors).
    """

    __slots__ = ("_buf", "_len", "_local")

    def __init__(self, buf):
        self._buf, self._len, self._local = buf, len(buf), threading.local()

    @property
    def _pos(self) -> int:
        return getattr(self._local, "pos", 0)

    @_pos.setter
    def _pos(self, value: int) -> None:
        self._local.pos = value

    def read(self, n: int | None = -1) -> bytes:
        start = self._pos
        end = self._len if n is None or n < 0 else min(self._len, start + n)
        self._pos = end
        return bytes(self._buf[start:end])

    def readinto(self, b) -> int:
        n = min(len(b), self._len - self._pos)
        b[:n] = self._buf[self._pos:self._pos + n]
        self._pos += n
        return n

    def peek(self, n: int = 1) -> bytes:  # lets the C unpickler read ahead in one call
        return bytes(self._buf[self._pos:self._pos + max(n, 4096)])

    def readline(self, limit: int = -1) -> bytes:
        out = bytearray()
        while self._pos < self._len and (limit < 0 or len(out) < limit):
            chunk = bytes(self._buf[self._pos:self._pos + 256])
            cut = chunk.find(b"\n")
            take = chunk if cut < 0 else chunk[:cut + 1]
            if limit >= 0:
                take = take[:limit - len(out)]
            out += take
            self._pos += len(take)
            if take.endswith(b"\n"):
                break
        return bytes(out)

    def seek(self, pos: int, whence: int = 0) -> int:
        base = (0, self._pos, self._len)[whence]
        self._pos = max(0, base + pos)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self._buf = memoryview(b"")


def _buffer_file_init(self, buf, name=None, onclose=None):
    # Mirrors structfile.BufferFile.__init__ in 2.7.5, with _View in place of BytesIO.
    self._buf = buf
    self._name = name
    self.file = _View(buf)
    self.onclose = onclose
    self.is_real = False
    self.is_closed = False


_STOCK_BUFFER_INIT = structfile.BufferFile.__init__
_BUFFER_FILE_ATTRS = {"_buf", "_name", "file", "onclose", "is_real", "is_closed"}


def keep_segments_mapped() -> None:
    """Make every segment part Whoosh opens a view of the mapping, not a copy (idempotent).
    Process-wide: called by engine.status() once the check passed, where an index is
    opened — never on import."""
    structfile.BufferFile.__init__ = _buffer_file_init


def restore_stock_buffers() -> None:
    """Undo keep_segments_mapped (a failed check, tests)."""
    structfile.BufferFile.__init__ = _STOCK_BUFFER_INIT


# -- field lengths -------------------------------------------------------------------------
def length_column(perdoc, fieldname: str):
    """A segment's per-document reader's length column for `fieldname`, or None."""
    return perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)


def segment_lengths(leaf, fieldname: str):
    """The length column of one segment reader (a leaf of a MultiReader), or None."""
    perdoc = getattr(leaf, "_perdoc", None)
    return length_column(perdoc, fieldname) if perdoc is not None else None


def length_bytes(column, doc_count: int) -> np.ndarray:
    """A segment's field-length column as one array of Whoosh's length bytes.

    The column is a run of single bytes in the segment file (documents past its end have
    length 0), so it is read in one slice rather than a Python call per document.
    """
    out = np.zeros(doc_count, dtype=np.uint8)
    if getattr(column, "_fixedlen", None) == 1 and hasattr(column, "_basepos"):
        n = min(column._count, doc_count)
        if n:
            out[:n] = np.frombuffer(column._dbfile.get(column._basepos, n), dtype=np.uint8)
    else:  # another column layout: the slow, general way
        out[:] = np.fromiter(column, dtype=np.uint8, count=doc_count)
    return out


# -- postings ------------------------------------------------------------------------------
def term_matcher(leaf, fieldname: str, text: str, fmt):
    """A segment's raw block matcher for one term, or None when the segment lacks it."""
    try:
        btext = leaf._text_to_bytes(fieldname, text)
        return leaf._terms.matcher(fieldname, btext, fmt)
    except (TermNotFound, KeyError):
        return None


def read_all_blocks(m, offset: int, ids: list, tfs: list, values: list | None) -> None:
    """Decode every block of a Whoosh 3 posting list: one pickle load per block."""
    while True:
        m._read_data()
        data = m._data
        block = np.asarray(data[0], dtype=np.int64)
        if not m._byteids:
            block = np.cumsum(block)  # ids are delta-encoded within a block
        ids.append(block + offset)
        w = data[1]
        if w is None:
            tfs.append(np.ones(len(block), dtype=np.float64))
        elif isinstance(w, float):
            tfs.append(np.full(len(block), w, dtype=np.float64))
        else:
            tfs.append(np.asarray(w, dtype=np.float64))
        if values is not None:
            m._read_values()
            values.extend(m._values)
        if m._lastblock:
            return
        m._goto(m._nextoffset)


def segment_map(leaf) -> mmap.mmap | None:
    """The memory map of a segment's compound file, when it is read through one."""
    storage = getattr(leaf, "_storage", None)
    compound = getattr(storage, "a", storage)  # OverlayStorage(compound, index storage)
    source = getattr(compound, "_source", None)
    return source if isinstance(source, mmap.mmap) else None


def release_mapped_pages(leaf) -> None:
    """Drop the pages of a segment's mapped file from this process's resident memory. They
    stay in the page cache, and a later read maps them again: a merge reads each segment
    once, front to back, so what it has read is not needed twice, and otherwise every page
    of every merged segment would count as the writer's memory until the merge ends (170 MB
    of a merge of 18,000 pages)."""
    source = segment_map(leaf)
    if source is not None and hasattr(mmap, "MADV_DONTNEED"):
        # A closed map, or a system that refuses: only memory is at stake.
        with contextlib.suppress(OSError, ValueError):
            source.madvise(mmap.MADV_DONTNEED)


def raw_postings(leaf):
    """Every term of one segment with its postings as stored, a block at a time:
    (fieldname, btext, ids, weights, values), segment-local ids, deleted documents
    included — what `IndexReader.iter_postings` yields posting by posting through a matcher
    (with the same weights and values), for merging segments without that per-posting
    cost. Terms in the term table's order: the order they were written in, which is
    Whoosh's pool order (field name, then term).

    The blocks are parsed straight from the mapped postings file (`_postings_at`): going
    through W3LeafMatcher's block reader cost a seek, a 4 KB read-ahead copy and six
    method calls per block, most posting lists being one block of one or two postings —
    half of a merge's time."""
    terms = leaf._terms
    schema = leaf.schema
    at = W3TermInfo._struct.size
    fields = {num: name for name, num in terms._fieldmap.items() if name in schema}
    buf = getattr(terms._postfile, "_buf", None)
    fixed: dict[str, int | None] = {}
    m = None
    for key, value in _term_table(terms._tindex):
        fieldname = fields.get(_FIELD.unpack_from(key)[0])
        if fieldname is None:
            continue
        btext = key[_FIELD.size:]
        fmt = schema[fieldname].format
        if value[0]:  # postings inline in the term info (not written by W3's default codec)
            m = None
            ids, weights, values = [], [], []
            im = terms.matcher(fieldname, btext, fmt)
            while im.is_active():
                ids.append(im.id())
                weights.append(im.weight())
                values.append(im.value())
                im.next()
            yield fieldname, btext, ids, weights, values
            continue
        offset = _LONG.unpack_from(value, at)[0]
        if buf is not None:
            size = fixed.get(fieldname, False)
            if size is False:
                size = fixed[fieldname] = fmt.fixed_value_size()
            yield (fieldname, btext, *_postings_at(buf, offset + _HEADER_SIZE, size))
            continue
        if m is None:
            m = leaf._codec.postings_reader(terms._postfile, _Extent(offset), fmt)
        else:  # W3LeafMatcher.reset(), at another offset
            m._lastblock = False
            m._atend = False
            m.format = fmt
            m._fixedsize = fmt.fixed_value_size()
            m._goto(offset + _HEADER_SIZE)
        ids, weights, values = [], [], []
        while True:
            m._read_ids()
            m._read_weights()
            m._read_values()
            ids.extend(m._ids)
            weights.extend(m._weights)
            values.extend(m._values)
            if m._lastblock:
                break
            m._goto(m._nextoffset)
        yield fieldname, btext, ids, weights, values


def _term_table(tindex):
    """A term table's (key, value) pairs in file order: `HashReader.items`, parsed straight
    from the mapped file when it is one (Whoosh reads each pair with two more calls)."""
    buf = getattr(tindex.dbfile, "_buf", None)
    if buf is None:
        yield from tindex.items()
        return
    pos, end = tindex.startofdata, tindex.endofdata
    unpack = TERM_PAIR_LENGTHS.unpack_from
    while pos < end:
        keylen, valuelen = unpack(buf, pos)
        pos += TERM_PAIR_LENGTHS.size
        key = bytes(buf[pos:pos + keylen])
        pos += keylen
        yield key, bytes(buf[pos:pos + valuelen])
        pos += valuelen


def _extend_weights(weights: list, w, n: int) -> None:
    """A block's weights as W3LeafMatcher._read_weights de-minifies them: None when all are
    1.0, one float when all are equal, else every weight."""
    if w is None:
        weights.extend([1.0] * n)
    elif isinstance(w, float):
        weights.extend([w] * n)
    else:
        weights.extend(w)


def _postings_at(buf, pos: int, fixedsize: int | None) -> tuple[list, list, list]:
    """One posting list's blocks from the postings file's bytes, decoded as W3LeafMatcher
    decodes them (`_goto`, `_read_ids`, `_read_weights`, `_read_values`): a block is its
    length, a pickled info tuple (count, last id, max weight, compression, min and max
    length bytes), then the pickled (id deltas, weights, values), zlib'd if the info says
    so."""
    ids: list = []
    weights: list = []
    values: list = []
    while True:
        length = _INT.unpack_from(buf, pos)[0]
        pos += _INT.size
        last = length < 0
        if last:
            length = -length
        block = BytesIO(buf[pos:pos + length])
        pos += length
        info = load(block)
        data = block.read()
        n = info[0]
        if info[3]:
            data = decompress(data)
        deltas, w, vs = loads(data)
        ids.extend(accumulate(deltas))
        _extend_weights(weights, w, n)
        if fixedsize is None or fixedsize < 0:
            values.extend(vs)
        elif fixedsize == 0:
            values.extend([None] * n)
        else:
            values.extend(vs[i:i + fixedsize] for i in range(0, len(vs), fixedsize))
        if last:
            return ids, weights, values


def postings_size(leaf) -> int:
    """The length of a segment's postings file (a check that derived arrays belong to it)."""
    pf = leaf._terms._postfile
    buf = getattr(pf, "_buf", None)
    if buf is not None:
        return len(buf)
    pos = pf.tell()
    pf.seek(0, 2)
    size = pf.tell()
    pf.seek(pos)
    return size


def decode_segment(leaf) -> tuple[int, dict[str, np.ndarray]]:
    """Every posting list of one segment as flat arrays (see dangan/search/sidecar.py):
    terms ordered by where their postings start, each posting's segment-local document
    number and weight, and the positions of positional fields' postings."""
    terms = leaf._terms
    postfile = terms._postfile
    codec = leaf._codec
    # Each term's info: a flags byte (set: postings inline), stats, then the offset of its
    # posting list (W3TermInfo.to_bytes); only the offset is needed, so no TermInfo objects.
    # Positions are kept for the fields that have them (the gram fields).
    at = W3TermInfo._struct.size
    positional = {num for name, num in terms._fieldmap.items() if name in leaf.schema
                  and leaf.schema[name].format.supports("positions")}
    names = {num: name.encode("utf-8") for name, num in terms._fieldmap.items()}
    lists, inline = [], 0
    for key, value in terms._tindex.items():
        if value[0]:
            inline += 1
            continue
        field = _FIELD.unpack_from(key)[0]
        lists.append((_LONG.unpack_from(value, at)[0], field in positional,
                      names[field] + b"\0" + key[_FIELD.size:]))
    lists.sort()
    starts = [off for off, _, _ in lists]
    deltas: list = []  # every block's id deltas, one flat list (numpy once, at the end)
    weights: list = []
    valued: list = []  # which postings have values
    values: list = []
    block_first = []
    term_start = [0]
    count = 0
    m = None
    for off, with_positions, _ in lists:
        if m is None:
            m = codec.postings_reader(postfile, _Extent(off), _AnyFormat)
        else:  # one matcher walks every list: W3LeafMatcher.reset(), at another offset
            m._lastblock = False
            m._goto(off + _HEADER_SIZE)
        while True:
            block_first.append(count)
            m._read_data()
            ids, w, vs = m._data
            n = len(ids)
            deltas.extend(ids)
            if with_positions:  # raw values: the encoded positions
                valued.append(np.arange(count, count + n))
                values.extend(vs)
            _extend_weights(weights, w, n)
            count += n
            if m._lastblock:
                break
            m._goto(m._nextoffset)
        term_start.append(count)
    firsts = np.asarray(block_first, dtype=np.int64)
    flat = np.asarray(deltas, dtype=np.int64)
    if m is not None and not m._byteids and len(flat):
        # Ids are delta-encoded within each block: a running sum restarted at each block.
        sums = np.cumsum(flat)
        base = np.where(firsts > 0, sums[np.maximum(firsts - 1, 0)], 0)
        flat = sums - np.repeat(base, np.diff(np.append(firsts, len(flat))))
    which = np.concatenate(valued) if valued else np.empty(0, dtype=np.int64)
    keys = [key for _, _, key in lists] if not inline else []
    return postings_size(leaf), posting_columns(
        starts, keys, term_start, flat, weights, [position_chunk(which, values)])


def position_chunk(which: np.ndarray, values: list[bytes]):
    """Positions (Whoosh's encoded values) of the postings numbered `which`, decoded:
    (which, positions per posting, the positions posting by posting)."""
    if not values:
        return which, np.zeros(len(which), dtype=np.int64), np.empty(0, dtype=np.int32)
    from .fastpath import _decode_positions

    owner, pos = _decode_positions(values)
    order = np.lexsort((pos, owner))  # by posting, each posting's positions ascending
    # Kept until the whole segment is written: 32-bit numbers (a segment's postings are
    # counted in millions), half the memory of numpy's default 64.
    return (_narrow(which), np.bincount(owner, minlength=len(values)).astype(np.int32),
            pos[order].astype(np.int32))


def _narrow(a: np.ndarray) -> np.ndarray:
    """Posting numbers as int32 when they fit (always, short of two billion postings in
    one segment), else as they are."""
    if len(a) and int(a.max()) > np.iinfo(np.int32).max:
        return a
    return a.astype(np.int32, copy=False)


def posting_columns(starts, keys: list[bytes], term_start, ids, weights,
                    chunks: list) -> dict[str, np.ndarray]:
    """The posting arrays' columns (dangan/search/sidecar.py) from a segment's postings in
    file order: each term's offset and key ("field\\0term"; none when some term's postings
    are inline), where each term's postings start, every posting's document number and
    weight, and the positions of positional fields in chunks (`position_chunk`; the list is
    emptied as they are used)."""
    count = len(ids)
    # Positions as one array, each posting's run of them found through `pos_start`.
    pos_start = np.zeros(count + 1, dtype=np.int64)
    per_posting = np.zeros(count, dtype=np.int32)
    for which, counts, _ in chunks:
        per_posting[which] = counts
    np.cumsum(per_posting, out=pos_start[1:])
    del per_posting
    parts = [pos for _, _, pos in chunks if len(pos)]
    # The chunks are consumed: a merged segment's can be a hundred megabytes.
    chunks.clear()
    positions = np.concatenate(parts) if parts else np.empty(0, dtype=np.int32)
    del parts
    # A term dictionary of our own: the hash of "field\0term" → the term's index, and the
    # keys themselves to confirm a hit. Only when every term is here (none inline).
    hashes = np.fromiter((term_hash(k) for k in keys), dtype=np.uint64, count=len(keys))
    by_hash = np.argsort(hashes, kind="stable")
    key_start = np.zeros(len(keys) + 1, dtype=np.int64)
    np.cumsum([len(k) for k in keys], out=key_start[1:])
    return {
        "key_hash": hashes[by_hash],
        "key_term": by_hash.astype(np.int64),
        "key_start": key_start,
        "key_blob": np.frombuffer(b"".join(keys), dtype=np.uint8),
        "term_offset": np.asarray(starts, dtype=np.int64),
        "term_start": np.asarray(term_start, dtype=np.int64),
        "ids": np.asarray(ids).astype(np.int32, copy=False),
        "tf": np.asarray(weights, dtype=np.float32),
        "pos_start": pos_start,
        "positions": positions,
    }


def term_hash(key: bytes) -> int:
    """The 64-bit hash of a posting-array term key ("field\\0term" bytes)."""
    return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "little")


def term_key(schema, fieldname: str, text: str) -> bytes | None:
    """A term's key in the posting arrays' own dictionary; None if the field is unknown."""
    if fieldname not in schema:
        return None
    try:
        return fieldname.encode("utf-8") + b"\0" + schema[fieldname].to_bytes(text)
    except (ValueError, TypeError):  # not a term of this field: Whoosh's lookup decides
        return None


class _AnyFormat:
    """Block decoding needs only to know that values are not fixed-size."""

    @staticmethod
    def fixed_value_size():
        return None


class _Extent:
    """The part of a TermInfo a W3LeafMatcher reads: where the posting list starts."""

    def __init__(self, offset: int):
        self._offset = offset

    def extent(self):
        return self._offset, 0

    def is_inlined(self):
        return False


def term_offset(leaf, fieldname: str, text: str) -> int | None:
    """Where a term's posting list starts in the segment's postings file; None when the
    segment lacks the term (or holds its postings inline)."""
    try:
        info = leaf._terms.term_info(fieldname, leaf._text_to_bytes(fieldname, text))
    except (TermNotFound, KeyError):
        return None
    if getattr(info, "_inlined", None) is not None:
        return -1
    return info._offset


# -- the check -----------------------------------------------------------------------------
# Every private name of Whoosh's the fast path touches, "module:attribute[.attribute]". Names
# only reachable on live objects (a writer's pool, a codec's block limit) are exercised by
# the round trip in verify() instead.
REQUIRED = (
    "whoosh.codec.whoosh3:W3TermInfo._struct", "whoosh.codec.whoosh3:W3TermInfo.to_bytes",
    "whoosh.codec.whoosh3:W3TermInfo.add_block", "whoosh.codec.whoosh3:W3Codec.postings_reader",
    "whoosh.codec.whoosh3:W3LeafMatcher._read_data",
    "whoosh.codec.whoosh3:W3LeafMatcher._read_ids",
    "whoosh.codec.whoosh3:W3LeafMatcher._read_weights",
    "whoosh.codec.whoosh3:W3LeafMatcher._read_values",
    "whoosh.codec.whoosh3:W3LeafMatcher._goto",
    "whoosh.codec.whoosh3:W3PerDocReader._cached_reader",
    "whoosh.codec.whoosh3:W3FieldWriter.start_field",
    "whoosh.codec.whoosh3:W3FieldWriter.finish_field",
    "whoosh.codec.whoosh3:_lenfield", "whoosh.codec.whoosh3:LENGTHS_COLUMN",
    "whoosh.codec.whoosh3:WHOOSH3_HEADER_MAGIC",
    "whoosh.filedb.structfile:BufferFile.__init__", "whoosh.filedb.filetables:md5_hash",
    "whoosh.filedb.filetables:_lengths", "whoosh.filedb.filetables:OrderedHashWriter.add",
    "whoosh.filedb.filetables:HashReader.items",
    "whoosh.reading:SegmentReader._text_to_bytes", "whoosh.reading:TermNotFound",
    "whoosh.writing:SegmentWriter._check_state", "whoosh.writing:SegmentWriter.write_per_doc",
    "whoosh.writing:SegmentWriter.add_reader",
    "whoosh.writing:SegmentWriter.per_document_reader",
    "whoosh.writing:PostingPool._new_run", "whoosh.writing:PostingPool._add_run",
    "whoosh.writing:PostingPool._open_run", "whoosh.writing:PostingPool.cleanup",
    "whoosh.system:pack_int", "whoosh.system:pack_uint", "whoosh.system:pack_ushort",
    "whoosh.system:pack_long", "whoosh.util.numeric:byte_to_length",
    "whoosh.util.numeric:length_to_byte", "whoosh.fields:FieldType.index",
)


def _missing_names() -> list[str]:
    missing = []
    for spec in REQUIRED:
        module, _, attrs = spec.partition(":")
        try:
            obj = importlib.import_module(module)
            for attr in attrs.split("."):
                obj = getattr(obj, attr)
        except (ImportError, AttributeError):
            missing.append(spec)
    return missing


def _format_problems() -> list[str]:
    """The byte layouts parsed here, against Whoosh's own writers of them."""
    import whoosh.system
    from whoosh.filedb import filetables

    problems = []
    if WHOOSH3_HEADER_MAGIC != b"W3Bl":
        problems.append("posting list header")
    if W3TermInfo._struct.format != "!BfIBBfII":
        problems.append("W3TermInfo layout")
    if whoosh.system.pack_long(2 ** 40 + 3) != _LONG.pack(2 ** 40 + 3):
        problems.append("pack_long")
    if whoosh.system.pack_int(-7) != _INT.pack(-7):
        problems.append("pack_int")
    if whoosh.system.pack_ushort(513) != _FIELD.pack(513):
        problems.append("pack_ushort")
    if filetables._lengths.pack(3, 70000) != TERM_PAIR_LENGTHS.pack(3, 70000):
        problems.append("term table pair lengths")
    if set(vars(structfile.BufferFile(memoryview(b"abc")))) != _BUFFER_FILE_ATTRS:
        problems.append("BufferFile's attributes")
    return problems


# A tiny archive for the round trip: three commits (the second deletes, the third merges
# every segment into one).
_PAGES = (
    ("a.pdf", "工资调整审批表 王秀英 一九九三年 第二机床厂", "王秀英,李明", [1993], "salary"),
    ("b.pdf", "招工登记表 李明 工资 劳人薪〔1985〕41号", "李明", [1985, 1986], "recruitment"),
    ("c.pdf", "退休审批 王秀英 工资调整 工资", "王秀英", [2001], "retirement"),
    ("d.pdf", "花名册 张三 李四 工资调整审批", "张三,李四", [1990], "roster"),
    ("e.pdf", "工资 调整 审批 表", "", [], "other"),
)


def _page(path: str, text: str, persons: str, years: list[int], doc_type: str) -> dict:
    return {"key": f"{path}#1", "path": path, "page": 1, "document": path,
            "page_in_document": 1, "archive_code": f"X01-{doc_type}", "doc_type": doc_type,
            "title": text[:6], "persons_labelled": persons, "persons": persons,
            "persons_pinyin": "", "years": years, "year_keys": ",".join(map(str, years)),
            "decades": "", "doc_numbers": "", "ocr_alternatives": "", "units": "",
            "id_numbers": "", "restricted": doc_type == "roster", "seal_text": "",
            "alt_grams": "", "words": text, "grams": text}


def _queries():
    from whoosh import query as Q

    from .query import phrase as dangan_phrase
    from .whoosh_queries import to_whoosh

    def phrase(text: str):
        return to_whoosh(dangan_phrase(text))

    return [
        (Q.Term("persons", "王秀英"), None, None),
        (Q.Or([Q.Term("persons", "李明", boost=2.0), phrase("工资")]), None, None),
        (phrase("工资调整审批"), None, Q.Term("restricted", True)),
        (Q.And([phrase("工资"), phrase("审批")]), Q.NumericRange("years", 1985, 1995), None),
        (Q.Every(), Q.Prefix("archive_code", "X01-r"), None),
    ]


def _search_both(ix_dir: str, fast: bool) -> list:
    """Each query's hits (key, score) and facets through stock Whoosh's searcher, and
    through the fast path's executor (arrays and blocks) when `fast`."""
    from whoosh import index as windex
    from whoosh import sorting
    from whoosh.searching import Searcher

    ix = windex.open_dir(ix_dir)
    reader = ix.reader()
    searcher = Searcher(reader)
    out = []
    try:
        for q, filt, mask in _queries():
            facets = {"type": sorting.FieldFacet("doc_type", maptype=sorting.Count)}
            r = searcher.search(q, filter=filt, mask=mask, limit=None, groupedby=facets)
            out.append(("stock", [(searcher.stored_fields(h.docnum)["key"], round(h.score, 4))
                                  for h in r], dict(r.groups("type"))))
            if fast:
                from .fastpath import Executor

                for arrays in (True, False):
                    found = Executor(reader, arrays=arrays).search(
                        q, filt, mask, None, 1, {"type": "doc_type"})
                    out.append(("fast", [(searcher.stored_fields(d)["key"], round(s, 4))
                                         for d, s in found.docs], found.facets["type"]))
    finally:
        searcher.close()
        ix.close()
    return out


def _round_trip() -> str | None:
    """Write a tiny index with the fast writer (posting arrays included), read it back with
    stock Whoosh and search it both ways: any difference is a reason not to run fast."""
    from whoosh import index as windex

    from . import fastwrite, sidecar
    from .schema import build_schema

    with tempfile.TemporaryDirectory(prefix="dangan-whoosh-check-") as d:
        windex.create_in(d, build_schema()).close()
        pages = [_page(*p) for p in _PAGES]
        fastwrite.commit(d, [("delete", p["path"]) for p in pages[:3]]
                         + [("add", p) for p in pages[:3]])
        fastwrite.commit(d, [("delete", "b.pdf"), ("add", pages[3])])
        fastwrite.commit(d, [("add", pages[4])], optimize=True)
        ix = windex.open_dir(d)
        with ix.reader() as reader:
            if sidecar.missing(reader):
                return "round trip: posting arrays not written"
            for leaf, _ in reader.leaf_readers():  # the arrays hold what Whoosh reads
                arrays = sidecar.load(leaf)
                deleted = leaf.deleted_docs_set
                for (fieldname, btext) in leaf.all_terms():
                    m = leaf.postings(fieldname, btext)
                    stock = []
                    while m.is_active():
                        stock.append((m.id(), round(m.weight(), 4)))
                        m.next()
                    key = fieldname.encode("utf-8") + b"\0" + btext
                    t = arrays.lookup(key, term_hash(key)) if arrays.has_keys else None
                    if t is None:
                        return f"round trip: {fieldname} term missing from the arrays"
                    a, b = int(arrays.term_start[t]), int(arrays.term_start[t + 1])
                    ours = [(int(i), round(float(w), 4)) for i, w in
                            zip(arrays.ids[a:b], arrays.tf[a:b], strict=True) if i not in deleted]
                    if ours != stock:
                        return f"round trip: {fieldname} postings differ"
        ix.close()
        stock = _search_both(d, fast=False)
        keep_segments_mapped()
        try:
            both = _search_both(d, fast=True)
        finally:
            restore_stock_buffers()
    expected = [row for row in stock for _ in range(3)]
    got = [(("stock", *row[1:])) for row in both]
    for want, have in zip(expected, got, strict=True):
        if want != have:
            return f"round trip: search results differ ({want} ≠ {have})"
    return None


def verify() -> str | None:
    """Why the fast path must not run with the installed Whoosh, or None when it may: the
    names it uses, the formats it parses, and a round trip on a tiny index."""
    missing = _missing_names()
    if missing:
        return "missing " + ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
    formats = _format_problems()
    if formats:
        return "changed formats: " + ", ".join(formats)
    return _round_trip()
