"""deploy/ as the README has an IT person install it: Debian's nginx with the shipped
nginx-dangan.conf (TLS, the redirect from port 80, the path prefix, the forwarded address,
the body size limit) in front of a real `dangan serve`, over real HTTPS on loopback; and the
systemd units through `systemd-analyze verify`.

Only what cannot be the archive's in a test is changed in the shipped files: the ports
(80/443/8080 → free loopback ports), the certificate's paths (a throwaway self-signed one),
and the commented-out `/dangan/` block is switched on beside `/`."""

from __future__ import annotations

import functools
import http.client
import json
import os
import re
import shutil
import ssl
import subprocess
import time
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from conftest import DANGAN, free_port, run_dangan
from test_indexer_integrity import _pdfs
from webhelpers import Browserless, _NoRedirect

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
UNITS = ["dangan.service", "dangan-index.service", "dangan-index.timer",
         "dangan-backup.service", "dangan-backup.timer"]


def test_the_systemd_units_pass_systemd_analyze_verify(tmp_path):
    """The README's `systemd-analyze verify`, in a stand-in for / (--root): the units where
    the README copies them, an executable where they run dangan, the system's own units."""
    root = tmp_path / "root"
    (root / "etc/systemd/system").mkdir(parents=True)
    for unit in UNITS:
        shutil.copy(DEPLOY / unit, root / "etc/systemd/system" / unit)
    shutil.copytree("/usr/lib/systemd/system", root / "usr/lib/systemd/system", symlinks=True)
    (root / "bin").mkdir()
    shutil.copy("/bin/sh", root / "bin/sh")
    program = root / "opt/dangan/venv/bin/dangan"
    program.parent.mkdir(parents=True)
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    verify = ["systemd-analyze", "verify", f"--root={root}", *UNITS]
    proc = subprocess.run(verify, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and not proc.stderr.strip(), proc.stderr
    # The check sees mistakes: a misspelt key is named.
    unit = root / "etc/systemd/system/dangan.service"
    unit.write_text(unit.read_text().replace("Restart=on-failure", "Restrat=on-failure"))
    proc = subprocess.run(verify, capture_output=True, text=True, timeout=120)
    assert "Restrat" in proc.stderr


def _site(shipped: str, ports: dict[str, int], cert: Path, key: Path) -> str:
    """The shipped site with this test's ports and certificate, and its /dangan/ block on."""
    lines, inside = [], False
    for line in shipped.splitlines():
        if line.startswith("    # location /dangan/"):
            inside = True
        if inside:
            line = "    " + line[len("    # "):] if line.startswith("    # ") else line
            if line.strip() == "}":
                inside = False
        lines.append(line)
    site = "\n".join(lines) + "\n"
    for old, new in (("listen 80;", f"listen 127.0.0.1:{ports['http']};"),
                     ("listen 443 ssl", f"listen 127.0.0.1:{ports['https']} ssl"),
                     ("/etc/ssl/certs/dangan.pem", str(cert)),
                     ("/etc/ssl/private/dangan.key", str(key)),
                     ("127.0.0.1:8080", f"127.0.0.1:{ports['dangan']}")):
        assert old in site, old
        site = site.replace(old, new)
    return site


def _main_conf(tmp: Path, site: Path) -> Path:
    """Debian's /etc/nginx/nginx.conf in short: its http block includes the site."""
    for d in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp / d).mkdir()
    conf = tmp / "nginx.conf"
    conf.write_text(f"""
user root;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    access_log {tmp}/access.log;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {site};
}}
""")
    return conf


class _From(urllib.request.HTTPSHandler):
    """HTTPS from a given loopback address (a counter PC of its own), certificate unchecked
    (the test's self-signed one)."""

    def __init__(self, address: str):
        super().__init__(context=ssl._create_unverified_context())
        self.address = address

    def https_open(self, req):
        return self.do_open(functools.partial(http.client.HTTPSConnection,
                                              source_address=(self.address, 0)),
                            req, context=self._context)


def _browser(base: str, address: str = "127.0.0.3") -> Browserless:
    b = Browserless(base)
    b.opener = urllib.request.build_opener(_From(address),
                                           urllib.request.HTTPCookieProcessor(CookieJar()),
                                           _NoRedirect())
    return b


def _status(base: str) -> int:
    try:
        return _browser(base).get("/login")[0]
    except OSError:
        return 0


