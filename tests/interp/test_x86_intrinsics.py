"""x86 intrinsics in the interpreter (xpiler/interp/intrinsics/x86.py) against vnni.md §3-§5.

Expected values are worked out by hand from the platform reference (the "checked" cases of the doc
and the pitfalls it lists). The last test compiles every register-only intrinsic of the catalog, with
every value of its immediate, with g++ and compares the interpreter with this CPU bit for bit (for
float arithmetic any NaN matches a NaN: the interpreter does not model which operand's NaN, or which
sign, the instruction returns; data movement keeps NaN payloads exactly); an intrinsic is skipped
when this CPU lacks a feature it needs (per feature, from /proc/cpuinfo: the `_avx_` dot products
need avx_vnni, which AVX512_VNNI does not imply).
"""
from __future__ import annotations

import dataclasses
import functools
import os
import re
from pathlib import Path

import numpy as np
import pytest

from xpiler.diagnostics import XpilerError
from xpiler.grammar import parse
from xpiler.interp import Interpreter
from xpiler.interp.intrinsics import REGISTRY, _load
from xpiler.intrinsics import catalog, spelled_type

HEADER = "#include <immintrin.h>\n#include <stdint.h>\n"
INT_MIN, INT_MAX = -2**31, 2**31 - 1


def run(signature: str, body: str, **inputs):
    src = HEADER + f'extern "C" void f({signature}) {{\n{body}\n}}\n'
    return Interpreter(parse(src, "x86_test.cpp")).run("f", inputs)


def i32(*v):
    return np.array(v, np.int32)


def f32(*v):
    return np.array(v, np.float32)


# ---- §3 VNNI dot products ------------------------------------------------------------------------
DOT512 = ("const int32_t* s, const uint8_t* a, const int8_t* b, int32_t* o",
          "_mm512_storeu_si512(o, {op}(_mm512_loadu_si512(s), _mm512_loadu_si512(a), "
          "_mm512_loadu_si512(b)));")


def dot512(op, s, a, b):
    sig, body = DOT512
    return run(sig, body.format(op=op), s=np.broadcast_to(np.asarray(s, np.int32), 16).copy(),
               a=np.broadcast_to(np.asarray(a, np.uint8), 64).copy(),
               b=np.broadcast_to(np.asarray(b, np.int8), 64).copy(), o=np.zeros(16, np.int32))["o"]


def test_dpbusd_reads_first_operand_unsigned_second_signed():
    # 200 (u8) * -2 (s8) = -400 per product, 4 products per lane
    assert (dot512("_mm512_dpbusd_epi32", 0, 200, -2) == -1600).all()
    # swapped: 0xFE read as u8 = 254, 200 read as s8 = -56 -> 254 * -56 = -14224 per product
    a = np.full(64, 0xFE, np.uint8)
    b = np.full(64, 200, np.uint8).view(np.int8)
    assert (dot512("_mm512_dpbusd_epi32", 10, a, b) == 10 - 4 * 14224).all()


def test_dpbusd_wraps_dpbusds_saturates():
    # 0x7fffff00 + 4 * 255 * 127 = 2147612932 > INT_MAX
    assert (dot512("_mm512_dpbusd_epi32", 0x7FFFFF00, 255, 127) == 2147612932 - 2**32).all()
    assert (dot512("_mm512_dpbusds_epi32", 0x7FFFFF00, 255, 127) == INT_MAX).all()
    # negative side: INT_MIN + 4 * 255 * -128 saturates to INT_MIN
    assert (dot512("_mm512_dpbusds_epi32", INT_MIN, 255, -128) == INT_MIN).all()
    # the sum is formed whole: src near the limit, products bringing it back, no saturation
    assert (dot512("_mm512_dpbusds_epi32", INT_MAX, 1, -1) == INT_MAX - 4).all()


def test_dpwssd_wraps_dpwssds_saturates():
    w = np.full(32, -32768, np.int16).view(np.int8)          # (-32768)^2 * 2 = 2^31
    assert (dot512("_mm512_dpwssd_epi32", 0, w.view(np.uint8), w) == INT_MIN).all()
    assert (dot512("_mm512_dpwssds_epi32", 0, w.view(np.uint8), w) == INT_MAX).all()
    a = np.array([3, -4] * 16, np.int16).view(np.uint8)
    b = np.array([1000, 7] * 16, np.int16).view(np.int8)
    assert (dot512("_mm512_dpwssd_epi32", 5, a, b) == 5 + 3000 - 28).all()


def test_vnni_is_not_the_maddubs_emulation():
    # all bytes a=255, b=127: maddubs saturates each pair to 32767, madd(.., 1) gives 65534;
    # VNNI keeps 4 * 255 * 127 = 129540 (vnni.md §5.1)
    out = run("const uint8_t* a, const int8_t* b, int32_t* o",
              "__m512i va = _mm512_loadu_si512(a), vb = _mm512_loadu_si512(b);\n"
              "_mm512_storeu_si512(o, _mm512_madd_epi16(_mm512_maddubs_epi16(va, vb), _mm512_set1_epi16(1)));\n"
              "_mm512_storeu_si512(o + 16, _mm512_dpbusd_epi32(_mm512_setzero_si512(), va, vb));",
              a=np.full(64, 255, np.uint8), b=np.full(64, 127, np.int8), o=np.zeros(32, np.int32))["o"]
    assert (out[:16] == 65534).all() and (out[16:] == 129540).all()


