"""dangan's query objects (terms.py) as Whoosh's: part of the seam, used by backend.py only
(and by query.py to check power-user syntax when it is typed)."""

from __future__ import annotations

from whoosh import query as Q

from . import terms as T


class SyntaxProblem(ValueError):
    """Whoosh could not parse the power-user syntax (its message says where)."""


def parse_syntax(text: str) -> Q.Query:
    """Whoosh query syntax over the text fields: `persons:王秀英 AND years:[1990 TO 1995]`,
    `套改 OR 调资`, `"工资套改"`."""
    from whoosh.qparser import MultifieldParser

    from .schema import build_schema

    parser = MultifieldParser(["grams", "words"], build_schema())
    try:
        return parser.parse(text)
    except Exception as e:  # whoosh raises several kinds on malformed syntax
        raise SyntaxProblem(str(e)) from e


def to_whoosh(q):
    """The Whoosh query for a dangan query (None stays None; a Whoosh query, as benchmarks
    pass them, is taken as it is)."""
    if q is None or isinstance(q, Q.Query):
        return q
    if isinstance(q, T.Term):
        return Q.Term(q.field, q.text, boost=q.boost)
    if isinstance(q, T.Phrase):
        return Q.Phrase(q.field, list(q.words), boost=q.boost)
    if isinstance(q, T.Or):
        return Q.Or([to_whoosh(c) for c in q.clauses], boost=q.boost)
    if isinstance(q, T.And):
        return Q.And([to_whoosh(c) for c in q.clauses], boost=q.boost)
    if isinstance(q, T.AndNot):
        return Q.AndNot(to_whoosh(q.query), to_whoosh(q.exclude))
    if isinstance(q, T.NumericRange):
        return Q.NumericRange(q.field, q.low, q.high)
    if isinstance(q, T.Prefix):
        return Q.Prefix(q.field, q.text)
    if isinstance(q, T.Every):
        return Q.Every()
    if isinstance(q, T.Syntax):
        return parse_syntax(q.text)
    raise TypeError(f"not a query: {q!r}")
