"""Talking to partner archives: fan a search out, forward a request, ask for its status.

Every call has a timeout and ends in one of a few states staff can act on — ok, slow (no
answer in time), down (nothing listening), refused (our token was not accepted), error — so a
partner that is off or overloaded never breaks the page that asked it. The standard library's
HTTP client is enough for a handful of partners on the government intranet.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait as wait_all
from dataclasses import dataclass, field

from .config import Peer

STATES = {"ok": "正常", "slow": "超时", "down": "无法连接", "refused": "拒绝访问",
          "error": "出错"}


class PeerError(Exception):
    """A partner did not give a usable answer; `state` says how (see STATES)."""

    def __init__(self, state: str, message: str):
        super().__init__(message)
        self.state = state

    @property
    def label(self) -> str:
        return STATES[self.state]


def call(peer: Peer, method: str, path: str, *, params: dict | None = None,
         body: dict | None = None, timeout: float = 5.0) -> dict:
    """One JSON call to a partner's /api/v1; the decoded answer, or PeerError."""
    url = peer.url + "/api/v1" + path
    if params:
        url += "?" + urllib.parse.urlencode({k: v for k, v in params.items() if v not in
                                             (None, "")})
    data = json.dumps(body, ensure_ascii=False).encode("utf-8") if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={
        "Authorization": f"Bearer {peer.token}", "Accept": "application/json",
        **({"Content-Type": "application/json; charset=utf-8"} if data else {})})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            payload = r.read(8 * 1024 * 1024)
    except urllib.error.HTTPError as e:
        if e.code in (401, 403):
            raise PeerError("refused", f"{peer.name} 拒绝访问（令牌无效或已吊销）") from e
        detail = _error_text(e)
        raise PeerError("error", f"{peer.name} 返回错误 {e.code}{detail}") from e
    except TimeoutError as e:
        raise PeerError("slow", f"{peer.name} 在 {timeout:g} 秒内未答复") from e
    except urllib.error.URLError as e:
        if isinstance(e.reason, TimeoutError):
            raise PeerError("slow", f"{peer.name} 在 {timeout:g} 秒内未答复") from e
        raise PeerError("down", f"{peer.name} 无法连接：{e.reason}") from e
    except (ConnectionError, OSError) as e:
        raise PeerError("down", f"{peer.name} 无法连接：{e}") from e
    try:
        return json.loads(payload)
    except ValueError as e:
        raise PeerError("error", f"{peer.name} 的答复不是 JSON") from e


def _error_text(e: urllib.error.HTTPError) -> str:
    try:
        return "：" + str(json.loads(e.read(65536)).get("error", ""))
    except (ValueError, AttributeError, OSError):
        return ""


@dataclass
class PeerAnswer:
    """What one partner said to a fanned-out search."""

    peer: Peer
    state: str
    seconds: float
    total: int = 0
    hits: list[dict] = field(default_factory=list)
    message: str = ""

    @property
    def label(self) -> str:
        return STATES[self.state]


def search_peers(peers: tuple[Peer, ...] | list[Peer], params: dict, timeout: float
                 ) -> list[PeerAnswer]:
    """Ask every partner at once; each answers within `timeout` or is reported as slow.

    The overall wait is bounded too: a partner that accepted the connection and then hangs
    cannot hold the page longer than the timeout (plus a little for the merge).
    """
    if not peers:
        return []
    pool = ThreadPoolExecutor(max_workers=len(peers), thread_name_prefix="peer")
    started = time.monotonic()

    def ask(peer: Peer) -> PeerAnswer:
        t0 = time.monotonic()
        try:
            data = call(peer, "GET", "/search", params=params, timeout=timeout)
        except PeerError as e:
            return PeerAnswer(peer, e.state, time.monotonic() - t0, message=str(e))
        return PeerAnswer(peer, "ok", time.monotonic() - t0, total=int(data.get("total", 0)),
                          hits=list(data.get("hits", [])))

    futures = {pool.submit(ask, p): p for p in peers}
    done, _ = wait_all(futures, timeout=timeout + 0.5)
    pool.shutdown(wait=False, cancel_futures=True)  # never wait for a hung partner
    answers = []
    for future, peer in futures.items():
        if future in done:
            answers.append(future.result())
        else:
            answers.append(PeerAnswer(peer, "slow", time.monotonic() - started,
                                      message=f"{peer.name} 在 {timeout:g} 秒内未答复"))
    return answers


def forward_request(peer: Peer, payload: dict, timeout: float) -> dict:
    """Hand a request to the partner that holds the records; its number and status."""
    return call(peer, "POST", "/requests", body=payload, timeout=timeout)


def request_status(peer: Peer, number: str, timeout: float) -> dict:
    return call(peer, "GET", "/requests/" + urllib.parse.quote(number, safe=""),
                timeout=timeout)