@pytest.mark.parametrize("form", ["_mm_dpbusds_epi32", "_mm_dpbusds_avx_epi32"])
def test_128_bit_dot_product_worked_pattern(form):
    # vnni.md §5.4: 16-byte dot product as 4 partial sums
    x = np.arange(16, dtype=np.uint8) * 10                    # 0, 10, ..., 150
    w = np.array([1, -1, 2, -2] * 4, np.int8)
    out = run("const uint8_t* x, const int8_t* w, int32_t* part",
              f"__m128i acc = _mm_setzero_si128();\n"
              f"acc = {form}(acc, _mm_loadu_si128((const __m128i*)x), _mm_loadu_si128((const __m128i*)w));\n"
              f"_mm_storeu_si128((__m128i*)part, acc);", x=x, w=w, part=np.zeros(4, np.int32))["part"]
    # lane j: 10*(4j) - 10*(4j+1) + 2*10*(4j+2) - 2*10*(4j+3) = -10 - 20 = -30
    assert list(out) == [-30] * 4


def test_256_bit_forms_and_signed_data_through_the_unsigned_operand():
    # int8 -1 read by the unsigned operand is 255 (vnni.md §5.4: reproduce, do not fix)
    a = np.full(32, -1, np.int8).view(np.uint8)
    out = run("const uint8_t* a, const int8_t* b, int32_t* o",
              "__m256i va = _mm256_loadu_si256((const __m256i*)a), vb = _mm256_loadu_si256((const __m256i*)b);\n"
              "_mm256_storeu_si256((__m256i*)o, _mm256_dpbusd_epi32(_mm256_set1_epi32(1), va, vb));\n"
              "_mm256_storeu_si256((__m256i*)(o + 8), _mm256_dpwssds_avx_epi32(_mm256_setzero_si256(), va, vb));",
              a=a, b=np.full(32, 2, np.int8), o=np.zeros(16, np.int32))["o"]
    assert (out[:8] == 1 + 4 * 255 * 2).all()
    assert (out[8:] == 2 * (-1 * 0x0202)).all()               # s16 -1 times s16 0x0202, twice


def test_mask_and_maskz_dpbusd():
    out = run("const int32_t* s, int32_t* o",
              "__m512i src = _mm512_loadu_si512(s);\n"
              "__m512i a = _mm512_set1_epi8(3), b = _mm512_set1_epi8(-5);\n"
              "_mm512_storeu_si512(o, _mm512_mask_dpbusd_epi32(src, (__mmask16)0x00F0, a, b));\n"
              "_mm512_storeu_si512(o + 16, _mm512_maskz_dpbusd_epi32((__mmask16)0x00F0, src, a, b));",
              s=np.arange(16, dtype=np.int32) * 100, o=np.zeros(32, np.int32))["o"]
    src = np.arange(16) * 100
    sel = (np.arange(16) >= 4) & (np.arange(16) < 8)
    assert list(out[:16]) == list(np.where(sel, src - 60, src))
    assert list(out[16:]) == list(np.where(sel, src - 60, 0))


# ---- §4 loads, stores, constants -----------------------------------------------------------------
def test_set_lists_highest_lane_first_setr_lowest_first():
    args = ", ".join(str(v) for v in range(15, -1, -1))
    out = run("int32_t* o",
              f"_mm512_storeu_si512(o, _mm512_set_epi32({args}));\n"
              f"_mm512_storeu_si512(o + 16, _mm512_setr_epi32({', '.join(str(v) for v in range(16))}));",
              o=np.zeros(32, np.int32))["o"]
    assert list(out) == list(range(16)) * 2


def test_set1_and_setzero():
    out = run("float* f, int32_t* i, float x",
              "_mm512_storeu_ps(f, _mm512_set1_ps(x));\n"
              "_mm512_storeu_ps(f + 16, _mm512_setzero_ps());\n"
              "_mm512_storeu_si512(i, _mm512_set1_epi8(-1));\n"
              "_mm512_storeu_si512(i + 16, _mm512_set1_epi16(0x1234));\n"
              "_mm512_storeu_si512(i + 32, _mm512_set1_epi32(2.9));",      # int parameter: truncates
              f=np.full(32, 7, np.float32), i=np.zeros(48, np.int32), x=np.float32(-1.5))
    assert (out["f"][:16] == -1.5).all() and (out["f"][16:] == 0).all()
    assert (out["i"][:16] == -1).all() and (out["i"][16:32] == 0x12341234).all()
    assert (out["i"][32:] == 2).all()


def test_loads_and_stores_copy_raw_bytes():
    out = run("const uint8_t* src, uint8_t* dst",
              "_mm512_storeu_si512(dst + 3, _mm512_loadu_si512(src + 1));\n"
              "_mm_storeu_si128((__m128i*)(dst + 80), _mm_loadu_si128((const __m128i*)(src + 5)));\n"
              "_mm512_store_ps((float*)(dst + 128), _mm512_load_ps((const float*)(src + 64)));",
              src=np.arange(192, dtype=np.uint8), dst=np.zeros(192, np.uint8))["dst"]
    assert list(out[3:67]) == list(range(1, 65))
    assert list(out[80:96]) == list(range(5, 21))
    assert list(out[128:192]) == list(range(64, 128))


@pytest.mark.parametrize("stmt", [
    "_mm512_load_ps(p + 4);",                                  # 16 bytes past a 64-byte boundary
    "_mm512_load_si512(p + 8);",
    "_mm512_store_ps(p + 1, _mm512_setzero_ps());",
    "_mm_load_si128((const __m128i*)(p + 2));",                # 8 bytes: not 16-byte aligned
])
def test_aligned_forms_fault_on_misaligned_addresses(stmt):
    with pytest.raises(XpilerError, match="general-protection fault"):
        run("float* p", stmt, p=np.zeros(64, np.float32))


