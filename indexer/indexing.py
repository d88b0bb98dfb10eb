"""A stored page as the search index sees it: the last step of the pipeline."""

from __future__ import annotations

from collections import Counter

from dangan.corrections import effective
from dangan.search.rowyears import person_year_keys
from dangan.text.pinyin import name_key

from .store import StoredPage

LABELLED_ROLES = ("姓名", "roster")


def document_type(page_types: list[str]) -> str:
    """An item is what most of its pages are; a table of contents does not make it 'other'."""
    counts = Counter(t for t in page_types if t != "other")
    return counts.most_common(1)[0][0] if counts else "other"


def index_document(page: StoredPage, doc_type: str, archive_code: str | None,
                   restricted: bool) -> dict:
    # The page as staff corrected it (the one overlay, which also keeps the machine's
    # reading searchable as 原识别); the stored page is the machine's.
    page = effective(page).page
    f = page.fields
    labelled = [p.name for p in f.persons if p.role in LABELLED_ROLES]
    everyone = list(dict.fromkeys(p.name for p in f.persons))
    return {
        "key": page.key,
        "path": page.path,
        "page": page.page,
        "document": page.document,
        "page_in_document": page.page_in_document,
        "archive_code": archive_code or "",
        "doc_type": doc_type,
        "title": f.title,
        "persons_labelled": ",".join(dict.fromkeys(labelled)),
        "persons": ",".join(everyone),
        "persons_pinyin": ",".join(dict.fromkeys(name_key(n) for n in everyone)),
        "years": f.years,
        "year_keys": ",".join(str(y) for y in f.years),
        "person_years": ",".join(person_year_keys(page.lines, f)),
        "decades": ",".join(dict.fromkeys(f"{y // 10 * 10}s" for y in f.years)),
        "doc_numbers": ",".join(f.doc_numbers),
        "ocr_alternatives": ",".join(f.ocr_alternatives),
        "units": ",".join(f.units),
        "id_numbers": ",".join(f.id_numbers),
        "restricted": restricted,
        "seal_text": "\n".join(f.seals),
        "alt_grams": "\n".join(f.alt_text),
        "words": f.text,
        "grams": f.text,
    }
