"""Two `dangan serve` processes on one records database, writing at once (two counter PCs, or
two service processes): every visit registered and every search logged, none lost, no
duplicate number, never an error page — on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import re
import subprocess
import threading
import urllib.parse
from pathlib import Path

from conftest import DANGAN, free_port
from sqlalchemy import create_engine, func, select
from webhelpers import VALID_ID, Browserless

from dangan.register.accounts import Access, Visit

PER_CLERK = 8


def test_two_counter_processes_register_at_once_and_lose_nothing(sample_config, tmp_path,
                                                                records_url):
    cfg = tmp_path / "config.toml"
    cfg.write_text(Path(sample_config).read_text(encoding="utf-8") +
                   f'\n[web]\ndatabase = "{records_url}"\n', encoding="utf-8")
    for clerk in ("clerk1", "clerk2"):
        subprocess.run([*DANGAN, "--config", str(cfg), "user", "add", clerk, "--password-stdin"],
                       input="clerk-password\n", text=True, check=True, capture_output=True)
    ports = [free_port(), free_port()]
    procs = [subprocess.Popen([*DANGAN, "--config", str(cfg), "serve", "--port", str(p)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
             for p in ports]
    failures: list[str] = []
    numbers: list[str] = []
    start = threading.Barrier(2)

    def clerk_at(port: int, name: str) -> None:
        staff = Browserless(f"http://127.0.0.1:{port}")
        staff.wait_until_up()
        staff.login(name, "clerk-password")
        start.wait()
        for n in range(PER_CLERK):
            status, body, _ = staff.post("/visits/new", {
                "requester_name": "李四", "id_number": VALID_ID, "relationship": "本人",
                "purpose": "工龄认定", "note": f"{name}-{n}"}, form_page="/visits/new")
            if status != 302:
                failures.append(f"{name} visit {n}: {status} {body[:200]}")
                continue
            status, html, _ = staff.get("/?" + urllib.parse.urlencode({"person": "瞿德明"}))
            if status != 200:
                failures.append(f"{name} search {n}: {status}")
            numbers.extend(re.findall(r"已登记查档 ([A-Z0-9-]+)", html))

    try:
        threads = [threading.Thread(target=clerk_at, args=(port, name))
                   for port, name in zip(ports, ("clerk1", "clerk2"), strict=True)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
    finally:
        for proc in procs:
            proc.terminate()
        errors = [proc.communicate(timeout=20)[1] for proc in procs]
    assert not failures, failures
    assert all("Traceback" not in e for e in errors), errors
    engine = create_engine(records_url)
    with engine.connect() as conn:
        visits = conn.execute(select(Visit.number, Visit.note)).all()
        searches = conn.scalar(select(func.count()).select_from(Access)
                               .where(Access.action == "search"))
    assert len(visits) == 2 * PER_CLERK
    assert len({v.number for v in visits}) == 2 * PER_CLERK  # no number given twice
    assert {v.note for v in visits} == {f"clerk{c}-{n}" for c in (1, 2) for n in range(PER_CLERK)}
    assert sorted(numbers) == sorted(v.number for v in visits)  # each clerk was told its own
    assert searches == 2 * PER_CLERK
