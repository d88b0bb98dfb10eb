"""The only door to Whoosh: open, write, search, schema version.

Everything that costs time in Whoosh is decided here; outside dangan/search nothing imports
whoosh. Which way Whoosh is driven — the fast path over its internals, or its stock public
API — is decided once per process by engine.status() (a check of what the fast path relies
on), here where an index is opened; the results are the same either way.

- Whoosh spends its time per posting in pure Python, on one core. The index is therefore split
  into shards (by a hash of the file path, so all pages of a file live together) and each
  commit writes the shards in parallel worker processes: one per core.
- Searching opens every shard's segments as one MultiReader, so scores use statistics of the
  whole collection; one searcher is reused across queries and threads and refreshed only when
  a shard has a newer commit.
- Year, type and unit are filters (cheap document sets), not scored clauses; bulky text and
  OCR boxes live in the page store, not here.
- Queries are evaluated by `fastpath` — numpy over Whoosh's own posting lists, a list at a
  time — and only shapes it does not know go through Whoosh's matchers (measured at 20,000
  pages: a two-word query from 180 ms to a few ms; see bench/scale.py).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor, wait
from contextlib import contextmanager
from multiprocessing import get_context
from pathlib import Path

from whoosh import index as windex
from whoosh import sorting
from whoosh.query import Query
from whoosh.reading import MultiReader
from whoosh.searching import Searcher

from . import engine as engine_check
from .hits import Found, Unsupported
from .schema import SCHEMA_VERSION, build_schema, term_shapers
from .whoosh_queries import to_whoosh

log = logging.getLogger(__name__)
VERSION_FILE = "dangan-schema.json"
# The index folder holds generations (gen-000001/ …), each a complete index with its own
# shards and version marker; CURRENT names the one searches use. A rebuild fills a new
# generation beside the live one and switches CURRENT (an atomic rename) only when it is
# complete, so a rebuild killed at any moment leaves the old index searchable and marked as
# needing the rebuild. An index from before generations (shards straight in the folder) is
# read as it is until its first rebuild.
POINTER_FILE = "CURRENT"
GENERATION_PREFIX = "gen-"
DEFAULT_SHARDS = 2


class IndexMissing(RuntimeError):
    """No index at the configured place yet: run `dangan index` first."""


def shard_of(path: str, shards: int) -> int:
    """Stable across runs and machines. Not CRC-32: its low bits are linear in the input, so
    names that differ in one digit (…-0001.jpg, …-0002.jpg) would all land in one shard."""
    digest = hashlib.blake2b(path.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % shards


# Ctrl-C reaches the terminal's whole process group, and `kill -TERM -<pgid>` or systemd's
# default stop reach every process of the batch: a shard writer that died of either broke the
# writer pool under the batch's own orderly stop (BrokenProcessPool, exit 1, a traceback).
# Writers leave both signals to the batch, which stops after its commit and closes them; they
# still die with it when it is killed (dangan/children.py).
_STOP_SIGNALS = ("SIGINT", "SIGTERM")


@contextmanager
def _stop_signals_ignored_by_new_processes():
    """Writer processes are started (on the first submit) with Ctrl-C and SIGTERM ignored: an
    ignored signal stays ignored across exec, so one that reaches a writer while it is still
    starting, before its initializer runs, does not kill it. The batch handles both."""
    import signal

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.signal(getattr(signal, s), signal.SIG_IGN) for s in _STOP_SIGNALS}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(getattr(signal, s), handler)


def _writer_process_init() -> None:
    """Shard writers die with the batch (dangan/children.py) and leave Ctrl-C and SIGTERM to
    it: a writer finishes the commit it is in."""
    import signal

    from dangan.children import die_with_parent

    for s in _STOP_SIGNALS:
        signal.signal(getattr(signal, s), signal.SIG_IGN)
    die_with_parent()


def _apply(shard_dir: str, ops: list[tuple[str, object]]) -> int:
    """Runs in a writer process (or inline): apply deletes and adds to one shard, commit —
    through the fast writer when this process's check passed, else stock Whoosh's."""
    # The verdict is kept beside the shards (engine.py): the generation folder above them.
    if engine_check.status(remember_in=Path(shard_dir).parent).fast:
        from . import fastwrite

        return fastwrite.commit(shard_dir, ops)
    return _stock_commit(shard_dir, ops)


def _stock_commit(shard_dir: str, ops: list[tuple[str, object]]) -> int:
    """Whoosh's public writer API only: the same segments' contents, no posting arrays."""
    ix = windex.open_dir(shard_dir)
    w = ix.writer(limitmb=128)
    try:
        for op, arg in ops:
            if op == "delete":
                w.delete_by_term("path", arg)
            else:
                w.add_document(**arg)
    except BaseException:
        w.cancel()
        raise
    w.commit()
    ix.close()
    return len(ops)


class _Generation:
    """One searcher over the shards' commits at one moment, with its fast-path executor and
    the number of searches still using it (guarded by SearchIndex._lock)."""

    def __init__(self, searcher: Searcher, generations: list[int], arrays: bool = True):
        self.searcher = searcher
        self.arrays = arrays
        self.generations = generations
        self.leases = 0
        self.retired = False
        self._executor = None
        self._executor_lock = threading.Lock()

    def executor(self):
        """The fast path's executor for this searcher (only when engine.status() is fast)."""
        from .fastpath import Executor

        with self._executor_lock:
            if self._executor is None:
                self._executor = Executor(self.searcher.reader(), arrays=self.arrays)
            return self._executor

    def close(self) -> None:
        self.searcher.close()


