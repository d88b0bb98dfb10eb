"""The `dangan` command's exit statuses, one list for every subcommand (shown by `--help`
and in the README), so scripts and systemd units can tell "nothing to do" from "try later"
from "fix something first"."""

from __future__ import annotations

from enum import IntEnum


class Exit(IntEnum):
    OK = 0  # done (bad scans are listed by `index`, not fatal)
    FAILED = 1  # check found disagreements; a write, a partner call or a revoke failed
    USAGE = 2  # bad config, arguments, query or password; no index yet
    REGISTER_BEHIND = 3  # the records database is behind this release: run `dangan db upgrade`
    BUSY = 75  # another batch holds the lock (EX_TEMPFAIL): try again later
    SIGINT = 130  # stopped by Ctrl-C (128 + 2); what was committed is kept
    SIGTERM = 143  # stopped by SIGTERM (128 + 15); what was committed is kept


MEANING = {
    Exit.OK: "成功 done",
    Exit.FAILED: "失败或核对不一致 failed, or check found disagreements",
    Exit.USAGE: "配置、参数或查询有误，或尚无索引 bad config/arguments/query, or no index yet",
    Exit.REGISTER_BEHIND: "记录数据库需先升级 records database behind: run dangan db upgrade",
    Exit.BUSY: "另一批次正在运行 another batch holds the lock: try later",
    Exit.SIGINT: "被 Ctrl-C 中断 interrupted by Ctrl-C (committed work kept)",
    Exit.SIGTERM: "被 SIGTERM 中断 stopped by SIGTERM (committed work kept)",
}


def help_text() -> str:
    """The exit statuses as `dangan --help` lists them."""
    return "exit status 退出码:\n" + "\n".join(f"  {int(code):>3}  {MEANING[code]}"
                                           for code in Exit)
