"""The OCR stage on Dask: an in-process LocalCluster by default, or an archive's own cluster.

OCR is the cost (seconds of CPU per page), so it goes wherever there are cores: by default one
worker process per core of this machine, or `--scheduler tcp://HOST:8786` to use the office PCs
running `dask worker`. Workers only read pages and return text, boxes and fields; the single
writer on the submitting machine commits. Tasks are keyed by engine, file hash and page, so a
page is never OCR'd twice in a batch, and a worker that dies has its pages retried elsewhere.
Pages travel as bytes, one page per task (sources.PageSplitter cuts them out where the batch
runs): workers need dangan installed, not access to the scan folder.
"""

from __future__ import annotations

import hashlib
import logging
import os
import signal
import tempfile
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

from distributed.diagnostics.plugin import WorkerPlugin

_ENGINES: dict[tuple, object] = {}


def ink_fraction(image) -> float:
    """How much of the page is clearly darker than the paper: a page with ink and no text
    read is worth a warning (a format read wrongly, a faint or upside-down scan)."""
    import numpy as np

    grey = np.asarray(image.convert("L").reduce(4) if min(image.size) > 64 else
                      image.convert("L"), dtype=np.int16)
    paper = int(np.percentile(grey, 90))
    return float(np.mean(grey < paper - 80))


def ocr_page(data: bytes, suffix: str, index: int, kind: str, engine: str, threads: int,
             max_side_len: int, max_pixels: int) -> tuple[int, int, list, float, dict, float]:
    """Runs on a Dask worker: one page of a file given as bytes → size, lines, fields, and
    the share of the page that is ink.

    The engine is created once per worker process (model load is ~1 s and ~1 GB)."""
    from . import sources
    from .fields import extract
    from .ocr.base import create_engine
    from .ocr.seals import read_page

    os.environ.setdefault("OMP_NUM_THREADS", str(threads))
    key = (engine, threads, max_side_len)
    if key not in _ENGINES:
        _ENGINES[key] = create_engine(engine, threads=threads, max_side_len=max_side_len)
    t0 = time.monotonic()
    # The page readers work on files (and check them); a private temporary copy keeps them so.
    with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
        tmp.write(data)
        tmp.flush()
        image = sources.render_page(sources.PageRef(Path(tmp.name), index, kind), max_pixels)
    lines = read_page(_ENGINES[key], image)
    return (image.width, image.height, [ln.to_json() for ln in lines],
            time.monotonic() - t0, extract(lines).to_json(), ink_fraction(image))


class _DieWithBatch(WorkerPlugin):
    """Worker plugin for the local cluster: a worker process dies with the batch."""

    name = "dangan-die-with-batch"

    def setup(self, worker) -> None:
        from dangan.children import die_with_parent

        die_with_parent()


