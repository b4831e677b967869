"""BANG C CPU emulation (oracle/include/bang.h, cnrt.h): small .mlu snippets per intrinsic family,
compiled with oracle.native.compile_shared and checked against hand-computed numpy results
(docs/platforms/bang.md gives the semantics; section numbers below refer to it)."""
from __future__ import annotations

import importlib
import math
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
native = importlib.import_module("oracle.native")

pytestmark = pytest.mark.skipif(native.available("bang") is not None,
                                reason=f"cannot compile BANG emulation: {native.available('bang')}")

PRELUDE = """
#include <bang.h>
#include <cnrt.h>
// Launch `kern` on a grid from the host (pointers are host arrays: GDRAM is host memory here).
#define RUN(kern, X, Y, Z, KTYPE, ...) do { cnrtQueue_t q; cnrtQueueCreate(&q); \\
    cnrtDim3_t dim = {X, Y, Z}; cnrtFunctionType_t ktype = KTYPE; \\
    kern<<<dim, ktype, q>>>(__VA_ARGS__); cnrtQueueSync(q); cnrtQueueDestroy(q); } while (0)
#define RUN1(kern, ...) RUN(kern, 1, 1, 1, cnrtFuncTypeBlock, __VA_ARGS__)
"""


class Lib:
    """A compiled snippet; `lib.entry(params, **values)` calls the C entry and returns the arrays."""

    def __init__(self, source: str):
        self.source = PRELUDE + textwrap.dedent(source)
        self.path = native.compile_shared(self.source, "bang")

    def __call__(self, entry: str, params: str, **values):
        names = params.split()
        return native.call(self.path, entry, names, values)


_CACHE: dict[str, Lib] = {}


def lib(source: str) -> Lib:
    if source not in _CACHE:
        _CACHE[source] = Lib(source)
    return _CACHE[source]


RNG = np.random.default_rng(1234)


def f32(*shape, scale=1.0):
    return (RNG.standard_normal(shape) * scale).astype(np.float32)


# ---------------------------------------------------------------------------------------------
# half / bfloat16 and conversions (6.5)

CONVERT = """
__mlu_global__ void k_f2h(half* h, const float* f, int n, int mode) {
  __nram__ float fb[512];
  __nram__ half hb[512];
  __memcpy(fb, f, n * sizeof(float), GDRAM2NRAM);
  switch (mode) {
    case 0: __bang_float2half_rn(hb, fb, n); break;
    case 1: __bang_float2half_tz(hb, fb, n); break;
    case 2: __bang_float2half_dn(hb, fb, n); break;
    case 3: __bang_float2half_up(hb, fb, n); break;
    default: __bang_float2half_oz(hb, fb, n); break;
  }
  __memcpy(h, hb, n * sizeof(half), NRAM2GDRAM);
}
__mlu_global__ void k_h2f(float* f, const half* h, int n) {
  __nram__ float fb[512];
  __nram__ half hb[512];
  __memcpy(hb, h, n * sizeof(half), GDRAM2NRAM);
  __bang_half2float(fb, hb, n);
  __memcpy(f, fb, n * sizeof(float), NRAM2GDRAM);
}
__mlu_global__ void k_f2bf(bfloat16_t* b, float* back, const float* f, int n) {
  __nram__ float fb[512];
  __nram__ bfloat16_t bb[512];
  __memcpy(fb, f, n * sizeof(float), GDRAM2NRAM);
  __bang_float2bfloat16_rn(bb, fb, n);
  __memcpy(b, bb, n * sizeof(bfloat16_t), NRAM2GDRAM);
  __bang_bfloat162float(fb, bb, n);
  __memcpy(back, fb, n * sizeof(float), NRAM2GDRAM);
}
__mlu_global__ void k_half_ops(half* out, const half* a, const half* b, int n) {
  __nram__ half x[256];
  __nram__ half y[256];
  __nram__ half z[256];
  __memcpy(x, a, n * sizeof(half), GDRAM2NRAM);
  __memcpy(y, b, n * sizeof(half), GDRAM2NRAM);
  __bang_add(z, x, y, n);
  __memcpy(out, z, n * sizeof(half), NRAM2GDRAM);
  __bang_mul(z, x, y, n);
  __memcpy(out + n, z, n * sizeof(half), NRAM2GDRAM);
  __bang_div(z, x, y, n);
  __memcpy(out + 2 * n, z, n * sizeof(half), NRAM2GDRAM);
  for (int i = 0; i < n; ++i) z[i] = x[i] - y[i] * (half)0.5f;   // scalar half arithmetic
  __memcpy(out + 3 * n, z, n * sizeof(half), NRAM2GDRAM);
}
__mlu_global__ void k_f2i(int* q32, int8_t* q8, float* back8, const float* f, int n, int mode, int pos) {
  __nram__ float fb[256];
  __nram__ int ib[256];
  __nram__ int8_t cb[256];
  __memcpy(fb, f, n * sizeof(float), GDRAM2NRAM);
  switch (mode) {
    case 0: __bang_float2int32_rn(ib, fb, n); __bang_float2int8_rn(cb, fb, n, pos); break;
    case 1: __bang_float2int32_tz(ib, fb, n); __bang_float2int8_tz(cb, fb, n, pos); break;
    case 2: __bang_float2int32_dn(ib, fb, n); __bang_float2int8_dn(cb, fb, n, pos); break;
    case 3: __bang_float2int32_up(ib, fb, n); __bang_float2int8_up(cb, fb, n, pos); break;
    default: __bang_float2int32_oz(ib, fb, n); __bang_float2int8_oz(cb, fb, n, pos); break;
  }
  __memcpy(q32, ib, n * sizeof(int), NRAM2GDRAM);
  __memcpy(q8, cb, n, NRAM2GDRAM);
  __bang_int82float(fb, cb, n, pos);
  __memcpy(back8, fb, n * sizeof(float), NRAM2GDRAM);
}
extern "C" void t_f2h(half* h, float* f, int n, int mode) { RUN1(k_f2h, h, f, n, mode); }
extern "C" void t_h2f(float* f, half* h, int n) { RUN1(k_h2f, f, h, n); }
extern "C" void t_f2bf(bfloat16_t* b, float* back, float* f, int n) { RUN1(k_f2bf, b, back, f, n); }
extern "C" void t_half_ops(half* out, half* a, half* b, int n) { RUN1(k_half_ops, out, a, b, n); }
extern "C" void t_f2i(int* q32, int8_t* q8, float* back8, float* f, int n, int mode, int pos) {
  RUN1(k_f2i, q32, q8, back8, f, n, mode, pos);
}
"""

F16_EDGE = np.array([1 + 2**-11, 1 + 3 * 2**-11, -(1 + 2**-11), 65504, 65519, 65520, 70000, -70000,
                     2**-24, 2**-25, 3 * 2**-26, 1e-8, -1e-8, 2**-14 - 2**-25, 0.0, -0.0, 0.1, -0.1,
                     np.inf, -np.inf], dtype=np.float32)


def _round_f16(f: np.ndarray, mode: str) -> np.ndarray:
    with np.errstate(over="ignore"):
        return _round_f16_(f, mode)


def _round_f16_(f: np.ndarray, mode: str) -> np.ndarray:
    r = f.astype(np.float16)
    rd, fd = r.astype(np.float64), f.astype(np.float64)
    if mode == "tz":
        fix = np.abs(rd) > np.abs(fd)
        r[fix] = np.nextafter(r[fix], np.float16(0))
    elif mode == "dn":
        fix = rd > fd
        r[fix] = np.nextafter(r[fix], np.float16(-np.inf))
    elif mode == "up":
        fix = rd < fd
        r[fix] = np.nextafter(r[fix], np.float16(np.inf))
    elif mode == "oz":
        fix = np.abs(rd) < np.abs(fd)
        r[fix] = np.nextafter(r[fix], np.where(fd[fix] < 0, np.float16(-np.inf), np.float16(np.inf)))
    return r


