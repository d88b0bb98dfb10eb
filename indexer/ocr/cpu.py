"""What the CPU offers the OCR networks, and the switch that holds them to an office PC's.

OCR speed depends on the CPU's vector units far more than on its clock: the detector runs in
bf16 where the CPU has bf16 units (AVX512-BF16, AMX) and in f32 elsewhere, and oneDNN picks
AVX-512 kernels where it can. A developer on a new server therefore measures a speed no
county archive's PC reaches. With DANGAN_OCR_PORTABLE=1 the networks run as they would on an
AVX2-only PC: f32, and oneDNN (OpenVINO's convolutions) capped at AVX2 through its documented
ONEDNN_MAX_CPU_ISA. The cap has to be in the environment before OpenVINO compiles its first
network, so `apply_portable()` is called before that, and `kernels_of()` reads back from the
compiled network which kernels really run. onnxruntime's own kernels (MLAS) have no such cap:
they keep the CPU's widest ISA, which `describe` says.
"""

from __future__ import annotations

import os
import platform
from collections import Counter
from pathlib import Path

PORTABLE_ENV = "DANGAN_OCR_PORTABLE"
# The flags (as Linux names them in /proc/cpuinfo) that decide which kernels can run.
FLAGS = ("avx2", "fma", "avx512f", "avx512_vnni", "avx_vnni", "avx512_bf16", "amx_bf16",
         "amx_int8")


def portable() -> bool:
    """True when the OCR networks must run as on an AVX2-only PC (f32, no AVX-512)."""
    return os.environ.get(PORTABLE_ENV, "").strip().lower() not in ("", "0", "no", "false")


def apply_portable() -> None:
    """Cap oneDNN at AVX2 for this process when the portable switch is on (before OpenVINO
    compiles anything; a cap already set by hand is left as it is)."""
    if portable():
        os.environ.setdefault("ONEDNN_MAX_CPU_ISA", "AVX2")


def cpu_model() -> str:
    for line in _cpuinfo().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def cpu_flags() -> dict[str, bool]:
    """Which of FLAGS the CPU has."""
    have: set[str] = set()
    for line in _cpuinfo().splitlines():
        if line.startswith("flags"):
            have = set(line.split(":", 1)[1].split())
            break
    return {f: f in have for f in FLAGS}


def _cpuinfo() -> str:
    try:
        return Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def kernels_of(compiled) -> str:
    """The ISA of the kernels an OpenVINO network's convolutions run on, as measured from the
    compiled network (e.g. "brgconv avx2 f32 ×85"): the proof of what ran."""
    counts: Counter[str] = Counter()
    for op in compiled.get_runtime_model().get_ops():
        info = op.get_rt_info()
        if "layerType" not in info or info["layerType"].astype(str) != "Convolution":
            continue
        kind = info["primitiveType"].astype(str) if "primitiveType" in info else "?"
        counts[kind] += 1
    return ", ".join(f"{k} ×{n}" for k, n in counts.most_common(3)) or "no convolutions"


def describe() -> str:
    """One line: the CPU, its relevant flags, and whether the portable switch is on."""
    flags = " ".join(f"{f}{'+' if ok else '-'}" for f, ok in cpu_flags().items())
    mode = (f"PORTABLE (f32, ONEDNN_MAX_CPU_ISA={os.environ.get('ONEDNN_MAX_CPU_ISA', '')})"
            if portable() else "native")
    return f"CPU {cpu_model()}, {os.cpu_count()} cores; {flags}; {mode}"
