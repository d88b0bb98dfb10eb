"""Load on a real `dangan serve` over loopback while batches commit: errors and latency.

Copies an indexed archive (index + data folder) to a temporary folder, starts `dangan serve`
on 127.0.0.1 with it, and runs CLIENTS simulated counter windows for SECONDS: each logs in,
registers visits (查档登记), searches by person and opens pages from the hits. Meanwhile a
writer commits small batches into the copied index, as `dangan index` does when new scans
arrive. Everything is bounded (time, clients) and loopback only; the copy is deleted after.

    .venv/bin/python bench/load.py --config /path/to/indexed/config.toml \
        [--clients 8] [--seconds 45] [--commit-every 0.3]

Prints, per kind of request: count, HTTP 5xx, other failures, p50 and p95 in ms; and the
number of commits made. Exit status 1 when any request answered 5xx.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path

from dangan import config as config_mod
from dangan.search.backend import SearchIndex

PERSONS = ["王秀英", "张付明", "李建国", "曾广才", "欧阳红", "陈秀兰", "刘", "王"]
VALID_IDS = ["11010519491231002X"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def copy_archive(cfg: config_mod.Config, into: Path) -> Path:
    shutil.copytree(cfg.index_dir, into / "index")
    data = into / "data"
    data.mkdir()
    for f in Path(cfg.data_dir).glob("pages.sqlite3*"):
        shutil.copy2(f, data / f.name)
    path = into / "config.toml"
    path.write_text("\n".join([
        "[archive]", 'name = "压测档案馆"', 'code = "L01"',
        "[paths]", f'scan_root = "{cfg.scan_root}"', f'index_dir = "{into / "index"}"',
        f'data_dir = "{data}"', ""]), encoding="utf-8")
    return path


class Window:
    """One counter PC: its own cookies, its own CSRF token."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect())
        self.token = ""

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = None
        if data is not None:
            body = urllib.parse.urlencode({**data, "csrf_token": self.token}).encode()
        try:
            with self.opener.open(self.base + path, body, timeout=60) as r:
                text = r.read().decode("utf-8", "replace")
                status = r.status
        except urllib.error.HTTPError as e:
            text, status = e.read().decode("utf-8", "replace"), e.code
        if m := re.search(r'name="csrf_token" value="([^"]+)"', text):
            self.token = m.group(1)
        return status, text


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def writer(index_dir: Path, stop: threading.Event, every: float, commits: list[int]) -> None:
    """Commit a few synthetic pages at a time, replacing them again and again."""
    index = SearchIndex(index_dir)
    n = 0
    while not stop.is_set():
        with index.writer() as w:
            for i in range(4):
                path = f"load/{(n * 4 + i) % 24:03d}.jpg"
                name = random.choice(PERSONS)
                w.replace_pages(path, [{
                    "key": f"{path}#1", "path": path, "page": 1, "document": path,
                    "page_in_document": 1, "archive_code": "", "doc_type": "other",
                    "title": "", "persons_labelled": name, "persons": name,
                    "persons_pinyin": "", "years": [1993], "year_keys": "1993",
                    "decades": "1990s", "doc_numbers": "", "units": "", "id_numbers": "",
                    "restricted": False, "words": name, "grams": name}])
        n += 1
        commits[0] = n
        stop.wait(every)
    index.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--config", required=True, help="config.toml of an indexed archive")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=45)
    ap.add_argument("--commit-every", type=float, default=0.3,
                    help="seconds between commits; 0 for no writer")
    args = ap.parse_args()
    if not 1 <= args.clients <= 32 or not 1 <= args.seconds <= 600:
        ap.error("bounded: 1–32 clients, 1–600 seconds")
    cfg = config_mod.load(args.config)
    tmp = Path(tempfile.mkdtemp(prefix="dangan-load-"))
    server = None
    try:
        config = copy_archive(cfg, tmp)
        from dangan.web.app import create_app

        app = create_app(config_mod.load(config))
        for i in range(args.clients):
            app.extensions["dangan_db"].add_user(f"window{i}", "load-password")
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "dangan.cli", "--config", str(config), "serve", "--host",
             "127.0.0.1", "--port", str(port)], stdout=subprocess.DEVNULL,
            stderr=open(tmp / "serve.log", "wb"))  # noqa: SIM115 (lives as long as the server)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/login", timeout=2).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("server did not start; see " + str(tmp / "serve.log")
                                     ) from None
                time.sleep(0.3)

        times: dict[str, list[float]] = defaultdict(list)
        fails: dict[str, int] = defaultdict(int)
        server_errors: dict[str, int] = defaultdict(int)
        lock = threading.Lock()
        stop = threading.Event()
        commits = [0]

        def timed(kind: str, call, ok=(200, 302)) -> str:
            t0 = time.perf_counter()
            try:
                status, text = call()
            except OSError:
                status, text = 0, ""
            with lock:
                times[kind].append(time.perf_counter() - t0)
                if status >= 500:
                    server_errors[kind] += 1
                elif status not in ok:
                    fails[kind] += 1
            return text

        def client(i: int) -> None:
            w = Window(base)
            w.request("/login")
            timed("login", lambda: w.request("/login", {"username": f"window{i}",
                                                         "password": "load-password"}))
            rng = random.Random(i)
            n = 0
            while not stop.is_set():
                if n % 5 == 0:
                    w.request("/visits/new")
                    timed("visit", lambda: w.request("/visits/new", {
                        "requester_name": "李四", "id_number": rng.choice(VALID_IDS),
                        "relationship": "本人", "purpose": "工龄认定"}))
                person = urllib.parse.quote(rng.choice(PERSONS))
                html = timed("search", lambda p=person: w.request(f"/?person={p}"))
                pages = re.findall(r'href="/page/(\d+)', html)
                if pages:
                    page = rng.choice(pages)
                    timed("view", lambda p=page: w.request(f"/page/{p}"))
                n += 1

        writer_thread = None
        if args.commit_every > 0:
            writer_thread = threading.Thread(target=writer, args=(
                tmp / "index", stop, args.commit_every, commits))
            writer_thread.start()
        threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
        for t in threads:
            t.start()
        time.sleep(args.seconds)
        stop.set()
        for t in threads:
            t.join()
        if writer_thread:
            writer_thread.join()

        print(f"{args.clients} clients, {args.seconds:g} s, {commits[0]} commits "
              f"(one every {args.commit_every:g} s)")
        print(f"{'kind':8} {'count':>6} {'5xx':>5} {'other':>6} {'p50 ms':>7} {'p95 ms':>7}")
        total_5xx = 0
        for kind in ("login", "visit", "search", "view"):
            t = sorted(times[kind])
            if not t:
                continue
            p95 = t[min(len(t) - 1, int(len(t) * 0.95))]
            total_5xx += server_errors[kind]
            print(f"{kind:8} {len(t):6d} {server_errors[kind]:5d} {fails[kind]:6d} "
                  f"{statistics.median(t) * 1000:7.0f} {p95 * 1000:7.0f}")
        print(f"HTTP 5xx in all: {total_5xx}")
        if total_5xx:  # what the server said about them
            errors = [line for line in (tmp / "serve.log").read_text("utf-8", "replace")
                      .splitlines() if "ERROR" in line]
            first = errors[0][-1200:] if errors else "-"
            print(f"server log: {len(errors)} errors, first (end of): {first}")
        return 1 if total_5xx else 0
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
