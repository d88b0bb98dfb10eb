"""The `dangan` command: index scans, check status, search, serve the web app."""

from __future__ import annotations

import argparse
import json
import re
import signal
import sys
from pathlib import Path

from dangan import clock

from . import config as config_mod
from .doctypes import TYPES
from .exitcodes import Exit, help_text


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="dangan", description="民生档案检索 dangan",
                                 epilog=help_text(),
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", metavar="PATH",
                    help=f"config file (default ./config.toml, or ${config_mod.ENV_VAR})")
    sub = ap.add_subparsers(dest="command", required=True)

    p = sub.add_parser("index", help="OCR and index new or changed scans")
    p.add_argument("paths", nargs="*", type=Path, help="folders or files (default: scan_root)")
    p.add_argument("--index", type=Path, help="index folder (default from config)")
    p.add_argument("--workers", type=int, help="OCR worker processes (default: CPU count)")
    p.add_argument("--catalog", type=Path, help="catalogue CSV or .xlsx (档号, 题名, …)")
    p.add_argument("--prune", action="store_true", help="drop documents whose files are gone")
    p.add_argument("--scheduler", metavar="tcp://HOST:8786",
                   help="run OCR on this Dask cluster (default: local worker processes)")

    p = sub.add_parser("catalog", help="import a catalogue (目录, CSV or .xlsx): report, then "
                       "--apply")
    p.add_argument("file", type=Path)
    p.add_argument("--apply", action="store_true", help="import after the report (default: "
                   "report only, nothing changes)")

    sub.add_parser("check", help="do the index, page store and scan folder agree? (exit 1 if not)")
    sub.add_parser("repair", help="fix what check finds, from the page store (no OCR)")
    p = sub.add_parser("backup", help="consistent copy of store, index, register and config")
    p.add_argument("dest", type=Path, help="a new (or empty) folder")
    p = sub.add_parser("restore", help="restore a backup into the configured (empty) folders")
    p.add_argument("src", type=Path, help="a folder made by dangan backup")

    p = sub.add_parser("status", help="documents, pages, last batch, failures")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("search", help="search the index")
    p.add_argument("query", nargs="*", help="free text; quotes for phrases, -word to exclude")
    p.add_argument("--index", type=Path)
    p.add_argument("--person", default="")
    # read as the web form reads them (search.query.parse_year): 1993, or 93
    p.add_argument("--year")
    p.add_argument("--from", dest="year_from")
    p.add_argument("--to", dest="year_to")
    p.add_argument("--policy", default="", help="文号 in any variant, or a policy name")
    p.add_argument("--type", dest="doc_type", default="", choices=["", *TYPES])
    p.add_argument("--unit", default="")
    p.add_argument("--archive-code", default="")
    p.add_argument("--syntax", choices=["simple", "whoosh"], default="simple",
                   help="'whoosh' parses the text with Whoosh query syntax")
    p.add_argument("--facets", action="store_true", help="counts per type, decade, year, unit")
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("user", help="staff accounts for the web app")
    usub = p.add_subparsers(dest="action", required=True)
    for name, text in (("add", "create an account"), ("passwd", "set a new password")):
        q = usub.add_parser(name, help=text)
        q.add_argument("username")
        q.add_argument("--password-stdin", action="store_true",
                       help="read the password from standard input (scripts)")
        if name == "add":
            q.add_argument("--role", choices=["staff", "admin"], default="staff")
            q.add_argument("--name", default="", help="real name, printed as 经办人 on papers")
    q = usub.add_parser("name", help="set the real name printed as 经办人")
    q.add_argument("username")
    q.add_argument("full_name")
    for name, text in (("disable", "stop an account from logging in"),
                       ("enable", "allow a disabled account again"),
                       ("unlock", "lift the login waits after failed passwords, at once")):
        usub.add_parser(name, help=text).add_argument("username")
    usub.add_parser("list", help="list accounts")
    usub.add_parser("ensure-admin",
                    help="first start: create 'admin' with a random password if no account "
                         "exists, and print it once")

    p = sub.add_parser("token", help="API tokens for partner archives (跨馆接口令牌)")
    tsub = p.add_subparsers(dest="action", required=True)
    tsub.add_parser("create", help="issue a token to a partner archive; printed once") \
        .add_argument("peer", help="the partner archive's code, e.g. XS02")
    q = tsub.add_parser("revoke", help="revoke a partner's tokens (or one, by its start)")
    q.add_argument("peer")
    q.add_argument("--hint", help="first characters of the one token to revoke")
    tsub.add_parser("list", help="tokens issued, with their state")

    p = sub.add_parser("requests", help="the request desk from the command line (cron)")
    rsub = p.add_subparsers(dest="action", required=True)
    rsub.add_parser("sync", help="ask partner archives how forwarded requests stand")
    q = rsub.add_parser("list", help="open requests with their deadlines")
    q.add_argument("--overdue", action="store_true", help="only overdue or due today")

    p = sub.add_parser("audit", help="the register's keyed audit chain")
    asub = p.add_subparsers(dest="action", required=True)
    asub.add_parser("verify", help="check the register, its chain, triggers and head file")

    p = sub.add_parser("db", help="the register database (accounts, visits, requests, access log)")
    dsub = p.add_subparsers(dest="action", required=True)
    dsub.add_parser("upgrade", help="bring it to the current schema (serve does this too)")
    dsub.add_parser("current", help="its schema revision")

    p = sub.add_parser("serve", help="serve the counter web app")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    return ap