@pytest.fixture(scope="module")
def behind_nginx(tmp_path_factory):
    if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
        pytest.fail("nginx is not installed: scripts/setup.sh --test installs it")
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    tmp = tmp_path_factory.mktemp("nginx")
    ports = {"http": free_port(), "https": free_port(), "dangan": free_port()}
    cfg = _pdfs(tmp)
    cfg.write_text(cfg.read_text(encoding="utf-8") + (
        f'[web]\nhost = "127.0.0.1"\nport = {ports["dangan"]}\nhttps = true\nproxy = true\n'),
        encoding="utf-8")
    run_dangan(cfg, "index")
    subprocess.run([*DANGAN, "--config", str(cfg), "user", "add", "clerk", "--password-stdin"],
                   input="clerk-password-1\n", text=True, capture_output=True, check=True)
    token = run_dangan(cfg, "token", "create", "XS02").stdout.split()[0]
    cert, key = tmp / "dangan.pem", tmp / "dangan.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=dangan.archive.local", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    site = tmp / "dangan-site.conf"
    site.write_text(_site((DEPLOY / "nginx-dangan.conf").read_text(), ports, cert, key))
    conf = _main_conf(tmp, site)
    tested = subprocess.run([nginx, "-t", "-c", str(conf)], capture_output=True, text=True)
    assert tested.returncode == 0, tested.stderr  # the README's `nginx -t`
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    server = subprocess.Popen([*DANGAN, "--config", str(cfg), "serve"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    proxy = subprocess.Popen([nginx, "-c", str(conf), "-g", "daemon off;"],
                             stderr=subprocess.PIPE, text=True)
    base = f"https://127.0.0.1:{ports['https']}"
    try:
        deadline = time.monotonic() + 120
        while _status(base) != 200:  # refused until nginx listens, 502 until dangan does
            assert time.monotonic() < deadline and server.poll() is None, server.stderr.read()
            time.sleep(0.5)
        yield {"base": base, "ports": ports, "token": token, "cfg": cfg}
    finally:
        proxy.terminate()
        server.terminate()
        proxy.wait(30)
        server.wait(30)


@pytest.mark.slow
def test_port_80_sends_the_browser_to_https(behind_nginx):
    conn = http.client.HTTPConnection("127.0.0.1", behind_nginx["ports"]["http"], timeout=30)
    conn.request("GET", "/login")
    r = conn.getresponse()
    assert r.status == 301 and r.getheader("Location").startswith("https://")


@pytest.mark.slow
@pytest.mark.parametrize("prefix", ["", "/dangan"])
def test_the_counter_through_nginx_at_the_root_and_under_the_prefix(behind_nginx, prefix):
    b = _browser(behind_nginx["base"] + prefix)
    status, html, _ = b.get("/login")
    assert status == 200 and "登录" in html
    status, _, headers = b.post("/login", {"username": "clerk", "password": "clerk-password-1"})
    assert status == 302 and headers["Location"].startswith(f"{prefix}/"), headers
    status, html, _ = b.post("/visits/new", {"requester_name": "李四", "relationship": "本人",
                                             "id_number": "11010519491231002X",
                                             "purpose": "工龄认定"}, form_page="/visits/new")
    assert status == 302
    status, html, _ = b.get("/?person=%E5%8D%95%E5%9B%BD%E6%A0%8B")  # 单国栋
    links = re.findall(r'(?:href|src|action)="(/[^"]*)"', html)
    assert status == 200 and f'href="{prefix}/page/' in html
    assert links and all(u.startswith(f"{prefix}/") for u in links), links
    page = re.search(rf'href="{prefix}(/page/\d+)', html).group(1)
    status, html, _ = b.get(page)
    assert status == 200 and "单国栋" in html


@pytest.mark.slow
@pytest.mark.parametrize("prefix", ["", "/dangan"])
def test_the_partner_api_through_nginx(behind_nginx, prefix):
    req = urllib.request.Request(f"{behind_nginx['base']}{prefix}/api/v1/search?person=单国栋"
                                 .replace("单国栋", "%E5%8D%95%E5%9B%BD%E6%A0%8B"),
                                 headers={"Authorization": f"Bearer {behind_nginx['token']}"})
    with urllib.request.urlopen(req, context=ssl._create_unverified_context(),
                                timeout=60) as r:
        assert r.status == 200
        assert json.loads(r.read())["total"] == 3


@pytest.mark.slow
def test_a_body_over_the_limit_is_refused_by_nginx(behind_nginx):
    b = _browser(behind_nginx["base"])
    status, body, _ = b.post("/login", {"username": "clerk", "password": "x" * (3 << 20)})
    assert status == 413, body[:200]


@pytest.mark.slow
def test_dangan_sees_the_counter_pcs_address_not_nginxs_nor_a_forged_one(behind_nginx):
    """Failed logins are limited per address (web/auth.py): the PC that fails 20 times is
    held off, the PC beside it is not — and a forged X-Forwarded-For changes nothing."""
    from dangan.web.auth import PER_ADDRESS

    noisy = _browser(behind_nginx["base"], "127.0.0.5")
    statuses = [noisy.post("/login", {"username": f"nobody{n}", "password": "wrong"})[0]
                for n in range(PER_ADDRESS + 1)]
    assert statuses[:PER_ADDRESS] == [401] * PER_ADDRESS and statuses[-1] == 429
    noisy.opener.addheaders = [("X-Forwarded-For", "127.0.0.9")]
    assert noisy.post("/login", {"username": "nobody", "password": "wrong"})[0] == 429
    beside = _browser(behind_nginx["base"], "127.0.0.6")
    r = beside.post("/login", {"username": "nobody", "password": "wrong"})
    assert r[0] == 401, r[1][r[1].find("<main>"):][:800]


@pytest.mark.slow
def test_a_certified_copy_made_through_nginx_prints_the_https_address_under_the_prefix(
        behind_nginx):
    """The scheme, host and prefix nginx forwards are what a certified copy prints as the
    address to verify it at: https, the name the browser used, /dangan/."""
    import io
    import urllib.parse

    from pypdf import PdfReader

    b = _browser(behind_nginx["base"] + "/dangan", "127.0.0.7")
    b.login("clerk", "clerk-password-1")
    b.post("/visits/new", {"requester_name": "李四", "relationship": "本人",
                           "id_number": "11010519491231002X", "purpose": "工龄认定"},
           form_page="/visits/new")
    _, html, _ = b.get("/?person=%E5%8D%95%E5%9B%BD%E6%A0%8B")
    page = re.search(r'href="/dangan/page/(\d+)', html).group(1)
    _, form, _ = b.get(f"/page/{page}")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    body = urllib.parse.urlencode({"page_id": page, "use": "工龄认定",
                                   "csrf_token": token}).encode()
    with b.opener.open(b.base + "/copy", body, timeout=120) as r:
        assert r.headers["Content-Type"] == "application/pdf"
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(r.read())).pages)
    assert "https://127.0.0.1/dangan/verify/" in text.replace("\n", ""), text[-400:]
