"""Staff corrections (著录): an append-only overlay on the machine reading, confirmed by an
admin, searched at once, kept through every rebuild, repair and re-reading of the same file,
flagged when the file changes — and the scan and the stored machine reading never touched."""

from __future__ import annotations

import sqlite3

import pytest
from archivekit import index, make_archive, text_pdf

from dangan import config as config_mod
from dangan.corrections import CorrectionError, effective, propose, register, review
from dangan.corrections.publish import publish
from dangan.indexer import integrity
from dangan.indexer.store import PageStore
from dangan.search.backend import SearchIndex
from dangan.search.query import SearchRequest
from dangan.search.searching import search

MISREAD = "姓名 王秀英 性别 女 出生年月 1940年1月 工作单位 东岭县食品公司"
RIGHT = "姓名 王秀瑛 性别 女 出生年月 1940年1月 工作单位 东岭县食品公司"
FILES = {
    "A.pdf": ["退休审批表", MISREAD, "退休时间 1995年1月"],
    "B.pdf": ["退休审批表", "姓名 欧阳春梅 性别 女 出生年月 1941年6月 工作单位 东岭县棉纺织厂"],
}
CLERK, BOSS = (1, "张会计"), (2, "李科长")


@pytest.fixture()
def kit(tmp_path):
    cfg_path = make_archive(tmp_path, FILES, catalog="")
    index(cfg_path)
    cfg = config_mod.load(cfg_path)
    store = PageStore(cfg.store_path)
    yield cfg_path, cfg, store
    store.close()


def _line(store, page_id: int, text: str) -> int:
    return next(i for i, ln in enumerate(store.page_by_id(page_id).lines) if text in ln.text)


def _correct_name(store, page_id: int, *, confirm: bool = True):
    c = propose(store, page_id=page_id, target="line",
                locator={"line": _line(store, page_id, "王秀英")}, value=RIGHT,
                reason="对照原件，名字是“瑛”", user_id=CLERK[0], user_name=CLERK[1])
    if confirm:
        c = review(store, c.id, decision="confirm", user_id=BOSS[0], user_name=BOSS[1],
                   is_admin=True, self_confirm=False)
    return c


def _hits(cfg, name: str):
    ix = SearchIndex(cfg.index_dir)
    store = PageStore(cfg.store_path)
    try:
        return search(ix, SearchRequest(person=name), store.page_view, store.aliases_of).hits
    finally:
        ix.close()
        store.close()


def _found(cfg, name: str) -> list[str]:
    """The files whose page names `name` as it is spelled (not as a look-alike)."""
    return [h.path for h in _hits(cfg, name) if h.why and h.why[0].startswith("精确")]


def test_a_confirmed_line_correction_is_the_pages_reading_and_the_stored_one_is_kept(kit):
    _, _, store = kit
    pid = store.page_id("A.pdf", 1)
    c = _correct_name(store, pid)
    assert c.status == "confirmed" and c.original == MISREAD and c.value == RIGHT
    page = store.page_by_id(pid)
    assert any("王秀英" in ln.text for ln in page.lines)  # the machine reading, as stored
    reading = effective(page)
    assert [ln.text for ln in reading.page.lines if "秀" in ln.text] == [RIGHT]
    assert "王秀瑛" in reading.page.fields.person_names
    line = next(ln for ln in reading.lines if ln.text == RIGHT)
    assert line.machine == MISREAD and line.label.startswith("人工核对（张会计")
    assert all(ln.label == "机器识别" for ln in reading.lines if ln is not line)
    name = next(f for f in reading.page.fields.facts if f.kind == "name")
    assert name.value == "王秀瑛" and name.checked["by"] == "张会计"
    assert name.checked["confirmed_by"] == "李科长"
    assert store.page_view("A.pdf", 1)["fields"]["facts"][0]["checked"] is not None


def test_a_pending_correction_changes_nothing_until_confirmed(kit):
    _, _, store = kit
    pid = store.page_id("A.pdf", 1)
    c = _correct_name(store, pid, confirm=False)
    assert c.status == "pending" and [p.id for p in register.pending(store.db)] == [c.id]
    assert "王秀瑛" not in effective(store.page_by_id(pid)).page.fields.person_names