def _protect_exclusions(argv: list[str]) -> list[str]:
    """`dangan search 工资 -花名册`: a word after '-' is an exclusion, not an option. A leading
    space keeps argparse from reading it as one; the query parser strips it again."""
    return [f" {a}" if re.match(r"^-[^\x00-\x7f]", a) else a for a in argv]


def main(argv: list[str] | None = None) -> int:
    argv = _protect_exclusions(list(sys.argv[1:] if argv is None else argv))
    args = _parser().parse_args(argv)
    if args.command in ("search", "status"):
        # `dangan search … | head` should stop quietly, as any Unix tool does. Never for
        # `serve`: there a browser closing a download would kill the server.
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    try:
        cfg = config_mod.load(args.config)
    except config_mod.ConfigError as e:
        print(f"dangan: {e}", file=sys.stderr)
        return Exit.USAGE
    clock.use_zone(cfg.timezone)  # the entry point sets the archive's clock, not config.load
    handler = {"index": cmd_index, "status": cmd_status, "search": cmd_search,
               "serve": cmd_serve, "user": cmd_user, "token": cmd_token,
               "requests": cmd_requests, "db": cmd_db, "audit": cmd_audit, "check": cmd_check,
               "repair": cmd_repair, "backup": cmd_backup, "restore": cmd_restore,
               "catalog": cmd_catalog}[args.command]
    try:
        return handler(cfg, args)
    except Exception as e:
        from .register.migrate import RegisterBehind  # (Alembic: imported only when needed)

        if not isinstance(e, RegisterBehind):
            raise
        # Only `serve` and `db upgrade` migrate the register; this command stops, unchanged.
        print(f"dangan {args.command}: {e}", file=sys.stderr)
        return Exit.REGISTER_BEHIND


# `dangan index` exit status (dangan/exitcodes.py): OK the index is up to date (bad files are
# listed, not fatal); FAILED the index or the page store could not be written; BUSY another
# batch holds the lock; SIGINT/SIGTERM when stopped (what was committed is kept, consistent).


def cmd_catalog(cfg, args) -> int:
    """The import report (exit 1 when it names problems); with --apply, the import too."""
    from .indexer.catalog import CatalogError
    from .indexer.catalog_import import import_catalogue
    from .indexer.locks import Busy

    if not args.file.exists():
        print(f"dangan catalog: 没有这个文件 / no such file: {args.file}", file=sys.stderr)
        return Exit.USAGE
    try:
        report = import_catalogue(cfg, args.file, apply=args.apply)
    except CatalogError as e:
        print(f"dangan catalog: {e}", file=sys.stderr)
        return Exit.USAGE
    except Busy as e:
        print(f"dangan catalog: {e}", file=sys.stderr)
        return Exit.BUSY
    print("\n".join(report.lines()))
    return Exit.FAILED if report.has_problems else Exit.OK


