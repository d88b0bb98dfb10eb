"""Talking to partner archives: fan a search out, forward a request, ask for its status.

Every call has a timeout and ends in one of a few states staff can act on — ok, slow (no
answer in time), down (nothing listening), refused (our token was not accepted), error — so a
partner that is off or overloaded never breaks the page that asked it. The standard library's
HTTP client is enough for a handful of partners on the government intranet.
"""

from __future__ import annotations

import errno
import http.client
import json
import logging
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait as wait_all
from dataclasses import dataclass, field

from .config import Peer
from .desk.workflow import STATUSES
from .text.idnumbers import mask_in_text

log = logging.getLogger(__name__)

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


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A partner's redirect is not followed: urllib would send our bearer token on to
    wherever it points (another host included). The 3xx then stands as an HTTPError."""

    def redirect_request(self, *args, **kwargs):
        return None


def _opener(proxy: str | None) -> urllib.request.OpenerDirector:
    """No proxy unless configured: an empty ProxyHandler overrides the environment's
    http_proxy, which points at the internet, not at partner archives. No redirects."""
    return urllib.request.build_opener(
        urllib.request.ProxyHandler({"http": proxy, "https": proxy} if proxy else {}),
        _NoRedirect())


def network_reason(e: BaseException) -> str:
    """What went wrong on the network, in words staff can pass on to the partner's IT."""
    reason = e.reason if isinstance(e, urllib.error.URLError) else e
    if isinstance(reason, ConnectionRefusedError):
        return "对方服务未启动或拒绝连接"
    if isinstance(reason, socket.gaierror):
        return "地址无法解析（请核对外馆地址）"
    if isinstance(reason, ssl.SSLError):
        return "安全连接（HTTPS）建立失败"
    if isinstance(reason, ConnectionResetError | ConnectionAbortedError):
        return "连接被对方中断"
    if isinstance(reason, OSError) and reason.errno in (errno.EHOSTUNREACH, errno.ENETUNREACH):
        return "网络不通"
    if isinstance(reason, http.client.HTTPException):
        return "对方答复不完整"
    return "网络错误"


def call(peer: Peer, method: str, path: str, *, params: dict | None = None,
         body: dict | None = None, timeout: float = 5.0, proxy: str | None = None) -> dict:
    """One JSON call to a partner's /api/v1; the decoded answer (a JSON object), or
    PeerError with the reason in Chinese."""
    url = peer.url + "/api/v1" + path
    if params:
        url += "?" + urllib.parse.urlencode({k: v for k, v in params.items() if v not in
                                             (None, "")})
    data = json.dumps(body, ensure_ascii=False).encode("utf-8") if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={
        "Authorization": f"Bearer {peer.token}", "Accept": "application/json",
        **({"Content-Type": "application/json; charset=utf-8"} if data else {})})
    t0 = time.monotonic()
    try:
        with _opener(proxy).open(req, timeout=timeout) as r:
            payload = r.read(8 * 1024 * 1024)
    except urllib.error.HTTPError as e:
        log.warning("partner %s %s %s: HTTP %s", peer.code, method, path, e.code)
        if e.code in (401, 403):
            raise PeerError("refused", f"{peer.name} 拒绝访问（令牌无效或已吊销）") from e
        if 300 <= e.code < 400:
            raise PeerError("error", f"{peer.name} 答复为重定向（{e.code}），未跟随：令牌只发往"
                            "配置的地址，请核对外馆地址") from e
        detail = _error_text(e)
        raise PeerError("error", f"{peer.name} 返回错误 {e.code}{detail}") from e
    except TimeoutError as e:
        log.warning("partner %s %s %s: no answer in %gs", peer.code, method, path, timeout)
        raise PeerError("slow", f"{peer.name} 在 {timeout:g} 秒内未答复") from e
    except urllib.error.URLError as e:
        if isinstance(e.reason, TimeoutError):
            log.warning("partner %s %s %s: no answer in %gs", peer.code, method, path, timeout)
            raise PeerError("slow", f"{peer.name} 在 {timeout:g} 秒内未答复") from e
        log.warning("partner %s %s %s: %s", peer.code, method, path, e.reason)
        raise PeerError("down", f"{peer.name} 无法连接：{network_reason(e)}") from e
    except (OSError, http.client.HTTPException) as e:
        log.warning("partner %s %s %s: %s", peer.code, method, path, e)
        raise PeerError("down", f"{peer.name} 无法连接：{network_reason(e)}") from e
    try:
        answer = json.loads(payload)
    except (ValueError, RecursionError) as e:  # RecursionError: absurdly deep nesting
        log.warning("partner %s %s %s: answer is not JSON", peer.code, method, path)
        raise PeerError("error", f"{peer.name} 的答复不是 JSON") from e
    if not isinstance(answer, dict):
        raise _malformed(peer, "答复应为 JSON 对象")
    log.info("partner %s %s %s: ok in %.2fs", peer.code, method, path, time.monotonic() - t0)
    return answer


