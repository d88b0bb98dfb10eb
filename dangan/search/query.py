"""Turn what staff ask (person, years, policy, type, unit, free text) into one index query.

Shared by the CLI, the web app and the partner API: there is no second copy of query logic.
Selective criteria (type, years, unit, 档号) become filters — cheap document sets — and only
person, policy and text are scored.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

from dangan.doctypes import TYPES
from dangan.text.dates import MIN_YEAR, expand_two_digit_year, max_year
from dangan.text.docnumbers import normalize_doc_number
from dangan.text.lookalikes import variants as lookalike_variants
from dangan.text.normalize import normalize
from dangan.text.numbers import echo, fold_digits
from dangan.text.pinyin import name_key

from . import policies
from . import terms as Q  # dangan's own query objects; backend.py hands them to Whoosh
from .analysis import _RUN, query_grams
from .rowyears import person_year_terms

# How much each way of matching a name weighs: a labelled cell beats a mention in prose, the
# exact name beats any fold.
BOOST = {"labelled": 12.0, "exact": 6.0, "alias": 3.0, "homophone": 2.5, "lookalike": 2.0,
         "ocr_alternative": 2.0, "lookalike_homophone": 1.2, "body": 1.0}


# Longest value each field takes: a name, a 文号 or a few words. A 24,000-character name
# took 12.5 s to expand into variants; nobody types that at a counter.
MAX_LENGTH = {"person": 30, "policy": 60, "unit": 60, "code": 60, "q": 200}
_LABELS = {"person": "姓名", "policy": "政策或文号", "unit": "单位", "code": "档号",
           "q": "全文"}


class QueryError(ValueError):
    """A query that cannot be run; the message is for the person who typed it (Chinese)."""


@dataclass
class SearchRequest:
    person: str = ""
    year: int | None = None
    year_from: int | None = None
    year_to: int | None = None
    policy: str = ""
    doc_type: str = ""
    unit: str = ""
    archive_code: str = ""
    text: str = ""
    syntax: str = "simple"  # "simple", or "whoosh" for Whoosh query syntax (power users)
    limit: int = 10
    page: int = 1

    # The names of the search form's fields, shared by the counter page, 跨馆检索 and the
    # partner API, so one query string means the same everywhere.
    PARAMS = ("person", "year", "from", "to", "policy", "type", "unit", "code", "q")

    @classmethod
    def from_params(cls, params, *, limit: int = 10, page: int = 1) -> SearchRequest:
        """A request from form or URL parameters; QueryError for a malformed year or a
        value longer than the field takes."""
        get = params.get
        for key, most in MAX_LENGTH.items():
            if len(get(key, "") or "") > most:
                raise QueryError(f"检索条件过长：{_LABELS[key]}最多 {most} 个字")
        return cls(person=get("person", ""), year=parse_year(get("year")),
                   year_from=parse_year(get("from")), year_to=parse_year(get("to")),
                   policy=get("policy", ""), doc_type=get("type", ""), unit=get("unit", ""),
                   archive_code=get("code", ""), text=get("q", ""), limit=limit, page=page)

    def is_empty(self) -> bool:
        return not any([self.person.strip(), self.policy.strip(), self.text.strip(),
                        self.year, self.year_from, self.year_to, self.doc_type, self.unit.strip(),
                        self.archive_code.strip()])


@dataclass
class BuiltQuery:
    query: Q.Query
    filter: Q.Query | None
    mask: Q.Query | None = None  # pages to leave out ("-花名册")
    highlight: list[str] = field(default_factory=list)  # normalised strings to mark
    person: str = ""
    aliases: dict[str, str] = field(default_factory=dict)
    doc_numbers: list[str] = field(default_factory=list)
    policy: policies.Policy | None = None
    year_range: tuple[int, int] | None = None


def _year_range(req: SearchRequest) -> tuple[int, int] | None:
    lo, hi = req.year_from, req.year_to
    if req.year is not None and (lo is not None or hi is not None):
        raise QueryError("“年份”与“起始/终止年份”只填一种：查某一年填“年份”，查一段年份填起止年份")
    if req.year is not None:
        lo = hi = req.year
    if lo is None and hi is None:
        return None
    lo = lo if lo is not None else MIN_YEAR
    hi = hi if hi is not None else max_year()
    for y in (lo, hi):
        if not MIN_YEAR <= y <= max_year():
            raise QueryError(f"年份 {y} 超出范围：档案年份应在 {MIN_YEAR}–{max_year()} 之间")
    if lo > hi:
        raise QueryError(f"起始年份 {lo} 晚于终止年份 {hi}")
    return lo, hi


def phrase(text: str, boost: float = 1.0, field: str = "grams") -> Q.Query | None:
    """Match `text` anywhere in page text (or another gram field), through consecutive
    grams."""
    gs = query_grams(text)
    if not gs:
        return None
    if len(gs) == 1:
        return Q.Term(field, gs[0], boost=boost)
    return Q.Phrase(field, gs, boost=boost)


def text_terms(raw: str) -> tuple[list[str], list[str]]:
    """Free text → (required strings, excluded strings). Quotes make a phrase, '-' excludes."""
    raw = raw.replace("“", '"').replace("”", '"')
    if raw.count('"') % 2:
        raise QueryError("引号不成对：请检查查询中的引号")
    # Only double quotes make a phrase: an apostrophe (O'Brien, 3') is a character.
    lexer = shlex.shlex(raw, posix=True)
    lexer.whitespace_split, lexer.quotes, lexer.escape = True, '"', ""
    try:
        parts = list(lexer)
    except ValueError:
        raise QueryError("无法解析查询：请检查引号是否成对") from None
    must, must_not = [], []
    for part in parts:
        neg = part.startswith("-") and len(part) > 1
        text = normalize(part[1:] if neg else part)
        # keep only searchable runs (Han, letters, digits); punctuation alone means nothing
        runs = ["".join(m.group(0)) for m in _RUN.finditer(text)]
        if not runs:
            continue
        (must_not if neg else must).extend(runs)
    return must, must_not


def person_query(name: str, aliases: dict[str, str]) -> Q.Query:
    """Every way a page can hold this person, each with its weight."""
    clauses: list[Q.Query] = [
        Q.Term("persons_labelled", name, boost=BOOST["labelled"]),
        Q.Term("persons", name, boost=BOOST["exact"]),
    ]
    body = phrase(name, boost=BOOST["body"])
    if body is not None:
        clauses.append(body)
    # the page where the recogniser hesitated between 凤 and 风 and wrote 风: a name it
    # extracted, or the name anywhere in the text as nearly read
    clauses.append(Q.Term("ocr_alternatives", name, boost=BOOST["ocr_alternative"]))
    nearly = phrase(name, boost=BOOST["body"], field="alt_grams")
    if nearly is not None:
        clauses.append(nearly)
    key = name_key(name)
    clauses.append(Q.Term("persons_pinyin", key, boost=BOOST["homophone"]))
    shapes = lookalike_variants(name)
    clauses += [Q.Term("persons", v, boost=BOOST["lookalike"]) for v in shapes]
    keys = {name_key(v) for v in shapes} - {key}
    clauses += [Q.Term("persons_pinyin", k, boost=BOOST["lookalike_homophone"]) for k in keys]
    clauses += [Q.Term("persons", a, boost=BOOST["alias"]) for a in aliases]
    return Q.Or(clauses)


# A page written this many years after a policy's last year may still be carrying it out
# (a late 套改 approval); one written later only recalls a date (参加工作 1994 on a 2006
# 工资调整 form) and is about another adjustment.
POLICY_LATE_YEARS = 2


def policy_query(policy: policies.Policy) -> Q.Query:
    """A page cites one of the policy's 文号, or speaks of it (a keyword) in one of its years
    and was not written well after them."""
    options: list[Q.Query] = [Q.Term("doc_numbers", n, boost=4.0) for n in policy.doc_numbers]
    words = [q for q in (phrase(k) for k in policy.keywords) if q is not None]
    if words:
        talk = Q.Or(words)
        if policy.years:
            talk = Q.AndNot(
                Q.And([talk, Q.Or([Q.Term("year_keys", str(y)) for y in policy.years])]),
                Q.NumericRange("years", max(policy.years) + POLICY_LATE_YEARS + 1,
                               max_year()))
        options.append(talk)
    return Q.Or(options)


def _doc_numbers_query(numbers) -> Q.Query:
    """Pages citing any of these 文号, as printed or as the recogniser nearly read them."""
    return Q.Or([Q.Term("doc_numbers", n, boost=4.0) for n in numbers] +
                [Q.Term("ocr_alternatives", n, boost=1.0) for n in numbers])


def build(req: SearchRequest, aliases=None, policies_file: str | None = None) -> BuiltQuery:
    """The query for a request. `aliases(name)` returns other recorded names of a person."""
    if req.is_empty():
        raise QueryError("请输入查询条件：姓名、年份、文号、类型或关键词至少填写一项")
    scored: list[Q.Query] = []
    highlight: list[str] = []
    filters: list[Q.Query] = []
    built = BuiltQuery(Q.Every(), None)

    if req.person.strip():
        name = normalize(req.person.strip())
        if not _RUN.fullmatch(name):
            raise QueryError("姓名只能包含汉字或字母")
        built.person = name
        built.aliases = dict(aliases(name)) if aliases else {}
        highlight.append(name)
        scored.append(person_query(name, built.aliases))

    if req.policy.strip():
        canonical = normalize_doc_number(req.policy)
        if canonical:
            built.doc_numbers = [canonical]
            scored.append(Q.Or([Q.Term("doc_numbers", canonical, boost=4.0),
                                Q.Term("ocr_alternatives", canonical, boost=1.0)]))
            highlight.append(canonical)
        elif spoken := policies.spoken_doc_numbers(req.policy, policies_file):
            # "85年41号文": the year and number staff say, matched in the policy table
            built.doc_numbers = list(spoken)
            scored.append(_doc_numbers_query(spoken))
            highlight.extend(spoken)
        elif (policy := policies.find(req.policy, policies_file)) is not None:
            built.policy = policy
            scored.append(policy_query(policy))
            highlight.extend([*policy.doc_numbers, *policy.keywords])
        else:
            must, _ = text_terms(req.policy)
            if not must:
                raise QueryError("政策/文号无法识别：请输入如 劳人薪〔1985〕41号 的文号或政策名称")
            scored.append(Q.And([phrase(t) for t in must]))
            highlight.extend(must)

    spoken_text = () if req.syntax == "whoosh" or req.policy.strip() else \
        policies.spoken_doc_numbers(req.text, policies_file)
    if spoken_text:  # "85年41号文" typed as the keywords: the same 文号 as in 政策/文号
        built.doc_numbers = list(spoken_text)
        scored.append(_doc_numbers_query(spoken_text))
        highlight.extend(spoken_text)
    elif req.text.strip() and req.syntax == "whoosh":
        scored.append(_power_query(req.text))
        highlight.extend(text_terms(req.text.replace('"', " "))[0])
    elif req.text.strip():
        must, must_not = text_terms(req.text)
        if not must and not must_not:
            raise QueryError("关键词只有标点符号，无法查询")
        for t in must:
            # the text, its words, what a seal stamped on the page says, or the text as the
            # recogniser nearly read it
            alternatives = [phrase(t), phrase(t, boost=0.5, field="seal_text"),
                            phrase(t, boost=0.5, field="alt_grams")]
            if len(t) > 1:
                alternatives.append(Q.Term("words", t.lower(), boost=1.5))
            scored.append(Q.Or(alternatives))
        highlight.extend(must)
        # Exclusions are a mask, not a Not() clause: Whoosh's Not over a Phrase matches
        # nothing, and a mask is a cheap document set anyway.
        excluded = [q for q in (phrase(t) for t in must_not) if q is not None]
        if excluded:
            built.mask = Q.Or(excluded) if len(excluded) > 1 else excluded[0]

    years = _year_range(req)
    if years:
        built.year_range = years
        if built.person:
            # that person's own years on a roster, a page's years everywhere else
            names = [built.person, *lookalike_variants(built.person), *built.aliases]
            filters.append(Q.Or([Q.Term("person_years", k)
                                 for k in person_year_terms(names, years)]))
        else:
            filters.append(Q.NumericRange("years", years[0], years[1]))
    if req.doc_type:
        if req.doc_type not in TYPES:
            raise QueryError(f"未知的档案类型：{req.doc_type}")
        filters.append(Q.Term("doc_type", req.doc_type))
    if req.unit.strip():
        unit = normalize(req.unit.strip())
        filters.append(Q.Or([Q.Term("units", unit), phrase(unit),
                             phrase(unit, field="seal_text")]))
        highlight.append(unit)
    if req.archive_code.strip():
        code = req.archive_code.strip()
        filters.append(Q.Or([Q.Term("archive_code", code), Q.Prefix("archive_code", code)]))

    if scored:
        built.query = Q.And(scored) if len(scored) > 1 else scored[0]
    else:
        built.query = Q.Every()
    built.filter = Q.And(filters) if len(filters) > 1 else (filters[0] if filters else None)
    built.highlight = [h for h in dict.fromkeys(highlight) if h]
    return built


_YEAR_RE = re.compile(r"^\s*([0-9]{4}|[0-9]{2})\s*(?:年)?\s*$")  # [0-9]: \d takes "١٩٩٣"


def parse_year(text: str | None) -> int | None:
    """A year typed in a form field: 1993, or 93 as clerks write it (read by the archive's
    one two-digit pivot, dangan/text/dates.py); QueryError for anything else."""
    if text is None or not str(text).strip():
        return None
    m = _YEAR_RE.match(fold_digits(str(text)))
    if not m:
        raise QueryError(f"年份格式不正确：{echo(text)}（应为四位数字，如 1993；"
                         "也可写两位，如 93）")
    digits = m.group(1)
    return expand_two_digit_year(int(digits)) if len(digits) == 2 else int(digits)


def _power_query(text: str) -> Q.Query:
    """Whoosh query syntax over the text fields, for staff who know it:
    `persons:王秀英 AND years:[1990 TO 1995]`, `套改 OR 调资`, `"工资套改"`. Checked here, so
    a typo is a QueryError when the query is built, not when it runs."""
    from .whoosh_queries import SyntaxProblem, parse_syntax

    text = normalize(text)
    try:
        parse_syntax(text)
    except SyntaxProblem as e:
        raise QueryError(f"高级查询语法有误：{e}") from e
    return Q.Syntax(text)