def cmd_index(cfg, args) -> int:
    import sqlite3

    from .diskfull import MESSAGE as DISK_FULL
    from .diskfull import is_disk_full
    from .indexer.batch import run_batch
    from .indexer.locks import Busy
    from .logs import configure

    configure(cfg.data_dir, stderr=False)  # stderr carries the progress bar

    for p in args.paths:
        if not p.exists():
            print(f"dangan index: no such file or folder: {p}", file=sys.stderr)
            return Exit.USAGE
    try:
        summary = run_batch(cfg, args.paths or None, index_dir=args.index, workers=args.workers,
                            catalog=args.catalog, prune=args.prune, scheduler=args.scheduler)
    except Busy as e:
        print(f"dangan index: {e}", file=sys.stderr)
        return Exit.BUSY
    except (OSError, sqlite3.Error) as e:  # the index or the store could not be written
        why = DISK_FULL if is_disk_full(e) else "写入失败：磁盘已满、只读或出错？"
        print(f"dangan index: 无法写入索引或页面库（{why}）：{e}。已提交的内容完好，"
              "旧索引仍可检索；处理后重新运行 dangan index 即可继续。", file=sys.stderr)
        return Exit.FAILED
    for line in summary.lines():
        print(line)
    if summary.interrupted:
        print(f"dangan index: 已中断：{summary.interrupted}", file=sys.stderr)
        return Exit.SIGINT if "SIGINT" in summary.interrupted else Exit.SIGTERM
    return Exit.OK


def cmd_check(cfg, args) -> int:
    from .indexer.integrity import check

    report = check(cfg)
    for line in report.lines():
        print(line)
    return Exit.OK if report.ok else Exit.FAILED


def cmd_repair(cfg, args) -> int:
    from .diskfull import MESSAGE as DISK_FULL
    from .diskfull import is_disk_full
    from .indexer.integrity import check, repair
    from .indexer.locks import Busy

    try:
        done = repair(cfg)
    except Busy as e:
        print(f"dangan repair: {e}", file=sys.stderr)
        return Exit.BUSY
    except Exception as e:  # the half-built generation is gone (SearchIndex.rebuilding)
        if not is_disk_full(e):
            raise
        print(f"dangan repair: {DISK_FULL}，修复未完成：{e}。未建完的新索引已删除，"
              "旧索引仍可检索；清理磁盘后重新运行 dangan repair。", file=sys.stderr)
        return Exit.FAILED
    for line in done:
        print(line)
    report = check(cfg)
    for line in report.lines():
        print(line)
    return Exit.OK if report.ok else Exit.FAILED


def cmd_backup(cfg, args) -> int:
    import sqlite3

    from .indexer.backup import BackupError, backup

    try:
        manifest = backup(cfg, args.dest)
    except (BackupError, OSError, sqlite3.Error) as e:
        print(f"dangan backup: 备份失败：{e}", file=sys.stderr)
        return Exit.FAILED
    print(f"已备份到 {args.dest}：{manifest['pages']} 页，用时 {manifest['seconds']:.1f} 秒")
    for note in manifest["notes"]:
        print(f"注意：{note}")
    return Exit.OK


def cmd_restore(cfg, args) -> int:
    import sqlite3

    from .indexer.backup import BackupError, restore

    try:
        manifest = restore(cfg, args.src)
    except (BackupError, OSError, sqlite3.Error) as e:
        print(f"dangan restore: 恢复失败：{e}", file=sys.stderr)
        return Exit.FAILED
    print(f"已从 {args.src}（{manifest['created']}，{manifest['pages']} 页）恢复到 "
          f"{cfg.data_dir} 与 {cfg.index_dir}；请运行 dangan check 核对")
    return Exit.OK


