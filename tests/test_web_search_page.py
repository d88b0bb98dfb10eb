"""The search page's own helpers (web/counter/search.py): the pager and the 年代 facet."""

from werkzeug.datastructures import MultiDict

from dangan.search.searching import Results
from dangan.web.counter.search import decades, pager


def test_the_pager_shows_first_last_and_the_pages_around_this_one():
    assert pager(1, 3) == [1, 2, 3]
    assert pager(10, 40) == [1, None, 8, 9, 10, 11, 12, None, 40]  # no cap at 20 pages
    assert pager(40, 40) == [1, None, 38, 39, 40]


def test_decades_read_as_chinese_in_date_order_and_stay_inside_a_year_filter():
    results = Results(total=5, hits=[], seconds=0.0,
                      facets={"decade": {"1990s": 5, "1960s": 4, "1940s": 2, "1980s": 1}})
    assert decades(results, MultiDict()) == [("1940s", "1940年代", 2), ("1960s", "1960年代", 4),
                                             ("1980s", "1980年代", 1), ("1990s", "1990年代", 5)]
    # under 1993 the roster's birth years (1940s, 1960s) lead to no hit of their decade
    assert decades(results, MultiDict({"year": "1993"})) == [("1990s", "1990年代", 5)]
    assert [d[1] for d in decades(results, MultiDict({"from": "1985", "to": "1995"}))] == \
        ["1980年代", "1990年代"]