@pytest.mark.parametrize("mode", range(5))
def test_float2half_rounding_modes(mode):
    f = np.concatenate([F16_EDGE, f32(200, scale=3.0), f32(50, scale=1e-5), f32(50, scale=3e4)])
    got = lib(CONVERT)("t_f2h", "h f n mode", h=np.zeros(f.size, np.float16), f=f,
                       n=np.int32(f.size), mode=np.int32(mode))["h"]
    want = _round_f16(f, ["rn", "tz", "dn", "up", "oz"][mode])
    assert np.array_equal(got.view(np.uint16), want.view(np.uint16))


def test_half2float_exact_all_finite_halves():
    bits = np.arange(0, 1 << 16, 128, dtype=np.uint32).astype(np.uint16)
    h = bits.view(np.float16)
    h = h[np.isfinite(h)][:512]
    got = lib(CONVERT)("t_h2f", "f h n", f=np.zeros(h.size, np.float32), h=h, n=np.int32(h.size))["f"]
    assert np.array_equal(got, h.astype(np.float32))


def test_bfloat16_round_to_nearest_even():
    f = np.concatenate([f32(300, scale=10.0), np.array([1 + 2**-8, 1 + 3 * 2**-8, 3e38, -0.0], np.float32)])
    out = lib(CONVERT)("t_f2bf", "b back f n", b=np.zeros(f.size, np.uint16), back=np.zeros_like(f),
                       f=f, n=np.int32(f.size))
    u = f.view(np.uint32).astype(np.uint64)
    want = ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype(np.uint16)
    assert np.array_equal(out["b"], want)
    assert np.array_equal(out["back"], (want.astype(np.uint32) << 16).view(np.float32))


def test_half_arithmetic_rounds_like_ieee_binary16():
    n = 200
    a = (RNG.standard_normal(n) * 4).astype(np.float16)
    b = (RNG.standard_normal(n) * 4).astype(np.float16)
    b[b == 0] = np.float16(1)
    got = lib(CONVERT)("t_half_ops", "out a b n", out=np.zeros(4 * n, np.float16), a=a, b=b, n=np.int32(n))["out"]
    with np.errstate(all="ignore"):
        want = np.concatenate([a + b, a * b, a / b, a - b * np.float16(0.5)])
    # the last one: b*0.5 is exact in half, so one rounding per operation as in numpy
    assert np.array_equal(got.view(np.uint16), want.view(np.uint16))


@pytest.mark.parametrize("mode", range(5))
def test_float2int_modes_saturation_and_fix_position(mode):
    pos = -2
    f = np.concatenate([np.array([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 3e9, -3e9, 40.0, -40.0], np.float32),
                        f32(100, scale=20.0)])
    out = lib(CONVERT)("t_f2i", "q32 q8 back8 f n mode pos", q32=np.zeros(f.size, np.int32),
                       q8=np.zeros(f.size, np.int8), back8=np.zeros_like(f), f=f, n=np.int32(f.size),
                       mode=np.int32(mode), pos=np.int32(pos))
    rnd = [np.rint, np.trunc, np.floor, np.ceil, lambda v: np.where(v < 0, np.floor(v), np.ceil(v))][mode]
    fd = f.astype(np.float64)
    want32 = np.clip(rnd(fd), -2**31, 2**31 - 1).astype(np.int32)
    want8 = np.clip(rnd(fd * 2.0**-pos), -128, 127).astype(np.int8)
    assert np.array_equal(out["q32"], want32)
    assert np.array_equal(out["q8"], want8)
    assert np.array_equal(out["back8"], (want8.astype(np.float64) * 2.0**pos).astype(np.float32))


# ---------------------------------------------------------------------------------------------
# data movement (5.1, 5.2) and fills (5.3)

MOVE = """
// 2-D: rows x cols block from a [R][P] source at (r0, c0) into dense NRAM, then into a [R2][P2]
// destination at (r1, c1) with a 2-D NRAM2GDRAM copy.
__mlu_global__ void k_copy2d(float* dst, const float* src, int rows, int cols, int P, int r0, int c0,
                             int P2, int r1, int c1) {
  __nram__ float buf[1024];
  __memcpy(buf, src + r0 * P + c0, cols * sizeof(float), GDRAM2NRAM, cols * sizeof(float),
           P * sizeof(float), rows - 1);
  __memcpy(dst + r1 * P2 + c1, buf, cols * sizeof(float), NRAM2GDRAM, P2 * sizeof(float),
           cols * sizeof(float), rows - 1);
}
// 3-D: src [4][5][6] -> dst = src[:, 1:4, 2:4] dense [4][3][2]; then the same 24 segments of one
// element re-walked as a dst walk of (segnum1 11, segnum2 1) from a src walk of (3, 5).
__mlu_global__ void k_copy3d(float* dst, float* dst2, const float* src) {
  __nram__ float buf[64];
  __memcpy(buf, src + 1 * 6 + 2, 2 * sizeof(float), GDRAM2NRAM, 2 * sizeof(float), 2,
           6 * sizeof(float), 3, 6 * sizeof(float), 2, 30 * sizeof(float), 3);
  __memcpy(dst, buf, 24 * sizeof(float), NRAM2GDRAM);
  __memcpy(dst2, src, sizeof(float), GDRAM2GDRAM, sizeof(float), 11, 12 * sizeof(float), 1,
           5 * sizeof(float), 3, 20 * sizeof(float), 5);
}
// __bang_move with overlap (memmove), then its 2-D form.
__mlu_global__ void k_move(float* out, const float* src) {
  __nram__ float buf[64];
  __memcpy(buf, src, 32 * sizeof(float), GDRAM2NRAM);
  __bang_move(buf + 3, buf, 20 * sizeof(float));
  __memcpy(out, buf, 32 * sizeof(float), NRAM2GDRAM);
  __bang_move(buf + 32, buf, 3 * sizeof(float), 4 * sizeof(float), 8 * sizeof(float), 3);
  __memcpy(out + 32, buf + 32, 16 * sizeof(float), NRAM2GDRAM);
}
__mlu_global__ void k_fill(float* f, half* h, short* s, float* g, const float* x) {
  __nram__ float fb[64];
  __nram__ half hb[64];
  __nram__ short sb[64];
  __nram__ float xb[4];
  __memcpy(xb, x, 4 * sizeof(float), GDRAM2NRAM);
  __bang_write_value(fb, 16, 1);           // int 1: bit pattern, not 1.0f
  __bang_write_value(fb + 16, 16, 2.5f);
  __memset_nram(fb + 32, 16, xb[0]);
  __bang_write_zero(fb + 48, 16);
  __memcpy(f, fb, 64 * sizeof(float), NRAM2GDRAM);
  __bang_write_value(hb, 64, (half)1.5f);
  __bang_write_value(hb, 8, (short)7);     // short 7 into the first 8 halves' storage
  __memcpy(h, hb, 64 * sizeof(half), NRAM2GDRAM);
  __bang_write_zero(sb, 64);
  __bang_write_value(sb, 3, (short)-2, 8 * sizeof(short), 2, 32 * sizeof(short), 1);  // 3-D fill
  __memcpy(s, sb, 64 * sizeof(short), NRAM2GDRAM);
  __gdramset(g, 5, -1.0f);
}
extern "C" void t_copy2d(float* dst, float* src, int rows, int cols, int P, int r0, int c0, int P2, int r1, int c1) {
  RUN1(k_copy2d, dst, src, rows, cols, P, r0, c0, P2, r1, c1);
}
extern "C" void t_copy3d(float* dst, float* dst2, float* src) { RUN1(k_copy3d, dst, dst2, src); }
extern "C" void t_move(float* out, float* src) { RUN1(k_move, out, src); }
extern "C" void t_fill(float* f, half* h, short* s, float* g, float* x) { RUN1(k_fill, f, h, s, g, x); }
"""


