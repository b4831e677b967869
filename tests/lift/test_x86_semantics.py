"""The `semantics` snippets of xpiler/catalog/x86.toml, written by scripts/x86_semantics.py.

1. The catalog holds what the generator writes, and every x86 entry has a snippet.
2. Every snippet, instantiated by the lifter, computes bit for bit what the interpreter's implementation
   of the intrinsic computes, on registers of random bits, floats and edge values (NaN, ±0, ±inf,
   INT_MIN/INT_MAX and the saturation bounds of 8-, 16-, 32- and 64-bit lanes), masks 0, all-ones and
   patterns, scalars at their edges, and every value of an immediate; results compared in registers,
   scalars and memory.
3. The same programs compiled with g++: the canonical one (snippets, no intrinsics) against the
   intrinsics run by this CPU, for every intrinsic whose features this CPU has.
"""
from __future__ import annotations

import ctypes
import functools
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from xpiler.grammar import parse
from xpiler.interp import Interpreter
from xpiler.intrinsics import catalog
from xpiler.lift import lift
from xpiler.lift.detensorize_x86 import REGISTERS
from xpiler.printer import print_module
from tests.interp.test_x86_intrinsics import ARITHMETIC, cases, cpu_lacks, native_skip

ROOT = Path(__file__).resolve().parents[2]
HEADER = "#include <immintrin.h>\n#include <stdint.h>\n#include <math.h>\n"
X86 = sorted(n for n, e in catalog().items() if e.family == "x86")
WITH_SEMANTICS = [n for n in X86 if "semantics" in catalog()[n].data]
CASES = cases(WITH_SEMANTICS)


