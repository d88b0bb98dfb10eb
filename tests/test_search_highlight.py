"""Snippets mark exactly the matched characters: offsets are by character, never by byte."""

from dangan.search.highlight import find_spans, snippet, to_html


def test_longer_match_wins_and_offsets_are_exact():
    text = "马克思主义与马克的信"
    spans = find_spans(text, ["马克", "马克思"])
    assert [text[s.start:s.end] for s in spans] == ["马克思", "马克"]


def test_snippet_window_keeps_marks_on_the_right_characters():
    text = "前言" * 80 + "姓名 王秀英 性别 女" + "后记" * 80
    snip, spans = snippet(text, ["王秀英"], width=40)
    assert [snip[s.start:s.end] for s in spans] == ["王秀英"]
    assert snip.startswith("…") and snip.endswith("…")


def test_html_is_escaped_around_marks():
    snip, spans = snippet("<b>王秀英</b>", ["王秀英"])
    assert to_html(snip, spans) == "&lt;b&gt;<mark>王秀英</mark>&lt;/b&gt;"