class SearchIndex:
    def __init__(self, index_dir: Path, shards: int | None = None, engine: str = "fast"):
        """`engine`: "fast" (numpy over the postings, Whoosh for what it cannot do),
        "fast-blocks" (the same, ignoring the posting arrays beside segments: decoding
        Whoosh's blocks, as before they existed) or "whoosh" (Whoosh's matchers only).
        "fast" and "fast-blocks" run as "whoosh" when this process's check of Whoosh's
        internals failed (engine.py); `path` says which way searches run."""
        self.dir = Path(index_dir)
        self._shards = shards
        self.engine = engine
        self._ixs: list | None = None
        self._gen: _Generation | None = None
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None
        self._live: Path | None = None

    @property
    def path(self) -> str:
        """"fast" or "stock": how this index's searches are run in this process."""
        fast = self.engine in ("fast", "fast-blocks") and engine_check.status().fast
        return engine_check.FAST if fast else engine_check.STOCK

    # -- lifecycle ---------------------------------------------------------------------
    def live_dir(self) -> Path:
        """The generation searches use now (the folder itself for an index from before
        generations)."""
        try:
            name = (self.dir / POINTER_FILE).read_text(encoding="utf-8").strip()
        except OSError:
            return self.dir
        return self.dir / name if name.startswith(GENERATION_PREFIX) else self.dir

    def _meta(self, where: Path | None = None) -> dict:
        try:
            return json.loads(((where or self.live_dir()) / VERSION_FILE).read_text())
        except (OSError, ValueError):
            return {}

    def stored_version(self) -> int | None:
        v = self._meta().get("version")
        return int(v) if v is not None else None

    @property
    def shard_count(self) -> int:
        return int(self._meta().get("shards") or self._shards or DEFAULT_SHARDS)

    def _shard_dirs(self, n: int | None = None, where: Path | None = None) -> list[Path]:
        base = where or self._live or self.live_dir()
        return [base / f"shard-{i:02d}" for i in range(n or self.shard_count)]

    def is_current(self) -> bool:
        return self.outdated_reason() is None

    def outdated_reason(self) -> str | None:
        """Why the index must be (re)built from the page store, in words for the batch
        summary; None when it is current."""
        live = self.live_dir()
        meta = self._meta(live)
        if not meta or not all(windex.exists_in(str(d)) for d in self._shard_dirs(
                int(meta.get("shards") or DEFAULT_SHARDS), live)):
            return "索引已创建 / index created"
        if meta.get("version") != SCHEMA_VERSION:
            return (f"索引已按新结构重建 / index rebuilt for schema version {SCHEMA_VERSION} "
                    f"(was {meta.get('version')})")
        if self._shards and meta.get("shards") != self._shards:
            return f"索引已按 {self._shards} 个分片重建 / index rebuilt with {self._shards} shards"
        stored, now = meta.get("shapers") or {}, term_shapers()
        changed = [f"{k} {stored.get(k, '?')} → {v}" for k, v in now.items()
                   if stored.get(k) != v]
        if changed:
            return f"索引已因分词依据变化重建 / index rebuilt: {', '.join(changed)}"
        return None

    def exists(self) -> bool:
        """Is there an index to search at all (current or not)?"""
        live = self.live_dir()
        meta = self._meta(live)
        return bool(meta) and all(windex.exists_in(str(d)) for d in self._shard_dirs(
            int(meta.get("shards") or DEFAULT_SHARDS), live))

    @contextmanager
    def rebuilding(self):
        """A new generation with the current schema, filled through the writer this yields
        and switched to only when the block ends without error. Until then searches (in
        this and every other process) keep using the live generation; the version marker
        is written last, after every shard has committed, and the switch is one rename."""
        self.close()
        n = self._shards or DEFAULT_SHARDS
        self.dir.mkdir(parents=True, exist_ok=True)
        self._remove_unfinished()
        number = 1 + max([int(p.name[len(GENERATION_PREFIX):]) for p in self._generations_on_disk()]
                         or [0])
        new = self.dir / f"{GENERATION_PREFIX}{number:06d}"
        new.mkdir()
        for d in self._shard_dirs(n, new):
            d.mkdir()
            windex.create_in(str(d), build_schema()).close()
        dirs = self._shard_dirs(n, new)
        w = _Writer(n, flush=lambda collected: self._commit(collected, dirs))
        try:
            yield w
            self._commit(w, dirs)
        except BaseException:  # a full disk, Ctrl-C: nothing half-built stays on the disk
            self.close()
            shutil.rmtree(new, ignore_errors=True)
            raise
        _write_atomically(new / VERSION_FILE, json.dumps({"version": SCHEMA_VERSION, "shards": n,
                                                         "shapers": term_shapers()}))
        old = self.live_dir()
        _write_atomically(self.dir / POINTER_FILE, new.name + "\n")
        self.close()
        self._remove_old(old, keep=new)

    def create(self) -> None:
        """A new empty index with the current schema (the live one stays until it is
        complete)."""
        with self.rebuilding():
            pass

    def _generations_on_disk(self) -> list[Path]:
        return sorted(p for p in self.dir.glob(GENERATION_PREFIX + "*") if p.is_dir()
                      and p.name[len(GENERATION_PREFIX):].isdigit())

    def stale_generations(self) -> list[Path]:
        """Generation folders searches do not use: half-built by a rebuild killed before its
        switch, or the previous one when the kill came between the switch and its removal.
        (While a rebuild runs its new generation is one of them: ask under the batch lock.)"""
        live = self.live_dir()
        return [g for g in self._generations_on_disk() if g != live] if self.dir.exists() else []

    def remove_stale(self) -> list[str]:
        """Delete the stale generations (call under the batch lock); their names."""
        stale = self.stale_generations()
        for g in stale:
            shutil.rmtree(g, ignore_errors=True)
        return [g.name for g in stale]

    def _remove_unfinished(self) -> None:
        """Generations a killed rebuild left behind (no version marker, not live)."""
        live = self.live_dir()
        for g in self._generations_on_disk():
            if g != live and not (g / VERSION_FILE).exists():
                shutil.rmtree(g, ignore_errors=True)

    def _remove_old(self, old: Path, keep: Path) -> None:
        """After a switch: the previous generation's files (a reader that still has them
        open keeps its mapping; the next search opens the new generation)."""
        for g in self._generations_on_disk():
            if g != keep:
                shutil.rmtree(g, ignore_errors=True)
        if old == self.dir:  # an index from before generations, straight in the folder
            for p in self.dir.glob("shard-*"):
                shutil.rmtree(p, ignore_errors=True)
            for old_file in self.dir.glob("*"):
                if old_file.is_file() and (
                        old_file.name == VERSION_FILE
                        or old_file.suffix in (".toc", ".seg", ".pst", ".trm")
                        or old_file.name.startswith(("_MAIN", "MAIN_"))):
                    old_file.unlink()

    def _open(self) -> list:
        live = self.live_dir()
        if self._ixs is not None and live != self._live:
            self._close_readers()  # a rebuild switched generations under us
        if self._ixs is None:
            # The check (or its remembered verdict), and the fast path's set-up, first.
            engine_check.status(remember_in=self.dir if self.dir.is_dir() else None)
            meta = self._meta(live)
            dirs = self._shard_dirs(int(meta.get("shards") or DEFAULT_SHARDS), live)
            if not meta or not all(windex.exists_in(str(d)) for d in dirs):
                raise IndexMissing(f"no index in {self.dir}; run `dangan index` first")
            self._ixs = [windex.open_dir(str(d)) for d in dirs]
            self._live = live
        return self._ixs

    def close(self) -> None:
        with self._lock:
            self._close_readers()
            if self._pool is not None:
                self._pool.shutdown()
                self._pool = None

    def _close_readers(self) -> None:
        """Forget the open shards (called with the lock held): the searcher is retired and
        closed once its last lease is returned, so a search running meanwhile finishes."""
        gen, self._gen = self._gen, None
        if gen is not None:
            gen.retired = True
            if gen.leases == 0:
                gen.close()
        for ix in self._ixs or []:
            ix.close()
        self._ixs = None
        self._live = None

    # -- writing -----------------------------------------------------------------------
    @contextmanager
    def writer(self):
        """Collect one batch of changes; on success every touched shard commits, in parallel.
        On error nothing is written."""
        with self._lock:
            self._open()
            dirs = self._shard_dirs(len(self._ixs), self._live)
        w = _Writer(len(dirs))
        yield w
        self._commit(w, dirs)

    def _commit(self, w: _Writer, dirs: list[Path]) -> None:
        jobs = [(str(dirs[i]), ops) for i, ops in enumerate(w.ops) if ops]
        t0 = time.monotonic()
        if len(jobs) > 1:
            with _stop_signals_ignored_by_new_processes():
                if self._pool is None:
                    self._pool = ProcessPoolExecutor(len(dirs), mp_context=get_context("spawn"),
                                                     initializer=_writer_process_init)
                futures = [self._pool.submit(_apply, d, ops) for d, ops in jobs]
            wait(futures)  # every writer done, even when one failed: none writes on after
            for f in futures:
                f.result()
        else:
            for d, ops in jobs:
                _apply(d, ops)
        if jobs:
            log.info("index commit: %d shard(s), %d change(s) in %.2fs", len(jobs),
                     sum(len(ops) for _, ops in jobs), time.monotonic() - t0)

    # -- reading -----------------------------------------------------------------------
    def _current(self) -> _Generation:
        """The generation for the shards' latest commits (called with the lock held); the one
        it replaces is retired and closed once its last lease is returned."""
        ixs = self._open()
        generations = [ix.latest_generation() for ix in ixs]
        gen = self._gen
        if gen is None or generations != gen.generations:
            readers = [ix.reader() for ix in ixs]
            leaves = [leaf for r in readers for leaf, _ in r.leaf_readers()
                      if leaf.doc_count_all()]
            if not leaves:
                reader = readers[0]
            elif len(leaves) == 1:
                reader = leaves[0]
            else:
                reader = MultiReader(leaves)
            self._gen = _Generation(Searcher(reader), generations,
                                    arrays=self.engine != "fast-blocks")
            log.info("searcher refreshed: generations %s, %d pages", generations,
                     reader.doc_count())
            if gen is not None:
                gen.retired = True
                if gen.leases == 0:
                    gen.close()
            gen = self._gen
        return gen

    @contextmanager
    def lease(self):
        """The current searcher, held open for the `with` block even if a commit lands
        meanwhile: waitress searches on several threads while a batch commits, and closing
        a reader under a running search fails it (ReaderClosed, "Block tag error")."""
        with self._lock:
            gen = self._current()
            gen.leases += 1
        try:
            yield gen
        finally:
            with self._lock:
                gen.leases -= 1
                if gen.retired and gen.leases == 0:
                    gen.close()

    def searcher(self) -> Searcher:
        """The current searcher, reused across queries until a shard has a newer commit.
        Without a lease: for one thread that does not commit meanwhile (benchmarks, tests);
        concurrent readers use `lease()`."""
        with self._lock:
            return self._current().searcher

    def executor(self, searcher: Searcher | None = None):
        """The fast path for the current generation: a new reader after a commit gets a new
        executor, so its caches never go stale (benchmarks and tests; searches go through
        `search`)."""
        from .fastpath import Executor

        with self._lock:
            gen = self._current()
            if searcher is not None and searcher is not gen.searcher:
                return Executor(searcher.reader())
            return gen.executor()

    def warm(self) -> None:
        """Open the searcher and load what the first query would otherwise wait for (field
        lengths of the scored fields). `dangan serve` calls this once in the background."""
        # Ask the OS to read the index into its cache: the segments and their posting arrays
        # (which a query reads instead of the segments' postings).
        for pattern in ("*.seg", "*.dgp"):
            for seg in self.live_dir().rglob(pattern):
                with open(seg, "rb") as f:
                    os.posix_fadvise(f.fileno(), 0, 0, os.POSIX_FADV_WILLNEED)
        if self.path == engine_check.FAST:
            self.executor().preload()
        else:
            self.doc_count()  # opens the searcher; stock Whoosh loads lengths as it goes

    def search(self, query: Query, *, filter: Query | None = None, mask: Query | None = None,
               limit: int | None = 10, page: int = 1,
               facets: dict[str, str] | None = None) -> Found:
        """The page of hits for `query`, with each hit's stored fields, the total and, when
        `facets` maps names to fields, the count of hits per value of each field. The
        queries are dangan's own (terms.py), handed to Whoosh here."""
        query, filter, mask = to_whoosh(query), to_whoosh(filter), to_whoosh(mask)
        with self.lease() as gen:
            searcher = gen.searcher
            if not searcher.doc_count_all():  # a new, empty index: nothing to match, no error
                return Found(total=0, docs=[], facets={name: {} for name in facets or {}})
            found = None
            if self.path == engine_check.FAST:
                try:
                    found = gen.executor().search(query, filter, mask, limit, page, facets)
                except Unsupported:
                    found = None
            if found is None:
                found = self._whoosh_search(searcher, query, filter, mask, limit, page,
                                            facets)
            found.stored = [searcher.stored_fields(docnum) for docnum, _ in found.docs]
            return found

    @staticmethod
    def _whoosh_search(s: Searcher, query, filter, mask, limit, page, facets) -> Found:
        groupedby = ({name: sorting.FieldFacet(f, allow_overlap=f != "doc_type",
                                               maptype=sorting.Count)
                      for name, f in facets.items()} if facets else None)
        # Every hit is scored and the page cut here: Whoosh's top-k collector under a limit
        # is not exact — on the sample, "工资 调整" limited to 10 left out two pages that score
        # in its top 10 (found with a larger limit, and by the fast path). The stock path is
        # the slow, correct one.
        raw = s.search(query, filter=filter, mask=mask, limit=None, groupedby=groupedby)
        total = len(raw)
        start = (page - 1) * limit if limit else 0
        shown = raw[start:start + limit] if limit else raw
        found = Found(total=total, docs=[(hit.docnum, float(hit.score or 0)) for hit in shown],
                      path=engine_check.STOCK)
        for name in facets or {}:
            found.facets[name] = {k: v for k, v in raw.groups(name).items() if k}
        return found

    def doc_count(self) -> int:
        with self.lease() as gen:
            return gen.searcher.doc_count()

    def copy_live(self, dest: Path) -> Path:
        """Copy the live generation into `dest` (a new index folder) and make it live there.
        Call it while no writer commits (the batch's commit lock): every file is then part
        of a committed generation."""
        live = self.live_dir()
        if not self.exists():
            raise IndexMissing(f"no index in {self.dir}")
        name = live.name if live != self.dir else f"{GENERATION_PREFIX}000001"
        target = dest / name
        if live == self.dir:
            target.mkdir(parents=True)
            shutil.copy2(live / VERSION_FILE, target / VERSION_FILE)
            for d in live.glob("shard-*"):
                shutil.copytree(d, target / d.name)
        else:
            shutil.copytree(live, target)
        _write_atomically(dest / POINTER_FILE, name + "\n")
        return target

    def segments_without_arrays(self) -> list[str]:
        """Segments of the live generation whose posting arrays (sidecar.py) are missing or
        unusable: searches read them from Whoosh's blocks — the same results, slower. None
        are expected on the stock path, which neither writes nor reads them."""
        if self.path != engine_check.FAST:
            return []
        from . import sidecar

        out = []
        for d, ix in zip(self._shard_dirs(len(self._open())), self._open(), strict=True):
            with ix.reader() as reader:
                out += [f"{d.name}/{seg}" for seg in sidecar.missing(reader)]
        return out

    def size_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.dir.rglob("*") if p.is_file())

    def all_keys(self) -> Iterable[str]:
        with self.lease() as gen:
            return [f["key"] for f in gen.searcher.all_stored_fields()]


