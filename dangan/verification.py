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


def public_url_problem(public_url: str) -> str | None:
    """Why papers issued now would carry a verification address no 社保 office can open:
    `[archive] public_url` unset (the address the clerk's browser used is printed), or
    pointing at this machine. None when it names a real host."""
    from urllib.parse import urlsplit

    if not public_url:
        return ("未设置 [archive] public_url：复制件上的核验地址将是窗口浏览器所用的地址"
                "（常为内网或 localhost），外单位无法核验。请在 config.toml 设置本馆对外地址。")
    host = (urlsplit(public_url).hostname or "").lower()
    if host in ("", "localhost", "0.0.0.0", "::1") or host.startswith("127.") or \
            host.endswith(".localhost"):
        return (f"[archive] public_url = {public_url} 指向本机：复制件上的核验地址外单位无法打开。"
                "请设置本馆对外地址。")
    return None


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
