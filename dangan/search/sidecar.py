"""Posting arrays kept beside each Whoosh segment, so a query decodes nothing.

Why: at 100,000 pages a free-text word matches tens of thousands of pages, and reading its
postings out of Whoosh's format costs one zlib + pickle load per block of 128 — most of a
query's time (bench/profile_query.py). Segments never change once written (deletions live in
the TOC), so each segment's postings are decoded once, when the shard writer commits it, into
flat arrays in one file `<segment id>.dgp` beside the segment's own files. A searcher maps
that file and slices a term's document numbers and frequencies out of it.

The file is derived and disposable: Whoosh's own file cleaning removes it with its segment
(the name matches Whoosh's segment-file pattern), it is written to a temporary name and
renamed, and a file that is missing, truncated or written for other bytes than the
segment's postings file is ignored — that segment is then read the old way, from Whoosh's
blocks, with identical results. `dangan check` names such segments and `dangan repair`
(or the next commit) writes their arrays again.

Positions (of the gram fields) are kept too, decoded: a phrase of common characters has
thousands of candidate pages, and unpickling their positions was most of its time.
"""

from __future__ import annotations

import json
import logging
import mmap
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import whoosh_internals

log = logging.getLogger(__name__)
SUFFIX = ".dgp"
MAGIC = b"DGNPST03"
_ALIGN = 64
# Arrays in the file: per term (sorted by where its postings start in Whoosh's file), per
# posting, per position.
_ARRAYS = {
    "key_hash": np.uint64,  # hashes of "field\0term", sorted (empty: use Whoosh's table)
    "key_term": np.int64,  # the term each hash belongs to
    "key_start": np.int64,  # where each term's key starts in key_blob (n_terms + 1)
    "key_blob": np.uint8,  # the keys, term after term
    "term_offset": np.int64,  # the term's posting list offset in the .pst file (sorted)
    "term_start": np.int64,  # first posting of the term (n_terms + 1 entries)
    "ids": np.int32,  # segment-local document numbers
    "tf": np.float32,  # Whoosh's posting weight
    "pos_start": np.int64,  # each posting's first position (n_postings + 1 entries)
    "positions": np.int32,  # positions of positional fields' postings, posting by posting
}


def path_for(leaf) -> Path | None:
    """Where a segment reader's arrays live (None for a reader not on a file storage)."""
    storage = getattr(leaf, "_storage", None)
    storage = getattr(storage, "b", storage)  # a compound segment: files over the folder
    folder = getattr(storage, "folder", None)
    segment = getattr(leaf, "_segment", None)
    if folder is None or segment is None:
        return None
    return path_in(folder, segment.segment_id())


def build(leaf, target: Path) -> None:
    """Decode every posting list of one segment into arrays and write them to `target`
    (atomically: a temporary name, then a rename)."""
    write(target, *whoosh_internals.decode_segment(leaf))


def path_in(folder: str | Path, segment_id: str) -> Path:
    """Where the arrays of the segment `segment_id` in `folder` live."""
    return Path(folder) / f"{segment_id}{SUFFIX}"


def write(target: Path, pst_size: int, columns: dict[str, np.ndarray]) -> None:
    """Write a segment's columns (whoosh_internals.posting_columns) to `target`, for the
    postings file of `pst_size` bytes (atomically: a temporary name, then a rename)."""
    header = {"pst_size": pst_size, "arrays": {}}
    blobs = {}
    offset = 0
    for name, dtype in _ARRAYS.items():
        arr = np.ascontiguousarray(columns[name], dtype=dtype)
        header["arrays"][name] = [offset, len(arr)]
        blobs[name] = arr
        offset += -(-arr.nbytes // _ALIGN) * _ALIGN
    head = json.dumps(header).encode()
    start = -(-(len(MAGIC) + 8 + len(head)) // _ALIGN) * _ALIGN
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        f.write(MAGIC + len(head).to_bytes(8, "little") + head)
        for name, arr in blobs.items():
            f.seek(start + header["arrays"][name][0])
            f.write(arr.data)  # the array's own memory: no copy of it (tobytes makes one)
        f.truncate(start + offset)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, target)


@dataclass
class SegmentArrays:
    """One segment's mapped arrays."""

    key_hash: np.ndarray
    key_term: np.ndarray
    key_start: np.ndarray
    key_blob: np.ndarray
    term_offset: np.ndarray
    term_start: np.ndarray
    ids: np.ndarray
    tf: np.ndarray
    pos_start: np.ndarray
    positions: np.ndarray

    def lookup(self, key: bytes, hashed: int) -> int | None:
        """The term with this key, or None when the segment lacks it. Only for arrays with
        a dictionary (`has_keys`)."""
        # A numpy uint64, not a Python int: searching a uint64 array for an int below 2**63
        # makes numpy compare as float64 and convert the whole array first (60–80 µs per
        # segment and term at 100,000 pages instead of about 1).
        i = int(self.key_hash.searchsorted(np.uint64(hashed)))
        while i < len(self.key_hash) and int(self.key_hash[i]) == hashed:
            t = int(self.key_term[i])
            a, b = int(self.key_start[t]), int(self.key_start[t + 1])
            if self.key_blob[a:b].tobytes() == key:
                return t
            i += 1
        return None

    @property
    def has_keys(self) -> bool:
        return len(self.key_start) == len(self.term_offset) + 1 and len(self.term_offset) > 0

    def find(self, pst_offset: int) -> int | None:
        """The term whose postings start at `pst_offset`, or None."""
        i = int(np.searchsorted(self.term_offset, pst_offset))
        if i < len(self.term_offset) and self.term_offset[i] == pst_offset:
            return i
        return None


def load(leaf) -> SegmentArrays | None:
    """The segment's arrays, memory-mapped; None when missing or not for this segment."""
    target = path_for(leaf)
    if target is None:
        return None
    try:
        with open(target, "rb") as f:
            mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        return None
    try:
        if mapped[:len(MAGIC)] != MAGIC:
            raise ValueError("magic")
        n = int.from_bytes(mapped[len(MAGIC):len(MAGIC) + 8], "little")
        header = json.loads(mapped[len(MAGIC) + 8:len(MAGIC) + 8 + n])
        if header["pst_size"] != whoosh_internals.postings_size(leaf):
            raise ValueError("written for other postings")
        start = -(-(len(MAGIC) + 8 + n) // _ALIGN) * _ALIGN
        arrays = {}
        for name, dtype in _ARRAYS.items():
            off, count = header["arrays"][name]
            arrays[name] = np.frombuffer(mapped, dtype=dtype, count=count, offset=start + off)
        return SegmentArrays(**arrays)
    except (ValueError, KeyError, TypeError) as e:
        log.warning("ignoring posting arrays %s (%s): read from the segment instead",
                    target.name, e)
        return None


def missing(reader) -> list[str]:
    """Segment ids of `reader` (one shard's reader) whose arrays are missing or unusable."""
    out = []
    for leaf in _leaves(reader):
        if leaf.doc_count_all() and load(leaf) is None:
            out.append(leaf._segment.segment_id())
    return out


def ensure(reader) -> int:
    """Write arrays for every segment of `reader` that lacks usable ones; how many."""
    written = 0
    for leaf in _leaves(reader):
        target = path_for(leaf)
        if target is None or not leaf.doc_count_all() or load(leaf) is not None:
            continue
        build(leaf, target)
        written += 1
    return written


def _leaves(reader):
    if hasattr(reader, "leaf_readers"):
        return [leaf for leaf, _ in reader.leaf_readers()]
    return [reader]
