"""The document types of a livelihood archive, with the codes used everywhere in dangan."""

from __future__ import annotations

TYPES: dict[str, str] = {
    "wage_adjustment": "工资调整",
    "recruitment": "招工录用",
    "community_teacher": "民办教师",
    "military": "入伍退伍",
    "retirement": "退休审批",
    "other": "其他",
}

# Keywords in a title, strongest first. A title decides; body text only breaks ties.
KEYWORDS: dict[str, tuple[str, ...]] = {
    "community_teacher": ("民办教师", "转正审批", "民师"),
    "retirement": ("退休审批", "退休", "退职"),
    "military": ("入伍", "退伍", "复员", "转业", "征兵", "安置介绍信", "军人"),
    "recruitment": ("招工", "招收", "录用", "招聘", "用工"),
    "wage_adjustment": ("工资调整", "调资", "套改", "增资", "工资改革", "工资审批"),
}


def classify(title: str, text: str = "") -> str:
    """Type code of a page from its title, falling back to keyword counts in the body."""
    for code, words in KEYWORDS.items():
        if any(w in title for w in words):
            return code
    best, best_count = "other", 0
    for code, words in KEYWORDS.items():
        count = sum(text.count(w) for w in words)
        if count > best_count:
            best, best_count = code, count
    return best if best_count >= 2 else "other"


def label(code: str) -> str:
    return TYPES.get(code, code)
