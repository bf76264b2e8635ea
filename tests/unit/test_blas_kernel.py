"""assistant.blas_kernel: the OpenBLAS kernel the assistant's processes run with."""
import os
import subprocess
import sys

import pytest

from assistant import blas_kernel
from assistant.settings import PROJECT_ROOT

ZEN5 = ("fpu sse sse2 avx avx2 fma avx512f avx512dq avx512cd avx512bw avx512vl avx512_bf16")


@pytest.mark.parametrize("flags, kernel", [
    (ZEN5.split(), "SkylakeX"),
    ("sse2 avx avx2 fma".split(), "Haswell"),
    ("sse2 avx avx2 fma avx512f".split(), "Haswell"),  # AVX-512 without BW/DQ/VL/CD
    ("sse2 avx".split(), None),
    ("fp asimd evtstrm aes pmull sha1 sha2 crc32".split(), None),  # an ARM server
    ([], None),
])
def test_the_fastest_kernel_the_flags_allow(flags, kernel):
    assert blas_kernel.kernel_for(flags) == kernel


def test_cpu_flags_are_read_from_the_first_processor(tmp_path):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nmodel name\t: AMD EPYC\nflags\t\t: fpu avx2 fma\n\n"
                       "processor\t: 1\nflags\t\t: fpu\n")
    assert blas_kernel.cpu_flags(cpuinfo) == {"fpu", "avx2", "fma"}
    assert blas_kernel.cpu_flags(tmp_path / "missing") == set()


def test_blas_kernel_setting_names_another_kernel(monkeypatch):
    monkeypatch.setenv("OPENBLAS_CORETYPE", "Haswell")
    monkeypatch.setenv("BLAS_KERNEL", "Sandybridge")
    blas_kernel.choose()
    assert os.environ["OPENBLAS_CORETYPE"] == "Sandybridge"


def loaded_kernel(environment, importing_the_assistant: bool = True) -> str:
    """The kernel OpenBLAS reports in a fresh process (importing the assistant, then numpy)."""
    script = ("import assistant; " if importing_the_assistant else "") + (
        "import numpy; from threadpoolctl import threadpool_info; "
        "print([i['architecture'] for i in threadpool_info() if i['internal_api'] == 'openblas'][0])")
    result = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, env=environment,
                            capture_output=True, text=True, check=True)
    return result.stdout.strip().lower()


def test_a_process_of_the_assistant_runs_the_kernel_its_cpu_allows():
    inherited = {k: v for k, v in os.environ.items() if k != "BLAS_KERNEL"}
    inherited["OPENBLAS_CORETYPE"] = "Prescott"  # an old SSE3 kernel of x86-64
    expected = blas_kernel.kernel_for(blas_kernel.cpu_flags())
    # Where the flags name no kernel (an old or non-x86 CPU), the inherited choice stands.
    without = loaded_kernel(inherited, importing_the_assistant=False)
    assert loaded_kernel(inherited) == (expected.lower() if expected else without)
