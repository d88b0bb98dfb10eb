"""The fast segment writer writes exactly what Whoosh writes: the same bytes in every file
of the segment (terms, postings, weights, positions, stored fields, field lengths), so stock
Whoosh reads it as its own — for new pages and for segments made by merging — and the
posting arrays it keeps while writing are the ones decoding the segment gives.

One difference is deliberate: a block whose pickle is short is stored uncompressed (what
Whoosh's writer means to do and does not). The byte-for-byte tests turn that off
(`whooshs_compression`); the others check that stock Whoosh reads the blocks as written."""

from __future__ import annotations

import random
import struct
from pickle import loads

import numpy as np
import pytest
from whoosh import index as windex
from whoosh.codec.whoosh3 import W3TermInfo

from dangan.search import backend, fastwrite, sidecar, whoosh_internals
from dangan.search.schema import build_schema

HAN = "工资调整审批表退休花名册招工套改民办教师工龄王李张刘陈杨秀兰华明国庆一九八五年月日县局"


def _text(rng: random.Random, n: int) -> str:
    parts = []
    for _ in range(n):
        kind = rng.random()
        if kind < 0.8:
            parts.append("".join(rng.choice(HAN) for _ in range(rng.randint(1, 12))))
        elif kind < 0.9:
            parts.append(rng.choice(["ABC", "x12", "2024", "Q3"]))
        else:
            parts.append(rng.choice(["，", "。", " ", "（", "）", "\n"]))
    return "".join(parts)


def _doc(i: int, rng: random.Random) -> dict:
    path = f"f{i // 3}.jpg"
    year = rng.choice([1985, 1993, 1999, 2001])
    names = ",".join(rng.sample(["王秀兰", "李国庆", "张华", "刘明"], rng.randint(0, 3)))
    # Some pages are long (positions above 255 and 65,535 take other pickle codes).
    long = i % 97 == 0
    return {"key": f"{path}#{i % 3 + 1}", "path": path, "page": i % 3 + 1, "document": path,
            "page_in_document": i % 3 + 1, "archive_code": "A1", "doc_type": "other",
            "title": f"标题{i}", "persons_labelled": names.split(",")[0] if names else "",
            "persons": names, "persons_pinyin": "wang xiulan" if "王" in names else "",
            "years": [year, year + 1] if i % 5 else [year], "year_keys": str(year),
            "decades": f"{year // 10 * 10}s", "doc_numbers": f"劳字〔{year}〕{i % 40}号",
            # Comma lists as pages give them, and odd ones: a repeated name, spaces around
            # items, an item of spaces only, empty items.
            "ocr_alternatives": rng.choice(["", "王秀英,王秀英", " 张 华 , ,李国庆", ",,刘明,"]),
            "units": "东岭县劳动局", "id_numbers": "",
            "restricted": i % 7 == 0, "seal_text": "东岭县劳动局" if i % 4 == 0 else "",
            "alt_grams": _text(rng, 2) if i % 3 == 0 else "",
            "words": _text(rng, 30), "grams": _text(rng, 7000 if long else 40)}