def _malformed(peer: Peer, what: str) -> PeerError:
    log.warning("partner %s: malformed answer: %s", peer.code, what)
    return PeerError("error", f"{peer.name} 的答复格式不符：{what}")


class _Shape(ValueError):
    """A partner's answer does not have the documented shape (openapi.json); the message
    names the field, in Chinese."""


def _str(value, name: str, limit: int = 2000) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _Shape(f"{name} 应为文字")
    return value[:limit]


def _int_or_none(value, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Shape(f"{name} 应为整数")
    return value


def _list(value, name: str, item, limit: int = 200) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _Shape(f"{name} 应为列表")
    return [item(v, f"{name} 的元素") for v in value[:limit]]


def _year(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Shape(f"{name} 应为整数年份")
    return value


def _span(value, name: str) -> list[int]:
    if (not isinstance(value, list) or len(value) != 2 or
            not all(isinstance(v, int) and not isinstance(v, bool) for v in value)):
        raise _Shape("highlights 的元素应为 [起, 止] 两个整数")
    return list(value)


def clean_hit(hit) -> dict:
    """One hit of a partner's search answer, as documented (Hit in openapi.json): only the
    known fields, each of its documented type; _Shape names the first that is not."""
    if not isinstance(hit, dict):
        raise _Shape("hits 的元素应为对象")
    score = hit.get("score", 0)
    if isinstance(score, bool) or not isinstance(score, int | float):
        raise _Shape("score 应为数字")
    restricted = hit.get("restricted", False)
    if not isinstance(restricted, bool):
        raise _Shape("restricted 应为 true 或 false")
    return {
        **{k: _str(hit.get(k), k, 500) for k in ("archive_code", "document", "path", "title",
                                                 "doc_type")},
        "snippet": _str(hit.get("snippet"), "snippet", 2000),
        "page": _int_or_none(hit.get("page"), "page"),
        "row": _int_or_none(hit.get("row"), "row"),
        "persons": _list(hit.get("persons"), "persons", lambda v, n: _str(v, n, 100)),
        "doc_numbers": _list(hit.get("doc_numbers"), "doc_numbers",
                             lambda v, n: _str(v, n, 100)),
        "why": _list(hit.get("why"), "why", lambda v, n: _str(v, n, 100)),
        "years": _list(hit.get("years"), "years", _year),
        "highlights": _list(hit.get("highlights"), "highlights", _span),
        "score": float(score), "restricted": restricted,
    }


def search_answer(peer: Peer, data: dict) -> tuple[int, list[dict]]:
    """The total and the hits of a partner's search answer, or PeerError("error") naming
    what does not match the documented shape."""
    try:
        total = data.get("total", 0)
        if isinstance(total, bool) or not isinstance(total, int) or total < 0:
            raise _Shape("total 应为非负整数")
        hits = data.get("hits", [])
        if not isinstance(hits, list):
            raise _Shape("hits 应为列表")
        return total, [clean_hit(h) for h in hits[:200]]
    except _Shape as e:
        raise _malformed(peer, str(e)) from None


def status_answer(peer: Peer, data: dict, statuses: tuple[str, ...]) -> dict:
    """A partner's answer about a request (RequestStatus): number, status, result note."""
    try:
        number = data.get("number", "")
        if isinstance(number, int) and not isinstance(number, bool):
            number = str(number)
        out = {"number": _str(number, "number", 40),
               "status": _str(data.get("status"), "status", 20),
               "result_note": _str(data.get("result_note"), "result_note", 500)}
        if out["status"] and out["status"] not in statuses:
            raise _Shape(f"status “{out['status'][:20]}”不是已知状态")
        return out
    except _Shape as e:
        raise _malformed(peer, str(e)) from None


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


def _ask_every_peer(peers, timeout: float, question) -> list[PeerAnswer]:
    """Ask every partner at once (`question(peer)` → (total, hits)); each answers within
    `timeout` or is reported as slow.

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
            total, hits = question(peer)
        except PeerError as e:
            return PeerAnswer(peer, e.state, time.monotonic() - t0, message=str(e))
        return PeerAnswer(peer, "ok", time.monotonic() - t0, total=total, hits=hits)

    futures = {pool.submit(ask, p): p for p in peers}
    done, _ = wait_all(futures, timeout=timeout + 0.5)
    pool.shutdown(wait=False, cancel_futures=True)  # never wait for a hung partner
    return [future.result() if future in done else
            PeerAnswer(peer, "slow", time.monotonic() - started,
                       message=f"{peer.name} 在 {timeout:g} 秒内未答复")
            for future, peer in futures.items()]


def search_peers(peers: tuple[Peer, ...] | list[Peer], params: dict, timeout: float,
                 proxy: str | None = None) -> list[PeerAnswer]:
    """Ask every partner at once for hits; each answers within `timeout` or is slow."""
    return _ask_every_peer(peers, timeout, lambda peer: search_answer(
        peer, call(peer, "GET", "/search", params=params, timeout=timeout, proxy=proxy)))


def forward_request(peer: Peer, payload: dict, timeout: float, proxy: str | None = None
                    ) -> dict:
    """Hand a request to the partner that holds the records; its number and status."""
    answer = status_answer(peer, call(peer, "POST", "/requests", body=payload,
                                      timeout=timeout, proxy=proxy), STATUSES)
    if not answer["number"]:
        raise _malformed(peer, "缺少对方申请编号 number")
    return answer


def request_status(peer: Peer, number: str, timeout: float, proxy: str | None = None
                   ) -> dict:
    """How a forwarded request stands at the partner: number, status, result note."""
    return status_answer(peer, call(peer, "GET", "/requests/" + urllib.parse.quote(
        number, safe=""), timeout=timeout, proxy=proxy), STATUSES)


# -- a person's facts at each partner (GET /persons; Persons in openapi.json) -----------------
def _fact(value, name: str) -> dict:
    if not isinstance(value, dict):
        raise _Shape(f"{name} 应为对象")
    values = []
    for v in _list(value.get("values"), "values", lambda v, n: v, 50):
        if not isinstance(v, dict):
            raise _Shape("values 的元素应为对象")
        sources = []
        for s in _list(v.get("sources"), "sources", lambda s, n: s, 50):
            if not isinstance(s, dict):
                raise _Shape("sources 的元素应为对象")
            sources.append({"archive_code": _str(s.get("archive_code"), "archive_code", 200),
                            "title": _str(s.get("title"), "title", 300),
                            "date": _str(s.get("date"), "date", 20),
                            "page": _int_or_none(s.get("page"), "page")})
        # a partner masks ID numbers; mask again, never trusting it to have done so
        values.append({"value": mask_in_text(_str(v.get("value"), "value", 200)),
                       "text": mask_in_text(_str(v.get("text"), "text", 200)),
                       "sources": sources})
    return {"kind": _str(value.get("kind"), "kind", 40), "label": _str(value.get("label"),
                                                                        "label", 40),
            "conflict": bool(value.get("conflict")), "values": values}


def persons_answer(peer: Peer, data: dict) -> list[dict]:
    """The candidate persons of a partner's /persons answer, checked against its shape."""
    try:
        out = []
        for p in _list(data.get("persons"), "persons", lambda v, n: v, 20):
            if not isinstance(p, dict):
                raise _Shape("persons 的元素应为对象")
            birth = p.get("birth_by_rule")
            if birth is not None and not isinstance(birth, dict):
                raise _Shape("birth_by_rule 应为对象")
            out.append({"records": _int_or_none(p.get("records"), "records") or 0,
                        "confirmed": bool(p.get("confirmed")),
                        "birth_by_rule": {"text": _str(birth.get("text"), "text", 40),
                                          "record_date": _str(birth.get("record_date"),
                                                              "record_date", 20)}
                        if birth else None,
                        "facts": _list(p.get("facts"), "facts", _fact, 40)})
        return out
    except _Shape as e:
        raise _malformed(peer, str(e)) from None


def persons_at_peers(peers, name: str, timeout: float, proxy: str | None = None
                     ) -> list[PeerAnswer]:
    """Ask every partner at once for what it holds on `name` (its open records only); a
    PeerAnswer per partner, with the candidate persons in `hits`."""
    def question(peer: Peer) -> tuple[int, list]:
        found = persons_answer(peer, call(peer, "GET", "/persons", params={"name": name},
                                          timeout=timeout, proxy=proxy))
        return len(found), found

    return _ask_every_peer(peers, timeout, question)
