"""What the register says was done, derived from what the system recorded — never typed.

A visit's (or a request's) 复制内容 is the list of papers issued under its number: each
certified copy, 查档结果摘要 and reply once, with its verification code, kind and pages
(dangan/register/accounts.IssuedPaper, written by web/counter/verify.issue as the PDF is handed
out). The closing form has no such field; a correction is a new VisitCorrection row.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from .accounts import Database, IssuedPaper


def issued_under(db: Database, numbers: Iterable[str]) -> dict[str, list[IssuedPaper]]:
    """The papers issued under each number (查档登记号 or 申请编号), oldest first."""
    numbers = list(dict.fromkeys(numbers))
    out: dict[str, list[IssuedPaper]] = {n: [] for n in numbers}
    if not numbers:
        return out
    with db.session() as s:
        for paper in s.scalars(select(IssuedPaper).where(IssuedPaper.number.in_(numbers))
                               .order_by(IssuedPaper.id)):
            out[paper.number].append(paper)
    return out


def describe(paper: IssuedPaper) -> str:
    titles = "、".join(t for t in paper.titles.split("\n") if t)
    pages = f"{paper.pages} 页" + (f"：{titles}" if titles else "")
    return f"{paper.kind} 核验码 {paper.code}（{pages}）"


def copied_text(papers: list[IssuedPaper], legacy: str = "") -> str:
    """复制内容 as the register shows and exports it. `legacy`: what a release before issue 27
    had typed into the closing form, shown as such for visits of that time."""
    text = "；".join(describe(p) for p in papers)
    if legacy and not papers:
        return f"（旧版登记手填）{legacy}"
    return text
