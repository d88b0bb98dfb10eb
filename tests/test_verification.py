"""Papers a receiving office can verify: every certified copy and reply carries a code and a
QR code leading to a public page of what was issued (with the PDF's SHA-256); with the
archive's certificate configured the PDF is PAdES-signed, and a tampered copy fails."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re

import numpy as np
import pytest
from archivekit import RESTRICTED_CODE, index, make_archive
from pypdf import PdfReader
from webhelpers import login, make_app, register_visit, token

from dangan import clock


@pytest.fixture(scope="module")
def kit(tmp_path_factory):
    root = tmp_path_factory.mktemp("verify")
    cfg = make_archive(root)
    index(cfg)
    return root, cfg


def _page_id(app, document: str) -> int:
    from dangan.web.stores import page_store

    with app.test_request_context():
        return page_store().first_page_id(document)


def _copy(app, document: str) -> bytes:
    c = login(app.test_client())
    register_visit(c)
    r = c.post("/copy", data={"page_id": str(_page_id(app, document)),
                              "csrf_token": token(c, "/visits/new")})
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.data


def _text(pdf: bytes) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def test_a_copy_names_its_code_and_the_public_page_shows_what_was_issued(kit):
    root, cfg = kit
    app = make_app(cfg, root / "plain")
    pdf = _copy(app, "X012-WS·1985-Y-0012")
    text = _text(pdf)
    code = re.search(r"核验码：([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})", text).group(1)
    page = app.test_client().get(f"/verify/{code}")  # no login: a 社保 office checks it
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "测试档案馆" in html
    assert hashlib.sha256(pdf).hexdigest() in html
    # 档号, kind, date, count and hash: no personal name, not even an open title's.
    assert "X012-WS·1985-Y-0012" in html and "档案复制件" in html
    assert "曾广才" not in html
    assert clock.today().strftime("%Y年%m月%d日") in html
    assert app.test_client().get("/verify/2222-3333-4444").status_code == 404


def test_the_qr_code_leads_to_the_verification_page(kit):
    import cv2
    import pypdfium2

    root, cfg = kit
    app = make_app(cfg, root / "qr")
    pdf = _copy(app, "a/scan0001.pdf")
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=3).to_pil().convert("L")
    url, _points, _ = cv2.QRCodeDetector().detectAndDecode(np.array(image))
    assert re.search(r"/verify/[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$", url), url
    assert app.test_client().get(url.split("localhost", 1)[-1]).status_code == 200


def test_a_copy_of_a_loose_scan_never_prints_its_file_name_as_reference(kit):
    root, cfg = kit
    text = _text(_copy(make_app(cfg, root / "loose"), "a/scan0001.pdf"))
    assert "未编档号" in text and "scan0001" not in text


def test_a_restricted_title_stays_off_the_public_page(kit):
    root, cfg = kit
    app = make_app(cfg, root / "closed")
    a = login(app.test_client(), "boss", "boss-password")
    register_visit(a)
    page_id = _page_id(app, RESTRICTED_CODE)
    a.post(f"/page/{page_id}", data={"reason": "经批准", "csrf_token": token(a, "/visits/new")})
    r = a.post("/copy", data={"page_id": str(page_id), "csrf_token": token(a, "/visits/new")})
    code = re.search(r"核验码：(\S{14})", _text(r.data)).group(1)
    html = app.test_client().get(f"/verify/{code}").get_data(as_text=True)
    assert RESTRICTED_CODE in html and "解玉堂" not in html


def test_an_address_guessing_codes_is_stopped_but_an_office_checking_real_papers_is_not(kit):
    from dangan.web.counter.verify import MISSES_PER_HOUR

    root, cfg = kit
    app = make_app(cfg, root / "guessing")
    code = re.search(r"核验码：(\S{14})", _text(_copy(app, "a/scan0001.pdf"))).group(1)
    office = app.test_client()
    for _ in range(MISSES_PER_HOUR + 5):  # genuine papers never count against an office
        assert office.get(f"/verify/{code}", environ_base={"REMOTE_ADDR": "10.0.0.1"}
                          ).status_code == 200
    guesser = app.test_client()
    for n in range(MISSES_PER_HOUR):
        r = guesser.get(f"/verify/2222-3333-{n:04d}", environ_base={"REMOTE_ADDR": "10.0.0.2"})
        assert r.status_code == 404
    r = guesser.get(f"/verify/{code}", environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert r.status_code == 429 and "请一小时后再试" in r.get_data(as_text=True)
    assert office.get(f"/verify/{code}", environ_base={"REMOTE_ADDR": "10.0.0.1"}
                      ).status_code == 200


# -- PAdES ---------------------------------------------------------------------------------
def _certificate(folder):
    """A self-signed archive certificate, as a PKCS#12 file the config can name."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "测试档案馆"),
                      x509.NameAttribute(NameOID.COUNTRY_NAME, "CN")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(True, True, False, False, False, True, True, False,
                                         False), critical=True)
            .sign(key, hashes.SHA256()))
    path = folder / "archive.p12"
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        b"archive", key, cert, None, serialization.BestAvailableEncryption(b"secret")))
    return path, cert


def _validate(pdf: bytes, cert):
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    root = asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    reader = PdfFileReader(io.BytesIO(pdf))
    (sig,) = reader.embedded_signatures
    return validate_pdf_signature(sig, ValidationContext(trust_roots=[root]))


def test_with_a_certificate_the_copy_is_signed_and_tampering_shows(kit, tmp_path):
    _root, cfg = kit
    p12, cert = _certificate(tmp_path)
    app = make_app(cfg, tmp_path, certificate=p12, certificate_password="secret")
    pdf = _copy(app, "X012-WS·1985-Y-0012")
    status = _validate(pdf, cert)
    assert status.intact and status.valid and status.bottom_line
    # One byte changed inside the signed part (the page's image data).
    at = pdf.index(b"stream", len(pdf) // 4) + 200
    tampered = pdf[:at] + bytes([pdf[at] ^ 0xFF]) + pdf[at + 1:]
    assert not _validate(tampered, cert).intact
