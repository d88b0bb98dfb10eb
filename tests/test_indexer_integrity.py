"""`dangan check`, `repair`, `backup` and `restore`, and a page store that runs out of disk:
real processes on real files (text-layer PDFs where no OCR is needed, small printed pages
where it is)."""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess

from conftest import DANGAN, SCANS, run_dangan, search_json, wait_for_rows, write_config
from test_indexer_processes import PEOPLE, _corpus

from dangan.search.backend import VERSION_FILE, SearchIndex

NOTICE = "东政发〔1993〕52号关于做好工资套改工作的通知.pdf"  # text layer: no OCR


def _pdfs(tmp_path, n: int = 3, **ocr):
    folder = tmp_path / "scans"
    folder.mkdir()
    for i in range(n):
        shutil.copy2(SCANS / NOTICE, folder / f"notice-{i}.pdf")
    return write_config(tmp_path / "config.toml", folder, tmp_path, **ocr)


def test_check_names_a_page_the_index_lost_and_repair_restores_it_without_ocr(tmp_path):
    cfg = _pdfs(tmp_path)
    run_dangan(cfg, "index")
    assert "检查通过" in run_dangan(cfg, "check").stdout
    index = SearchIndex(tmp_path / "index")
    # Posting arrays are derived: one gone is named, searching still answers the same.
    next(index.live_dir().rglob("*.dgp")).unlink()
    checked = run_dangan(cfg, "check")
    assert "缺少检索加速数据" in checked.stdout and "检查通过" in checked.stdout
    assert search_json(cfg, "--person", "单国栋")["total"] == 3
    with index.writer() as w:
        w.delete_path("notice-1.pdf")  # as a copy taken mid-batch left it
    index.close()
    proc = run_dangan(cfg, "check", check=False)
    assert proc.returncode == 1
    assert "检索不到" in proc.stdout and "notice-1.pdf#1" in proc.stdout
    repaired = run_dangan(cfg, "repair")
    assert "未重新识别" in repaired.stdout and "检查通过" in repaired.stdout
    assert search_json(cfg, "--person", "单国栋")["total"] == 3


def test_check_finds_a_stale_index_version_and_the_next_batch_rebuilds_it(tmp_path):
    cfg = _pdfs(tmp_path)
    run_dangan(cfg, "index")
    index = SearchIndex(tmp_path / "index")
    (index.live_dir() / VERSION_FILE).write_text('{"version": 1, "shards": 2}')
    assert "版本过旧" in run_dangan(cfg, "check", check=False).stdout
    assert search_json(cfg, "--person", "单国栋")["total"] == 3  # still answers meanwhile
    assert "rebuilt" in run_dangan(cfg, "index").stdout
    assert "检查通过" in run_dangan(cfg, "check").stdout


def test_searching_an_empty_index_says_nothing_found(tmp_path):
    cfg = _pdfs(tmp_path, n=0)
    run_dangan(cfg, "index")
    proc = run_dangan(cfg, "search", "--person", "王秀英")
    assert proc.stdout.startswith("共 0 条") and "Traceback" not in proc.stderr


def test_a_full_page_store_is_one_clear_line_and_the_next_run_carries_on(tmp_path):
    cfg = _pdfs(tmp_path, n=40, commit_every=5)
    limit = 160_000  # bytes any file may grow to: the page store's WAL outgrows it

    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write fails instead of killing us
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    proc = subprocess.run([*DANGAN, "--config", str(cfg), "index"], capture_output=True,
                          text=True, timeout=600, preexec_fn=small_disk)
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    assert "无法写入索引或页面库" in proc.stderr and "Traceback" not in proc.stderr
    rerun = run_dangan(cfg, "index")
    assert "0 failed" in rerun.stdout
    assert "检查通过" in run_dangan(cfg, "check").stdout
    assert search_json(cfg, "--person", "单国栋", "--limit", "100")["total"] == 40