class OcrCluster:
    """`with OcrCluster(...) as c: c.submit(...); for fut in c.completed(): ...`"""

    def __init__(self, workers: int, scheduler: str | None, engine: str, threads: int,
                 max_side_len: int, max_pixels: int):
        self.workers = workers
        self.scheduler = scheduler
        self.args = (engine, threads, max_side_len, max_pixels)
        self.client = None
        self.cluster = None
        self._files: dict[str, object] = {}  # sha256 → the file's PageSplitter while in use

    def __enter__(self) -> OcrCluster:
        from distributed import Client, LocalCluster

        if self.scheduler:
            self.client = Client(self.scheduler, timeout="30s")
        else:
            # No dashboard, quiet logs: this is a batch job, not a service. The workers are
            # started with Ctrl-C ignored (an ignored signal stays ignored across exec): the
            # batch stops them itself after its commit, instead of each printing a traceback.
            previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
            try:
                # dashboard_address=None alone still opens the scheduler's HTTP endpoint on
                # 8787 and warns "Port 8787 is already in use" when anything holds that port
                # (another batch, a notebook): it gets a free loopback port instead.
                self.cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1,
                                            processes=True, dashboard_address=None,
                                            scheduler_kwargs={"dashboard_address":
                                                              "127.0.0.1:0"},
                                            # CRITICAL, not ERROR: a worker whose heartbeat
                                            # meets the scheduler closing at the batch's end
                                            # logs a traceback at ERROR (seen once in three
                                            # full test runs); a task's own error reaches the
                                            # batch through its future, as that file's failure.
                                            silence_logs=logging.CRITICAL)
            finally:
                signal.signal(signal.SIGINT, previous)
            self.client = Client(self.cluster)
            # Our own workers die with the batch; an archive's cluster outlives it, as it should.
            self.client.register_plugin(_DieWithBatch())
        return self

    def __exit__(self, *exc) -> None:
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    def page_task(self, path: Path, sha256: str, index: int, kind: str,
                  pages_in_file: int) -> tuple[bytes, str, int]:
        """What one page's task carries: that page alone, cut out of the file's bytes here
        (bytes, suffix, index inside them). The file is read once, while its pages are in
        flight."""
        from .sources import BadFile, PageSplitter

        if sha256 not in self._files:
            data = path.read_bytes()
            # The bytes OCR'd must be the bytes hashed: a file replaced since it was planned
            # would otherwise put another page's text into this content's cache entry.
            if hashlib.sha256(data).hexdigest() != sha256:
                raise BadFile("文件在索引过程中被修改，下次运行时重新读取 / file changed while "
                              "being indexed; it is read again next run")
            self._files[sha256] = PageSplitter(data, path.suffix, self.args[3])
        return self._files[sha256].page(index, kind, pages_in_file)

    def _submit(self, path: Path, sha256: str, index: int, kind: str, pages_in_file: int):
        # The page's bytes travel inside the task, not scattered to one worker: if that
        # worker dies, the scheduler can still rerun the page elsewhere (scattered data
        # would be lost with it).
        data, suffix, at = self.page_task(path, sha256, index, kind, pages_in_file)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*[Ll]arge object.*")
            return self.client.submit(ocr_page, data, suffix, at, kind, *self.args, retries=2,
                                      key=f"ocr-{self.args[0]}-{sha256}-{index}")

    def run(self, jobs: list, window: int, skip=lambda job: False,
            stopping=lambda: False) -> Iterator:
        """Yield (job, result, error) as pages finish. A job is (item, ref) where item has
        .path and .sha256; at most `window` pages are in flight, so a batch of ten thousand
        files never sits in the cluster's memory at once. `skip(job)` drops pages of files
        that already failed; `stopping()` true ends the run without waiting for the pages in
        flight (their OCR is lost, nothing else)."""
        from collections import Counter

        from distributed import as_completed

        queue = list(jobs)
        left = Counter(item.sha256 for item, _ in queue)
        pending: dict = {}
        refused: list = []  # pages that could not even be sent (the file is unreadable now)
        done = as_completed()

        def fill() -> None:
            while queue and len(pending) < window and not refused:
                job = queue.pop(0)
                item, ref = job
                if skip(job):
                    self._release(item.sha256, left)
                    continue
                try:
                    fut = self._submit(item.path, item.sha256, ref.index, ref.kind,
                                       len(item.refs))
                except Exception as e:
                    self._release(item.sha256, left)
                    refused.append((job, None, e))
                    continue
                pending[fut] = job
                done.add(fut)

        def drain_refused() -> Iterator:
            while refused:
                yield refused.pop(0)
                fill()

        fill()
        yield from drain_refused()
        while pending:
            while not done.has_ready():
                if stopping():
                    return
                time.sleep(0.05)
            fut = next(done)
            job = pending.pop(fut)
            try:
                result, error = fut.result(), None
            except Exception as e:  # BadFile from the page reader, or a worker lost for good
                result, error = None, e
            self._release(job[0].sha256, left)
            yield job, result, error
            fill()
            yield from drain_refused()

    def _release(self, sha256: str, left) -> None:
        left[sha256] -= 1
        if left[sha256] <= 0:
            self._files.pop(sha256, None)  # the file's bytes can go
