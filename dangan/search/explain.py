"""Say why a page matched a person query, and where on the page that person is.

The index finds candidates with cheap term lookups; this module looks at the page's extracted
persons (from the page store) and names the strongest relation between what was typed and what
is on the page. A roster page answers with the row of that person, not the whole sheet.
"""

from __future__ import annotations

from dataclasses import dataclass

from dangan.text.lookalikes import differs_by_lookalikes, variants
from dangan.text.pinyin import name_key

# Strongest first; the number orders hits with equal index scores.
RELATIONS = {
    "精确": 0,        # the name itself, in a labelled cell or roster row
    "正文提及": 1,    # the name itself, in running text
    "繁简": 2,        # printed in traditional characters
    "曾用名": 3,      # a former name recorded on some page
    "现用名": 3,      # the current name of someone searched by a former name
    "同音": 4,        # homophone (toneless pinyin, surname readings)
    "形近": 5,        # look-alike characters
    "识别近似": 5,    # the recogniser's runner-up reading of a name on the page (凤 for 风)
    "原识别": 5,      # what the machine read where staff corrected the name (dangan/corrections)
    "形近同音": 6,    # look-alike and then homophone (faded 秀 read as 季, 瑛 for 英)
    "正文片段": 7,    # only found as a string in the page text
}


@dataclass
class PersonMatch:
    relation: str
    name: str  # the name as it stands on the page (simplified)
    role: str
    box: list[int] | None
    row: int | None

    @property
    def label(self) -> str:
        if self.relation in ("精确", "正文提及"):
            return self.relation
        return f"{self.relation}：{self.name}"


def _relation(query: str, name: str, aliases: dict[str, str]) -> str | None:
    if name == query:
        return "精确"
    if name in aliases:
        return aliases[name]
    qk, nk = name_key(query), name_key(name)
    if qk == nk:
        return "同音"
    if differs_by_lookalikes(query, name):
        return "形近"
    # one look-alike substitution on either side, then the same sound
    if len(query) == len(name) and (any(name_key(v) == nk for v in variants(query))
                                    or any(name_key(v) == qk for v in variants(name))):
        return "形近同音"
    return None


def match_person(query: str, persons: list[dict], text: str, aliases: dict[str, str],
                 raw_text: str | None = None, ocr_alternatives: list[str] | None = None,
                 nearly_read_text: list[str] | None = None,
                 corrected: dict[str, str] | None = None) -> PersonMatch | None:
    """The best-matching person entry on a page for the typed (normalised) name.

    `raw_text` is the page as read, before normalisation: a name that is only there in
    another script was printed in traditional characters. `ocr_alternatives` are the page's
    names as the recogniser nearly read them, `nearly_read_text` stretches of its text so.
    `corrected` maps a name as the machine read it to the name staff corrected it to.
    """
    best: tuple[int, PersonMatch] | None = None
    nearly_read = query in (ocr_alternatives or ())
    for p in persons:
        relation = _relation(query, p["name"], aliases)
        if (nearly_read and len(p["name"]) == len(query)
                and relation in (None, "形近", "形近同音")
                and sum(a != b for a, b in zip(p["name"], query, strict=True)) == 1):
            relation = "识别近似"
        if corrected and query in corrected and corrected[query] in ("", p["name"]):
            relation = "原识别"
        if relation is None:
            continue
        if relation == "精确" and p.get("role") == "prose":
            relation = "正文提及"
        if relation == "精确" and raw_text is not None and p["name"] not in raw_text:
            relation = "繁简"
        if p.get("role") == "曾用名" and relation == "精确":
            relation = "曾用名"
        box = p.get("row_box") or p.get("box")
        candidate = PersonMatch(relation, p["name"], p.get("role", ""),
                                list(box) if box else None, p.get("row"))
        rank = RELATIONS[relation]
        if best is None or rank < best[0]:
            best = (rank, candidate)
    if best:
        return best[1]
    if corrected and query in corrected:
        return PersonMatch("原识别", corrected[query] or query, "text", None, None)
    if query in text:
        return PersonMatch("正文片段", query, "text", None, None)
    if any(query in w for w in nearly_read_text or ()):
        return PersonMatch("识别近似", query, "text", None, None)
    return None
