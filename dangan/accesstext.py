"""The access register read aloud: each entry as a sentence a supervisor understands.

The register stores codes (`search`, `view`, `copy`) and a search's query string; the counter's
log pages and any export show "检索 姓名 王秀英 年份1993", "查看 X012-WS·1993-Y-0031 第1页".
What an entry says is rendered here, once, for every screen and export that shows it.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

ACTIONS = {
    "search": "检索", "federated_search": "跨馆检索", "view": "查看", "image": "扫描件",
    "thumbnail": "缩略图", "copy": "复制", "view_refused": "查看被拒（受控档案）",
    "view_restricted": "调阅受控档案", "reply_restricted": "出具受控档案",
    "request_view": "查看申请", "request_attach": "加入申请", "request_reply": "出具答复",
    "request_export": "导出申请表", "issue": "出具", "request_work": "办理申请",
    "login": "登录", "account": "账号管理",
    "dossier": "查看", "dossier_decision": "人员档案", "log_export": "导出访问日志",
}
# The search form's fields in the order a clerk reads them.
SEARCH_FIELDS = {"person": "姓名", "year": "年份", "from": "起始年份", "to": "终止年份",
                 "policy": "政策/文号", "type": "类型", "unit": "单位", "code": "档号",
                 "q": "关键词"}
_HAN = re.compile(r"^[\u3400-\u9fff]")


def _pair(label: str, value: str) -> str:
    # "姓名 王秀英" but "年份1993": a space only where two words of Han would run together.
    return f"{label} {value}" if _HAN.match(value) else f"{label}{value}"


def search_words(query: str, type_labels: dict[str, str] | None = None) -> str:
    """A logged query string (person=%E7%8E%8B…&year=1993) as the criteria in words."""
    values = dict(parse_qsl(query, keep_blank_values=False))
    words = []
    for key, label in SEARCH_FIELDS.items():
        value = values.get(key, "").strip()
        if value:
            if key == "type" and type_labels:
                value = type_labels.get(value, value)
            words.append(_pair(label, value))
    page = values.get("p", "").strip()
    if page.isdigit() and page != "1":
        words.append(f"第{page}页结果")
    return " ".join(words) or "（空条件）"


def _view_context(detail: str) -> str:
    values = dict(re.findall(r"(person|terms)=(\S*)", detail))
    parts = []
    if values.get("person"):
        parts.append(_pair("姓名", values["person"]))
    if values.get("terms"):
        parts.append(_pair("检索词", values["terms"].replace("|", "、")))
    return f"（{'，'.join(parts)}）" if parts else ""


def describe(action: str, detail: str = "", reference: str = "", page: int | None = None,
             type_labels: dict[str, str] | None = None) -> str:
    """One entry as a sentence. `reference` names the page (its 档号, or title with
    未编档号) and `page` its page within that item."""
    verb = ACTIONS.get(action, action)
    where = f"{reference} 第{page}页" if reference and page else reference
    if action in ("search", "federated_search"):
        return f"{verb} {search_words(detail, type_labels)}"
    if action == "view":
        return f"{verb} {where}{_view_context(detail)}".strip()
    if action == "thumbnail":
        return f"{verb} {where}".strip()
    if action == "image":  # the screen rendition (w=…) or, on zoom, the full scan
        return f"{verb} {where}{'' if detail.startswith('w=') else '（原尺寸）'}".strip()
    if action == "request_export":
        rows = re.match(r"(\d+) rows", detail)
        return f"{verb}（{rows.group(1)} 条）" if rows else verb
    if action == "request_work":
        return detail or verb
    if action in ("request_view", "dossier"):
        return f"{verb} {detail}".strip()
    if action == "dossier_decision":  # "刘桂芬 确认为同一人：49,50,42" (record keys)
        m = re.match(r"(\S+) (\S+?)：(.*)$", detail)
        if m:
            keys = [k for k in m.group(3).split(",") if k]
            return f"{verb} {m.group(1)}：{m.group(2)}（{len(keys)} 条记录）"
    if action in ("account", "login"):  # the detail is already a sentence
        return detail or verb
    if action == "request_attach":
        return f"{where} {verb} {detail}".strip()
    return " ".join(p for p in (verb, where, detail) if p)
