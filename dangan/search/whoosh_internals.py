"""Every use of Whoosh's private internals, in one place, for one pinned version.

dangan reads Whoosh 3-codec posting blocks and length columns directly (`fastpath`), and
replaces how segment parts are wrapped so they stay memory-mapped (`backend`). None of that
is Whoosh's public API: a new release may rename or reshape any of it and answer wrongly
rather than fail. So this module refuses to load with any version but the one it was written
and tested against (pyproject pins it); an upgrade must come here first, re-read the Whoosh
sources these functions name, and run tests/test_search_fastpath.py (the fast path against
Whoosh's own matchers) before moving the pin.
"""

from __future__ import annotations

import importlib.metadata

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.filedb import structfile
from whoosh.reading import TermNotFound

PINNED = "2.7.5"  # whoosh-reloaded, as in pyproject.toml

_installed = importlib.metadata.version("whoosh-reloaded")
if _installed != PINNED:
    raise ImportError(
        f"dangan reads Whoosh internals written for whoosh-reloaded {PINNED}, but "
        f"{_installed} is installed: check dangan/search/whoosh_internals.py against it "
        "before changing the pin")


# -- segment files stay memory-mapped ------------------------------------------------------
class _View:
    """A read-only, seekable file over a memoryview of a memory-mapped segment, without
    copying it.

    Whoosh maps each segment file, then wraps every part it opens (postings, term index) in
    a BytesIO — which copies the bytes. Opening the 100,000-page index thus held all of its
    postings in RAM twice over (1.2 GB for a 637 MB index), in the web server and in every
    writer that deletes. This keeps the mapping and lets the OS page it in and out.
    """

    __slots__ = ("_buf", "_len", "_pos")

    def __init__(self, buf):
        self._buf, self._len, self._pos = buf, len(buf), 0

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


def keep_segments_mapped() -> None:
    """Make every segment part Whoosh opens a view of the mapping, not a copy (idempotent)."""
    structfile.BufferFile.__init__ = _buffer_file_init


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