class _Writer:
    """Changes for one commit, sorted by shard. Nothing touches disk until the commit."""

    def __init__(self, shards: int, flush=None):
        """`flush(writer)`: commits what is collected so far; only a rebuilding writer has
        one (a new generation is not live until it is complete, so a partial one is never
        searched)."""
        self.shards = shards
        self.ops: list[list[tuple[str, object]]] = [[] for _ in range(shards)]
        self._flush = flush

    def replace_pages(self, path: str, docs: list[dict]) -> None:
        """Drop whatever the index had for `path`, then add its pages: no duplicates, and a
        file that lost pages loses them in the index too."""
        ops = self.ops[shard_of(path, self.shards)]
        ops.append(("delete", path))
        ops.extend(("add", doc) for doc in docs)

    def add_pages(self, path: str, docs: list[dict]) -> None:
        """Add a file's pages without deleting first: only into a new, empty generation
        (`rebuilding`), where the path cannot be yet."""
        self.ops[shard_of(path, self.shards)].extend(("add", doc) for doc in docs)

    def flush(self) -> None:
        """Commit what is collected so far and go on collecting (only while `rebuilding`)."""
        if self._flush is None:
            raise RuntimeError("flush() is only for a rebuilding writer")
        self._flush(self)
        self.ops = [[] for _ in range(self.shards)]

    def delete_path(self, path: str) -> None:
        self.ops[shard_of(path, self.shards)].append(("delete", path))


def _write_atomically(path: Path, text: str) -> None:
    """Write then rename: a reader sees the old file or the new one, never half of one."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