def _docs(n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    return [_doc(i, rng) for i in range(n)]


def _write(folder, batches: list[list[dict]], fast: bool | list[bool], optimize_last: bool,
           pool_bytes: int | None = None, deletes: tuple[str, ...] = ()) -> list:
    """Each batch one commit; returns the PostingsWriter of each fast commit. `fast`: for
    all commits or commit by commit. `pool_bytes`: the pool's size limit in the last commit
    (Whoosh's is 128 MB), to make it spill to run files."""
    folder.mkdir()
    windex.create_in(str(folder), build_schema()).close()
    kept = []
    for n, batch in enumerate(batches):
        fast_now = fast[n] if isinstance(fast, list) else fast
        ix = windex.open_dir(str(folder))
        w = ix.writer(limitmb=128)
        lengths = w.per_document_reader
        w.per_document_reader = lambda lengths=lengths: fastwrite.LengthsInMemory(lengths())
        if fast_now:
            add, postings = fastwrite.install(w)
            kept.append(postings)
            if pool_bytes and n == len(batches) - 1:
                w.pool.pool.limit = pool_bytes
        if n == len(batches) - 1:
            for path in deletes:  # older segments get deletions (a merge leaves them out)
                w.delete_by_term("path", path)
        for doc in batch:
            add(doc) if fast_now else w.add_document(**doc)
        w.commit(optimize=optimize_last and n == len(batches) - 1, merge=False)
        ix.close()
    return kept


def _segment_files(folder) -> list[dict[str, bytes]]:
    """Every segment's files by extension (names carry the random segment id)."""
    ix = windex.open_dir(str(folder))
    out = []
    with ix.reader() as reader:
        for leaf, _ in reader.leaf_readers():
            seg = leaf._segment
            storage = seg.open_compound_file(ix.storage) if seg.is_compound() else ix.storage
            files = {}
            for name in storage.list():
                if name.startswith(seg.segment_id()):
                    f = storage.open_file(name)
                    files[name[len(seg.segment_id()):]] = f.read()
                    f.close()
            out.append(files)
    ix.close()
    return out


@pytest.fixture
def whooshs_compression(monkeypatch):
    """Every block zlib'd and pickled with protocol 2, as stock Whoosh does, so the bytes
    can be compared."""
    monkeypatch.setattr(fastwrite, "UNCOMPRESSED_BELOW", 0)
    monkeypatch.setattr(fastwrite, "BLOCK_PROTOCOL", 2)


def _block_compression(folder) -> list[int]:
    """The compression flag of every posting block in the index at `folder`."""
    flags = []
    ix = windex.open_dir(str(folder))
    with ix.reader() as reader:
        for leaf, _ in reader.leaf_readers():
            terms = leaf._terms
            buf = terms._postfile._buf
            for _, value in terms._tindex.items():
                # W3TermInfo.to_bytes: its stats, then the posting list's offset; each list
                # opens with a 4-byte magic, then its blocks: length, pickled info, data.
                pos = struct.unpack_from("!q", value, W3TermInfo._struct.size)[0] + 4
                while True:
                    length = struct.unpack_from("!i", buf, pos)[0]
                    info = loads(bytes(buf[pos + 4:pos + 4 + abs(length)]))
                    flags.append(info[3])
                    pos += 4 + abs(length)
                    if length < 0:
                        break
    ix.close()
    return flags


@pytest.mark.usefixtures("whooshs_compression")
def test_new_segments_are_byte_for_byte_whooshs(tmp_path):
    batches = [_docs(300, 1), _docs(200, 2)]
    _write(tmp_path / "stock", batches, fast=False, optimize_last=False)
    _write(tmp_path / "fast", batches, fast=True, optimize_last=False)
    stock, fast = _segment_files(tmp_path / "stock"), _segment_files(tmp_path / "fast")
    assert len(stock) == len(fast) == 2
    assert [sorted(s) for s in stock] == [sorted(f) for f in fast]
    for s, f in zip(stock, fast, strict=True):
        for ext in s:
            assert s[ext] == f[ext], ext


@pytest.mark.usefixtures("whooshs_compression")
def test_a_merged_segment_is_byte_for_byte_whooshs(tmp_path):
    batches = [_docs(150, 3), _docs(150, 4), _docs(100, 5)]
    gone = ("f3.jpg", "f17.jpg", "f40.jpg", "f49.jpg")
    _write(tmp_path / "stock", batches, fast=False, optimize_last=True, deletes=gone)
    _write(tmp_path / "fast", batches, fast=True, optimize_last=True, deletes=gone)
    stock, fast = _segment_files(tmp_path / "stock"), _segment_files(tmp_path / "fast")
    assert len(stock) == len(fast) == 1
    assert stock[0] == fast[0]


@pytest.mark.usefixtures("whooshs_compression")
def test_a_pool_that_spills_to_disk_writes_the_same(tmp_path, monkeypatch):
    """Many new pages in one commit overflow the pool: it spills into Whoosh's run files,
    and what is written is still exactly Whoosh's segment, with the same posting arrays."""
    batches = [_docs(150, 3), _docs(100, 5)]
    _write(tmp_path / "stock", batches, fast=False, optimize_last=True)
    spills = []
    save = fastwrite.TermPool.save
    monkeypatch.setattr(fastwrite.TermPool, "save", lambda pool: spills.append(1) or save(pool))
    kept = _write(tmp_path / "fast", batches, fast=True, optimize_last=True,
                  pool_bytes=200_000)
    assert len(spills) > 3
    assert _segment_files(tmp_path / "stock") == _segment_files(tmp_path / "fast")
    ix = windex.open_dir(str(tmp_path / "fast"))
    with ix.reader() as reader:
        (leaf, _), = reader.leaf_readers()
        _, decoded = whoosh_internals.decode_segment(leaf)
    ix.close()
    written = kept[-1].columns()
    assert all(np.array_equal(written[k], decoded[k]) for k in decoded)


@pytest.mark.usefixtures("whooshs_compression")
def test_a_merge_reads_its_segments_while_writing_and_holds_none_of_them(tmp_path,
                                                                         monkeypatch):
    """Merged segments' postings go from their files to the new segment term by term: a
    pool far too small to hold them never spills, and the segment is still Whoosh's."""
    batches = [_docs(150, 3), _docs(150, 4), _docs(4, 5)[1:]]  # the last three short
    _write(tmp_path / "stock", batches, fast=False, optimize_last=True)
    spills = []
    save = fastwrite.TermPool.save
    monkeypatch.setattr(fastwrite.TermPool, "save", lambda pool: spills.append(1) or save(pool))
    # The three new pages take about 270 KB of pool; each merged segment about 13 MB.
    _write(tmp_path / "fast", batches, fast=True, optimize_last=True, pool_bytes=1_000_000)
    assert spills == []
    assert _segment_files(tmp_path / "stock") == _segment_files(tmp_path / "fast")


def _resident_kb(path) -> int:
    """Resident kilobytes of this process's mappings of `path` (/proc/self/smaps)."""
    total, inside = 0, False
    with open("/proc/self/smaps", encoding="utf-8") as f:
        lines = f.readlines()
    for line in lines:
        head = line.split()
        if head and "-" in head[0] and len(head) >= 5:  # a mapping's first line
            inside = line.rstrip().endswith(str(path))
        elif inside and head and head[0] == "Rss:":
            total += int(head[1])
    return total


@pytest.mark.parametrize("release_every", [1_000, 10**12])
def test_a_merge_does_not_keep_the_segments_it_has_read_in_memory(tmp_path, monkeypatch,
                                                                  release_every):
    """A merge reads each segment once, front to back; the pages it has read leave the
    writer's resident memory as it goes (they stay in the page cache), where otherwise
    every merged segment would be resident until the merge ends."""
    monkeypatch.setattr(fastwrite, "_RELEASE_EVERY", release_every)
    _write(tmp_path / "ix", [_docs(150, 3)], fast=True, optimize_last=False)
    ix = windex.open_dir(str(tmp_path / "ix"))
    with ix.reader() as reader:
        (seg,) = [p for p in (tmp_path / "ix").iterdir() if p.suffix == ".seg"]
        postings = sum(len(ids) for _, _, ids, _, _ in fastwrite._segment_postings(
            reader.schema, reader, 0, None))
        resident = _resident_kb(seg)
    ix.close()
    assert postings > 20 * 1_000
    size_kb = seg.stat().st_size // 1024
    if release_every < postings:
        assert resident < size_kb // 4
    else:  # the same reading without releasing: the contrast that makes the check mean it
        assert resident > size_kb // 2


@pytest.mark.usefixtures("whooshs_compression")
def test_pages_added_after_a_segment_is_merged_in_are_numbered_after_it(tmp_path):
    """Whoosh's API lets a caller merge a segment in (`add_reader`) and then add pages;
    their postings follow the segment's, as in Whoosh's own segment."""
    for fast in (False, True):
        folder = tmp_path / ("fast" if fast else "stock")
        _write(folder, [_docs(80, 10)], fast=fast, optimize_last=False)
        ix = windex.open_dir(str(folder))
        with ix.reader() as reader:
            (leaf, _), = reader.leaf_readers()
            w = ix.writer()
            add = fastwrite.install(w)[0] if fast else (lambda d, w=w: w.add_document(**d))
            w.add_reader(leaf)
            for doc in _docs(20, 11):
                add(dict(doc, path="late-" + doc["path"], key="late-" + doc["key"]))
            w.commit(merge=False)
        ix.close()
    stock, fast = _segment_files(tmp_path / "stock"), _segment_files(tmp_path / "fast")
    assert stock[-1] == fast[-1]


def _same_postings(a_folder, b_folder) -> None:
    """Every term's postings, with weights and positions, through Whoosh's own reader."""
    a, b = windex.open_dir(str(a_folder)), windex.open_dir(str(b_folder))
    with a.reader() as ra, b.reader() as rb:
        terms = list(ra.all_terms())
        assert terms == list(rb.all_terms())
        for field, text in terms:
            kind = "positions" if a.schema[field].format.supports("positions") else "weight"
            assert list(ra.postings(field, text).items_as(kind)) == \
                list(rb.postings(field, text).items_as(kind))
    a.close()
    b.close()


def test_stock_whoosh_reads_the_same_postings(tmp_path):
    """The same check without comparing bytes, short blocks stored uncompressed: every
    term's postings through Whoosh's own reader, with weights and positions, and every
    stored field — for new pages and for a merge."""
    batches = [_docs(120, 6), _docs(60, 12)]
    _write(tmp_path / "stock", batches, fast=False, optimize_last=True)
    _write(tmp_path / "fast", batches, fast=True, optimize_last=True)
    flags = _block_compression(tmp_path / "fast")
    assert 0 in flags and any(flags)  # short blocks as they are, long ones zlib'd
    assert all(_block_compression(tmp_path / "stock"))
    _same_postings(tmp_path / "stock", tmp_path / "fast")
    a, b = windex.open_dir(str(tmp_path / "stock")), windex.open_dir(str(tmp_path / "fast"))
    with a.reader() as ra, b.reader() as rb:
        assert list(ra.all_stored_fields()) == list(rb.all_stored_fields())
        for field in ("words", "grams", "persons"):
            assert [ra.doc_field_length(d, field) for d in range(180)] == \
                [rb.doc_field_length(d, field) for d in range(180)]
    a.close()
    b.close()


def _postings_bytes(folder) -> int:
    return sum(len(files[".pst"]) for files in _segment_files(folder))


def test_blocks_store_bytes_as_bytes_and_the_postings_file_shrinks(tmp_path):
    """A block's data is pickled with a protocol that stores each posting's encoded
    positions as bytes (Whoosh's protocol 2 pickles them as calls that rebuild them): the
    same postings, read by stock Whoosh, in a smaller file."""
    batches = [_docs(150, 9)]
    _write(tmp_path / "stock", batches, fast=False, optimize_last=False)
    _write(tmp_path / "fast", batches, fast=True, optimize_last=False)
    _same_postings(tmp_path / "stock", tmp_path / "fast")
    assert _postings_bytes(tmp_path / "fast") < 0.8 * _postings_bytes(tmp_path / "stock")


def test_segments_of_either_block_protocol_merge_together(tmp_path):
    """An index written before (stock Whoosh's blocks, protocol 2) takes new segments of
    ours, and a merge of both holds every posting as an index written all by Whoosh."""
    batches = [_docs(120, 10), _docs(80, 11), _docs(40, 12)]
    _write(tmp_path / "stock", batches, fast=False, optimize_last=True)
    _write(tmp_path / "mixed", batches, fast=[False, True, True], optimize_last=True)
    assert len(_segment_files(tmp_path / "mixed")) == 1
    _same_postings(tmp_path / "stock", tmp_path / "mixed")


def test_posting_arrays_from_the_writer_are_those_decoded_from_the_segment(tmp_path):
    batches = [_docs(150, 7), _docs(150, 8)]
    kept = _write(tmp_path / "fast", batches, fast=True, optimize_last=True)
    ix = windex.open_dir(str(tmp_path / "fast"))
    with ix.reader() as reader:
        (leaf, _), = reader.leaf_readers()
        size, decoded = whoosh_internals.decode_segment(leaf)
        assert size == kept[-1].pst_size
        written = kept[-1].columns()
        assert sorted(written) == sorted(decoded)
        for name in decoded:
            assert written[name].dtype == decoded[name].dtype, name
            assert np.array_equal(written[name], decoded[name]), name
        # and the file itself: what the commit wrote == what `dangan repair` would write
        sidecar.write(tmp_path / "a.dgp", kept[-1].pst_size, written)
        sidecar.build(leaf, tmp_path / "b.dgp")
    ix.close()
    assert (tmp_path / "a.dgp").read_bytes() == (tmp_path / "b.dgp").read_bytes()


def test_a_shard_commit_writes_its_segment_arrays_without_decoding(tmp_path, monkeypatch):
    folder = tmp_path / "shard"
    folder.mkdir()
    windex.create_in(str(folder), build_schema()).close()
    decoded = []
    monkeypatch.setattr(sidecar, "build", lambda leaf, target: decoded.append(target))
    backend._apply(str(folder), [("add", d) for d in _docs(100, 9)])
    assert decoded == []
    ix = windex.open_dir(str(folder))
    with ix.reader() as reader:
        assert sidecar.missing(reader) == []
    ix.close()