def test_memcpy_2d_strides_and_segnum():
    src = f32(9, 13)
    dst = f32(11, 10)
    got = lib(MOVE)("t_copy2d", "dst src rows cols P r0 c0 P2 r1 c1", dst=dst, src=src, rows=np.int32(5),
                    cols=np.int32(7), P=np.int32(13), r0=np.int32(2), c0=np.int32(3), P2=np.int32(10),
                    r1=np.int32(4), c1=np.int32(1))["dst"]
    want = dst.copy()
    want[4:9, 1:8] = src[2:7, 3:10]
    assert np.array_equal(got, want)


def test_memcpy_3d_walks():
    src = f32(4, 5, 6)
    out = lib(MOVE)("t_copy3d", "dst dst2 src", dst=np.zeros(24, np.float32), dst2=np.zeros(24, np.float32),
                    src=src)
    assert np.array_equal(out["dst"], src[:, 1:4, 2:4].ravel())
    flat = src.ravel()
    src_walk = [flat[j * 20 + i * 5] for j in range(6) for i in range(4)]
    want2 = np.zeros(24, np.float32)
    for k, v in enumerate(src_walk):
        want2[(k // 12) * 12 + (k % 12)] = v
    assert np.array_equal(out["dst2"], want2)


def test_bang_move_overlap_and_2d():
    src = f32(32)
    out = lib(MOVE)("t_move", "out src", out=np.zeros(48, np.float32), src=src)["out"]
    buf = src.copy()
    buf[3:23] = src[0:20]
    assert np.array_equal(out[:32], buf)
    for s in range(4):   # 2-D: segment s of 3 floats from pitch 8 to pitch 4
        assert np.array_equal(out[32 + 4 * s:32 + 4 * s + 3], buf[8 * s:8 * s + 3])


def test_fills_take_width_from_value_type():
    f = np.full(64, 9.0, np.float32)
    h = np.zeros(64, np.float16)
    s = np.full(64, 5, np.int16)
    g = np.zeros(8, np.float32)
    x = np.array([-3.25, 0, 0, 0], np.float32)
    out = lib(MOVE)("t_fill", "f h s g x", f=f, h=h, s=s, g=g, x=x)
    wf = np.concatenate([np.ones(16, np.int32).view(np.float32), np.full(16, 2.5, np.float32),
                         np.full(16, -3.25, np.float32), np.zeros(16, np.float32)])
    assert np.array_equal(out["f"].view(np.uint32), wf.view(np.uint32))
    wh = np.full(64, 1.5, np.float16).view(np.int16)
    wh[:8] = 7
    assert np.array_equal(out["h"].view(np.int16), wh)
    ws = np.zeros(64, np.int16)
    for j in range(2):
        for i in range(3):
            ws[j * 32 + i * 8: j * 32 + i * 8 + 3] = -2
    assert np.array_equal(out["s"], ws)
    assert np.array_equal(out["g"], np.array([-1] * 5 + [0] * 3, np.float32))


# ---------------------------------------------------------------------------------------------
# element-wise, scalar, cycle, compare, logic (6.1-6.3)

ELEMENTWISE = """
#define NOPS 16
template <typename T>
__mlu_func__ void all_binary(T* out, const T* a, const T* b, int n) {
  __nram__ static T x[256];
  __nram__ static T y[256];
  __nram__ static T z[256];
  __memcpy(x, a, n * sizeof(T), GDRAM2NRAM);
  __memcpy(y, b, n * sizeof(T), GDRAM2NRAM);
  T* o = z;
  __bang_add(o, x, y, n); __memcpy(out + 0 * n, o, n * sizeof(T), NRAM2GDRAM);
  __bang_sub(o, x, y, n); __memcpy(out + 1 * n, o, n * sizeof(T), NRAM2GDRAM);
  __bang_mul(o, x, y, n); __memcpy(out + 2 * n, o, n * sizeof(T), NRAM2GDRAM);
  __bang_maxequal(o, x, y, n); __memcpy(out + 3 * n, o, n * sizeof(T), NRAM2GDRAM);
  __bang_minequal(o, x, y, n); __memcpy(out + 4 * n, o, n * sizeof(T), NRAM2GDRAM);
  __bang_eq(o, x, y, n); __memcpy(out + 5 * n, o, n * sizeof(T), NRAM2GDRAM);
  __bang_ne(o, x, y, n); __memcpy(out + 6 * n, o, n * sizeof(T), NRAM2GDRAM);
  __bang_gt(o, x, y, n); __memcpy(out + 7 * n, o, n * sizeof(T), NRAM2GDRAM);
  __bang_ge(o, x, y, n); __memcpy(out + 8 * n, o, n * sizeof(T), NRAM2GDRAM);
  __bang_lt(o, x, y, n); __memcpy(out + 9 * n, o, n * sizeof(T), NRAM2GDRAM);
  __bang_le(o, x, y, n); __memcpy(out + 10 * n, o, n * sizeof(T), NRAM2GDRAM);
  __bang_and(o, x, y, n); __memcpy(out + 11 * n, o, n * sizeof(T), NRAM2GDRAM);
  __bang_or(o, x, y, n); __memcpy(out + 12 * n, o, n * sizeof(T), NRAM2GDRAM);
  __bang_xor(o, x, y, n); __memcpy(out + 13 * n, o, n * sizeof(T), NRAM2GDRAM);
  __bang_not(o, x, n); __memcpy(out + 14 * n, o, n * sizeof(T), NRAM2GDRAM);
  __bang_add(x, x, y, n); __memcpy(out + 15 * n, x, n * sizeof(T), NRAM2GDRAM);   // in place
}
__mlu_global__ void k_bin_f(float* out, const float* a, const float* b, int n) { all_binary(out, a, b, n); }
__mlu_global__ void k_bin_i(int* out, const int* a, const int* b, int n) { all_binary(out, a, b, n); }
__mlu_global__ void k_bin_s(short* out, const short* a, const short* b, int n) { all_binary(out, a, b, n); }
__mlu_global__ void k_scalar(float* out, const float* a, int n) {
  __nram__ float x[256];
  __nram__ float z[256];
  __memcpy(x, a, n * sizeof(float), GDRAM2NRAM);
  __bang_add_scalar(z, x, 1.5, n); __memcpy(out + 0 * n, z, n * sizeof(float), NRAM2GDRAM);
  __bang_sub_scalar(z, x, 0.25f, n); __memcpy(out + 1 * n, z, n * sizeof(float), NRAM2GDRAM);
  __bang_mul_scalar(z, x, -3, n); __memcpy(out + 2 * n, z, n * sizeof(float), NRAM2GDRAM);
  __bang_div(z, x, 2048, n); __memcpy(out + 3 * n, z, n * sizeof(float), NRAM2GDRAM);
  __bang_mul_const(z, x, 1.0 / 128, n); __memcpy(out + 4 * n, z, n * sizeof(float), NRAM2GDRAM);
  __bang_gt_scalar(z, x, 0.5f, n); __memcpy(out + 5 * n, z, n * sizeof(float), NRAM2GDRAM);
  __bang_le_scalar(z, x, 0.0f, n); __memcpy(out + 6 * n, z, n * sizeof(float), NRAM2GDRAM);
}
// cycle ops: src [rows][m] with a length-m segment
__mlu_global__ void k_cycle(float* out, const float* a, const float* seg, int n, int m) {
  __nram__ float x[256];
  __nram__ float s[64];
  __nram__ float z[256];
  __memcpy(x, a, n * sizeof(float), GDRAM2NRAM);
  __memcpy(s, seg, m * sizeof(float), GDRAM2NRAM);
  __bang_cycle_add(z, x, s, n, m); __memcpy(out + 0 * n, z, n * sizeof(float), NRAM2GDRAM);
  __bang_cycle_sub(z, x, s, n, m); __memcpy(out + 1 * n, z, n * sizeof(float), NRAM2GDRAM);
  __bang_cycle_mul(z, x, s, n, m); __memcpy(out + 2 * n, z, n * sizeof(float), NRAM2GDRAM);
  __bang_cycle_maxequal(z, x, s, n, m); __memcpy(out + 3 * n, z, n * sizeof(float), NRAM2GDRAM);
  __bang_cycle_gt(z, x, s, n, m); __memcpy(out + 4 * n, z, n * sizeof(float), NRAM2GDRAM);
  __bang_cycle_mul(x, x, s, n, m); __memcpy(out + 5 * n, x, n * sizeof(float), NRAM2GDRAM);  // in place
}
__mlu_global__ void k_bits(int8_t* out, const int8_t* a, const int8_t* b, const float* fa, const float* fb, int n) {
  __nram__ int8_t x[256];
  __nram__ int8_t y[256];
  __nram__ float u[256];
  __nram__ float v[256];
  __memcpy(x, a, n, GDRAM2NRAM);
  __memcpy(y, b, n, GDRAM2NRAM);
  __bang_band((char*)out, (char*)x, (char*)y, n);
  __bang_bor((char*)(out + n), (char*)x, (char*)y, n);
  __bang_bxor((char*)(out + 2 * n), (char*)x, (char*)y, n);
  __bang_bnot((char*)(out + 3 * n), (char*)x, n);
  __memcpy(u, fa, n * sizeof(float), GDRAM2NRAM);
  __memcpy(v, fb, n * sizeof(float), GDRAM2NRAM);
  __bang_lt_bitindex(u, u, v, n);
  __memcpy(out + 4 * n, u, (n + 7) / 8, NRAM2GDRAM);
}
extern "C" void t_bin_f(float* out, float* a, float* b, int n) { RUN1(k_bin_f, out, a, b, n); }
extern "C" void t_bin_i(int* out, int* a, int* b, int n) { RUN1(k_bin_i, out, a, b, n); }
extern "C" void t_bin_s(short* out, short* a, short* b, int n) { RUN1(k_bin_s, out, a, b, n); }
extern "C" void t_scalar(float* out, float* a, int n) { RUN1(k_scalar, out, a, n); }
extern "C" void t_cycle(float* out, float* a, float* seg, int n, int m) { RUN1(k_cycle, out, a, seg, n, m); }
extern "C" void t_bits(int8_t* out, int8_t* a, int8_t* b, float* fa, float* fb, int n) { RUN1(k_bits, out, a, b, fa, fb, n); }
"""


def _binary_expect(a, b):
    t = a.dtype.type
    with np.errstate(over="ignore"):
        arith = [a + b, a - b, a * b]
    cmp_ = [a == b, a != b, a > b, a >= b, a < b, a <= b]
    logic = [(a != 0) & (b != 0), (a != 0) | (b != 0), (a != 0) ^ (b != 0), a == 0]
    return np.concatenate(arith + [np.maximum(a, b), np.minimum(a, b)]
                          + [c.astype(a.dtype) for c in cmp_ + logic] + [arith[0]]).astype(t)


@pytest.mark.parametrize("dtype,entry", [(np.float32, "t_bin_f"), (np.int32, "t_bin_i"), (np.int16, "t_bin_s")])
def test_binary_compare_logic(dtype, entry):
    n = 77
    if dtype == np.float32:
        a, b = f32(n), f32(n)
    else:
        info = np.iinfo(dtype)
        a = RNG.integers(info.min, info.max, n, dtype=dtype, endpoint=True)
        b = RNG.integers(info.min, info.max, n, dtype=dtype, endpoint=True)
        a[:5] = [info.max, info.min, 0, 3, 0]   # overflow wraps; zeros for the logic ops
    b[7:12] = a[7:12]
    got = lib(ELEMENTWISE)(entry, "out a b n", out=np.zeros(16 * n, dtype), a=a, b=b, n=np.int32(n))["out"]
    assert np.array_equal(got, _binary_expect(a, b))


def test_scalar_ops_convert_value_to_element_type():
    n = 50
    a = f32(n)
    got = lib(ELEMENTWISE)("t_scalar", "out a n", out=np.zeros(7 * n, np.float32), a=a, n=np.int32(n))["out"]
    want = np.concatenate([a + np.float32(1.5), a - np.float32(0.25), a * np.float32(-3), a / np.float32(2048),
                           a * np.float32(1 / 128), (a > 0.5).astype(np.float32), (a <= 0).astype(np.float32)])
    assert np.array_equal(got, want)


def test_cycle_ops_broadcast_segment():
    rows, m = 6, 9
    a, seg = f32(rows * m), f32(m)
    got = lib(ELEMENTWISE)("t_cycle", "out a seg n m", out=np.zeros(6 * rows * m, np.float32), a=a, seg=seg,
                           n=np.int32(rows * m), m=np.int32(m))["out"]
    s = np.tile(seg, rows)
    want = np.concatenate([a + s, a - s, a * s, np.maximum(a, s), (a > s).astype(np.float32), a * s])
    assert np.array_equal(got, want)


def test_bitwise_bytes_and_bitindex():
    n = 21
    a = RNG.integers(-128, 127, n, dtype=np.int8, endpoint=True)
    b = RNG.integers(-128, 127, n, dtype=np.int8, endpoint=True)
    fa, fb = f32(n), f32(n)
    got = lib(ELEMENTWISE)("t_bits", "out a b fa fb n", out=np.zeros(4 * n + 3, np.int8), a=a, b=b, fa=fa, fb=fb,
                           n=np.int32(n))["out"]
    assert np.array_equal(got[:4 * n], np.concatenate([a & b, a | b, a ^ b, ~a]))
    assert np.array_equal(got[4 * n:].view(np.uint8), np.packbits(fa < fb, bitorder="little"))


# ---------------------------------------------------------------------------------------------
# unary math (6.4)

UNARY = """
#define NFUN 20
__mlu_global__ void k_unary(float* out, const float* a, const float* p, int n) {
  __nram__ float x[128];
  __nram__ float q[128];
  __nram__ float z[128];
  __memcpy(x, a, n * sizeof(float), GDRAM2NRAM);
  __memcpy(q, p, n * sizeof(float), GDRAM2NRAM);   // positive inputs
  int k = 0;
#define OUT() __memcpy(out + (k++) * n, z, n * sizeof(float), NRAM2GDRAM)
  __bang_active_relu(z, x, n); OUT();
  __bang_relu(z, x, n); OUT();
  __bang_active_sign(z, x, n); OUT();
  __bang_active_abs(z, x, n); OUT();
  __bang_active_exp(z, x, n); OUT();
  __bang_active_recip(z, q, n); OUT();
  __bang_active_sqrt(z, q, n); OUT();
  __bang_active_rsqrt(z, q, n); OUT();
  __bang_active_sigmoid(z, x, n); OUT();
  __bang_active_tanh(z, x, n); OUT();
  __bang_active_gelu(z, x, n); OUT();
  __bang_active_gelup(z, x, n); OUT();
  __bang_active_sin(z, x, n); OUT();
  __bang_active_cos(z, x, n); OUT();
  __bang_active_loghp(z, q, n); OUT();
  __bang_log(z, q, n); OUT();
  __bang_pow2(z, x, n); OUT();
  __bang_square(z, x, n); OUT();
  __bang_recip(z, q, n); OUT();
  __bang_active_exp(x, x, n); __memcpy(out + (k++) * n, x, n * sizeof(float), NRAM2GDRAM);  // in place
}
__mlu_global__ void k_unary_h(half* out, const half* a, int n) {
  __nram__ half x[128];
  __memcpy(x, a, n * sizeof(half), GDRAM2NRAM);
  __bang_active_sigmoid(x, x, n);
  __memcpy(out, x, n * sizeof(half), NRAM2GDRAM);
}
extern "C" void t_unary(float* out, float* a, float* p, int n) { RUN1(k_unary, out, a, p, n); }
extern "C" void t_unary_h(half* out, half* a, int n) { RUN1(k_unary_h, out, a, n); }
"""


def test_unary_math_exact_reference_functions():
    n = 64
    a = f32(n, scale=2.0)
    a[:4] = [0.0, -0.0, 1.0, -1.0]
    p = np.abs(f32(n, scale=3.0)) + np.float32(0.01)
    got = lib(UNARY)("t_unary", "out a p n", out=np.zeros(20 * n, np.float32), a=a, p=p, n=np.int32(n))["out"]
    x, q = a.astype(np.float64), p.astype(np.float64)
    erf = np.vectorize(math.erf)
    want = [np.maximum(x, 0), np.maximum(x, 0), np.where(x >= 0, 1.0, -1.0), np.abs(x), np.exp(x), 1 / q,
            np.sqrt(q), 1 / np.sqrt(q), 1 / (1 + np.exp(-x)), np.tanh(x),
            0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3))), 0.5 * x * (1 + erf(x / np.sqrt(2))),
            np.sin(x), np.cos(x), np.log(q), np.log2(q), np.exp2(x), x * x, 1 / q, np.exp(x)]
    want = np.concatenate(want).astype(np.float32)
    np.testing.assert_allclose(got, want, rtol=2e-7, atol=0)
    assert list(got[2 * n:2 * n + 4]) == [1.0, 1.0, 1.0, -1.0]   # active_sign(+-0) = +1