def test_who_may_confirm(kit):
    _, _, store = kit
    c = _correct_name(store, store.page_id("A.pdf", 1), confirm=False)
    with pytest.raises(CorrectionError, match="只有管理员"):
        review(store, c.id, decision="confirm", user_id=3, user_name="王", is_admin=False,
               self_confirm=False)
    with pytest.raises(CorrectionError, match="不能确认自己"):
        review(store, c.id, decision="confirm", user_id=CLERK[0], user_name=CLERK[1],
               is_admin=True, self_confirm=False)
    # a one-clerk archive may let the proposer confirm (config), admin or not
    done = review(store, c.id, decision="confirm", user_id=CLERK[0], user_name=CLERK[1],
                  is_admin=False, self_confirm=True)
    assert done.status == "confirmed"
    with pytest.raises(CorrectionError, match="不能重复处理"):
        review(store, c.id, decision="reject", user_id=BOSS[0], user_name=BOSS[1],
               is_admin=True, self_confirm=False)


def test_bad_proposals_are_refused_in_words(kit):
    _, _, store = kit
    pid = store.page_id("A.pdf", 1)
    line = _line(store, pid, "王秀英")
    ask = {"page_id": pid, "target": "line", "user_id": 1, "user_name": "x"}
    with pytest.raises(CorrectionError, match="理由"):
        propose(store, locator={"line": line}, value=RIGHT, reason=" ", **ask)
    with pytest.raises(CorrectionError, match="相同"):
        propose(store, locator={"line": line}, value=MISREAD, reason="r", **ask)
    with pytest.raises(CorrectionError, match="没有这一行"):
        propose(store, locator={"line": 99}, value="x", reason="r", **ask)
    birth = next(f for f in store.page_by_id(pid).fields.facts if f.kind == "birth")
    locator = {"kind": "birth", "row": birth.row, "subject": birth.subject, "value": birth.value}
    with pytest.raises(CorrectionError, match="不是有效的出生年月"):
        propose(store, **{**ask, "target": "fact"}, locator=locator, value="不详", reason="r")


def test_a_fact_correction_and_a_later_one_that_supersedes_it(kit):
    _, _, store = kit
    pid = store.page_id("A.pdf", 1)
    birth = next(f for f in store.page_by_id(pid).fields.facts if f.kind == "birth")
    locator = {"kind": "birth", "row": birth.row, "subject": birth.subject, "value": birth.value}
    first = propose(store, page_id=pid, target="fact", locator=locator, value="1940年7月",
                    reason="原件为7月", user_id=CLERK[0], user_name=CLERK[1])
    review(store, first.id, decision="confirm", user_id=BOSS[0], user_name=BOSS[1],
           is_admin=True, self_confirm=False)
    fact = next(f for f in effective(store.page_by_id(pid)).page.fields.facts
                if f.kind == "birth")
    assert (fact.value, fact.text, fact.checked["original"]) == ("1940-07", "1940年7月",
                                                                 "1940年1月")
    # the clerk corrects the corrected fact: the new one names the one it replaces
    second = propose(store, page_id=pid, target="fact", locator=locator, value="1940年8月",
                     reason="再次核对", user_id=BOSS[0], user_name=BOSS[1])
    assert second.supersedes == first.id and second.original == "1940年1月"
    review(store, second.id, decision="confirm", user_id=CLERK[0], user_name=CLERK[1],
           is_admin=True, self_confirm=False)
    fact = next(f for f in effective(store.page_by_id(pid)).page.fields.facts
                if f.kind == "birth")
    assert fact.value == "1940-08" and fact.checked["correction_id"] == second.id
    assert [c.id for c in register.of_page(store.db, pid)] == [first.id, second.id]


def test_the_register_is_append_only_and_its_chain_shows_tampering(kit):
    _, _, store = kit
    c = _correct_name(store, store.page_id("A.pdf", 1))
    assert register.verify(store.db) == (2, None)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.db.execute("UPDATE corrections SET value='x' WHERE id=?", (c.id,))
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.db.execute("DELETE FROM correction_reviews")
    store.db.execute("DROP TRIGGER corrections_no_update")  # someone with the file itself
    store.db.execute("UPDATE corrections SET value='王秀兰' WHERE id=?", (c.id,))
    _, broken = register.verify(store.db)
    assert broken and f"corrections #{c.id}" in broken


@pytest.mark.slow
def test_search_finds_the_corrected_name_at_once_and_after_every_rebuild(kit):
    cfg_path, cfg, store = kit
    pid = store.page_id("A.pdf", 1)
    _correct_name(store, pid)
    ix = SearchIndex(cfg.index_dir)
    assert publish(ix, store, cfg.data_dir, "A.pdf") == 1
    ix.close()
    assert _found(cfg, "王秀瑛") == ["A.pdf"]
    # what the machine read still finds the page, and says so
    assert [(h.path, h.why[0]) for h in _hits(cfg, "王秀英")] == [("A.pdf", "原识别：王秀瑛")]
    integrity.repair(cfg)  # rebuilds the index from the page store
    assert _found(cfg, "王秀瑛") == ["A.pdf"]
    store.remove_file("A.pdf")  # the file is read again from scratch (same content)
    store.commit()
    index(cfg_path)
    assert store.page_id("A.pdf", 1) == pid
    assert _found(cfg, "王秀瑛") == ["A.pdf"]
    assert register.flagged(store.db) == []