def cmd_status(cfg, args) -> int:
    from .indexer.locks import running_batch
    from .indexer.store import PageStore
    from .search.backend import SearchIndex
    from .search.engine import status as search_engine_status

    running = running_batch(cfg.data_dir)
    store = PageStore(cfg.store_path)
    status = store.status(running=(running or {}).get("batch"))
    status["running_batch"] = running
    index = SearchIndex(cfg.index_dir)
    status["index_dir"] = str(cfg.index_dir)
    status["index_bytes"] = index.size_bytes() if cfg.index_dir.exists() else 0
    status["index_current"] = index.is_current()
    engine = search_engine_status()
    status["engine"] = {"path": engine.path, "whoosh": engine.whoosh_version,
                        "warning": engine.warning()}
    if args.json:
        print(json.dumps(status, ensure_ascii=False, indent=1))
        return Exit.OK
    print(f"档案 documents: {status['documents']}  页 pages: {status['pages']}  "
          f"文件 files: {status['files']}  失败 failed: {status['failed_files']}")
    print(f"索引 index: {status['index_dir']} ({status['index_bytes'] / 1e6:.1f} MB)"
          + ("" if status["index_current"] else "  — 需重建 needs rebuild (run dangan index)"))
    print(engine.describe())
    if engine.warning():
        print(f"警告 warning: {engine.warning()}")
    last = status["last_batch"]
    if last:
        s = last["summary"]
        print(f"最近批次 last batch #{last['id']}: {s.get('files_indexed', 0)} files indexed, "
              f"{s.get('pages', 0)} pages, {s.get('files_failed', 0)} failed, "
              f"{s.get('seconds', 0):.0f}s")
    if running:
        print(f"正在运行 running: 批次 #{running.get('batch', '?')}，进程 {running.get('pid')}")
    for b in status["interrupted_batches"]:
        print(f"  中断的批次 interrupted batch #{b['id']}: {b['reason']}")
    for f in status["failures"]:
        print(f"  失败 {f['path']}: {f['error']}")
    return Exit.OK


def cmd_search(cfg, args) -> int:
    from .indexer.store import PageStore
    from .search.backend import IndexMissing, SearchIndex
    from .search.query import QueryError, SearchRequest, parse_year
    from .search.searching import search

    try:
        years = [parse_year(v) for v in (args.year, args.year_from, args.year_to)]
    except QueryError as e:
        print(f"查询有误：{e}", file=sys.stderr)
        return Exit.USAGE
    req = SearchRequest(person=args.person, year=years[0], year_from=years[1],
                        year_to=years[2], policy=args.policy, doc_type=args.doc_type,
                        unit=args.unit, archive_code=args.archive_code,
                        text=" ".join(args.query), syntax=args.syntax, limit=args.limit)
    store = PageStore(cfg.store_path)
    try:
        results = search(SearchIndex(args.index or cfg.index_dir), req, store.page_view,
                         store.aliases_of, facets=args.facets,
                         policies_file=cfg.policies_file,
                         catalogue=store.restricted_catalogue)
    except QueryError as e:
        print(f"查询有误：{e}", file=sys.stderr)
        return Exit.USAGE
    except IndexMissing as e:
        print(f"dangan search: {e}", file=sys.stderr)
        return Exit.USAGE
    if args.json:
        print(json.dumps({**results.to_json(), "engine": results.engine}, ensure_ascii=False,
                         indent=1))
        return Exit.OK
    print(f"共 {results.total} 条 ({results.seconds * 1000:.0f} ms)")
    for i, h in enumerate(results.hits, 1):
        why = f"  〈{'；'.join(h.why)}〉" if h.why else ""
        row = f" 第{h.row}行" if h.row else ""
        print(f"{i:>3}. {h.path} 第{h.page}页{row}  [{TYPES.get(h.doc_type, h.doc_type)}] "
              f"{h.archive_code}  人员:{'、'.join(h.persons[:6])}  年份:{h.years}{why}")
        if h.snippet:
            print(f"     {h.snippet_terminal}")
    for name, counts in results.facets.items():
        print(f"  {name}: " + "  ".join(f"{k}({v})" for k, v in list(counts.items())[:12]))
    return Exit.OK


def _read_password(args) -> str:
    import getpass

    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("密码 password: ")
    if first != getpass.getpass("再次输入 again: "):
        raise ValueError("两次输入的密码不一致 / passwords differ")
    return first


def _database(cfg):
    """The web app's database (staff, register, requests, tokens), as the CLI edits it."""
    from .register.accounts import Database, database_url

    return Database(database_url(cfg), evidence_dir=cfg.data_dir)


def cmd_db(cfg, args) -> int:
    from .register import migrate

    if args.action == "current":
        from sqlalchemy import create_engine

        from .register.accounts import database_url

        url = database_url(cfg)
        if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
            print(f"尚无数据库 no database yet ({url}); 最新 head {migrate.head()}")
            return Exit.OK
        now = migrate.current(create_engine(url))
        print(f"{now or '(空 empty)'}\t最新 head {migrate.head()}")
        return Exit.OK
    from .register.accounts import Database, database_url

    before, after = Database(database_url(cfg), evidence_dir=cfg.data_dir,
                             migrate=True).schema_change
    if before == after:
        print(f"数据库已是最新 up to date: {after}")
    else:
        print(f"数据库已升级 upgraded: {before or '(新建 new)'} → {after}")
    return Exit.OK