def test_unary_half_rounds_once():
    a = (RNG.standard_normal(100) * 3).astype(np.float16)
    got = lib(UNARY)("t_unary_h", "out a n", out=np.zeros(100, np.float16), a=a, n=np.int32(100))["out"]
    want = (1 / (1 + np.exp(-a.astype(np.float64)))).astype(np.float16)
    assert np.array_equal(got, want)


# ---------------------------------------------------------------------------------------------
# reductions, argmax, count, filter, select (7)

REDUCE = """
__mlu_global__ void k_reduce(float* rs, half* rh, float* am, half* amh, float* amin, const float* a, const half* h,
                             int n, int nh) {
  __nram__ float x[256];
  __nram__ float d[256];
  __nram__ half hx[256];
  __nram__ half hd[256];
  __memcpy(x, a, n * sizeof(float), GDRAM2NRAM);
  __memcpy(d, rs, n * sizeof(float), GDRAM2NRAM);   // keep the sentinel values of rs
  __bang_reduce_sum(d, x, n);
  __memcpy(rs, d, n * sizeof(float), NRAM2GDRAM);
  __memcpy(hx, h, nh * sizeof(half), GDRAM2NRAM);
  __memcpy(hd, rh, nh * sizeof(half), GDRAM2NRAM);
  __bang_reduce_sum(hd, hx, nh);
  __memcpy(rh, hd, nh * sizeof(half), NRAM2GDRAM);
  __bang_argmax(d, x, n);
  __memcpy(am, d, 2 * sizeof(float), NRAM2GDRAM);
  __bang_argmax(hd, hx, nh);
  __memcpy(amh, hd, 2 * sizeof(half), NRAM2GDRAM);
  __bang_argmin(d, x, n);
  __memcpy(amin, d, 2 * sizeof(float), NRAM2GDRAM);
}
__mlu_global__ void k_select(float* filt, int* counts, float* sel, const float* a, const float* m, int n) {
  __nram__ float x[256];
  __nram__ float mk[256];
  __nram__ float d[512];
  __memcpy(x, a, n * sizeof(float), GDRAM2NRAM);
  __memcpy(mk, m, n * sizeof(float), GDRAM2NRAM);
  __bang_write_zero(d, 512);
  unsigned k = __bang_filter(d, x, mk, n);
  __memcpy(filt, d, n * sizeof(float), NRAM2GDRAM);
  counts[0] = (int)k;
  counts[1] = (int)__bang_count(mk, n);
  __bang_write_value(d, 512, 7.0f);
  __bang_select(d, x, mk, n);
  __memcpy(sel, d, (32 + n) * sizeof(float), NRAM2GDRAM);
}
__mlu_global__ void k_sum_idiom(float* out, const float* a, int n) {
  __nram__ float x[1024];
  __nram__ float d[64];
  __memcpy(x, a, n * sizeof(float), GDRAM2NRAM);
  __bang_sumpool(d, x, 32, 1, n / 32, 1, n / 32, 1, 1);   // 32 partial sums (channels)
  __bang_reduce_sum(d, d, 32);
  out[0] = d[0];
  __bang_sumpool(d, x, 1, 1, n, 1, n, 1, 1);
  out[1] = d[0];
}
__mlu_global__ void k_bad_reduce(float* out, int n) {
  __nram__ float x[256];
  __bang_write_zero(x, 256);
  __bang_reduce_sum(x, x, n);
  out[0] = x[0];
}
extern "C" void t_reduce(float* rs, half* rh, float* am, half* amh, float* amin, float* a, half* h, int n, int nh) {
  RUN1(k_reduce, rs, rh, am, amh, amin, a, h, n, nh);
}
extern "C" void t_select(float* filt, int* counts, float* sel, float* a, float* m, int n) {
  RUN1(k_select, filt, counts, sel, a, m, n);
}
extern "C" void t_sum_idiom(float* out, float* a, int n) { RUN1(k_sum_idiom, out, a, n); }
extern "C" void t_bad_reduce(float* out, int n) { RUN1(k_bad_reduce, out, n); }
"""


