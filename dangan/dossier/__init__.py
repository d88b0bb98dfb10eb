"""The person dossier (人员档案线索): every record of one person, the facts in them, the
conflicts between them, the birth-date rule, and the timeline a retirement decision needs.

A query over facts stored per page at indexing time (dangan.indexer.facts), never a re-reading
of pages: gather (records.py) → group into candidate persons (grouping.py) → facts, conflicts
and the rule (facts.py, rules.py) → timeline and 连续工龄 (timeline.py).
"""

from .dossier import Dossier, Group, open_dossier

__all__ = ["Dossier", "Group", "open_dossier"]