def test_aligned_forms_accept_aligned_addresses():
    out = run("float* p", "_mm512_store_ps(p + 16, _mm512_load_ps(p));\n"
                          "_mm_store_si128((__m128i*)(p + 36), _mm_load_si128((const __m128i*)(p + 4)));",
              p=np.arange(64, dtype=np.float32))["p"]
    assert list(out[16:32]) == list(range(16)) and list(out[36:40]) == [4, 5, 6, 7]


def test_masked_loads_and_stores_touch_only_selected_elements():
    # 20 floats: the tail vector at p + 16 has 4 valid elements; lanes 4..15 would be out of bounds
    out = run("const float* p, float* q, float* r",
              "__mmask16 k = (__mmask16)((1u << 4) - 1u);\n"
              "_mm512_storeu_ps(r, _mm512_maskz_loadu_ps(k, p + 16));\n"
              "_mm512_storeu_ps(r + 16, _mm512_mask_loadu_ps(_mm512_set1_ps(-1.0f), k, p + 16));\n"
              "_mm512_mask_storeu_ps(q + 16, k, _mm512_set1_ps(9.0f));",
              p=np.arange(20, dtype=np.float32), q=np.zeros(20, np.float32), r=np.zeros(32, np.float32))
    assert list(out["r"][:16]) == [16, 17, 18, 19] + [0] * 12
    assert list(out["r"][16:]) == [16, 17, 18, 19] + [-1] * 12
    assert list(out["q"]) == [0] * 16 + [9] * 4


def test_masked_epi32_with_sparse_mask():
    out = run("const int32_t* p, int32_t* q",
              "__m512i v = _mm512_maskz_loadu_epi32((__mmask16)0x8001, p);\n"
              "_mm512_mask_storeu_epi32(q, (__mmask16)0x8421, v);",
              p=np.arange(1, 17, dtype=np.int32), q=np.full(16, -7, np.int32))["q"]
    want = np.full(16, -7)
    want[[0, 5, 10, 15]] = [1, 0, 0, 16]
    assert list(out) == list(want)


def test_unmasked_load_past_the_end_is_reported():
    with pytest.raises(XpilerError, match="out-of-bounds read"):
        run("const float* p, float* q", "_mm512_storeu_ps(q, _mm512_loadu_ps(p + 16));",
            p=np.zeros(20, np.float32), q=np.zeros(16, np.float32))


# ---- §5 float arithmetic -------------------------------------------------------------------------
def binary_ps(op, a, b, extra=""):
    return run("const float* a, const float* b, float* o",
               f"_mm512_storeu_ps(o, {op}(_mm512_loadu_ps(a), _mm512_loadu_ps(b){extra}));",
               a=np.resize(f32(*a), 16), b=np.resize(f32(*b), 16), o=np.zeros(16, np.float32))["o"]


def test_max_min_return_second_operand_for_nan_and_zero_ties():
    nan = np.nan
    mx = binary_ps("_mm512_max_ps", [nan, 1.0, -0.0, 0.0, 2.0], [1.0, nan, 0.0, -0.0, 3.0])
    assert mx[0] == 1.0 and np.isnan(mx[1]) and mx[4] == 3.0
    assert not np.signbit(mx[2]) and np.signbit(mx[3])        # max(-0, +0) = +0; max(+0, -0) = -0
    mn = binary_ps("_mm512_min_ps", [nan, 1.0, -0.0, 0.0, 2.0], [1.0, nan, 0.0, -0.0, 3.0])
    assert mn[0] == 1.0 and np.isnan(mn[1]) and mn[4] == 2.0
    assert not np.signbit(mn[2]) and np.signbit(mn[3])


def test_float_arithmetic_is_ieee_float32():
    one_ulp = float(np.float32(1) + np.float32(2**-23))
    assert binary_ps("_mm512_add_ps", [1.0], [2**-24])[0] == 1.0        # tie rounds to even
    assert binary_ps("_mm512_add_ps", [1.0], [3 * 2**-25])[0] == one_ulp
    assert binary_ps("_mm512_div_ps", [1.0], [3.0])[0] == np.float32(1) / np.float32(3)
    assert np.isinf(binary_ps("_mm512_mul_ps", [3e38], [10.0])[0])
    assert binary_ps("_mm512_sub_ps", [1e-45], [0.0])[0] == np.float32(1e-45)   # no flush to zero


def test_fmadd_rounds_once():
    # a*b = 2^-24 + 2^-60 exactly, c = 1: the exact sum 1 + 2^-24 + 2^-60 lies just above the
    # float32 midpoint 1 + 2^-24, so one rounding gives 1 + 2^-23. Rounding a*b first (to 2^-24)
    # or rounding the sum to float64 first (to the midpoint, then to even) both give 1.0.
    a = np.float32(2**-12 * (1 + 2**-12))
    b = np.float32(2**-12 * (1 - 4095 * 2**-24))
    assert float(a) * 2**12 == 1 + 2**-12 and float(b) * 2**12 == 1 - 4095 * 2**-24
    out = run("const float* x, float* o",
              "__m512 a = _mm512_set1_ps(x[0]), b = _mm512_set1_ps(x[1]), c = _mm512_set1_ps(x[2]);\n"
              "_mm512_storeu_ps(o, _mm512_fmadd_ps(a, b, c));\n"
              "_mm512_storeu_ps(o + 16, _mm512_add_ps(_mm512_mul_ps(a, b), c));\n"
              "_mm512_storeu_ps(o + 32, _mm512_fmsub_ps(a, b, _mm512_set1_ps(-1.0f)));\n"
              "_mm512_storeu_ps(o + 48, _mm512_fnmadd_ps(a, b, _mm512_set1_ps(-1.0f)));",
              x=f32(a, b, 1.0), o=np.zeros(64, np.float32))["o"]
    up = np.float32(1 + 2**-23)
    assert (out[:16] == up).all() and (out[16:32] == 1.0).all()
    assert (out[32:48] == up).all() and (out[48:] == -up).all()