def cmd_user(cfg, args) -> int:
    import secrets


    db = _database(cfg)
    try:
        if args.action == "add":
            db.add_user(args.username, _read_password(args), args.role, args.name)
            print(f"已创建 created {args.role} {args.username}")
        elif args.action == "passwd":
            db.update_user(args.username, password=_read_password(args))
            print(f"已修改密码 password changed: {args.username}")
        elif args.action == "name":
            db.update_user(args.username, full_name=args.full_name)
            print(f"已设置姓名 name set: {args.username} = {args.full_name}")
        elif args.action in ("disable", "enable"):
            db.update_user(args.username, active=args.action == "enable")
            print(f"{'已启用 enabled' if args.action == 'enable' else '已停用 disabled'}: "
                  f"{args.username}")
        elif args.action == "unlock":
            if db.user(args.username) is None:
                raise ValueError(f"无此用户 / no such user: {args.username}")
            # The running server reads this before its next login (web/auth.py).
            cfg.data_dir.mkdir(parents=True, exist_ok=True)
            with open(cfg.data_dir / "login_unlocks", "a", encoding="utf-8") as f:
                f.write(args.username + "\n")
            print(f"已解除登录等待 login waits lifted: {args.username}")
        elif args.action == "list":
            logins = db.last_logins()
            for u in db.users():
                last = logins.get(u.id)
                print(f"{u.username}\t{u.full_name or '-'}\t{u.role}\t"
                      f"{'active' if u.active else 'disabled'}\t"
                      f"{last.strftime('%Y-%m-%d %H:%M') if last else '-'}")
        elif args.action == "ensure-admin":
            if db.users():
                return Exit.OK
            password = secrets.token_urlsafe(9)
            db.add_user("admin", password, "admin")
            print(f"首次启动：已创建管理员 admin，密码 {password} （请登录后用 dangan user passwd "
                  "修改，并为窗口人员创建账号）")
    except ValueError as e:
        print(f"dangan user: {e}", file=sys.stderr)
        return Exit.USAGE
    return Exit.OK


def cmd_token(cfg, args) -> int:
    from .register import tokens

    db = _database(cfg)
    try:
        if args.action == "create":
            token = tokens.create(db, args.peer)
            print(token)
            print(f"已为 {args.peer} 签发令牌。只显示这一次：请通过安全渠道交给对方，对方写入其 "
                  f"config.toml 的 [[peers]] token。", file=sys.stderr)
        elif args.action == "revoke":
            n = tokens.revoke(db, args.peer, args.hint)
            print(f"已吊销 revoked {n} token(s) of {args.peer}")
            if n == 0:
                return Exit.FAILED
        else:
            for t in tokens.listing(db):
                state = f"revoked {t.revoked_at}" if t.revoked_at else "active"
                used = f"last used {t.last_used_at}" if t.last_used_at else "never used"
                print(f"{t.peer}\t{t.hint}…\t{t.created_at}\t{state}\t{used}")
    except ValueError as e:
        print(f"dangan token: {e}", file=sys.stderr)
        return Exit.USAGE
    return Exit.OK


def cmd_requests(cfg, args) -> int:
    from sqlalchemy import select

    from .desk import steps, workflow
    from .desk.deadlines import URGENCY_LABELS, calendar_warning
    from .register.requests import Request

    db = _database(cfg)
    with db.session() as s:
        open_requests = list(s.scalars(select(Request).where(
            Request.status != workflow.DELIVERED).order_by(Request.due_on)))
    if args.action == "sync":
        failed = 0
        for req in open_requests:
            if not req.forwarded_to:
                continue
            try:
                now = steps.refresh_remote(db, cfg, req.number)
                print(f"{req.number}\t{req.forwarded_to}\t{now.remote_status or '?'}")
            except steps.DeskError as e:
                failed += 1
                print(f"{req.number}\t{req.forwarded_to}\t{e}", file=sys.stderr)
        return Exit.FAILED if failed else Exit.OK
    today = clock.today()
    warning = calendar_warning(steps.calendar(cfg).uncovered_years(
        today, *(r.due_on for r in open_requests)))
    if warning:
        print(warning, file=sys.stderr)
    for req in open_requests:
        mark = req.urgency(today)
        if args.overdue and mark not in ("overdue", "due_today"):
            continue
        print(f"{req.number}\t{req.due_on}\t{URGENCY_LABELS[mark]}\t{req.status}\t{req.channel}\t"
              f"{req.subject_name}")
    return Exit.OK


