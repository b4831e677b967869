"""Lifting C kernels written with SSE and AVX2 widths (128- and 256-bit registers; a gather also at 512) to
the canonical form.

Each kernel is lifted (every intrinsic becomes its catalog snippet), printed and parsed back as plain
vnni C, then run by the interpreter and, where this machine can, compiled with g++; both meet a numpy
reference that follows the kernel's order of float operations, so float results are compared exactly.
Sizes include ones that are not multiples of the vector width (scalar tails).
"""
from __future__ import annotations

import numpy as np
import pytest

from xpiler import ir
from xpiler.grammar import parse
from xpiler.interp import Interpreter
from xpiler.irutil import walk
from xpiler.lift import lift
from xpiler.printer import print_module
from tests.interp.test_x86_intrinsics import native_skip

HEADER = "#include <immintrin.h>\n#include <stdint.h>\n"

# Horizontal sum, AVX: 8 running lane sums, then the two 128-bit halves added and two hadds.
HSUM = HEADER + """
extern "C" void hsum(const float* x, float* out, int n) {
  __m256 acc = _mm256_setzero_ps();
  int i = 0;
  for (; i + 8 <= n; i += 8)
    acc = _mm256_add_ps(acc, _mm256_loadu_ps(x + i));
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
  s = _mm_hadd_ps(s, s);
  s = _mm_hadd_ps(s, s);
  float total = _mm_cvtss_f32(s);
  for (; i < n; i++)
    total += x[i];
  out[0] = total;
}
"""


def hsum_reference(x: np.ndarray) -> np.ndarray:
    n8 = len(x) // 8 * 8
    acc = np.zeros(8, np.float32)
    for i in range(0, n8, 8):
        acc = acc + x[i:i + 8]
    s = acc[:4] + acc[4:]                                  # low half + high half
    s = np.array([s[0] + s[1], s[2] + s[3]], np.float32)   # hadd(s, s), lanes 0-1
    total = s[0] + s[1]                                    # hadd again, lane 0
    for v in x[n8:]:
        total = np.float32(total + v)
    return np.array([total], np.float32)


# int8 matrix-vector product, AVX2: 16 int8 sign-extended to int16, madd into 8 int32 lanes.
MATVEC_S8 = HEADER + """
extern "C" void matvec_s8(const int8_t* w, const int8_t* x, int32_t* y, int rows, int k) {
#pragma omp parallel for
  for (int r = 0; r < rows; r++) {
    const int8_t* row = w + r * k;
    __m256i acc = _mm256_setzero_si256();
    int i = 0;
    for (; i + 16 <= k; i += 16) {
      __m256i a = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i*)(row + i)));
      __m256i b = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i*)(x + i)));
      acc = _mm256_add_epi32(acc, _mm256_madd_epi16(a, b));
    }
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(acc), _mm256_extracti128_si256(acc, 1));
    int32_t part[4];
    _mm_storeu_si128((__m128i*)part, s);
    int32_t sum = part[0] + part[1] + part[2] + part[3];
    for (; i < k; i++)
      sum += row[i] * x[i];
    y[r] = sum;
  }
}
"""


# Sum of bytes, SSE: an _mm_setzero_si128 accumulator; u8 pairs to int16 (maddubs with ones), then
# int16 pairs to int32 (madd with ones).
SUM_U8 = HEADER + """
extern "C" void sum_u8(const uint8_t* p, int32_t* out, int n) {
  __m128i acc = _mm_setzero_si128();
  const __m128i ones8 = _mm_set1_epi8(1), ones16 = _mm_set1_epi16(1);
  int i = 0;
  for (; i + 16 <= n; i += 16) {
    __m128i v = _mm_loadu_si128((const __m128i*)(p + i));
    acc = _mm_add_epi32(acc, _mm_madd_epi16(_mm_maddubs_epi16(v, ones8), ones16));
  }
  int32_t part[4];
  _mm_storeu_si128((__m128i*)part, acc);
  int32_t sum = part[0] + part[1] + part[2] + part[3];
  for (; i < n; i++)
    sum += p[i];
  out[0] = sum;
}
"""