def test_mask_max_and_maskz_sub():
    out = run("const float* a, const float* b, float* o",
              "__m512 va = _mm512_loadu_ps(a), vb = _mm512_loadu_ps(b), src = _mm512_set1_ps(-9.0f);\n"
              "_mm512_storeu_ps(o, _mm512_mask_max_ps(src, (__mmask16)0x0003, va, vb));\n"
              "_mm512_storeu_ps(o + 16, _mm512_maskz_sub_ps((__mmask16)0x8002, va, vb));",
              a=np.arange(16, dtype=np.float32), b=np.full(16, 1.0, np.float32), o=np.zeros(32, np.float32))["o"]
    assert list(out[:4]) == [1.0, 1.0, -9.0, -9.0] and (out[4:16] == -9.0).all()
    assert out[16] == 0 and out[17] == 0.0 and out[31] == 14.0 and (out[18:31] == 0).all()
    assert list(out[16:18]) == [0.0, 0.0]


# ---- §5 reductions -------------------------------------------------------------------------------
def reduce_ps(op, v):
    return run("const float* v, float* o", f"o[0] = {op}(_mm512_loadu_ps(v));",
               v=f32(*v), o=np.zeros(1, np.float32))["o"][0]


def test_reduce_add_ps_uses_gccs_halving_tree():
    # v[4] and v[12] meet first (t8[4] = 2), then 2^24 + 2 is exact: 16777218.
    # A sequential sum would lose each 1 against 2^24 (ties to even) and give 16777216.
    v = [0.0] * 16
    v[0], v[4], v[12] = 2.0**24, 1.0, 1.0
    assert reduce_ps("_mm512_reduce_add_ps", v) == 16777218.0


def test_reduce_max_ps_order_decides_nan_and_signed_zero():
    v = [1.0] * 16
    v[3] = np.nan                   # low half: max(hi, lo) returns lo = NaN at every step
    assert np.isnan(reduce_ps("_mm512_reduce_max_ps", v))
    v = [1.0] * 16
    v[11] = np.nan                  # high half: max(NaN, 1) returns 1 at the first step
    assert reduce_ps("_mm512_reduce_max_ps", v) == 1.0
    assert np.signbit(reduce_ps("_mm512_reduce_max_ps", [-0.0] * 8 + [0.0] * 8))
    assert reduce_ps("_mm512_reduce_min_ps", list(range(16, 0, -1))) == 1.0


def test_reduce_epi32():
    out = run("const int32_t* v, int32_t* o",
              "__m512i x = _mm512_loadu_si512(v);\n"
              "o[0] = _mm512_reduce_add_epi32(x); o[1] = _mm512_reduce_max_epi32(x);\n"
              "o[2] = _mm512_reduce_min_epi32(x);\n"
              "o[3] = _mm512_reduce_add_epi32(_mm512_set1_epi32(2147483647));",
              v=i32(*range(-8, 8)) * 1000, o=np.zeros(4, np.int32))["o"]
    assert list(out) == [-8000, 7000, -8000, -16]         # 16 * INT_MAX wraps to -16


# ---- §5 conversions, §5.1 integer intrinsics -----------------------------------------------------
def test_float_int_conversions():
    out = run("const float* v, int32_t* o, float* f, const int32_t* w",
              "__m512 x = _mm512_loadu_ps(v);\n"
              "_mm512_storeu_si512(o, _mm512_cvtps_epi32(x));\n"
              "_mm512_storeu_si512(o + 16, _mm512_cvttps_epi32(x));\n"
              "_mm512_storeu_ps(f, _mm512_cvtepi32_ps(_mm512_loadu_si512(w)));",
              v=np.resize(f32(2.5, 3.5, -2.5, -2.7, 3e9, np.nan, -2147483648.0, 0.5), 16),
              o=np.zeros(32, np.int32), f=np.zeros(16, np.float32),
              w=np.resize(i32(16777217, 16777219, -3), 16))
    assert list(out["o"][:8]) == [2, 4, -2, -3, INT_MIN, INT_MIN, INT_MIN, 0]     # nearest even
    assert list(out["o"][16:24]) == [2, 3, -2, -2, INT_MIN, INT_MIN, INT_MIN, 0]  # truncation
    assert list(out["f"][:3]) == [16777216.0, 16777220.0, -3.0]


def test_widening_conversions():
    out = run("const int8_t* b, const int16_t* h, int32_t* o",
              "__m128i vb = _mm_loadu_si128((const __m128i*)b);\n"
              "_mm512_storeu_si512(o, _mm512_cvtepi8_epi32(vb));\n"
              "_mm512_storeu_si512(o + 16, _mm512_cvtepu8_epi32(vb));\n"
              "_mm512_storeu_si512(o + 32, _mm512_cvtepi16_epi32(_mm256_loadu_si256((const __m256i*)h)));",
              b=np.resize(np.array([-1, 127, -128, 5], np.int8), 16),
              h=np.resize(np.array([-32768, 32767, -1], np.int16), 16), o=np.zeros(48, np.int32))["o"]
    assert list(out[:4]) == [-1, 127, -128, 5] and list(out[16:20]) == [255, 127, 128, 5]
    assert list(out[32:35]) == [-32768, 32767, -1]