def cmd_audit(cfg, args) -> int:
    """`dangan audit verify`: check the register against its keyed chain, the append-only
    triggers and the head file in the data dir (dangan/register/chain.py). Each kind of
    tampering is reported by the first entry concerned; exit 1 if any is found."""
    from .register import chain

    db = _database(cfg)
    report = chain.verify(db.engine, cfg.data_dir)
    corrected, broken = _corrections_verified(cfg, db)
    if report.intact and not broken:
        print(f"登记簿完整 register intact: 审计链 {report.entries} 条 entries，"
              f"链头文件记到第 {report.anchored} 条 anchored；著录更正 {corrected} 条记录完整")
        return Exit.OK
    for f in report.findings:
        where = f"第 {f.entry} 条 entry {f.entry}" if f.entry is not None else "—"
        print(f"[{f.what}] {where}：{f.message}", file=sys.stderr)
    if broken:
        print(f"[corrections] {broken}", file=sys.stderr)
    return Exit.FAILED


def _corrections_verified(cfg, register_db) -> tuple[int, str | None]:
    """The staff corrections in the page store (dangan/corrections/register.py): their own
    digest chains, then each row against the access-log entry that named it, which is in
    the keyed audit chain — (rows checked, the first that no longer fits)."""
    import sqlite3

    from sqlalchemy import select

    from .corrections import register as corrections
    from .register.accounts import Access

    if not cfg.store_path.exists():
        return 0, None
    db = sqlite3.connect(cfg.store_path)
    try:
        if not db.execute("SELECT 1 FROM sqlite_master WHERE name='corrections'").fetchone():
            return 0, None
        checked, broken = corrections.verify(db)
        if broken is None:
            with register_db.session() as s:
                details = s.scalars(select(Access.detail).where(
                    Access.action.in_(("correction", "correction_review"))))
                broken = corrections.unlogged(db, details)
        return checked, broken
    finally:
        db.close()


def cmd_serve(cfg, args) -> int:
    import logging
    import threading
    import time

    from waitress import serve

    from .logs import configure
    from .web.app import create_app

    configure(cfg.data_dir, stderr=True)
    host = args.host or cfg.web_host
    port = args.port or cfg.web_port
    app = create_app(cfg)
    from .verification import public_url_problem

    if problem := public_url_problem(cfg.public_url):
        logging.getLogger("dangan.serve").warning("%s", problem)
        print(f"dangan serve: 警告 WARNING: {problem}", file=sys.stderr)

    def warm() -> None:  # the first search at the counter should not pay for opening
        from .search.backend import IndexMissing
        from .text.pinyin import name_key
        from .web.stores import search_index

        log = logging.getLogger("dangan.serve")
        t0 = time.monotonic()
        try:
            with app.app_context():
                index = search_index()
                index.warm()
        except IndexMissing:
            log.info("warm-up: no index yet (searches will say so)")
        except Exception:  # a broken index must be seen, not hidden until the first search
            log.exception("warm-up failed")
        else:
            log.info("warm-up: searcher ready in %.1fs (%s path)", time.monotonic() - t0,
                     index.path)
        # Nor for loading pypinyin's tables (1.3 s): a partner's first call waits only
        # [federation] timeout seconds.
        name_key("王秀英")

    threading.Thread(target=warm, name="warm-index", daemon=True).start()
    logging.getLogger("dangan.serve").info("serving %s on http://%s:%s/", cfg.archive_code,
                                           host, port)
    print(f"dangan: serving {cfg.archive_name} on http://{host}:{port}/", flush=True)
    # Waitress drops X-Forwarded-For/-Proto/-Host from any peer it was not told to trust,
    # before the app sees them: behind nginx (proxy = true) the app's ProxyFix, which
    # believes exactly one hop, must get them, or every counter PC looks like 127.0.0.1.
    serve(app, host=host, port=port, threads=8, ident="dangan",
          clear_untrusted_proxy_headers=not cfg.web_proxy)
    return Exit.OK


if __name__ == "__main__":
    sys.exit(main())
