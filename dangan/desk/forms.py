"""Check a request as it arrives — from the desk, the public form or a partner's API call —
and say every problem at once, in words the person filling it in understands."""

from __future__ import annotations

import re
from collections.abc import Mapping

from dangan.doctypes import TYPES
from dangan.text.dates import MIN_YEAR, max_year, read_year
from dangan.text.idnumbers import clean as clean_id
from dangan.text.idnumbers import problem as id_problem
from dangan.text.numbers import fold_digits

from .workflow import APPLICANT_TYPES, CHANNELS, DOC_PURPOSES

_NAME = re.compile(r"^[\u4e00-\u9fffA-Za-z·．. ]{2,30}$")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^(0\d{2,3})-(\d{7,8})$")
# Area codes of three digits (010 Beijing, 02x the large cities); all others have four.
_SHORT_AREA = re.compile(r"^0(?:10|2\d)")


def normalize_phone(typed: str) -> str:
    """A phone number as people write it, made one form: 139-0931-2345, 139 0931 2345,
    +86 13909312345 → 13909312345; (0931)8123456, 0931 812 3456 → 0931-8123456. What cannot
    be read as a number is returned as typed, for the error message to quote."""
    raw = fold_digits(str(typed or "")).strip()
    raw = re.sub(r"^(?:\+|00)86[\s\-]*", "", raw)
    parts = [p for p in re.split(r"[\s\u3000\-－‐‑–—()（）.．]+", raw) if p]
    if not parts or not all(p.isdigit() for p in parts):
        return raw
    digits = "".join(parts)
    if _MOBILE.match(digits) or not digits.startswith("0"):
        return digits
    # a landline: the area code as typed when it was set apart, else by its known length
    area = parts[0] if len(parts) > 1 and 3 <= len(parts[0]) <= 4 else (
        digits[:3] if _SHORT_AREA.match(digits) else digits[:4])
    return f"{area}-{digits[len(area):]}"


def phone_ok(phone: str) -> bool:
    """A normalised phone number (normalize_phone) that can be called."""
    return bool(_MOBILE.match(phone) or _LANDLINE.match(phone))


def _text(form: Mapping, key: str, limit: int) -> str:
    value = form.get(key, "")
    return str(value if value is not None else "").strip()[:limit]


def _year(form: Mapping, key: str, lo: int, hi: int, what: str, errors: list[str]
          ) -> int | None:
    raw = _text(form, key, 12)
    if not raw:
        return None
    year = read_year(raw)  # 1961, or 61 as people write it: the archive's one year rule
    if year is None or not lo <= year <= hi:
        errors.append(f"{what}应为 {lo}–{hi} 之间的年份，如 1961 或 61")
        return None
    return year


def _list(form: Mapping, key: str) -> list[str]:
    if hasattr(form, "getlist"):
        values = form.getlist(key)
    else:
        value = form.get(key) or []
        values = value if isinstance(value, list) else str(value).split(",")
    return [str(v).strip() for v in values if str(v).strip()]


def validate(form: Mapping, *, channel: str | None = None, holding: tuple[str, ...] = ()
             ) -> tuple[dict, list[str]]:
    """Clean values for a new request, and the problems found (empty when it may be saved).

    `channel` is fixed by where the request came from (网上, 外馆转来); the desk chooses it.
    `holding` lists the archive codes a request may be addressed to (this node and partners).
    """
    errors: list[str] = []
    v: dict = {
        "requester_name": _text(form, "requester_name", 30),
        "requester_id_number": clean_id(_text(form, "requester_id_number", 60))[:18],
        "requester_phone": normalize_phone(_text(form, "requester_phone", 32))[:32],
        "requester_address": _text(form, "requester_address", 200),
        "applicant_type": _text(form, "applicant_type", 8),
        "relation": _text(form, "relationship", 16),
        "attorney_note": _text(form, "attorney_note", 200),
        "channel": channel or _text(form, "channel", 8),
        "delegated": str(form.get("delegated", "")).lower() in ("1", "on", "true", "yes"),
        "subject_name": _text(form, "subject_name", 30),
        "subject_former_names": _text(form, "subject_former_names", 60),
        "subject_unit": _text(form, "subject_unit", 100),
        "purpose": _text(form, "purpose", 16),
        "detail": _text(form, "detail", 1000),
    }
    if not _NAME.match(v["requester_name"]):
        errors.append("申请人姓名应为 2–30 个汉字或字母")
    if reason := id_problem(clean_id(_text(form, "requester_id_number", 60))):
        errors.append(f"申请人身份证号码无效：{reason}")
    if not phone_ok(v["requester_phone"]):
        errors.append("联系电话应为 11 位手机号（如 139-0931-2345）或带区号的固定电话"
                      "（如 0931-8123456）")
    if v["applicant_type"] not in APPLICANT_TYPES:
        errors.append("请选择申请人类型：本人、亲属或代理")
    elif v["applicant_type"] == "亲属" and not v["relation"]:
        errors.append("亲属代为申请时，请填写与档案当事人的关系")
    elif v["applicant_type"] == "代理" and not v["attorney_note"]:
        errors.append("代理申请须注明授权委托书情况")
    if v["channel"] not in CHANNELS:
        errors.append("请选择受理渠道")
    if v["delegated"] and len(v["requester_address"]) < 6:
        errors.append("代查代送须填写邮寄地址")
    if not v["subject_name"] and v["applicant_type"] == "本人":
        v["subject_name"] = v["requester_name"]
    if not _NAME.match(v["subject_name"]):
        errors.append("请填写所查人员姓名（2–30 个汉字）")
    former = [n for n in re.split(r"[，,、;；\s]+", v["subject_former_names"]) if n]
    if any(not _NAME.match(n) for n in former):
        errors.append("曾用名应为汉字姓名，多个用顿号分隔")
    v["subject_former_names"] = "、".join(former)
    v["subject_birth_year"] = _year(form, "subject_birth_year", 1900, max_year(), "出生年份",
                                    errors)
    v["year_from"] = _year(form, "year_from", MIN_YEAR, max_year(), "起始年份", errors)
    v["year_to"] = _year(form, "year_to", MIN_YEAR, max_year(), "终止年份", errors)
    if v["year_from"] and v["year_to"] and v["year_from"] > v["year_to"]:
        errors.append("起始年份不能晚于终止年份")
    types = _list(form, "doc_types")
    if any(t not in TYPES for t in types):
        errors.append("档案类型无效")
    v["doc_types"] = ",".join(t for t in types if t in TYPES)
    if v["purpose"] not in DOC_PURPOSES:
        errors.append("请选择查档用途")
    v["holding_archive"] = _text(form, "holding_archive", 32) or (holding[0] if holding else "")
    if holding and v["holding_archive"] not in holding:
        errors.append("档案保管馆无效")
    return v, errors