def test_a_backup_taken_during_a_batch_restores_to_a_consistent_archive(tmp_path):
    cfg = _corpus(tmp_path, commit_every=4)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    batch = subprocess.Popen([*DANGAN, "--config", str(cfg), "index"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, start_new_session=True, env=env)
    try:
        wait_for_rows(tmp_path / "data" / "pages.sqlite3", "files", 4, batch)
        assert batch.poll() is None, "the batch finished before the backup"
        backup = run_dangan(cfg, "backup", str(tmp_path / "backup"))
        assert "已备份" in backup.stdout
    finally:
        batch.communicate(timeout=900)
    manifest = json.loads((tmp_path / "backup" / "MANIFEST.json").read_text())
    assert 4 <= manifest["pages"] < len(PEOPLE)  # taken in the middle

    restored = tmp_path / "restored"
    new_cfg = write_config(tmp_path / "restored.toml", tmp_path / "scans", restored)
    assert "已从" in run_dangan(new_cfg, "restore", str(tmp_path / "backup")).stdout
    check = run_dangan(new_cfg, "check")  # exit 0: nothing to repair
    assert "检查通过" in check.stdout and "尚未索引" in check.stdout
    done = manifest["pages"]
    rerun = run_dangan(new_cfg, "index")  # the rest, from the OCR cache where it was done
    assert f"{len(PEOPLE) - done} indexed" in rerun.stdout, rerun.stdout
    for person in PEOPLE:
        assert search_json(new_cfg, "--person", person)["total"] == 1, person
    assert "检查通过" in run_dangan(new_cfg, "check").stdout


def test_a_rebuild_commits_in_steps_and_goes_live_only_when_complete(tmp_path):
    """A rebuild streams the page store and commits every few pages into the new generation
    (at 100,000 pages the stored lines do not fit in memory at once); until it ends,
    searches keep the old generation, and at the end every page is found as before."""
    from dangan.config import load as load_config
    from dangan.indexer import integrity
    from dangan.indexer.store import PageStore

    cfg_path = _pdfs(tmp_path, n=5)
    run_dangan(cfg_path, "index")
    cfg = load_config(cfg_path)
    store, index = PageStore(cfg.store_path), SearchIndex(cfg.index_dir)
    old = index.live_dir()
    seen_live = []
    commit = index._commit

    def watched(w, dirs):  # each step's commit, and which generation searches see then
        commit(w, dirs)
        seen_live.append(index.live_dir())

    index._commit = watched
    assert integrity.rebuild(index, store, commit_every=2) == 5
    assert len(seen_live) >= 3 and all(g == old for g in seen_live)
    assert index.live_dir() != old
    index.close()
    store.close()
    assert search_json(cfg_path, "--person", "单国栋")["total"] == 5


def test_repair_on_a_full_disk_says_so_in_one_line_and_leaves_nothing_half_built(tmp_path):
    from smalldisk import fill, small_disk

    with small_disk(tmp_path / "disk", "24m") as disk:
        cfg = _pdfs(tmp_path)
        text = cfg.read_text(encoding="utf-8").replace(str(tmp_path / "index"), str(disk / "ix"))
        cfg.write_text(text, encoding="utf-8")
        run_dangan(cfg, "index")
        live = SearchIndex(disk / "ix").live_dir()
        filler = fill(disk, leave=32_000)  # the old index stays; a new one does not fit
        proc = run_dangan(cfg, "repair", check=False)
        assert proc.returncode == 1, (proc.stdout, proc.stderr)
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and "磁盘空间不足" in lines[0], proc.stderr
        assert sorted(p.name for p in (disk / "ix").glob("gen-*")) == [live.name]
        assert search_json(cfg, "--person", "单国栋")["total"] == 3  # the old index answers
        filler.unlink()
        assert "检查通过" in run_dangan(cfg, "repair").stdout
        assert len(list((disk / "ix").glob("gen-*"))) == 1


def _backed_up(tmp_path):
    """Three text-layer PDFs indexed, a user in the register, a backup of it all."""
    cfg = _pdfs(tmp_path)
    run_dangan(cfg, "index")
    adduser = subprocess.run([*DANGAN, "--config", str(cfg), "user", "add", "clerk",
                              "--password-stdin"], input="clerk-password-1\n", text=True,
                             capture_output=True)
    assert adduser.returncode == 0, adduser.stderr
    run_dangan(cfg, "backup", str(tmp_path / "backup"))
    return cfg


def test_a_damaged_backup_is_refused_before_anything_is_written_and_a_good_one_restores(
        tmp_path):
    _backed_up(tmp_path)
    kept = {p.name for p in (tmp_path / "data").iterdir()
            if not p.name.endswith(("-wal", "-shm", ".lock")) and p.name != "pages.sqlite3"}
    assert kept <= {p.name for p in (tmp_path / "backup" / "data").iterdir()}  # all of it
    good, bad = tmp_path / "backup", tmp_path / "damaged"
    shutil.copytree(good, bad)
    store = bad / "pages.sqlite3"
    data = bytearray(store.read_bytes())
    data[len(data) // 2:len(data) // 2 + 4096] = b"\xa5" * 4096  # a bad sector in a page
    store.write_bytes(bytes(data))
    restored = tmp_path / "restored"
    cfg = write_config(tmp_path / "restored.toml", tmp_path / "scans", restored)
    proc = run_dangan(cfg, "restore", str(bad), check=False)
    assert proc.returncode == 1
    assert "未通过校验" in proc.stderr and "pages.sqlite3 已损坏" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
    assert not restored.exists() or not any(restored.rglob("*"))  # nothing written
    # The retry with the good backup works, and the archive answers as before.
    assert "已从" in run_dangan(cfg, "restore", str(good)).stdout
    assert "检查通过" in run_dangan(cfg, "check").stdout
    assert search_json(cfg, "--person", "单国栋")["total"] == 3


def test_a_restore_that_runs_out_of_disk_leaves_the_target_untouched_and_can_be_retried(
        tmp_path):
    from smalldisk import fill, small_disk

    _backed_up(tmp_path)
    with small_disk(tmp_path / "disk", "16m") as disk:
        cfg = write_config(tmp_path / "restored.toml", tmp_path / "scans", disk / "archive")
        filler = fill(disk, leave=200_000)  # room to start copying, not to finish
        proc = run_dangan(cfg, "restore", str(tmp_path / "backup"), check=False)
        assert proc.returncode == 1 and "目标文件夹未改动" in proc.stderr, proc.stderr
        assert [p.name for p in disk.iterdir() if p.name != "archive"] == ["filler"]
        assert not (disk / "archive").exists() or not any((disk / "archive").rglob("*"))
        filler.unlink()
        assert "已从" in run_dangan(cfg, "restore", str(tmp_path / "backup")).stdout
        assert "检查通过" in run_dangan(cfg, "check").stdout
        assert search_json(cfg, "--person", "单国栋")["total"] == 3


def test_a_backup_with_a_postgresql_register_holds_its_dump_and_no_password(tmp_path,
                                                                            postgres):
    url = postgres.new_database().replace("postgres@", "postgres:pg-secret-42@")
    cfg = _pdfs(tmp_path)
    cfg.write_text(cfg.read_text(encoding="utf-8") + f'[web]\ndatabase = "{url}"\n',
                   encoding="utf-8")
    run_dangan(cfg, "index")
    adduser = subprocess.run([*DANGAN, "--config", str(cfg), "user", "add", "clerk",
                              "--password-stdin"], input="clerk-password-1\n", text=True,
                             capture_output=True)
    assert adduser.returncode == 0, adduser.stderr
    proc = run_dangan(cfg, "backup", str(tmp_path / "backup"))
    assert "pg_dump" in proc.stdout and "已删除密码" in proc.stdout, proc.stdout
    copied = (tmp_path / "backup" / "config.toml").read_text(encoding="utf-8")
    assert "pg-secret-42" not in copied and "postgresql+psycopg://postgres:" in copied
    assert not any("pg-secret-42" in p.read_bytes().decode("latin-1")
                   for p in (tmp_path / "backup").rglob("*") if p.is_file())
    listing = subprocess.run(["pg_restore", "--list", str(tmp_path / "backup" /
                                                           "register.pgdump")],
                             capture_output=True, text=True, check=True).stdout
    assert "TABLE DATA public users" in listing or "TABLE DATA public accounts" in listing, \
        listing


def test_check_names_a_scan_changed_since_it_was_indexed_and_the_next_index_reads_it(tmp_path):
    cfg = _pdfs(tmp_path)
    run_dangan(cfg, "index")
    changed = tmp_path / "scans" / "notice-1.pdf"
    changed.write_bytes(changed.read_bytes() + b"\n%changed\n")  # same text, new bytes
    proc = run_dangan(cfg, "check", check=False)
    assert proc.returncode == 1 and "检查通过" not in proc.stdout
    line = next(ln for ln in proc.stdout.splitlines() if "notice-1.pdf" in ln)
    assert "索引后有改动" in line, proc.stdout
    assert "1 indexed" in run_dangan(cfg, "index").stdout
    assert "检查通过" in run_dangan(cfg, "check").stdout


def test_a_generation_a_kill_left_behind_is_named_by_check_and_removed_by_the_next_index(
        tmp_path):
    cfg = _pdfs(tmp_path)
    run_dangan(cfg, "index")
    index = SearchIndex(tmp_path / "index")
    live = index.live_dir()
    half_built = tmp_path / "index" / "gen-000099"  # a rebuild killed before its switch
    shutil.copytree(live, half_built)
    (half_built / VERSION_FILE).unlink()
    previous = tmp_path / "index" / "gen-000000"  # killed between the switch and the cleanup
    shutil.copytree(live, previous)
    checked = run_dangan(cfg, "check").stdout  # not an inconsistency: exit 0, named
    assert "遗留的索引代" in checked and "gen-000099" in checked and "gen-000000" in checked
    run_dangan(cfg, "index")
    assert sorted(p.name for p in (tmp_path / "index").glob("gen-*")) == [live.name]
    assert "遗留的索引代" not in run_dangan(cfg, "check").stdout
    assert search_json(cfg, "--person", "单国栋")["total"] == 3