def test_reduce_sum_stride_layout_and_argmax_index_offset():
    n, nh = 96, 128
    a = f32(n)
    a[70] = a[20] = 9.0          # first maximum at 20
    a[50] = -9.0
    h = (RNG.standard_normal(nh)).astype(np.float16)
    h[100] = h[101] = np.float16(5)
    rs = np.full(n, 42.0, np.float32)
    rh = np.full(nh, 3.0, np.float16)
    out = lib(REDUCE)("t_reduce", "rs rh am amh amin a h n nh", rs=rs, rh=rh, am=np.zeros(2, np.float32),
                      amh=np.zeros(2, np.float16), amin=np.zeros(2, np.float32), a=a, h=h,
                      n=np.int32(n), nh=np.int32(nh))
    want = rs.copy()
    want[0::32] = a.reshape(3, 32).astype(np.float64).sum(axis=1)
    np.testing.assert_allclose(out["rs"], want, rtol=1e-6)
    assert np.all(out["rs"][np.arange(n) % 32 != 0] == 42.0)       # not packed, others unchanged
    wh = rh.copy()
    wh[0::64] = h.reshape(2, 64).astype(np.float64).sum(axis=1)
    np.testing.assert_allclose(out["rh"].astype(np.float64), wh.astype(np.float64), rtol=1e-3)
    assert out["am"][0] == 9.0 and out["am"].view(np.uint32)[1] == 20     # uint32 at byte 4
    assert out["amh"][0] == 5 and out["amh"].view(np.uint16)[1] == 100    # uint16 at byte 2
    assert out["amin"][0] == -9.0 and out["amin"].view(np.uint32)[1] == 50