def test_maddubs_saturates_madd_wraps():
    out = run("const uint8_t* a, const int8_t* b, const int16_t* h, int32_t* o, int16_t* s",
              "_mm512_storeu_si512(s, _mm512_maddubs_epi16(_mm512_loadu_si512(a), _mm512_loadu_si512(b)));\n"
              "__m512i vh = _mm512_loadu_si512(h);\n"
              "_mm512_storeu_si512(o, _mm512_madd_epi16(vh, vh));",
              a=np.resize(np.array([255, 255, 255, 255, 2, 3], np.uint8), 64),
              b=np.resize(np.array([127, 127, -128, -128, -4, 5], np.int8), 64),
              h=np.resize(np.array([-32768, -32768, 3, -4], np.int16), 32),
              o=np.zeros(16, np.int32), s=np.zeros(32, np.int16))
    assert list(out["s"][:3]) == [32767, -32768, -8 + 15]     # 64770 -> 32767; -65280 -> -32768
    assert list(out["o"][:2]) == [INT_MIN, 9 + 16]            # 2 * 2^30 wraps


def test_packs_epi32_interleaves_per_128_bit_lane():
    a = np.array([40000, -40000, 7, -7] * 4, np.int32)
    b = np.arange(16, dtype=np.int32) + 100
    out = run("const int32_t* a, const int32_t* b, int16_t* o",
              "_mm512_storeu_si512(o, _mm512_packs_epi32(_mm512_loadu_si512(a), _mm512_loadu_si512(b)));",
              a=a, b=b, o=np.zeros(32, np.int16))["o"]
    for lane in range(4):
        assert list(out[8 * lane:8 * lane + 4]) == [32767, -32768, 7, -7]
        assert list(out[8 * lane + 4:8 * lane + 8]) == list(range(100 + 4 * lane, 104 + 4 * lane))


def test_shifts_and_bitwise():
    out = run("const int32_t* v, int32_t* o, unsigned n",
              "__m512i x = _mm512_loadu_si512(v);\n"
              "_mm512_storeu_si512(o, _mm512_slli_epi32(x, 31));\n"
              "_mm512_storeu_si512(o + 16, _mm512_srai_epi32(x, 1));\n"
              "_mm512_storeu_si512(o + 32, _mm512_srli_epi32(x, 28));\n"
              "_mm512_storeu_si512(o + 48, _mm512_slli_epi32(x, n));\n"
              "_mm512_storeu_si512(o + 64, _mm512_srai_epi32(x, n));\n"
              "_mm512_storeu_si512(o + 80, _mm512_or_si512(_mm512_and_si512(x, _mm512_set1_epi32(0xFFFF)),"
              " _mm512_xor_si512(x, x)));",
              v=np.resize(i32(1, -8, 0x12345678), 16), o=np.zeros(96, np.int32), n=np.uint32(40))["o"]
    assert list(out[:3]) == [INT_MIN, 0, 0]
    assert list(out[16:19]) == [0, -4, 0x12345678 >> 1]
    assert list(out[32:35]) == [0, 15, 1]
    assert (out[48:64] == 0).all()                           # count >= 32: logical shifts give 0
    assert list(out[64:67]) == [0, -1, 0]                    # arithmetic: the sign
    assert list(out[80:83]) == [1, 0xFFF8, 0x5678]


# ---- data movement: shuffles, permutes, blends, compares into registers, gathers ------------------
def test_horizontal_sum_by_movehl_shuffle_and_add_ss():
    # the usual hand reduction: [a+c, b+d, ..] then lane 0 + lane 1; 0x55 = _MM_SHUFFLE(1, 1, 1, 1)
    out = run("const float* v, float* o",
              "__m128 s = _mm_loadu_ps(v);\n"
              "s = _mm_add_ps(s, _mm_movehl_ps(s, s));\n"
              "s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 0x55));\n"
              "o[0] = _mm_cvtss_f32(s);\n"
              "_mm_storeu_ps(o + 1, s);",
              v=f32(1.0, 2.0, 30.0, 400.0), o=np.zeros(5, np.float32))["o"]
    # lanes: [31, 402, 60, 800], then lane 0 += lane 1; lanes 1-3 unchanged by add_ss
    assert list(out) == [433.0, 433.0, 402.0, 60.0, 800.0]


def test_shuffles_select_per_128_bit_lane():
    out = run("const int32_t* v, int32_t* o",
              "__m256i x = _mm256_loadu_si256((const __m256i*)v);\n"
              "_mm256_storeu_si256((__m256i*)o, _mm256_shuffle_epi32(x, 0x1B));\n"        # reverse each lane
              "_mm256_storeu_si256((__m256i*)(o + 8), _mm256_permute2x128_si256(x, x, 0x81));\n"  # hi, zero
              "_mm256_storeu_si256((__m256i*)(o + 16), _mm256_unpacklo_epi32(x, _mm256_setzero_si256()));",
              v=np.arange(8, dtype=np.int32), o=np.zeros(24, np.int32))["o"]
    assert list(out[:8]) == [3, 2, 1, 0, 7, 6, 5, 4]
    assert list(out[8:16]) == [4, 5, 6, 7, 0, 0, 0, 0]
    assert list(out[16:]) == [0, 0, 1, 0, 4, 0, 5, 0]