def generator():
    """scripts/x86_semantics.py as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location("x86_semantics", ROOT / "scripts" / "x86_semantics.py")
    module = sys.modules[spec.name] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---- 1. the catalog and its generator ------------------------------------------------------------
def test_catalog_snippets_are_generated():
    gen = generator()
    current = gen.CATALOG.read_text()
    assert gen.rewrite(current, gen.generate()) == current, \
        "xpiler/catalog/x86.toml differs from scripts/x86_semantics.py: edit the script and run it"


def test_every_x86_intrinsic_has_semantics():
    assert X86 and WITH_SEMANTICS == X86, sorted(set(X86) - set(WITH_SEMANTICS))


# ---- 2. probes: one call per sample of a parallel loop ---------------------------------------------
SAMPLES, REG, MEM, SCALARS = 64, 64, 256, 32
LOAD = {"__m512": "_mm512_loadu_ps((const float*)({p}))", "__m256": "_mm256_loadu_ps((const float*)({p}))",
        "__m128": "_mm_loadu_ps((const float*)({p}))", "__m512d": "_mm512_loadu_pd((const double*)({p}))",
        "__m256d": "_mm256_loadu_pd((const double*)({p}))", "__m128d": "_mm_loadu_pd((const double*)({p}))",
        "__m512i": "_mm512_loadu_si512({p})", "__m256i": "_mm256_loadu_si256((const __m256i*)({p}))",
        "__m128i": "_mm_loadu_si128((const __m128i*)({p}))"}
STORE = {"__m512": "_mm512_storeu_ps((float*)({p}), {v})", "__m256": "_mm256_storeu_ps((float*)({p}), {v})",
         "__m128": "_mm_storeu_ps((float*)({p}), {v})", "__m512d": "_mm512_storeu_pd((double*)({p}), {v})",
         "__m256d": "_mm256_storeu_pd((double*)({p}), {v})", "__m128d": "_mm_storeu_pd((double*)({p}), {v})",
         "__m512i": "_mm512_storeu_si512({p}, {v})", "__m256i": "_mm256_storeu_si256((__m256i*)({p}), {v})",
         "__m128i": "_mm_storeu_si128((__m128i*)({p}), {v})"}
SCALAR = {"int": "ints[{i}]", "unsigned int": "(unsigned int)ints[{i}]", "char": "(char)ints[{i}]",
          "short": "(short)ints[{i}]", "long long": "longs[{i}]", "float": "floats[{i}]",
          "double": "doubles[{i}]"}
PARAMS = ["regs", "mem", "masks", "ints", "longs", "floats", "doubles", "out", "n"]
# A gather's index register, bounded to [-9, 22]: times the largest scale (8) plus the pointer's 72
# bytes into the sample's 256, every element read lies in the sample (negative indices included).
BOUNDED = {"__m512i": "_mm512_sub_epi32(_mm512_and_si512({r}, _mm512_set1_epi32(31)), _mm512_set1_epi32(9))",
           "__m256i": "_mm256_sub_epi32(_mm256_and_si256({r}, _mm256_set1_epi32(31)), _mm256_set1_epi32(9))",
           "__m128i": "_mm_sub_epi32(_mm_and_si128({r}, _mm_set1_epi32(31)), _mm_set1_epi32(9))"}


def probe_function(name: str, imm: int | None) -> str:
    """`probe<name>[_<imm>](regs, mem, masks, ints, longs, floats, doubles, out, n)`: the intrinsic
    once per sample s < n: registers from `regs`, masks and scalars from their arrays, pointers into
    `mem` (64-byte aligned for the aligned forms, 8 bytes past that otherwise; a gather's indices
    bounded to stay in the sample), the result to `out`."""
    entry = catalog()[name]
    aligned = "_load_" in name or "_store_" in name
    args, lines = [], []
    for i, p in enumerate(entry.params):
        if "*" in p.ctype:
            args.append(f"({p.ctype})(mem + s * {MEM} + {64 if aligned else 72})")
        elif p.ctype in REGISTERS:
            lines.append(f"{p.ctype} r{i} = {LOAD[p.ctype].format(p=f'regs + s * {4 * REG} + {REG * i}')};")
            if "gather" in name and p.name == "index":
                lines.append(f"r{i} = {BOUNDED[p.ctype].format(r=f'r{i}')};")
            args.append(f"r{i}")
        elif p.ctype.startswith("__mmask"):
            args.append(f"({p.ctype})masks[s]")
        elif p.ctype == "const int":
            args.append(str(imm))
        else:
            args.append(SCALAR[p.ctype].format(i=f"s * {SCALARS} + {i}"))
    call = f"{name}({', '.join(args)})"
    if entry.ret in REGISTERS:
        lines.append(STORE[entry.ret].format(p=f"out + s * {REG}", v=call) + ";")
    elif entry.ret == "void":
        lines.append(call + ";")
    else:
        lines.append(f"(({entry.ret}*)(out + s * {REG}))[0] = {call};")
    body = "\n    ".join(lines)
    return (f'extern "C" void {probe_name(name, imm)}(const uint8_t* regs, uint8_t* mem, '
            "const unsigned long long* masks, const int* ints, const long long* longs, const float* floats, "
            "const double* doubles, uint8_t* out, int n) {\n#pragma omp parallel for\n"
            f"  for (int s = 0; s < n; s++) {{\n    {body}\n  }}\n}}\n")


def probe_name(name: str, imm: int | None) -> str:
    return f"probe{name}" if imm is None else f"probe{name}_{imm}"


# 32-bit words at the edges of float32, int32, and of the int16 / int8 lanes inside them.
EDGE_WORDS = np.array([
    0x00000000, 0x80000000, 0x7FFFFFFF, 0xFFFFFFFF, 0x00000001, 0x7F800000, 0xFF800000, 0x7FC00000,
    0xFFC00000, 0x7FA00000, 0x3F800000, 0xBF800000, 0x3F000000, 0x3FC00000, 0x40200000, 0xC0200000,
    0x4F000000, 0xCF000000, 0x4EFFFFFF, 0xCF000001, 0x00007FFF, 0xFFFF8000, 0x00008000, 0xFFFF7FFF,
    0x0000FFFF, 0x00010000, 0x0000007F, 0xFFFFFF80, 0x00000080, 0xFFFFFF7F, 0x000000FF, 0x00000100,
    0x7F7F7F7F, 0x80808080, 0x807F807F, 0x7FFF8000, 0x80007FFF, 0xFF00FF00, 0x00FF00FF], np.uint32)
EDGE_DOUBLES = np.array([np.nan, -np.nan, 0.0, -0.0, np.inf, -np.inf, 1.0, -1.0, 5e-324, 2.5, -2.5,
                         1.7e308, 2.0**63, -2.0**63], np.float64)
EDGE_INTS = np.array([0, 1, -1, 2**31 - 1, -2**31, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128,
                      -128, -129, 255, 256, 32767, 32768, -32768, -32769, 65535, 65536], np.int64)
EDGE_LONGS = np.array([0, 1, -1, 2**63 - 1, -2**63, 2**31, -2**31 - 1, 2**32, 0x7F7F7F7F7F7F7F7F], np.int64)
EDGE_FLOATS = np.array([np.nan, -np.nan, 0.0, -0.0, np.inf, -np.inf, 1.0, -1.0, 1e-45, 3.4e38, 2.5,
                        -2.5, 0.5, 2147483648.0, -2147483648.0, 16777217.0], np.float32)
EDGE_MASKS = np.array([0, 2**64 - 1, 1, 2**63, 0x5555555555555555, 0xAAAAAAAAAAAAAAAA,
                       0x00FF00FF00FF00FF, 0xFFFFFFFF00000000, 0x00000000FFFFFFFF, 0x8001], np.uint64)


def registers(rng, rows: int) -> np.ndarray:
    """`rows` rows of 4 registers (256 bytes), each row one kind of data."""
    out = []
    for r in range(rows):
        kind = r % 7
        if kind == 0:                                             # raw bits
            row = rng.integers(0, 2**32, 64, dtype=np.uint64).astype(np.uint32)
        elif kind == 1:                                           # ordinary floats of any scale
            row = (rng.standard_normal(64) * 10.0 ** rng.integers(-6, 7, 64)).astype(np.float32).view(np.uint32)
        elif kind == 2:                                           # edge words anywhere
            row = rng.choice(EDGE_WORDS, 64)
        elif kind == 3:                                           # one edge word per register: 64-bit
            row = np.repeat(rng.choice(EDGE_WORDS, 4), 16)        # lanes of two of them
        elif kind == 4:                                           # doubles and int64 extremes
            d = rng.choice(EDGE_DOUBLES, 32).view(np.uint32)
            i = rng.choice(EDGE_LONGS, 32).view(np.uint32)
            row = np.where(np.repeat(rng.random(32) < 0.5, 2), d, i)
        elif kind == 5:                                           # small integers in every lane width
            row = rng.integers(-3, 4, 256).astype(np.int8).view(np.uint32)
        else:                                                     # fma cancellation: a, b, -(a*b), d
            a, b, d = (rng.standard_normal(16).astype(np.float32) for _ in range(3))
            row = np.concatenate([a, b, -(a * b), d]).view(np.uint32)
        out.append(row.astype(np.uint32))
    return np.concatenate(out).view(np.uint8)


def edge_or_random(rng, edges: np.ndarray, random: np.ndarray) -> np.ndarray:
    return np.where(rng.random(random.size) < 0.5, rng.choice(edges, random.size), random).astype(edges.dtype)


def probe_inputs(seed: int) -> dict:
    rng = np.random.default_rng(seed)
    n = SAMPLES * SCALARS
    ints = edge_or_random(rng, EDGE_INTS, np.where(rng.random(n) < 0.5, rng.integers(0, 70, n),
                                                   rng.integers(-2**31, 2**31, n)))
    masks = edge_or_random(rng, EDGE_MASKS, rng.integers(0, 2**64, SAMPLES, dtype=np.uint64))
    masks[:len(EDGE_MASKS)] = EDGE_MASKS                          # every pattern at least once
    return dict(regs=registers(rng, SAMPLES), mem=registers(rng, SAMPLES * MEM // 256), masks=masks,
                ints=ints.astype(np.int32), longs=edge_or_random(rng, EDGE_LONGS, rng.integers(-2**63, 2**63, n)),
                floats=edge_or_random(rng, EDGE_FLOATS, rng.standard_normal(n).astype(np.float32)),
                doubles=edge_or_random(rng, EDGE_DOUBLES, rng.standard_normal(n)),
                out=np.zeros(SAMPLES * REG, np.uint8), n=np.int32(SAMPLES))


def canonical(src: str) -> str:
    """The lifted program as text: the snippets instead of the intrinsics."""
    return print_module(lift(parse(src, "probe.cpp")))


def first_difference(want: dict, got: dict, nan: type | None = None) -> str | None:
    """Where `got` differs from `want` in `out` or `mem`; `nan`: the float type of the values written,
    whose NaNs all match (C leaves a NaN result's payload to the compiler, which may swap the operands
    of + or fmaf), None for bit for bit."""
    for buf in ("out", "mem"):
        w, g = want[buf], got[buf]
        bad = w != g
        if nan is not None:
            w, g = w.view(nan), g.view(nan)
            bad = (w.view(f"u{w.itemsize}") != g.view(f"u{w.itemsize}")) & ~(np.isnan(w) & np.isnan(g))
        diff = np.flatnonzero(bad)
        if diff.size:
            i = diff[0]
            return (f"'{buf}' differs at element {i} (sample {i * w.itemsize // (MEM if buf == 'mem' else REG)}): "
                    f"intrinsic {w[i]}, semantics {g[i]}")
    return None


@pytest.mark.parametrize("name, imm", CASES)
def test_semantics_match_interpreter(name, imm):
    src = HEADER + probe_function(name, imm)
    lifted = parse(canonical(src), "probe.canonical.cpp", "vnni")
    entry = probe_name(name, imm)
    for seed in (1, 2):
        inputs = probe_inputs(seed)
        want = Interpreter(parse(src, "probe.cpp")).run(entry, {k: np.copy(v) for k, v in inputs.items()})
        got = Interpreter(lifted).run(entry, {k: np.copy(v) for k, v in inputs.items()})
        problem = first_difference(want, got)
        assert problem is None, f"{name} (seed {seed}): {problem}\n{src}"


# ---- 3. natively: the canonical C against the instructions ----------------------------------------
@functools.lru_cache(maxsize=1)
def native_libraries() -> tuple[Path, Path]:
    """(intrinsics, canonical) libraries of the probes of every case this CPU runs."""
    from xpiler.oracle import native
    src = HEADER + "".join(probe_function(*p.values) for p in CASES if cpu_lacks(p.values[0]) is None)
    return native.compile_shared(src, "vnni"), native.compile_shared(canonical(src), "vnni")


def call_aligned(lib: Path, entry: str, inputs: dict) -> dict:
    """Call `entry` on 64-byte aligned copies of the arrays (the aligned forms fault otherwise)."""
    copies, args = {}, []
    for name in PARAMS:
        value = inputs[name]
        if isinstance(value, np.ndarray):
            space = np.zeros(value.nbytes + 64, np.uint8)
            start = -space.ctypes.data % 64
            copies[name] = space[start:start + value.nbytes].view(value.dtype)
            copies[name][...] = value
            args.append(ctypes.c_void_p(copies[name].ctypes.data))
        else:
            args.append(ctypes.c_int(int(value)))
    fn = getattr(ctypes.CDLL(str(lib)), entry)
    fn.restype = None
    fn(*args)
    return copies


def float_written(name: str) -> type | None:
    """The float type of the lanes `name` writes (its result, or the register it stores) when it does
    float arithmetic, whose NaNs all match; None when the bits must match."""
    e = catalog()[name]
    if not ARITHMETIC.match(name):
        return None
    written = e.ret if e.ret != "void" else next(p.ctype for p in e.params if p.ctype in REGISTERS)
    return {"float": np.float32, "double": np.float64}.get(REGISTERS.get(written, written))


@pytest.mark.parametrize("name, imm", CASES)
def test_semantics_match_this_cpu(name, imm):
    reason = native_skip() or cpu_lacks(name)
    if reason:
        pytest.skip(reason)
    intrinsics, snippets = native_libraries()
    for seed in (1, 2):
        inputs = probe_inputs(seed)
        problem = first_difference(call_aligned(intrinsics, probe_name(name, imm), inputs),
                                   call_aligned(snippets, probe_name(name, imm), inputs), float_written(name))
        assert problem is None, f"{name} (seed {seed}): {problem}"
