"""The wild set (tests/wild, docs/wild.md): kernels nobody here wrote for xpiler.

1. Every reference is well formed (the docs/wild.md format: ORIGIN, ENTRY, PARAMS, OUTPUTS,
   FAMILY, CASES, make_inputs/reference; LAUNCH exactly for files without host code).
2. Ground truth natively where it is cheap here: every C/x86 kernel (g++, this CPU) and every
   BANG kernel (emulation header) meets its numpy reference on every case. (CUDA/HIP through
   the SIMT CPU emulation: `python3 tests/wild/check_native.py`, a few minutes.)
3. `xpiler run`'s interpreter runs every wild kernel (through its host entry, or `<kernel>_kernel`
   with the reference's launch for a device-only one) on its smallest case and meets the
   reference within SECONDS — except the kernels listed in tests/wild/known_gaps.txt with the
   reason: a wrong or refused one must still fail (strict: a gap that closes has to leave the
   list); a slow one (reason "slow ...") must still meet the reference, within SLOW_SECONDS
   (how slow depends on the machine). Every case of every kernel runs in `bench/wild.py` (the translations' differential
   check), which is too slow for CI.
"""
from __future__ import annotations

import re
import signal
from pathlib import Path

import pytest

from xpiler.diagnostics import XpilerError
from xpiler.interp import Interpreter
from xpiler.oracle import native
from xpiler.oracle.differential import load_program
from tests.corpus_support import EXTENSIONS, assert_outputs_match, wild
from tests.wild.check_native import check as check_natively

KERNELS = wild()
FAMILIES = {"elementwise", "reduction", "softmax", "layernorm", "rmsnorm", "batchnorm", "instancenorm", "gemm",
            "gemv", "bmm", "dense", "conv1d", "conv2d_nhwc", "conv2d_nchw", "depthwise_conv", "pooling",
            "transpose", "gather", "scatter", "concat", "attention", "gated_mlp", "deformable_attention"}
KNOWN_GAPS_FILE = Path(__file__).with_name("known_gaps.txt")


def known_gaps() -> dict[str, str]:
    """kernel id -> why xpiler cannot run it yet (tests/wild/known_gaps.txt: `id  reason`)."""
    out = {}
    for line in KNOWN_GAPS_FILE.read_text().splitlines() if KNOWN_GAPS_FILE.exists() else []:
        line = line.split("#", 1)[0].strip()
        if line:
            kid, _, why = line.partition(" ")
            out[kid] = why.strip()
    return out


@pytest.mark.parametrize("kernel", [pytest.param(k, id=k.id) for k in KERNELS])
def test_reference_well_formed(kernel):
    ref = kernel.reference
    for attr in ("ORIGIN", "ENTRY", "PARAMS", "OUTPUTS", "FAMILY", "CASES", "make_inputs", "reference"):
        assert hasattr(ref, attr), f"{kernel.id}: reference lacks {attr}"
    assert ref.__doc__ and ref.__doc__.strip(), f"{kernel.id}: no docstring"
    assert ref.FAMILY in FAMILIES, f"{kernel.id}: family {ref.FAMILY!r}"
    assert set(ref.OUTPUTS) <= set(ref.PARAMS)
    text = kernel.source.read_text()
    host_code = re.search(r"<<<|hipLaunchKernelGGL|\bcnrtQueue", text) is not None or kernel.platform == "vnni"
    assert bool(kernel.launch) != host_code, f"{kernel.id}: LAUNCH must be given exactly for device-only files"
    inputs = kernel.inputs(kernel.cases()[0])
    assert set(inputs) == set(ref.PARAMS), f"{kernel.id}: make_inputs keys differ from PARAMS"


def test_wild_set_covers_every_family_on_every_platform_somewhere():
    assert {k.reference.FAMILY for k in KERNELS} == FAMILIES
    assert {k.platform for k in KERNELS} == set(EXTENSIONS)
    assert set(known_gaps()) <= {k.id for k in KERNELS}, "known_gaps.txt names a kernel that does not exist"


NATIVE = [pytest.param(k, id=k.id) for k in KERNELS if k.platform in ("vnni", "bang")]


@pytest.mark.parametrize("kernel", NATIVE)
def test_native_ground_truth(kernel):
    tool = {"vnni": "vnni", "bang": "bang"}[kernel.platform]
    if native.available(tool):
        pytest.skip(f"cannot compile {kernel.platform} kernels: {native.available(tool)}")
    if kernel.platform == "vnni" and not native.cpu_runs_vnni():
        pytest.skip("this CPU lacks avx512_vnni (no 'avx512_vnni' flag in /proc/cpuinfo)")
    assert check_natively(kernel) == []


SECONDS = 20                    # the target is 10 s; CI machines vary
SLOW_SECONDS = 120               # a known slow gap must still meet the reference


class Overrun(Exception):
    pass


def _overrun(signum, frame):
    raise Overrun("over the time limit in the interpreter")


def smallest_case(kernel) -> dict:
    """The case with the fewest input elements (all of them are sizes the kernel was written for)."""
    def elements(case):
        return sum(getattr(v, "size", 1) for v in kernel.inputs(case).values())
    return min(kernel.cases(), key=elements)


def run_in_interpreter(kernel, case: dict, seconds: float = SECONDS) -> None:
    """Raises on a wrong result, an error, or a run over SECONDS (SIGALRM: pytest runs tests in
    the main thread)."""
    ref = kernel.reference
    program = load_program(kernel.source, None, ref.ENTRY if kernel.launch else None, kernel.launch_option)
    previous = signal.signal(signal.SIGALRM, _overrun)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        out = Interpreter(program.module).run(program.entry.name, kernel.inputs(case))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert_outputs_match(kernel, {n: out[n] for n in ref.OUTPUTS}, ref.reference(kernel.inputs(case)))


@pytest.mark.parametrize("kernel", [pytest.param(k, id=k.id) for k in KERNELS])
def test_interpreter_meets_reference(kernel):
    gap = known_gaps().get(kernel.id)
    if gap is not None and gap.startswith("slow"):
        run_in_interpreter(kernel, smallest_case(kernel), seconds=SLOW_SECONDS)   # correct, if slowly
        return
    if gap is not None:
        with pytest.raises((XpilerError, AssertionError, Overrun)):
            run_in_interpreter(kernel, smallest_case(kernel))
        return
    run_in_interpreter(kernel, smallest_case(kernel))