@pytest.mark.slow
def test_a_changed_file_drops_its_corrections_and_flags_them_for_review(kit):
    cfg_path, cfg, store = kit
    pid = store.page_id("A.pdf", 1)
    c = _correct_name(store, pid)
    text_pdf(cfg.scan_root / "A.pdf", [*FILES["A.pdf"], "补：复印件"])  # re-scanned
    index(cfg_path)
    assert store.page_id("A.pdf", 1) != pid
    assert [f.id for f in register.flagged(store.db)] == [c.id]
    assert _found(cfg, "王秀瑛") == []


def test_a_backup_carries_the_corrections_and_their_reviews(kit, tmp_path):
    from dangan.indexer.backup import STORE, backup

    _, cfg, store = kit
    _correct_name(store, store.page_id("A.pdf", 1))
    backup(cfg, tmp_path / "backup")
    copy = PageStore(tmp_path / "backup" / STORE)
    try:
        (c,) = register.confirmed_for(copy.db, "A.pdf", 1)
        assert (c.value, c.by_name, c.reviewed_by) == (RIGHT, "张会计", "李科长")
        assert register.verify(copy.db) == (2, None)
    finally:
        copy.close()


def test_audit_verify_checks_the_corrections_too(kit):
    from conftest import run_dangan

    cfg_path, _, store = kit
    c = _correct_name(store, store.page_id("A.pdf", 1))
    # Made past the counter, which logs every act into the keyed chain: no entry names it.
    # (The counter's way, and a rewrite behind it: tests/test_web_corrections.py.)
    out = run_dangan(cfg_path, "audit", "verify", check=False)
    assert out.returncode != 0 and f"更正 #{c.id} 与访问日志（审计链）所记不符" in out.stderr
    # A row edited behind its own digest chain is named by that chain first.
    store.db.execute("DROP TRIGGER corrections_no_update")
    store.db.execute("UPDATE corrections SET reason='' WHERE id=?", (c.id,))
    store.db.commit()
    out = run_dangan(cfg_path, "audit", "verify", check=False)
    assert out.returncode != 0 and f"[corrections] corrections #{c.id}" in out.stderr


def test_a_corrected_former_name_links_the_corrected_name_and_keeps_doing_so(tmp_path):
    """曾用名 misread: once corrected, searching the person's name follows the corrected former
    name (and no longer the misread one) — at once, after a repair, and after the same file
    is read again from scratch."""
    files = {"C.pdf": ["招工登记表", "姓名 李秀兰 曾用名 李秀蓝 性别 女 出生年月 1950年3月"],
             "D.pdf": ["工资调整审批表", "姓名 李秀岚 性别 女 出生年月 1950年3月"]}
    cfg_path = make_archive(tmp_path, files, catalog="")
    index(cfg_path)
    cfg = config_mod.load(cfg_path)
    store = PageStore(cfg.store_path)
    try:
        assert store.aliases_of("李秀兰") == {"李秀蓝": "曾用名"}
        pid = store.page_id("C.pdf", 1)
        line = _line(store, pid, "曾用名")
        c = propose(store, page_id=pid, target="line", locator={"line": line},
                    value=store.page_by_id(pid).lines[line].text.replace("李秀蓝", "李秀岚"),
                    reason="对照原件", user_id=CLERK[0], user_name=CLERK[1])
        review(store, c.id, decision="confirm", user_id=BOSS[0], user_name=BOSS[1],
               is_admin=True, self_confirm=False)
        ix = SearchIndex(cfg.index_dir)
        publish(ix, store, cfg.data_dir, "C.pdf")
        ix.close()
        assert store.aliases_of("李秀兰") == {"李秀岚": "曾用名"}
        assert store.aliases_of("李秀岚") == {"李秀兰": "现用名"}
        why = {h.path: h.why for h in _hits(cfg, "李秀兰")}
        assert why["D.pdf"] == ["曾用名：李秀岚"]  # her other form, under the corrected name
        integrity.repair(cfg)
        assert store.aliases_of("李秀兰") == {"李秀岚": "曾用名"}
        store.remove_file("C.pdf")  # read again from scratch (same content)
        store.commit()
        index(cfg_path)
        assert store.aliases_of("李秀兰") == {"李秀岚": "曾用名"}
    finally:
        store.close()
