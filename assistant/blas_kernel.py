"""OpenBLAS's kernel for this CPU, named before numpy loads OpenBLAS.

numpy's wheel carries OpenBLAS 0.3.20, which does not recognise recent CPUs (AMD's family 26
here) and then falls back to its slowest kernel. The sentence encoder, when it ran on NumPy, took
21.9 ms a message with that one, 13.2 ms with the AVX2 kernel and 10.2 ms with the AVX-512 one
(27 Nov 2026; the embeddings differ by under 2e-7); it now runs on ONNX Runtime, which picks its
own kernels, but the topic classifier's products and its training still run on OpenBLAS. So the
assistant's processes name the fastest kernel that the CPU's own flags allow, whatever
OPENBLAS_CORETYPE they inherited; BLAS_KERNEL in .env names another (any OPENBLAS_CORETYPE value).
"""
import os
from pathlib import Path
from typing import Iterable, Optional, Set

# What OpenBLAS's SkylakeX and Haswell kernels use.
AVX512_FLAGS = {"avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"}
AVX2_FLAGS = {"avx2", "fma"}


def kernel_for(flags: Iterable[str]) -> Optional[str]:
    """The fastest kernel these CPU flags can run; None where OpenBLAS's own choice stands."""
    flags = set(flags)
    if AVX512_FLAGS <= flags:
        return "SkylakeX"
    if AVX2_FLAGS <= flags:
        return "Haswell"
    return None


def cpu_flags(cpuinfo: Path = Path("/proc/cpuinfo")) -> Set[str]:
    """The first processor's flags (empty where /proc/cpuinfo does not exist or has none)."""
    try:
        lines = cpuinfo.read_text(errors="replace").splitlines()
    except OSError:
        return set()
    for line in lines:
        if line.startswith("flags"):
            return set(line.partition(":")[2].split())
    return set()


def choose() -> None:
    """Sets OPENBLAS_CORETYPE for this process and its children (too late once numpy is loaded)."""
    from assistant import settings

    kernel = settings.get("BLAS_KERNEL", "") or kernel_for(cpu_flags())
    if kernel:
        os.environ["OPENBLAS_CORETYPE"] = kernel
