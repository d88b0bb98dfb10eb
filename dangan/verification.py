"""Papers a receiving office can verify: a code and a QR code on every certified copy and
reply, leading to this archive's public page of what was issued; and, where the archive has a
certificate, a PAdES signature any PDF reader checks.

The code is random (not a counter: nobody can walk the list of issued papers), grouped for
reading aloud over the phone. The SHA-256 shown on the public page is that of the PDF exactly
as handed out, signature included.
"""

from __future__ import annotations

import hashlib
import io
import secrets
from pathlib import Path

# No 0/O, 1/I/L: a code read from paper must not be misread.
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    return "-".join(raw[i:i + 4] for i in range(0, 12, 4))


def normalise_code(text: str) -> str:
    raw = "".join(ch for ch in text.upper() if ch in _ALPHABET)
    return "-".join(raw[i:i + 4] for i in range(0, len(raw), 4))


def verify_url(base: str, code: str) -> str:
    return f"{base.rstrip('/')}/verify/{code}"


def qr_png(url: str) -> bytes:
    """The QR code of `url` as a PNG (segno: pure Python, no image library needed)."""
    import segno

    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="png", scale=6, border=2)
    return buf.getvalue()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sign_pdf(pdf: bytes, certificate: Path, password: str, archive_name: str) -> bytes:
    """PAdES signature (pyHanko) with the archive's PKCS#12 certificate."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter

    signer = signers.SimpleSigner.load_pkcs12(
        str(certificate), passphrase=password.encode("utf-8") if password else None)
    if signer is None:
        raise ValueError(f"无法读取档案馆证书：{certificate}")
    meta = signers.PdfSignatureMetadata(
        field_name="ArchiveSignature", reason="档案证明", name=archive_name,
        subfilter=SigSeedSubFilter.PADES)
    out = io.BytesIO()
    signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), meta, signer=signer, output=out)
    return out.getvalue()