def test_shuffle_epi8_zeroes_lanes_with_the_top_bit():
    idx = np.array([15, 0x80, 1, 0x8F] + [0] * 12, np.uint8)
    out = run("const uint8_t* a, const uint8_t* b, uint8_t* o",
              "_mm_storeu_si128((__m128i*)o, _mm_shuffle_epi8(_mm_loadu_si128((const __m128i*)a), "
              "_mm_loadu_si128((const __m128i*)b)));",
              a=np.arange(100, 116, dtype=np.uint8), b=idx, o=np.zeros(16, np.uint8))["o"]
    assert list(out[:4]) == [115, 0, 101, 0] and (out[4:] == 100).all()


def test_compare_into_register_and_blendv():
    # relu by compare and blend: the mask lanes are all ones (-1 as int32), NaN compares false
    out = run("const float* v, float* o, int32_t* m",
              "__m256 x = _mm256_loadu_ps(v), zero = _mm256_setzero_ps();\n"
              "__m256 pos = _mm256_cmp_ps(x, zero, _CMP_GT_OQ);\n"
              "_mm256_storeu_ps((float*)m, pos);\n"
              "_mm256_storeu_ps(o, _mm256_blendv_ps(zero, x, pos));",
              v=f32(-1.0, 2.0, np.nan, 0.0, -0.0, 3.5, -np.inf, np.inf), o=np.zeros(8, np.float32),
              m=np.zeros(8, np.int32))
    assert list(out["m"]) == [0, -1, 0, 0, 0, -1, 0, -1]
    assert list(out["o"]) == [0.0, 2.0, 0.0, 0.0, 0.0, 3.5, 0.0, np.inf]


def test_gather_scales_indices_in_bytes_and_reads_negative_indices():
    src = np.arange(64, dtype=np.float32) * 10
    out = run("const float* s, const int32_t* i, float* o",
              "__m256i vi = _mm256_loadu_si256((const __m256i*)i);\n"
              "_mm256_storeu_ps(o, _mm256_i32gather_ps(s + 32, vi, 4));\n"
              "_mm256_storeu_ps(o + 8, _mm256_i32gather_ps(s + 32, vi, 8));",
              s=src, i=np.array([0, 1, -1, -16, 15, 5, -7, 2], np.int32), o=np.zeros(16, np.float32))["o"]
    idx = np.array([0, 1, -1, -16, 15, 5, -7, 2])
    assert list(out[:8]) == list(src[32 + idx]) and list(out[8:]) == list(src[32 + 2 * idx])


def test_masked_gather_reads_only_selected_lanes():
    # the tail of a row: lanes 3..15 carry indices past the end, but their mask bits are 0
    out = run("const float* s, const int32_t* i, float* o",
              "__mmask16 m = (__mmask16)((1u << 3) - 1u);\n"
              "__m512i vi = _mm512_maskz_loadu_epi32(m, i);\n"
              "_mm512_storeu_ps(o, _mm512_mask_i32gather_ps(_mm512_set1_ps(-1.0f), m, vi, s, 4));\n"
              "__m256i wi = _mm256_setr_epi32(4, 0, 1000, 2, -1000, 3, 99999, 1);\n"
              "__m256 sel = _mm256_castsi256_ps(_mm256_setr_epi32(-1, -1, 0, -1, 0, -1, 0, -1));\n"
              "_mm256_storeu_ps(o + 16, _mm256_mask_i32gather_ps(_mm256_setzero_ps(), s, wi, sel, 4));",
              s=f32(10.0, 11.0, 12.0, 13.0, 14.0), i=np.array([4, 0, 2], np.int32),
              o=np.zeros(24, np.float32))["o"]
    assert list(out[:3]) == [14.0, 10.0, 12.0] and (out[3:16] == -1.0).all()
    assert list(out[16:]) == [14.0, 10.0, 0.0, 12.0, 0.0, 13.0, 0.0, 11.0]


def test_gather_past_the_end_is_reported():
    with pytest.raises(XpilerError, match="out-of-bounds read"):
        run("const float* s, float* o",
            "_mm512_storeu_ps(o, _mm512_i32gather_ps(_mm512_set1_epi32(5), s, 4));",
            s=np.zeros(5, np.float32), o=np.zeros(16, np.float32))


# ---- catalog and registry in step; cross-check with this CPU -------------------------------------
def x86_names():
    return {n for n, e in catalog().items() if e.family == "x86"}


def test_catalog_and_semantics_in_step():
    _load()
    registered = {n for n, fn in REGISTRY.items() if fn.__module__.endswith("intrinsics.x86")}
    assert registered == x86_names()
    for name in x86_names():
        e = catalog()[name]
        assert spelled_type(e.ret) is not None, name
        assert all(spelled_type(p.ctype) is not None for p in e.params), name


# ---- this CPU: which intrinsics it runs, immediates, the interpreter against it ---------------------
# The g++ option in a catalog entry's `flags` -> the feature /proc/cpuinfo lists when the CPU has it
# (vnni.md §1). Every entry also needs SSE2, the x86-64 baseline (entries without flags).
CPU_FEATURE = {"-msse3": "pni", "-mssse3": "ssse3", "-msse4.1": "sse4_1", "-msse4.2": "sse4_2", "-mavx": "avx",
               "-mavx2": "avx2", "-mfma": "fma", "-mavx512f": "avx512f", "-mavx512bw": "avx512bw",
               "-mavx512dq": "avx512dq", "-mavx512vl": "avx512vl", "-mavx512vnni": "avx512_vnni",
               "-mavxvnni": "avx_vnni"}


@functools.lru_cache(maxsize=1)
def cpu_features() -> frozenset[str]:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return frozenset()
    flags = next((line for line in text.splitlines() if line.startswith("flags")), "flags :")
    return frozenset(flags.split(":", 1)[1].split())