def test_filter_count_select_layouts():
    n = 40
    a = f32(n)
    m = (RNG.random(n) < 0.4).astype(np.float32) * RNG.choice([1.0, -2.0], n).astype(np.float32)
    out = lib(REDUCE)("t_select", "filt counts sel a m n", filt=np.zeros(n, np.float32), counts=np.zeros(2, np.int32),
                      sel=np.zeros(32 + n, np.float32), a=a, m=m, n=np.int32(n))
    kept = a[m != 0]
    k = kept.size
    assert list(out["counts"]) == [k, k]
    assert np.array_equal(out["filt"][:k], kept) and np.all(out["filt"][k:] == 0)
    sel = out["sel"]
    assert sel.view(np.uint32)[0] == k and np.all(sel.view(np.uint32)[1:32] == 0)
    assert np.array_equal(sel[32:32 + k], kept)


def test_sum_through_pooling_idiom():
    n = 320
    a = f32(n)
    got = lib(REDUCE)("t_sum_idiom", "out a n", out=np.zeros(2, np.float32), a=a, n=np.int32(n))["out"]
    np.testing.assert_allclose(got, [a.astype(np.float64).sum()] * 2, rtol=1e-5)


def test_constraint_violation_aborts_with_message(tmp_path):
    path = Lib(REDUCE).path
    code = (f"import ctypes, numpy as np; l = ctypes.CDLL({str(path)!r}); o = np.zeros(1, np.float32); "
            "l.t_bad_reduce(ctypes.c_void_p(o.ctypes.data), ctypes.c_int(40))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0
    assert "__bang_reduce_sum" in proc.stderr and "multiple of 128" in proc.stderr


# ---------------------------------------------------------------------------------------------
# pooling and transpose (8)

POOL = """
__mlu_global__ void k_pool(float* out, const float* a, int C, int H, int W, int kh, int kw, int sw, int sh) {
  __nram__ float x[2048];
  __nram__ float d[2048];
  const int ho = (H - kh) / sh + 1, wo = (W - kw) / sw + 1, m = ho * wo * C;
  __memcpy(x, a, C * H * W * sizeof(float), GDRAM2NRAM);
  __bang_maxpool(d, x, C, H, W, kh, kw, sw, sh); __memcpy(out, d, m * sizeof(float), NRAM2GDRAM);
  __bang_minpool(d, x, C, H, W, kh, kw, sw, sh); __memcpy(out + m, d, m * sizeof(float), NRAM2GDRAM);
  __bang_sumpool(d, x, C, H, W, kh, kw, sw, sh); __memcpy(out + 2 * m, d, m * sizeof(float), NRAM2GDRAM);
  __bang_avgpool(d, x, C, H, W, kh, kw, sw, sh); __memcpy(out + 3 * m, d, m * sizeof(float), NRAM2GDRAM);
}
__mlu_global__ void k_pool7(half* out, const half* a, int C, int H, int W, int kh, int kw) {
  __nram__ half x[2048];
  __nram__ half d[2048];
  __memcpy(x, a, C * H * W * sizeof(half), GDRAM2NRAM);
  __bang_maxpool(d, x, C, H, W, kh, kw);   // stride = kernel
  __memcpy(out, d, (H / kh) * (W / kw) * C * sizeof(half), NRAM2GDRAM);
}
__mlu_global__ void k_transpose(float* out, const float* a, int h, int w) {
  __nram__ float x[1024];
  __nram__ float d[1024];
  __memcpy(x, a, h * w * sizeof(float), GDRAM2NRAM);
  __bang_transpose(d, x, h, w);
  __memcpy(out, d, h * w * sizeof(float), NRAM2GDRAM);
}
extern "C" void t_pool(float* out, float* a, int C, int H, int W, int kh, int kw, int sw, int sh) {
  RUN1(k_pool, out, a, C, H, W, kh, kw, sw, sh);
}
extern "C" void t_pool7(half* out, half* a, int C, int H, int W, int kh, int kw) { RUN1(k_pool7, out, a, C, H, W, kh, kw); }
extern "C" void t_transpose(float* out, float* a, int h, int w) { RUN1(k_transpose, out, a, h, w); }
"""


def _pool_ref(x, kh, kw, sw, sh, fn):
    H, W, C = x.shape
    ho, wo = (H - kh) // sh + 1, (W - kw) // sw + 1
    out = np.zeros((ho, wo, C), np.float64)
    for i in range(ho):
        for j in range(wo):
            out[i, j] = fn(x[i * sh:i * sh + kh, j * sw:j * sw + kw].astype(np.float64).reshape(-1, C), axis=0)
    return out


def test_pooling_argument_order_stride_w_before_stride_h():
    C, H, W, kh, kw, sw, sh = 3, 7, 9, 3, 2, 1, 2
    x = f32(H, W, C)
    ho, wo = (H - kh) // sh + 1, (W - kw) // sw + 1
    m = ho * wo * C
    got = lib(POOL)("t_pool", "out a C H W kh kw sw sh", out=np.zeros(4 * m, np.float32), a=x, C=np.int32(C),
                    H=np.int32(H), W=np.int32(W), kh=np.int32(kh), kw=np.int32(kw), sw=np.int32(sw),
                    sh=np.int32(sh))["out"]
    want = np.concatenate([_pool_ref(x, kh, kw, sw, sh, f).ravel() for f in (np.max, np.min, np.sum, np.mean)])
    np.testing.assert_allclose(got, want.astype(np.float32), rtol=1e-6, atol=1e-6)


def test_pooling_seven_argument_form():
    C, H, W, kh, kw = 4, 6, 9, 2, 3
    x = RNG.standard_normal((H, W, C)).astype(np.float16)
    got = lib(POOL)("t_pool7", "out a C H W kh kw", out=np.zeros((H // kh) * (W // kw) * C, np.float16), a=x,
                    C=np.int32(C), H=np.int32(H), W=np.int32(W), kh=np.int32(kh), kw=np.int32(kw))["out"]
    assert np.array_equal(got, _pool_ref(x, kh, kw, kw, kh, np.max).astype(np.float16).ravel())


def test_transpose():
    x = f32(5, 7)
    got = lib(POOL)("t_transpose", "out a h w", out=np.zeros(35, np.float32), a=x, h=np.int32(5), w=np.int32(7))["out"]
    assert np.array_equal(got, x.T.ravel())


# ---------------------------------------------------------------------------------------------
# mlp / matmul / conv (9): WRAM holds the logical [out][in] / [co][kh][kw][ci] layout

TENSOR = """
__mlu_global__ void k_matmul(float* c, float* cb, const float* a, const float* b_nk, const float* bias,
                             int M, int K, int N) {
  __nram__ float xa[512];
  __nram__ float xc[512];
  __wram__ float wb[512];
  __memcpy(xa, a, M * K * sizeof(float), GDRAM2NRAM);
  __memcpy(wb, b_nk, N * K * sizeof(float), GDRAM2WRAM);
  __bang_matmul(xc, xa, wb, M, K, N);
  __memcpy(c, xc, M * N * sizeof(float), NRAM2GDRAM);
  __memcpy(xc, bias, M * N * sizeof(float), GDRAM2NRAM);
  __bang_matmul(xc, xa, wb, xc, M, K, N, 0);   // + src2, dst aliases src2
  __memcpy(cb, xc, M * N * sizeof(float), NRAM2GDRAM);
}
__mlu_global__ void k_mlp(float* y, float* yq, short* yq16, const float* x, const float* w, const float* bias,
                          const int8_t* xq, const int8_t* wq, int H, int Wd, int pos) {
  __nram__ float xb[256];
  __nram__ float yb[256];
  __nram__ float bb[256];
  __nram__ int8_t xqb[256];
  __nram__ short y16[256];
  __wram__ float wb[4096];
  __wram__ int8_t wqb[4096];
  __memcpy(xb, x, Wd * sizeof(float), GDRAM2NRAM);
  __memcpy(bb, bias, H * sizeof(float), GDRAM2NRAM);
  __memcpy(wb, w, H * Wd * sizeof(float), GDRAM2WRAM);
  __bang_mlp(yb, xb, bb, wb, H, Wd);
  __memcpy(y, yb, H * sizeof(float), NRAM2GDRAM);
  __memcpy(xqb, xq, Wd, GDRAM2NRAM);
  __memcpy(wqb, wq, H * Wd, GDRAM2WRAM);
  __bang_mlp(yb, xqb, wqb, H, Wd, pos);
  __memcpy(yq, yb, H * sizeof(float), NRAM2GDRAM);
  __bang_mlp(y16, xqb, wqb, H, Wd, 0);
  __memcpy(yq16, y16, H * sizeof(short), NRAM2GDRAM);
}
__mlu_global__ void k_conv(float* out, float* outq, const float* x, const float* w, const float* bias,
                           const int8_t* xq, const int8_t* wq, int ci, int H, int W, int kh, int kw,
                           int sw, int sh, int co, int pos, int dw, int dh) {
  __nram__ float xb[2048];
  __nram__ float ob[2048];
  __nram__ float bb[64];
  __nram__ int8_t xqb[2048];
  __wram__ float wb[2048];
  __wram__ int8_t wqb[2048];
  const int ho = (H - ((kh - 1) * dh + 1)) / sh + 1, wo = (W - ((kw - 1) * dw + 1)) / sw + 1;
  __memcpy(xb, x, H * W * ci * sizeof(float), GDRAM2NRAM);
  __memcpy(wb, w, co * kh * kw * ci * sizeof(float), GDRAM2WRAM);
  __memcpy(bb, bias, co * sizeof(float), GDRAM2NRAM);
  if (dw == 1 && dh == 1) {
    __bang_conv(ob, xb, wb, ci, H, W, kh, kw, sw, sh, co);
  } else {
    __bang_conv(ob, xb, wb, bb, ci, H, W, kh, kw, sw, sh, co, 0, dw, dh);
  }
  __memcpy(out, ob, ho * wo * co * sizeof(float), NRAM2GDRAM);
  __memcpy(xqb, xq, H * W * ci, GDRAM2NRAM);
  __memcpy(wqb, wq, co * kh * kw * ci, GDRAM2WRAM);
  __bang_conv(ob, xqb, wqb, bb, ci, H, W, kh, kw, sw, sh, co, pos, dw, dh);
  __memcpy(outq, ob, ho * wo * co * sizeof(float), NRAM2GDRAM);
}
extern "C" void t_matmul(float* c, float* cb, float* a, float* b_nk, float* bias, int M, int K, int N) {
  RUN1(k_matmul, c, cb, a, b_nk, bias, M, K, N);
}
extern "C" void t_mlp(float* y, float* yq, short* yq16, float* x, float* w, float* bias, int8_t* xq, int8_t* wq,
                      int H, int Wd, int pos) {
  RUN1(k_mlp, y, yq, yq16, x, w, bias, xq, wq, H, Wd, pos);
}
extern "C" void t_conv(float* out, float* outq, float* x, float* w, float* bias, int8_t* xq, int8_t* wq, int ci,
                       int H, int W, int kh, int kw, int sw, int sh, int co, int pos, int dw, int dh) {
  RUN1(k_conv, out, outq, x, w, bias, xq, wq, ci, H, W, kh, kw, sw, sh, co, pos, dw, dh);
}
"""


def test_matmul_weight_operand_is_column_major_kxn():
    M, K, N = 5, 7, 3
    a, b_nk, bias = f32(M, K), f32(N, K), f32(M, N)
    out = lib(TENSOR)("t_matmul", "c cb a b_nk bias M K N", c=np.zeros(M * N, np.float32),
                      cb=np.zeros(M * N, np.float32), a=a, b_nk=b_nk, bias=bias, M=np.int32(M), K=np.int32(K),
                      N=np.int32(N))
    want = a.astype(np.float64) @ b_nk.astype(np.float64).T        # src1 = K x N column-major = [N][K]
    np.testing.assert_allclose(out["c"], want.ravel(), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(out["cb"], (want + bias).ravel(), rtol=1e-6, atol=1e-6)


def test_mlp_float_bias_and_int8_fixed_point():
    H, Wd, pos = 10, 24, -5
    x, w, bias = f32(Wd), f32(H, Wd), f32(H)
    xq = RNG.integers(-128, 127, Wd, dtype=np.int8, endpoint=True)
    wq = RNG.integers(-128, 127, (H, Wd), dtype=np.int8, endpoint=True)
    out = lib(TENSOR)("t_mlp", "y yq yq16 x w bias xq wq H Wd pos", y=np.zeros(H, np.float32),
                      yq=np.zeros(H, np.float32), yq16=np.zeros(H, np.int16), x=x, w=w, bias=bias, xq=xq, wq=wq,
                      H=np.int32(H), Wd=np.int32(Wd), pos=np.int32(pos))
    np.testing.assert_allclose(out["y"], w.astype(np.float64) @ x + bias, rtol=1e-6, atol=1e-6)
    dot = wq.astype(np.int64) @ xq.astype(np.int64)
    assert np.array_equal(out["yq"], (dot * 2.0**pos).astype(np.float32))
    assert np.array_equal(out["yq16"], np.clip(dot, -32768, 32767).astype(np.int16))


def _conv_ref(x, w, sw, sh, dw=1, dh=1):
    H, W, ci = x.shape
    co, kh, kw, _ = w.shape
    ho, wo = (H - ((kh - 1) * dh + 1)) // sh + 1, (W - ((kw - 1) * dw + 1)) // sw + 1
    out = np.zeros((ho, wo, co), np.float64)
    for i in range(ho):
        for j in range(wo):
            patch = x[i * sh:i * sh + (kh - 1) * dh + 1:dh, j * sw:j * sw + (kw - 1) * dw + 1:dw].astype(np.float64)
            out[i, j] = np.tensordot(w.astype(np.float64), patch, axes=([1, 2, 3], [0, 1, 2]))
    return out


@pytest.mark.parametrize("dil", [(1, 1), (2, 1)])
def test_conv_hwc_stride_order_and_fixed_point(dil):
    ci, H, W, kh, kw, sw, sh, co, pos = 3, 6, 9, 2, 3, 2, 1, 4, -3
    dw, dh = dil
    x, w, bias = f32(H, W, ci), f32(co, kh, kw, ci), f32(co)
    xq = RNG.integers(-128, 127, (H, W, ci), dtype=np.int8, endpoint=True)
    wq = RNG.integers(-128, 127, (co, kh, kw, ci), dtype=np.int8, endpoint=True)
    ref = _conv_ref(x, w, sw, sh, dw, dh)
    m = ref.size
    out = lib(TENSOR)("t_conv", "out outq x w bias xq wq ci H W kh kw sw sh co pos dw dh",
                      out=np.zeros(m, np.float32), outq=np.zeros(m, np.float32), x=x, w=w, bias=bias, xq=xq, wq=wq,
                      ci=np.int32(ci), H=np.int32(H), W=np.int32(W), kh=np.int32(kh), kw=np.int32(kw),
                      sw=np.int32(sw), sh=np.int32(sh), co=np.int32(co), pos=np.int32(pos), dw=np.int32(dw),
                      dh=np.int32(dh))
    want = ref + (bias if dil != (1, 1) else 0)
    np.testing.assert_allclose(out["out"], want.ravel(), rtol=1e-6, atol=1e-6)
    wantq = _conv_ref(xq, wq, sw, sh, dw, dh) * 2.0**pos + bias
    np.testing.assert_allclose(out["outq"], wantq.ravel().astype(np.float32), rtol=1e-7, atol=0)


# ---------------------------------------------------------------------------------------------
# execution model (2, 4), atomics (10), host API (11)

MODEL = """
#define NB 12
__mlu_global__ void k_ids(int* out) {
  int* o = out + taskId * NB;
  o[0] = taskId; o[1] = taskIdX; o[2] = taskIdY; o[3] = taskIdZ; o[4] = taskDim; o[5] = taskDimX;
  o[6] = taskDimY; o[7] = taskDimZ; o[8] = coreId; o[9] = coreDim; o[10] = clusterId; o[11] = clusterDim;
}
// Each core publishes a value in SRAM, waits at the cluster barrier, reads its neighbour's, twice.
__mlu_global__ void k_sync_cluster(int* out) {
  __mlu_shared__ int slots[4];
  __nram__ int mine[16];
  __bang_write_value(mine, 16, taskId * 10);   // private NRAM per task
  slots[coreId] = taskId;
  __sync_cluster();
  out[taskId * 3] = slots[(coreId + 1) % 4];
  __sync_cluster();
  slots[coreId] = taskId + 100;
  __sync_cluster();
  out[taskId * 3 + 1] = slots[(coreId + 3) % 4];
  out[taskId * 3 + 2] = mine[taskId % 16];
}
// __sync_all over a Union2 block through GDRAM scratch.
__mlu_global__ void k_sync_all(int* out, int* scratch) {
  scratch[taskId] = taskId * taskId;
  __sync_all();
  const int base = taskId - taskId % 8;
  out[taskId] = scratch[base + (taskId % 8 + 5) % 8];
}
// A task leaving early does not block the others at later barriers.
__mlu_global__ void k_early_exit(int* out) {
  if (coreId == 3) { out[taskId] = -1; return; }
  __sync_cluster();
  __sync_cluster();
  out[taskId] = coreId;
}
__mlu_global__ void k_atomic(float* sum, int* maxv, int* olds) {
  for (int i = 0; i < 50; ++i) {
    __bang_atomic_reduce_add(sum, 1.0f);
  }
  __nram__ int old[1];
  __bang_atomic_max(old, maxv, taskId * 3);
  olds[taskId] = old[0];
}
extern "C" void t_ids_block(int* out) { RUN(k_ids, 3, 2, 2, cnrtFuncTypeBlock, out); }
extern "C" void t_ids_union2(int* out) { RUN(k_ids, 16, 2, 1, cnrtFuncTypeUnion2, out); }
extern "C" void t_sync_cluster(int* out) { RUN(k_sync_cluster, 8, 1, 1, cnrtFuncTypeUnion1, out); }
extern "C" void t_sync_all(int* out, int* scratch) { RUN(k_sync_all, 16, 1, 1, cnrtFuncTypeUnion2, out, scratch); }
extern "C" void t_early_exit(int* out) { RUN(k_early_exit, 8, 1, 1, cnrtFuncTypeUnion1, out); }
extern "C" void t_atomic(float* sum, int* maxv, int* olds) { RUN(k_atomic, 16, 1, 1, cnrtFuncTypeBlock, sum, maxv, olds); }
extern "C" void t_host_api(int* v, float* data, float* back) {
  int k = 0;
  v[k++] = cnrtMemcpyHostToDev; v[k++] = cnrtMemcpyDevToDev; v[k++] = cnrtMemcpyDevToHost;
  v[k++] = cnrtMemcpyHostToHost;
  v[k++] = cnrtFuncTypeBlock; v[k++] = cnrtFuncTypeUnion1; v[k++] = cnrtFuncTypeUnion2;
  v[k++] = cnrtFuncTypeUnion4; v[k++] = cnrtFuncTypeUnion8; v[k++] = cnrtFuncTypeUnion16;
  v[k++] = GDRAM2NRAM; v[k++] = NRAM2GDRAM; v[k++] = GDRAM2WRAM; v[k++] = NRAM2NRAM; v[k++] = SRAM2NRAM;
  v[k++] = NRAM2SRAM; v[k++] = GDRAM2GDRAM; v[k++] = SRAM2SRAM;
  v[k++] = cnrtSuccess;
  void* d = NULL;
  v[k++] = cnrtSetDevice(0);
  v[k++] = cnrtMalloc(&d, 10 * sizeof(float));
  v[k++] = cnrtMemcpy(d, data, 10 * sizeof(float), cnrtMemcpyHostToDev);
  v[k++] = cnrtMemcpy(back, d, 10 * sizeof(float), cnrtMemcpyDevToHost);
  v[k++] = cnrtFree(d);
}
"""


def _ids(dimx, dimy, dimz, union):
    rows = []
    for z in range(dimz):
        for y in range(dimy):
            for x in range(dimx):
                tid = (z * dimy + y) * dimx + x
                if union:
                    core, cdim, cl, cldim = x % 4, 4, (x // 4) % union, union
                else:
                    core, cdim, cl, cldim = 0, 1, 0, 0
                rows.append([tid, x, y, z, dimx * dimy * dimz, dimx, dimy, dimz, core, cdim, cl, cldim])
    return np.array(rows, np.int32).ravel()


def test_builtin_indices_block_and_union():
    got = lib(MODEL)("t_ids_block", "out", out=np.zeros(12 * 12, np.int32))["out"]
    assert np.array_equal(got, _ids(3, 2, 2, 0))
    got = lib(MODEL)("t_ids_union2", "out", out=np.zeros(32 * 12, np.int32))["out"]
    assert np.array_equal(got, _ids(16, 2, 1, 2))


def test_sync_cluster_is_a_barrier_and_nram_is_private():
    got = lib(MODEL)("t_sync_cluster", "out", out=np.zeros(24, np.int32))["out"].reshape(8, 3)
    tid = np.arange(8)
    base = tid - tid % 4
    assert np.array_equal(got[:, 0], base + (tid % 4 + 1) % 4)
    assert np.array_equal(got[:, 1], base + (tid % 4 + 3) % 4 + 100)
    assert np.array_equal(got[:, 2], tid * 10)


def test_sync_all_spans_the_union_block():
    got = lib(MODEL)("t_sync_all", "out scratch", out=np.zeros(16, np.int32), scratch=np.zeros(16, np.int32))["out"]
    tid = np.arange(16)
    src = tid - tid % 8 + (tid % 8 + 5) % 8
    assert np.array_equal(got, src * src)


def test_early_return_does_not_deadlock():
    got = lib(MODEL)("t_early_exit", "out", out=np.zeros(8, np.int32))["out"]
    assert list(got) == [0, 1, 2, -1] * 2


def test_atomics_are_indivisible():
    out = lib(MODEL)("t_atomic", "sum maxv olds", sum=np.zeros(1, np.float32), maxv=np.full(1, 7, np.int32),
                     olds=np.zeros(16, np.int32))
    assert out["sum"][0] == 16 * 50
    assert out["maxv"][0] == 45
    olds = out["olds"]
    assert olds.min() == 7 and np.all(olds <= 45)


def test_host_api_values():
    data = f32(10)
    out = lib(MODEL)("t_host_api", "v data back", v=np.full(24, -7, np.int32), data=data,
                     back=np.zeros(10, np.float32))
    assert list(out["v"][:19]) == [0, 1, 2, 3, 1, 4, 8, 16, 32, 64, 0, 1, 4, 8, 15, 16, 19, 23, 0]
    assert list(out["v"][19:24]) == [0] * 5
    assert np.array_equal(out["back"], data)
