"""The index schema, one Whoosh document per page, and its version.

Bump SCHEMA_VERSION whenever fields or analysis change: an index with another version is
rebuilt from the page store (no OCR needed) the next time it is opened for writing.
"""

from __future__ import annotations

import functools
import hashlib
from importlib import metadata, resources

from whoosh.fields import BOOLEAN, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from .analysis import gram_analyzer, jieba_analyzer

# 6: pages sharded by blake2b of the path; 7: reading-order text (wraps joined), persons
# outside 姓名 cells, years from 1900, the recogniser's alternatives; 8: restricted flag
# from the stored catalogue (rebuilds missed 不开放); 9: facts (label → value, per page) are
# extracted at the rebuild, so an upgraded page store gains them without OCR; 10: whose year
# (person_years: a roster row's own years, the years the whole page gives everyone)
SCHEMA_VERSION = 10

# Libraries whose output becomes index terms: jieba's words (rjieba), pinyin of names
# (pypinyin), traditional → simplified (OpenCC). A new version may cut or spell terms
# differently, and an index with the old terms would silently miss what queries now ask for.
TERM_LIBRARIES = ("rjieba", "pypinyin", "opencc")


@functools.lru_cache(maxsize=1)
def term_shapers() -> dict[str, str]:
    """The versions of everything besides the schema that shapes the index's terms: the
    libraries above and the archive's dictionaries (dangan/data/*.txt: the words jieba
    keeps whole, surnames and their readings, look-alike characters). Stored with the index;
    when any differs the index is rebuilt from the page store (no OCR)."""
    shapers = {}
    for name in TERM_LIBRARIES:
        try:
            shapers[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            shapers[name] = "absent"
    data = resources.files("dangan").joinpath("data")
    digest = hashlib.sha256()
    for item in sorted((p for p in data.iterdir() if p.name.endswith(".txt")),
                       key=lambda p: p.name):
        digest.update(item.name.encode() + b"\0" + item.read_bytes() + b"\0")
    shapers["dictionaries"] = digest.hexdigest()[:16]
    return shapers


def build_schema() -> Schema:
    return Schema(
        key=ID(unique=True, stored=True),  # "path#page"
        path=ID(stored=True),
        page=STORED(),
        document=ID(stored=True),
        page_in_document=STORED(),
        archive_code=ID(stored=True),
        doc_type=ID(stored=True),
        title=STORED(),
        # Exact person names: labelled cells and roster rows (strong) and all mentions.
        persons_labelled=KEYWORD(commas=True, scorable=True),
        persons=KEYWORD(commas=True, scorable=True, stored=True),
        # Toneless pinyin of every name (surnames read as surnames): homophones meet here.
        persons_pinyin=KEYWORD(commas=True, scorable=True),
        years=NUMERIC(int, bits=16, stored=True, signed=False),
        # The same years as keys, and their decades, for facet counts.
        year_keys=KEYWORD(commas=True),
        decades=KEYWORD(commas=True),
        # Whose year: "<name key>:<year>" for a roster row's own years, "*:<year>" for years
        # that belong to everyone on the page (dangan/search/rowyears.py). A person+year
        # search asks here, so another row's year never makes a roster that person's.
        person_years=KEYWORD(commas=True),
        doc_numbers=KEYWORD(commas=True, stored=True),
        # Names and 文号 as the recogniser nearly read them (its runner-up characters).
        ocr_alternatives=KEYWORD(commas=True, scorable=True),
        units=KEYWORD(commas=True, stored=True),
        id_numbers=KEYWORD(commas=True),
        restricted=BOOLEAN(stored=True),
        # What the page's red seals say (the issuing unit), apart from the text under them.
        seal_text=TEXT(analyzer=gram_analyzer(), phrase=True),
        # Stretches of text as the recogniser nearly read them (its runner-up characters).
        alt_grams=TEXT(analyzer=gram_analyzer(), phrase=True),
        # Full text, twice: jieba words for ranking, Han grams for recall and phrases.
        words=TEXT(analyzer=jieba_analyzer(), phrase=False),
        grams=TEXT(analyzer=gram_analyzer(), phrase=True),
    )