# Quantization to int8, SSE: scale, round to nearest even, saturate through two packs.
QUANTIZE = HEADER + """
extern "C" void quantize(const float* x, int8_t* q, float scale, int n) {
  const __m128 s = _mm_set1_ps(scale);
  for (int i = 0; i + 16 <= n; i += 16) {
    __m128i q0 = _mm_cvtps_epi32(_mm_mul_ps(_mm_loadu_ps(x + i), s));
    __m128i q1 = _mm_cvtps_epi32(_mm_mul_ps(_mm_loadu_ps(x + i + 4), s));
    __m128i q2 = _mm_cvtps_epi32(_mm_mul_ps(_mm_loadu_ps(x + i + 8), s));
    __m128i q3 = _mm_cvtps_epi32(_mm_mul_ps(_mm_loadu_ps(x + i + 12), s));
    __m128i w = _mm_packs_epi16(_mm_packs_epi32(q0, q1), _mm_packs_epi32(q2, q3));
    _mm_storeu_si128((__m128i*)(q + i), w);
  }
}
"""


def quantize_reference(x: np.ndarray, scale: np.float32) -> np.ndarray:
    r = np.rint((x * scale).astype(np.float64))
    r = np.where((r >= -2.0**31) & (r < 2.0**31), r, -2.0**31)     # cvtps: out of range -> INT_MIN
    q = np.clip(r, -128, 127).astype(np.int8)
    q[len(x) // 16 * 16:] = 0                                      # the kernel leaves the tail
    return q


# Horizontal sum, SSE by hand: the 256-bit halves added, then movehl and a shuffle with add_ss
# (0x55 = _MM_SHUFFLE(1, 1, 1, 1): lane 1 in every lane).
HSUM_MOVEHL = HEADER + """
extern "C" void hsum_movehl(const float* x, float* out, int n) {
  __m256 acc = _mm256_setzero_ps();
  int i = 0;
  for (; i + 8 <= n; i += 8)
    acc = _mm256_add_ps(acc, _mm256_loadu_ps(x + i));
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 0x55));
  float total = _mm_cvtss_f32(s);
  for (; i < n; i++)
    total += x[i];
  out[0] = total;
}
"""


def hsum_movehl_reference(x: np.ndarray) -> np.ndarray:
    n8 = len(x) // 8 * 8
    acc = np.zeros(8, np.float32)
    for i in range(0, n8, 8):
        acc = acc + x[i:i + 8]
    s = acc[:4] + acc[4:]                                  # low half + high half
    s = s[:2] + s[2:]                                      # movehl: lanes 0-1 + lanes 2-3
    total = s[0] + s[1]                                    # add_ss with lane 1
    for v in x[n8:]:
        total = np.float32(total + v)
    return np.array([total], np.float32)


# 8x8 transpose of float blocks, AVX: unpack, shuffle within 128-bit lanes, then swap 128-bit halves.
TRANSPOSE8 = HEADER + """
extern "C" void transpose8(const float* a, float* b, int blocks) {
  for (int k = 0; k < blocks; k++) {
    const float* p = a + 64 * k;
    float* q = b + 64 * k;
    __m256 r0 = _mm256_loadu_ps(p), r1 = _mm256_loadu_ps(p + 8), r2 = _mm256_loadu_ps(p + 16);
    __m256 r3 = _mm256_loadu_ps(p + 24), r4 = _mm256_loadu_ps(p + 32), r5 = _mm256_loadu_ps(p + 40);
    __m256 r6 = _mm256_loadu_ps(p + 48), r7 = _mm256_loadu_ps(p + 56);
    __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
    __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
    __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
    __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
    __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
    __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
    __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
    __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
    _mm256_storeu_ps(q, _mm256_permute2f128_ps(u0, u4, 0x20));
    _mm256_storeu_ps(q + 8, _mm256_permute2f128_ps(u1, u5, 0x20));
    _mm256_storeu_ps(q + 16, _mm256_permute2f128_ps(u2, u6, 0x20));
    _mm256_storeu_ps(q + 24, _mm256_permute2f128_ps(u3, u7, 0x20));
    _mm256_storeu_ps(q + 32, _mm256_permute2f128_ps(u0, u4, 0x31));
    _mm256_storeu_ps(q + 40, _mm256_permute2f128_ps(u1, u5, 0x31));
    _mm256_storeu_ps(q + 48, _mm256_permute2f128_ps(u2, u6, 0x31));
    _mm256_storeu_ps(q + 56, _mm256_permute2f128_ps(u3, u7, 0x31));
  }
}
"""


# Clamp to [lo, hi], SSE: compares into registers and blends; NaN passes through (both compares false).
CLAMP = HEADER + """
extern "C" void clamp(const float* x, float* y, float lo, float hi, int n) {
  const __m128 vlo = _mm_set1_ps(lo), vhi = _mm_set1_ps(hi);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    __m128 v = _mm_loadu_ps(x + i);
    v = _mm_blendv_ps(v, vlo, _mm_cmplt_ps(v, vlo));
    v = _mm_blendv_ps(v, vhi, _mm_cmp_ps(v, vhi, _CMP_GT_OQ));
    _mm_storeu_ps(y + i, v);
  }
  for (; i < n; i++)
    y[i] = x[i] < lo ? lo : x[i] > hi ? hi : x[i];
}
"""


def clamp_reference(x: np.ndarray, lo: np.float32, hi: np.float32) -> np.ndarray:
    return np.where(x < lo, lo, np.where(x > hi, hi, x)).astype(np.float32)


# torch.gather on the last axis, AVX-512 (16 indices a step) with a masked tail, and AVX2 (8 a step).
GATHER = HEADER + """
extern "C" void gather_rows(float* out, const float* src, const int32_t* idx, int rows, int src_cols, int cols) {
  for (int r = 0; r < rows; ++r) {
    const float* s = src + r * src_cols;
    const int32_t* ir = idx + r * cols;
    float* o = out + r * cols;
    int j = 0;
    for (; j + 16 <= cols; j += 16)
      _mm512_storeu_ps(o + j, _mm512_i32gather_ps(_mm512_loadu_si512(ir + j), s, 4));
    for (; j + 8 <= cols; j += 8)
      _mm256_storeu_ps(o + j, _mm256_i32gather_ps(s, _mm256_loadu_si256((const __m256i*)(ir + j)), 4));
    if (j < cols) {
      __mmask16 m = (__mmask16)((1u << (cols - j)) - 1u);
      __m512i vi = _mm512_maskz_loadu_epi32(m, ir + j);
      _mm512_mask_storeu_ps(o + j, m, _mm512_mask_i32gather_ps(_mm512_setzero_ps(), m, vi, s, 4));
    }
  }
}
"""

def canonical(src: str, name: str) -> ir.Module:
    return parse(print_module(lift(parse(src, f"{name}.cpp"))), f"{name}.canonical.cpp", "vnni")


def cases():
    rng = np.random.default_rng(5)
    out = []
    for n in (8, 61, 256):
        x = (rng.standard_normal(n) * 10.0 ** rng.integers(-3, 4, n)).astype(np.float32)
        out.append(pytest.param(HSUM, "hsum", ["x", "out", "n"],
                                dict(x=x, out=np.zeros(1, np.float32), n=np.int32(n)),
                                {"out": hsum_reference(x)}, id=f"hsum-{n}"))
    for rows, k in ((3, 16), (5, 77), (4, 256)):
        w = rng.integers(-128, 128, rows * k).astype(np.int8)
        x = rng.integers(-128, 128, k).astype(np.int8)
        w[:k] = -128                                      # the extreme product, -128 * -128, in row 0
        x[:] = np.where(np.arange(k) % 3 == 0, -128, x)
        y = (w.reshape(rows, k).astype(np.int64) @ x.astype(np.int64)).astype(np.int32)
        out.append(pytest.param(MATVEC_S8, "matvec_s8", ["w", "x", "y", "rows", "k"],
                                dict(w=w, x=x, y=np.zeros(rows, np.int32), rows=np.int32(rows), k=np.int32(k)),
                                {"y": y}, id=f"matvec_s8-{rows}x{k}"))
    for n in (16, 100, 4096):
        p = rng.integers(0, 256, n).astype(np.uint8)
        p[: n // 2] = 255                                  # maddubs pairs at their largest, 510
        out.append(pytest.param(SUM_U8, "sum_u8", ["p", "out", "n"],
                                dict(p=p, out=np.zeros(1, np.int32), n=np.int32(n)),
                                {"out": np.array([p.astype(np.int64).sum()], np.int32)}, id=f"sum_u8-{n}"))
    for n in (16, 70):
        x = (rng.standard_normal(n) * 40).astype(np.float32)
        x[:6] = [1e12, -1e12, 2.5, -3.5, np.nan, 127.6]      # out of int32, ties to even, NaN, just above 127
        scale = np.float32(1.0)
        out.append(pytest.param(QUANTIZE, "quantize", ["x", "q", "scale", "n"],
                                dict(x=x, q=np.zeros(n, np.int8), scale=scale, n=np.int32(n)),
                                {"q": quantize_reference(x, scale)}, id=f"quantize-{n}"))
    for n in (8, 61, 256):
        x = (rng.standard_normal(n) * 10.0 ** rng.integers(-3, 4, n)).astype(np.float32)
        out.append(pytest.param(HSUM_MOVEHL, "hsum_movehl", ["x", "out", "n"],
                                dict(x=x, out=np.zeros(1, np.float32), n=np.int32(n)),
                                {"out": hsum_movehl_reference(x)}, id=f"hsum_movehl-{n}"))
    for blocks in (1, 3):
        a = rng.standard_normal(64 * blocks).astype(np.float32)
        a[:3] = [np.nan, -0.0, np.inf]
        want = a.reshape(blocks, 8, 8).transpose(0, 2, 1).reshape(-1).copy()
        out.append(pytest.param(TRANSPOSE8, "transpose8", ["a", "b", "blocks"],
                                dict(a=a, b=np.zeros_like(a), blocks=np.int32(blocks)), {"b": want},
                                id=f"transpose8-{blocks}"))
    for n in (4, 37):
        x = (rng.standard_normal(n) * 3).astype(np.float32)
        x[:4] = [np.nan, -np.inf, 1.0, 2.0]
        lo, hi = np.float32(-1.0), np.float32(1.0)
        out.append(pytest.param(CLAMP, "clamp", ["x", "y", "lo", "hi", "n"],
                                dict(x=x, y=np.zeros(n, np.float32), lo=lo, hi=hi, n=np.int32(n)),
                                {"y": clamp_reference(x, lo, hi)}, id=f"clamp-{n}"))
    for rows, src_cols, cols in ((2, 5, 3), (3, 40, 16), (4, 33, 61)):
        src = rng.standard_normal(rows * src_cols).astype(np.float32)
        idx = rng.integers(0, src_cols, rows * cols).astype(np.int32)
        want = np.take_along_axis(src.reshape(rows, src_cols), idx.reshape(rows, cols), axis=1).reshape(-1)
        out.append(pytest.param(GATHER, "gather_rows", ["out", "src", "idx", "rows", "src_cols", "cols"],
                                dict(out=np.zeros(rows * cols, np.float32), src=src, idx=idx, rows=np.int32(rows),
                                     src_cols=np.int32(src_cols), cols=np.int32(cols)),
                                {"out": want}, id=f"gather-{rows}x{cols}"))
    return out


@pytest.mark.parametrize("src, entry, params, inputs, want", cases())
def test_lifted_kernel_meets_reference(src, entry, params, inputs, want):
    module = canonical(src, entry)
    used = {n.callee for n in walk(parse(src, "k.cpp")) if isinstance(n, ir.Call) and n.callee.startswith("_mm")}
    assert used and not any(isinstance(n, ir.Call) and n.callee.startswith("_mm") for n in walk(module))
    got = Interpreter(module).run(entry, {k: np.copy(v) for k, v in inputs.items()})
    source = Interpreter(parse(src, f"{entry}.cpp")).run(entry, {k: np.copy(v) for k, v in inputs.items()})
    for name, expected in want.items():
        assert got[name].tobytes() == expected.tobytes(), f"{name}: canonical {got[name]}, numpy {expected}"
        assert source[name].tobytes() == expected.tobytes(), f"{name}: source {source[name]}, numpy {expected}"


@pytest.mark.parametrize("src, entry, params, inputs, want", cases())
def test_lifted_kernel_compiled_meets_reference(src, entry, params, inputs, want):
    reason = native_skip()
    if reason:
        pytest.skip(reason)
    from xpiler.oracle.native import run_native
    out = run_native(print_module(lift(parse(src, f"{entry}.cpp"))), "vnni", entry, params, inputs)
    for name, expected in want.items():
        assert out[name].tobytes() == expected.tobytes(), \
            f"{name}: compiled canonical {out[name]}, numpy {expected}"