def cpu_lacks(name: str) -> str | None:
    """Why this CPU cannot run intrinsic `name` (the features its `flags` need that /proc/cpuinfo does
    not list, e.g. avx_vnni for the VEX-encoded `_avx_` dot products); None when it can."""
    needed = ["sse2"] + [CPU_FEATURE[f] for f in catalog()[name].data.get("flags", [])]
    missing = [f for f in needed if f not in cpu_features()]
    return f"this CPU lacks {', '.join(missing)} (/proc/cpuinfo) for {name}" if missing else None


def native_skip() -> str | None:
    """Why native checks cannot run here at all: the vnni compile flags force AVX-512 and VNNI."""
    from xpiler.oracle import native
    missing = native.available("vnni")
    if missing:
        return f"cannot compile vnni code: {missing}"
    lacking = [f for f in ("avx512f", "avx512bw", "avx512vl", "avx512_vnni") if f not in cpu_features()]
    return f"this CPU lacks {', '.join(lacking)}, which the vnni compile flags enable" if lacking else None


def register_bytes(t: str) -> int:
    return int(re.match(r"__m(\d+)", t)[1]) // 8


def immediates(name: str) -> list[int]:
    """Every value GCC accepts for the immediate (`const int`) operand of `name`, [] when it has none:
    each scale of a gather (bytes), each chunk an extract or insert selects, each of the 32 compare
    predicates, the 4-bit masks of _mm_blend_ps, the 2-bit chunk selectors of the 256-bit
    shuffle_f32x4 / i32x4, and all 256 values of the other 8-bit immediates (shuffles, permutes,
    blends)."""
    e = catalog()[name]
    if not any(p.ctype == "const int" for p in e.params):
        return []
    op = re.fullmatch(r"_mm\d*_(?:maskz?_)?(.+)", name)[1]
    if "gather" in op:
        return [1, 2, 4, 8]
    if op.startswith("extract"):
        return list(range(register_bytes(e.params[0].ctype) // register_bytes(e.ret)))
    if op.startswith("insert"):
        return list(range(register_bytes(e.ret) // register_bytes(e.params[1].ctype)))
    if op.startswith("cmp"):
        return list(range(32))
    if name == "_mm_blend_ps":
        return list(range(16))
    if re.fullmatch(r"_mm256_shuffle_[fi]32x4", name):
        return list(range(4))
    if os.environ.get("XPILER_FULL_IMMEDIATES"):
        return list(range(256))
    return EIGHT_BIT_SAMPLE


# 8-bit immediates (shuffle/permute/blend controls are 2-bit or 1-bit fields): every field takes
# every value in these (0x1B, 0xE4, 0x4E, 0xB1 cover 0..3 in each 2-bit field, the powers of two
# each single bit); XPILER_FULL_IMMEDIATES=1 tests all 256 (a 20-minute run).
EIGHT_BIT_SAMPLE = [0x00, 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xFF, 0x1B, 0xE4, 0x4E, 0xB1,
                    0x55, 0xAA, 0x39, 0x93]


def cases(names) -> list:
    """pytest params (name, immediate or None), one per value of the immediate."""
    return [pytest.param(n, imm, id=n if imm is None else f"{n}-{imm}")
            for n in sorted(names) for imm in (immediates(n) or [None])]


REG = {"__m512i": ("_mm512_loadu_si512(IN)", "_mm512_storeu_si512(OUT, R)"),
       "__m512": ("_mm512_loadu_ps((const float*)(IN))", "_mm512_storeu_ps((float*)(OUT), R)"),
       "__m256i": ("_mm256_loadu_si256((const __m256i*)(IN))", "_mm256_storeu_si256((__m256i*)(OUT), R)"),
       "__m256": ("_mm256_loadu_ps((const float*)(IN))", "_mm256_storeu_ps((float*)(OUT), R)"),
       "__m128i": ("_mm_loadu_si128((const __m128i*)(IN))", "_mm_storeu_si128((__m128i*)(OUT), R)"),
       "__m128": ("_mm_loadu_ps((const float*)(IN))", "_mm_storeu_ps((float*)(OUT), R)"),
       "__m512d": ("_mm512_loadu_pd((const double*)(IN))", "_mm512_storeu_pd((double*)(OUT), R)"),
       "__m256d": ("_mm256_loadu_pd((const double*)(IN))", "_mm256_storeu_pd((double*)(OUT), R)"),
       "__m128d": ("_mm_loadu_pd((const double*)(IN))", "_mm_storeu_pd((double*)(OUT), R)")}
SCALARS = {"float": "fs[i * 32 + J]", "double": "(double)fs[i * 32 + J]", "int": "sc[i * 32 + J]",
           "unsigned int": "(unsigned)sc[i * 32 + J] % 40u", "char": "(char)sc[i * 32 + J]",
           "short": "(short)sc[i * 32 + J]", "long long": "(long long)sc[i * 32 + J] * 1000003LL"}
RESULTS = {"float": "((float*)(OUT))[0] = R", "double": "((double*)(OUT))[0] = R",
           "int": "((int32_t*)(OUT))[0] = R",
           "unsigned int": "((uint32_t*)(OUT))[0] = R", "__mmask16": "((uint16_t*)(OUT))[0] = R"}
SPECIAL = np.array([np.nan, -np.nan, 0.0, -0.0, np.inf, -np.inf, 1.0, -1.0, 1e-45, -1e-45, 1.17e-38,
                    3.4e38, -3.4e38, 2.5, -2.5, 0.5, 1.5, 2147483520.0, 2147483648.0, -2147483648.0,
                    -2147483904.0, 16777217.0], np.float32)


def register_only(name: str) -> bool:
    e = catalog()[name]
    return not any("*" in p.ctype for p in e.params) and (e.ret in REG or e.ret in RESULTS)


def function_name(name: str, imm: int | None) -> str:
    return f"t{name}" if imm is None else f"t{name}__{imm}"


def native_function(name: str, imm: int | None) -> str:
    """t<name>(in, km, sc, fs, out, n): the intrinsic on each of n rows of inputs."""
    e = catalog()[name]
    args, r, j = [], 0, 0
    for p in e.params:
        if p.ctype in REG:
            args.append(REG[p.ctype][0].replace("IN", f"in + i * 256 + {64 * r}"))
            r += 1
        elif p.ctype.startswith("__mmask"):
            args.append(f"({p.ctype})km[i]")
        elif p.ctype == "const int":
            args.append(str(imm))
        else:
            args.append(SCALARS[p.ctype].replace("J", str(j)))
            j += 1
    store = (REG[e.ret][1] if e.ret in REG else RESULTS[e.ret]).replace("OUT", "out + i * 64")
    store = store.replace("R", f"{name}({', '.join(args)})", 1)
    return (f'extern "C" void {function_name(name, imm)}(const uint8_t* in, const uint32_t* km, '
            f'const int32_t* sc, const float* fs, uint8_t* out, int n) {{\n'
            f'  for (int i = 0; i < n; ++i) {store};\n}}')


def native_inputs(n, rng):
    rows = []
    for i in range(n):
        kind = i % 5
        if kind == 0:
            rows.append(rng.integers(0, 256, 256, dtype=np.uint8))
        elif kind == 1:
            rows.append((rng.standard_normal(64) * 10.0 ** rng.integers(-3, 4, 64)).astype(np.float32).view(np.uint8))
        elif kind == 2:
            rows.append(rng.choice(SPECIAL, 64).view(np.uint8))
        elif kind == 3:
            edges = np.array([0, 1, -1, INT_MAX, INT_MIN, 0x7FFF, -0x8000, 0xFF, 0x7F7F7F7F, -0x7F7F7F80], np.int64)
            rows.append(rng.choice(edges, 64).astype(np.int32).view(np.uint8))
        else:                                                        # fmadd cancellation
            a, b, d = (rng.standard_normal(16).astype(np.float32) for _ in range(3))
            rows.append(np.concatenate([a, b, -(a * b), d]).view(np.uint8))
    km = rng.integers(0, 2**32, n, dtype=np.uint64).astype(np.uint32)
    km[::7], km[1::7] = 0, 0xFFFFFFFF
    sc = rng.integers(-300, 300, n * 32).astype(np.int32)
    sc[::5] = rng.integers(INT_MIN, INT_MAX, sc[::5].size)
    fs = rng.choice(SPECIAL, n * 32)
    fs[::2] = rng.standard_normal(fs[::2].size)
    return {"in": np.concatenate(rows), "km": km, "sc": sc, "fs": fs.astype(np.float32),
            "out": np.zeros(n * 64, np.uint8), "n": np.int32(n)}


# Float arithmetic may return either operand's NaN (C leaves the payload to the compiler, which may
# swap the operands of +); everything else moves or computes bits and must match bit for bit.
ARITHMETIC = re.compile(r"_mm\d*_(?:maskz?_)?(add|sub|mul|div|max|min|sqrt|fmadd|fmsub|fnmadd|fnmsub|"
                        r"hadd|hsub|reduce_\w+|cvt\w+)_(ps|pd|ss|sd|f32|f64)$")


def float_result(name: str) -> type | None:
    """The float type whose NaNs all match in the result of `name`: float arithmetic only."""
    ret = catalog()[name].ret
    if not ARITHMETIC.match(name):
        return None
    return np.float64 if ret in ("__m512d", "__m256d", "__m128d", "double") else np.float32


NATIVE_CASES = cases(n for n in x86_names() if register_only(n))


@functools.lru_cache(maxsize=1)
def native_library():
    """The functions of every case this CPU runs, parsed (for the interpreter) and compiled."""
    from xpiler.oracle import native
    runnable = [p.values for p in NATIVE_CASES if cpu_lacks(p.values[0]) is None]
    src = HEADER + "\n".join(native_function(n, imm) for n, imm in runnable) + "\n"
    return parse(src, "x86_native.cpp"), native.compile_shared(src, "vnni")


@pytest.mark.parametrize("name, imm", NATIVE_CASES)
def test_register_intrinsics_match_this_cpu(name, imm):
    reason = native_skip() or cpu_lacks(name)
    if reason:
        pytest.skip(reason)
    from xpiler.oracle import native
    module, lib = native_library()
    fn = function_name(name, imm)
    data = native_inputs(40, np.random.default_rng(7))
    want = native.call(lib, fn, ["in", "km", "sc", "fs", "out", "n"], data)["out"]
    one = dataclasses.replace(module, functions=(module.function(fn),))     # the interpreter analyses what it gets
    got = Interpreter(one).run(fn, {k: np.copy(v) for k, v in data.items()})["out"]
    t = float_result(name)
    if t is not None:
        got, want = got.view(t), want.view(t)                         # any NaN for a NaN
        bits = f"u{np.dtype(t).itemsize}"
        bad = ~((got.view(bits) == want.view(bits)) | (np.isnan(got) & np.isnan(want)))
    else:
        bad = got != want
    i = np.flatnonzero(bad)[:1]
    assert not bad.any(), f"{name}: element {i} differs: interpreter {got[i]}, this CPU {want[i]}"
