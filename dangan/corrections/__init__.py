"""Staff corrections (著录): what a clerk says a page reads where the machine misread it.

The scan and the stored machine reading are never changed. A correction is a row of its own
(register.py: append-only, who, when, why; a later one supersedes an earlier, naming it), and
an admin — or the proposer, when `[web] corrections_self_confirm` allows — confirms it. The
page as the archive reads it is the machine reading with the confirmed corrections laid over
it, computed in one place (overlay.py) that indexing, the viewer and the dossier all call.
Corrections are keyed to the page's stable id (file, page, content hash): they survive every
rebuild, repair and re-OCR of the same file, and are flagged for review when the file changes.
"""

from .overlay import Check, LineReading, Reading, effective, fact_locator, provenance
from .register import (
    Correction,
    CorrectionError,
    confirmed_for,
    propose,
    review,
)

__all__ = ["Check", "Correction", "CorrectionError", "LineReading", "Reading", "confirmed_for",
           "effective", "fact_locator", "propose", "provenance", "review"]
