"""BANG C intrinsics in the interpreter, against values worked out by hand from bang.md §4-§11.

Each test runs a small kernel over GDRAM arrays: the operands are copied into NRAM, the
intrinsic runs, the result is copied back. Expected values come from the documented formulas
(units, layouts, argument orders), including the pitfalls bang.md §13 lists.
"""
from __future__ import annotations

import numpy as np
import pytest

from xpiler.diagnostics import XpilerError
from xpiler.grammar import parse
from xpiler.interp import Interpreter
from xpiler.types import Space

BLOCK, UNION1 = 1, 4


def run(src: str, inputs: dict, tasks: int = 1, ktype: int = BLOCK) -> dict:
    """Launch kernel `k` of `src` on `tasks` tasks; returns the final GDRAM arrays."""
    mod = parse("#include <bang.h>\n" + src, "test.mlu")
    interp = Interpreter(mod)
    fn = mod.function("k")
    args, bufs = interp.bind(fn, inputs, Space.GLOBAL)
    interp.run_tasks(fn, (tasks, 1, 1), ktype, args)
    return {n: b.as_array(inputs[n].dtype).reshape(inputs[n].shape).copy() for n, b in bufs.items()}


def unary_kernel(call: str, dst="float", src="float", n=8, m=None) -> str:
    """out (m dst elements, initial content kept) = call over a (n src elements) in NRAM."""
    m = m or n
    return f"""
__mlu_global__ void k({src}* x, {dst}* out) {{
  __nram__ {src} a[{n}];
  __nram__ {dst} d[{m}];
  __memcpy(a, x, {n} * sizeof({src}), GDRAM2NRAM);
  __memcpy(d, out, {m} * sizeof({dst}), GDRAM2NRAM);
  {call};
  __memcpy(out, d, {m} * sizeof({dst}), NRAM2GDRAM);
}}"""


def binary_kernel(call: str, t="float", n=8, m=None, nb=None) -> str:
    m, nb = m or n, nb or n
    return f"""
__mlu_global__ void k({t}* x, {t}* y, {t}* out) {{
  __nram__ {t} a[{n}];
  __nram__ {t} b[{nb}];
  __nram__ {t} d[{m}];
  __memcpy(a, x, {n} * sizeof({t}), GDRAM2NRAM);
  __memcpy(b, y, {nb} * sizeof({t}), GDRAM2NRAM);
  __memcpy(d, out, {m} * sizeof({t}), GDRAM2NRAM);
  {call};
  __memcpy(out, d, {m} * sizeof({t}), NRAM2GDRAM);
}}"""


def f32(*v):
    return np.array(v, np.float32)


# ---- §5 data movement ------------------------------------------------------------------------

def test_memcpy_size_is_bytes():
    src = unary_kernel("__memcpy(d, a, 12, NRAM2NRAM)", n=5)
    out = run(src, {"x": f32(1, 2, 3, 4, 5), "out": np.full(5, -1, np.float32)})["out"]
    assert out.tolist() == [1, 2, 3, -1, -1]                 # 12 bytes = 3 floats


def test_memcpy_2d_segnum_is_count_minus_one_strides_in_bytes():
    # 3 segments of 8 B; destination pitch 12 B (3 floats), source pitch 16 B (4 floats)
    src = unary_kernel("__memcpy(d, a, 8, NRAM2NRAM, 12, 16, 2)", n=12, m=9)
    out = run(src, {"x": np.arange(12, dtype=np.float32), "out": np.full(9, -1, np.float32)})["out"]
    assert out.tolist() == [0, 1, -1, 4, 5, -1, 8, 9, -1]


def test_memcpy_3d_with_negative_source_stride():
    # source walk: j*(-8) + i*4 from byte 16 -> rows (4,5), (2,3), (0,1); destination dense
    src = """
__mlu_global__ void k(float* x, float* out) {
  __nram__ float a[6];
  __nram__ float d[6];
  __memcpy(a, x, 24, GDRAM2NRAM);
  __memcpy(d, (float*)a + 4, 4, NRAM2NRAM, 4, 1, 8, 2, 4, 1, -8, 2);
  __memcpy(out, d, 24, NRAM2GDRAM);
}"""
    out = run(src, {"x": np.arange(6, dtype=np.float32), "out": np.zeros(6, np.float32)})["out"]
    assert out.tolist() == [4, 5, 2, 3, 0, 1]


def test_memcpy_3d_segment_counts_must_match():
    src = unary_kernel("__memcpy(d, a, 4, NRAM2NRAM, 4, 1, 8, 0, 4, 0, 8, 0)", n=4)
    with pytest.raises(XpilerError, match="segments"):
        run(src, {"x": f32(1, 2, 3, 4), "out": np.zeros(4, np.float32)})


def test_memcpy_direction_must_match_the_spaces():
    src = """
__mlu_global__ void k(float* x, float* out) {
  __nram__ float a[4];
  __memcpy(out, x, 16, GDRAM2NRAM);
}"""
    with pytest.raises(XpilerError, match="GDRAM2NRAM but the destination 'out' is in global"):
        run(src, {"x": f32(1, 2, 3, 4), "out": np.zeros(4, np.float32)})


def test_memcpy_out_of_bounds_names_the_task():
    src = """
__mlu_global__ void k(float* x, float* out) {
  __nram__ float a[4];
  __memcpy(a, x, 4 * (taskId + 4), GDRAM2NRAM);
}"""
    with pytest.raises(XpilerError, match=r"out-of-bounds write of 'a'.*\(task 1\)"):
        run(src, {"x": np.zeros(8, np.float32), "out": np.zeros(1, np.float32)}, tasks=2)


def test_a_task_cannot_run_into_its_neighbours_nram():
    # the two tasks' copies of `a` sit side by side in one buffer; task 0 must not reach task 1's
    src = unary_kernel("__bang_write_zero(a, 8)", n=4)
    message = r"write of 'a' \(nram\): elements \[0, 8\), valid range \[0, 4\).*task 0"
    with pytest.raises(XpilerError, match=message):
        run(src, {"x": np.zeros(4, np.float32), "out": np.zeros(4, np.float32)}, tasks=2)
    src = unary_kernel("__memcpy(d, a, 4, NRAM2NRAM, 4, 4, 4)", n=4)
    with pytest.raises(XpilerError, match=r"__memcpy: out-of-bounds write of 'd'.*task 0"):
        run(src, {"x": np.zeros(4, np.float32), "out": np.zeros(4, np.float32)}, tasks=2)


def test_bang_move_overlapping_is_memmove():
    src = unary_kernel("__bang_move((float*)a + 1, a, 12); __memcpy(d, a, 16, NRAM2NRAM)", n=4)
    out = run(src, {"x": f32(1, 2, 3, 4), "out": np.zeros(4, np.float32)})["out"]
    assert out.tolist() == [1, 1, 2, 3]


def test_per_task_sizes_differ():
    # task t copies t+1 floats of its own slice: lanes with different sizes run as groups
    src = """
__mlu_global__ void k(float* x, float* out) {
  __nram__ float a[4];
  __bang_write_zero(a, 4);
  __memcpy(a, x + taskId * 4, (taskId + 1) * sizeof(float), GDRAM2NRAM);
  __bang_add(a, a, a, taskId + 1);
  __memcpy(out + taskId * 4, a, 16, NRAM2GDRAM);
}"""
    x = np.arange(1, 13, dtype=np.float32)
    out = run(src, {"x": x, "out": np.zeros(12, np.float32)}, tasks=3)["out"]
    assert out.tolist() == [2, 0, 0, 0, 10, 12, 0, 0, 18, 20, 22, 0]


# ---- §5.3 fills ------------------------------------------------------------------------------

def test_write_value_width_comes_from_the_value_type():
    src = unary_kernel("__bang_write_value(d, 2, 1); __bang_write_value((float*)d + 2, 2, 1.5f)", n=4)
    out = run(src, {"x": np.zeros(4, np.float32), "out": np.full(4, 9, np.float32)})["out"]
    assert out.view(np.int32)[:2].tolist() == [1, 1]          # int 1, not 1.0f (bang.md §5.3)
    assert out[2:].tolist() == [1.5, 1.5]


def test_write_value_half_fills_two_byte_elements():
    src = unary_kernel("__bang_write_value(d, 3, (half)2)", dst="half", src="half", n=4)
    out = run(src, {"x": np.zeros(4, np.float16), "out": np.zeros(4, np.float16)})["out"]
    assert out.tolist() == [2, 2, 2, 0]


def test_write_value_refuses_double():
    src = unary_kernel("__bang_write_value(d, 2, 1.0)", n=4)
    with pytest.raises(XpilerError, match="value's type picks the element width"):
        run(src, {"x": np.zeros(4, np.float32), "out": np.zeros(4, np.float32)})


def test_nramset_2d_and_write_zero():
    src = unary_kernel("__nramset(d, 2, 7, 12, 1); __bang_write_zero((int*)d + 5, 1)", "int", "int", n=6)
    out = run(src, {"x": np.zeros(6, np.int32), "out": np.full(6, -1, np.int32)})["out"]
    assert out.tolist() == [7, 7, -1, 7, 7, 0]                # 2 segments at a 12-byte pitch


def test_write_value_3d():
    # 2 elements per segment; i: 2 segments 8 bytes apart; j: 2 blocks 24 bytes apart
    src = unary_kernel("__bang_write_value(d, 1, 5, 8, 1, 24, 1)", "int", "int", n=10)
    out = run(src, {"x": np.zeros(10, np.int32), "out": np.zeros(10, np.int32)})["out"]
    assert out.tolist() == [5, 0, 5, 0, 0, 0, 5, 0, 5, 0]


# ---- §6.1-§6.3 element-wise --------------------------------------------------------------------

def test_add_sub_mul_div_elementwise():
    x, y = f32(1, -2, 3, 4.5), f32(2, 2, -4, 0.5)
    for op, want in (("add", x + y), ("sub", x - y), ("mul", x * y), ("div", x / y)):
        out = run(binary_kernel(f"__bang_{op}(d, a, b, 4)", n=4), {"x": x, "y": y, "out": np.zeros(4, np.float32)})
        assert out["out"].tolist() == want.tolist(), op


def test_count_is_elements_not_bytes():
    out = run(binary_kernel("__bang_add(d, a, b, 2)", n=4),
              {"x": f32(1, 1, 1, 1), "y": f32(1, 1, 1, 1), "out": np.zeros(4, np.float32)})["out"]
    assert out.tolist() == [2, 2, 0, 0]


def test_integer_division_truncates_and_zero_is_an_error():
    x, y = np.array([-7, 7, -7, 9], np.int32), np.array([2, -2, -2, 3], np.int32)
    out = run(binary_kernel("__bang_div(d, a, b, 4)", "int", n=4), {"x": x, "y": y, "out": np.zeros(4, np.int32)})
    assert out["out"].tolist() == [-3, -3, 3, 3]
    with pytest.raises(XpilerError, match="division by zero"):
        run(binary_kernel("__bang_div(d, a, b, 4)", "int", n=4),
            {"x": x, "y": np.array([1, 0, 1, 1], np.int32), "out": np.zeros(4, np.int32)})


def test_integer_add_wraps():
    out = run(binary_kernel("__bang_add(d, a, b, 2)", "short", n=2),
              {"x": np.array([32767, -32768], np.int16), "y": np.array([1, -1], np.int16),
               "out": np.zeros(2, np.int16)})["out"]
    assert out.tolist() == [-32768, 32767]


def test_scalar_forms_convert_the_value_to_t():
    cases = {"__bang_mul_const(d, a, 1.0/128, 4)": [1 / 128, 2 / 128, 3 / 128, 4 / 128],
             "__bang_add_scalar(d, a, 1e-5f, 4)": list(f32(1, 2, 3, 4) + np.float32(1e-5)),
             "__bang_sub_scalar(d, a, 2, 4)": [-1, 0, 1, 2],
             "__bang_div(d, a, 2048, 4)": [1 / 2048, 2 / 2048, 3 / 2048, 4 / 2048],
             "__bang_div(d, a, b, (float*)b, 4)": [0.5, 1, 1.5, 2]}     # legacy 5-argument form
    for call, want in cases.items():
        out = run(binary_kernel(call, n=4), {"x": f32(1, 2, 3, 4), "y": f32(2, 2, 2, 2),
                                             "out": np.zeros(4, np.float32)})["out"]
        assert out.tolist() == f32(*want).tolist(), call


def test_integer_scalar_from_double_truncates():
    out = run(binary_kernel("__bang_mul_scalar(d, a, 2.9, 2)", "int", n=2),
              {"x": np.array([3, -3], np.int32), "y": np.zeros(2, np.int32), "out": np.zeros(2, np.int32)})
    assert out["out"].tolist() == [6, -6]


def test_maxequal_returns_src0_on_nan():
    x, y = f32(np.nan, 1, 5, -1), f32(3, np.nan, 2, 4)
    out = run(binary_kernel("__bang_maxequal(d, a, b, 4)", n=4), {"x": x, "y": y, "out": np.zeros(4, np.float32)})
    got = out["out"]
    assert np.isnan(got[0]) and got[1:].tolist() == [1, 5, 4]
    out = run(binary_kernel("__bang_minequal(d, a, b, 4)", n=4), {"x": x, "y": y, "out": np.zeros(4, np.float32)})
    assert np.isnan(out["out"][0]) and out["out"][1:].tolist() == [1, 2, -1]


def test_cycle_ops_broadcast_the_segment():
    x, seg = np.arange(6, dtype=np.float32), f32(10, 20, 30)
    out = run(binary_kernel("__bang_cycle_add(d, a, b, 6, 3)", n=6, nb=3),
              {"x": x, "y": seg, "out": np.zeros(6, np.float32)})["out"]
    assert out.tolist() == [10, 21, 32, 13, 24, 35]
    out = run(binary_kernel("__bang_cycle_gt(d, a, b, 6, 3)", n=6, nb=3),
              {"x": f32(0, 25, 31, 11, 5, 40), "y": seg, "out": np.zeros(6, np.float32)})["out"]
    assert out.tolist() == [0, 1, 1, 1, 0, 1]
    with pytest.raises(XpilerError, match="not a multiple"):
        run(binary_kernel("__bang_cycle_mul(d, a, b, 5, 3)", n=6, nb=3),
            {"x": x, "y": seg, "out": np.zeros(6, np.float32)})


def test_comparisons_give_one_or_zero_in_t():
    x, y = f32(1, 2, np.nan, 3), f32(1, 3, np.nan, 2)
    want = {"eq": [1, 0, 0, 0], "ne": [0, 1, 1, 1], "gt": [0, 0, 0, 1], "ge": [1, 0, 0, 1],
            "lt": [0, 1, 0, 0], "le": [1, 1, 0, 0]}
    for op, w in want.items():
        out = run(binary_kernel(f"__bang_{op}(d, a, b, 4)", n=4), {"x": x, "y": y, "out": np.zeros(4, np.float32)})
        assert out["out"].tolist() == w, op
    out = run(binary_kernel("__bang_ge_scalar(d, a, 2.0f, 4)", n=4),
              {"x": x, "y": y, "out": np.zeros(4, np.float32)})
    assert out["out"].tolist() == [0, 1, 0, 1]


def test_bitindex_packs_bit_i_of_byte_0_first():
    x = np.arange(10, dtype=np.float32)
    y = f32(0, 9, 2, 9, 9, 9, 9, 9, 9, 9)               # eq at 0 and 2 -> bits 0, 2
    out = run(binary_kernel("__bang_eq_bitindex(d, a, b, 10)", n=10, m=2),
              {"x": x, "y": y, "out": np.zeros(2, np.float32)})["out"]
    assert out.view(np.uint8)[:2].tolist() == [0b101, 0b10]  # element 9 is bit 1 of byte 1


def test_logic_and_bitwise():
    x, y = np.array([0, 3, -2, 0], np.int32), np.array([0, 0, 5, 7], np.int32)
    for op, w in {"and": [0, 0, 1, 0], "or": [0, 1, 1, 1], "xor": [0, 1, 0, 1]}.items():
        out = run(binary_kernel(f"__bang_{op}(d, a, b, 4)", "int", n=4),
                  {"x": x, "y": y, "out": np.zeros(4, np.int32)})
        assert out["out"].tolist() == w, op
    out = run(unary_kernel("__bang_not(d, a, 4)", n=4), {"x": f32(0, 1, -0.0, 2), "out": np.zeros(4, np.float32)})
    assert out["out"].tolist() == [1, 0, 1, 0]
    # __bang_band counts bytes: 2 bytes of the int 0x0F0F0F0F & 0x00FF00FF
    out = run(binary_kernel("__bang_band((char*)d, (char*)a, (char*)b, 2)", "int", n=1),
              {"x": np.array([0x0F0F0F0F], np.int32), "y": np.array([0x00FF00FF], np.int32),
               "out": np.array([-1], np.int32)})["out"]
    assert out.view(np.uint32)[0] == 0xFFFF000F


# ---- §6.4 unary math ---------------------------------------------------------------------------

def test_active_sign_of_zero_is_plus_one():
    out = run(unary_kernel("__bang_active_sign(d, a, 4)", n=4),
              {"x": f32(0, -0.0, -3, 2), "out": np.zeros(4, np.float32)})
    assert out["out"].tolist() == [1, 1, -1, 1]


def test_log_bases():
    x = f32(8, 0.25, 1, 2)
    out = run(unary_kernel("__bang_log(d, a, 4)", n=4), {"x": x, "out": np.zeros(4, np.float32)})["out"]
    assert out[:3].tolist() == [3, -2, 0]                     # __bang_log is base 2
    out = run(unary_kernel("__bang_active_loghp(d, a, 4)", n=4), {"x": x, "out": np.zeros(4, np.float32)})["out"]
    assert out[0] == np.float32(np.log(8.0)) and out[3] == np.float32(np.log(2.0))   # natural


def test_unary_math_rounded_once_to_t():
    x = f32(-1.5, 0, 2, 4)
    want = {"__bang_active_relu": [0, 0, 2, 4], "__bang_active_abs": [1.5, 0, 2, 4],
            "__bang_square": [2.25, 0, 4, 16], "__bang_pow2": [2 ** -1.5, 1, 4, 16],
            "__bang_active_recip": [-1 / 1.5, np.inf, 0.5, 0.25],
            "__bang_active_exphp": list(np.exp(np.float64(x))),
            "__bang_active_sigmoid": list(1 / (1 + np.exp(-np.float64(x))))}
    for name, w in want.items():
        out = run(unary_kernel(f"{name}(d, a, 4)", n=4), {"x": x, "out": np.zeros(4, np.float32)})["out"]
        assert out.tolist() == np.array(w, np.float64).astype(np.float32).tolist(), name


def test_gelu_is_the_tanh_form():
    x = f32(1.0)
    out = run(unary_kernel("__bang_active_gelu(d, a, 1)", n=1), {"x": x, "out": np.zeros(1, np.float32)})["out"]
    assert out[0] == np.float32(0.5 * (1 + np.tanh(np.sqrt(2 / np.pi) * (1 + 0.044715))))


def test_square_widens_int8_to_int16():
    out = run(unary_kernel("__bang_square(d, a, 3)", dst="int16_t", src="int8_t", n=3),
              {"x": np.array([-128, 127, -3], np.int8), "out": np.zeros(3, np.int16)})["out"]
    assert out.tolist() == [16384, 16129, 9]


def test_half_results_round_to_nearest_even():
    x = np.array([2048, 1], np.float16)                       # 2048 + 1 is a tie in half
    out = run(binary_kernel("__bang_add(d, a, b, 2)", "half", n=2),
              {"x": x, "y": np.array([1, 2 ** -11], np.float16), "out": np.zeros(2, np.float16)})["out"]
    assert out.tolist() == [2048, 1]


# ---- §6.5 conversions --------------------------------------------------------------------------

@pytest.mark.parametrize("mode,want", [
    ("rn", [1, -1, 1, np.inf]), ("rd", [1, -1, 1, np.inf]),
    ("tz", [1, -1, 1, 65504]), ("dn", [1, -(1 + 2 ** -10), 1, 65504]),
    ("up", [1 + 2 ** -10, -1, 1 + 2 ** -10, np.inf]), ("oz", [1 + 2 ** -10, -(1 + 2 ** -10), 1 + 2 ** -10, np.inf]),
])
def test_float2half_rounding_modes(mode, want):
    x = f32(1 + 2 ** -12, -(1 + 2 ** -12), 1 + 2 ** -11, 70000)   # third: a tie (even: 1.0)
    out = run(unary_kernel(f"__bang_float2half_{mode}(d, a, 4)", dst="half", n=4),
              {"x": x, "out": np.zeros(4, np.float16)})["out"]
    assert out.astype(np.float64).tolist() == want


@pytest.mark.parametrize("mode,want", [
    ("rn", [2, -2, 2, -3, 2147483647]), ("tz", [2, -2, 2, -2, 2147483647]),
    ("dn", [2, -3, 2, -3, 2147483647]), ("up", [3, -2, 3, -2, 2147483647]),
    ("oz", [3, -3, 3, -3, 2147483647]),
])
def test_float2int32_rounding_and_saturation(mode, want):
    x = f32(2.5, -2.5, 2.2, -2.7, 3e9)
    out = run(unary_kernel(f"__bang_float2int32_{mode}(d, a, 5)", dst="int", n=5),
              {"x": x, "out": np.zeros(5, np.int32)})["out"]
    assert out.tolist() == want


def test_fixed_point_position():
    # float -> int8: q = round(x * 2^-pos); int8 -> float: x = q * 2^pos (bang.md §6.5)
    out = run(unary_kernel("__bang_float2int8_rn(d, a, 3, -3)", dst="int8_t", n=3),
              {"x": f32(1.0, -0.5, 100), "out": np.zeros(3, np.int8)})["out"]
    assert out.tolist() == [8, -4, 127]
    out = run(unary_kernel("__bang_int82float(d, a, 2, -3)", dst="float", src="int8_t", n=2),
              {"x": np.array([8, -4], np.int8), "out": np.zeros(2, np.float32)})["out"]
    assert out.tolist() == [1.0, -0.5]


def test_float2bfloat16_ties_to_even():
    x = f32(1 + 2 ** -8, 1 + 3 * 2 ** -8, 1 + 2 ** -8 + 2 ** -20)
    out = run(unary_kernel("__bang_float2bfloat16_rn(d, a, 3)", dst="bfloat16_t", n=3),
              {"x": x, "out": np.zeros(3, np.uint16)})["out"]
    assert out.tolist() == [0x3F80, 0x3F82, 0x3F81]


def test_conversion_checks_pointer_types():
    with pytest.raises(XpilerError, match="must point to half"):
        run(unary_kernel("__bang_float2half_rn(d, a, 1)", dst="float", n=1),
            {"x": f32(1), "out": np.zeros(1, np.float32)})


# ---- §7 reductions -----------------------------------------------------------------------------

def test_reduce_sum_leaves_one_result_per_128_bytes():
    x = np.arange(64, dtype=np.float32)
    out = run(unary_kernel("__bang_reduce_sum(d, a, 64)", n=64),
              {"x": x, "out": np.full(64, -1, np.float32)})["out"]
    assert out[0] == sum(range(32)) and out[32] == sum(range(32, 64))
    assert (np.delete(out, [0, 32]) == -1).all()             # other elements unchanged (3xx)
    with pytest.raises(XpilerError, match="multiple of 128"):
        run(unary_kernel("__bang_reduce_sum(d, a, 40)", n=64), {"x": x, "out": np.zeros(64, np.float32)})


def test_reduce_sum_half_chunk_is_64():
    x = np.ones(128, np.float16)
    out = run(unary_kernel("__bang_reduce_sum(d, a, 128)", dst="half", src="half", n=128),
              {"x": x, "out": np.zeros(128, np.float16)})["out"]
    assert out[0] == 64 and out[64] == 64 and out[1] == 0 and out[32] == 0


def test_reduce_sum_bfloat16_rounds_once():
    # 1 + 2^-8 + 2^-30: float32 would round it to the tie 1 + 2^-8 first, then to 1.0
    x = np.zeros(64, np.uint16)
    x[:3] = [0x3F80, 0x3B80, 0x3080]                          # bfloat16 1.0, 2^-8, 2^-30
    out = run(unary_kernel("__bang_reduce_sum(d, a, 64)", dst="bfloat16_t", src="bfloat16_t", n=64, m=1),
              {"x": x, "out": np.zeros(1, np.uint16)})["out"]
    assert out[0] == 0x3F81                                   # 1 + 2^-7


def test_argmax_float_index_is_uint32_at_byte_4():
    x = f32(1, 7, np.nan, 7, -2)
    out = run(unary_kernel("__bang_argmax(d, a, 5)", n=5, m=2), {"x": x, "out": np.zeros(2, np.float32)})["out"]
    assert out[0] == 7 and out.view(np.uint32)[1] == 1        # first maximum, NaN ignored
    out = run(unary_kernel("__bang_argmin(d, a, 5)", n=5, m=2), {"x": x, "out": np.zeros(2, np.float32)})["out"]
    assert out[0] == -2 and out.view(np.uint32)[1] == 4


def test_argmax_half_index_is_uint16_at_byte_2():
    x = np.array([1, 2, 9, 3], np.float16)
    out = run(unary_kernel("__bang_argmax(d, a, 4)", dst="half", src="half", n=4, m=4),
              {"x": x, "out": np.full(4, 5, np.float16)})["out"]
    assert out[0] == 9 and out.view(np.uint16)[1] == 2 and out[2] == 5


def test_count_filter_select():
    x, mask = f32(10, 20, 30, 40, 50), f32(0, 1, 0, 1, 1)
    src = """
__mlu_global__ void k(float* x, float* y, float* out, int* k_out) {
  __nram__ float a[5];
  __nram__ float b[5];
  __nram__ float d[40];
  __nram__ int kk[2];
  __memcpy(a, x, 20, GDRAM2NRAM);
  __memcpy(b, y, 20, GDRAM2NRAM);
  __memcpy(d, out, 160, GDRAM2NRAM);
  kk[0] = __bang_count(b, 5);
  kk[1] = __bang_filter(d, a, b, 5);
  __bang_select((float*)d + 4, a, b, 5);
  __memcpy(out, d, 160, NRAM2GDRAM);
  __memcpy(k_out, kk, 8, NRAM2GDRAM);
}"""
    r = run(src, {"x": x, "y": mask, "out": np.full(40, -1, np.float32), "k_out": np.zeros(2, np.int32)})
    assert r["k_out"].tolist() == [3, 3]
    out = r["out"]
    assert out[:4].tolist() == [20, 40, 50, -1]              # filter: dst[0:k]
    sel = out[4:]                                             # select: count, zeros to byte 128, values
    assert sel.view(np.uint32)[0] == 3 and (sel[1:32] == 0).all() and sel[32:35].tolist() == [20, 40, 50]


# ---- §8 pooling and layout ---------------------------------------------------------------------

def pool_reference(x, c, h, w, kh, kw, sw, sh, reduce):
    ho, wo = (h - kh) // sh + 1, (w - kw) // sw + 1
    v = x.reshape(h, w, c)
    out = np.zeros((ho, wo, c), np.float64)
    for i in range(ho):
        for j in range(wo):
            out[i, j] = reduce(v[i * sh:i * sh + kh, j * sw:j * sw + kw].reshape(-1, c).astype(np.float64), axis=0)
    return out.astype(np.float32).ravel()


@pytest.mark.parametrize("name,reduce", [("sumpool", np.sum), ("maxpool", np.max), ("minpool", np.min),
                                         ("avgpool", np.mean)])
def test_pool_stride_order_is_width_then_height(name, reduce):
    c, h, w, kh, kw, sw, sh = 2, 5, 6, 2, 3, 3, 1             # Ho = 4, Wo = 2
    x = np.random.default_rng(0).standard_normal(h * w * c).astype(np.float32)
    want = pool_reference(x, c, h, w, kh, kw, sw, sh, reduce)
    call = f"__bang_{name}(d, a, {c}, {h}, {w}, {kh}, {kw}, {sw}, {sh})"
    out = run(unary_kernel(call, n=h * w * c, m=want.size), {"x": x, "out": np.zeros(want.size, np.float32)})["out"]
    np.testing.assert_array_equal(out, want)


def test_pool_seven_argument_form_strides_by_the_kernel():
    x = np.arange(16, dtype=np.float32)                       # C=1, 4x4, 2x2 windows, stride 2x2
    out = run(unary_kernel("__bang_maxpool(d, a, 1, 4, 4, 2, 2)", n=16, m=4),
              {"x": x, "out": np.zeros(4, np.float32)})["out"]
    assert out.tolist() == [5, 7, 13, 15]


def test_sumpool_as_a_reduction():
    out = run(unary_kernel("__bang_sumpool(d, a, 1, 1, 8, 1, 8, 1, 1)", n=8, m=1),
              {"x": np.arange(8, dtype=np.float32), "out": np.zeros(1, np.float32)})["out"]
    assert out[0] == 28


def test_transpose():
    out = run(unary_kernel("__bang_transpose(d, a, 2, 3)", n=6), {"x": np.arange(6, dtype=np.float32),
                                                                  "out": np.zeros(6, np.float32)})["out"]
    assert out.tolist() == [0, 3, 1, 4, 2, 5]                # [2][3] -> [3][2]


# ---- §9 mlp, matmul, conv ----------------------------------------------------------------------

def tensor_kernel(call, tout, tin, tw, na, nw, nd, nbias=0):
    bias = f"__nram__ {tout} bias[{max(nbias, 1)}]; __memcpy(bias, z, {max(nbias, 1)} * sizeof({tout}), GDRAM2NRAM);"
    return f"""
__mlu_global__ void k({tin}* x, {tw}* w, {tout}* z, {tout}* out) {{
  __nram__ {tin} a[{na}];
  __nram__ {tout} d[{nd}];
  __wram__ {tw} wr[{nw}];
  {bias}
  __memcpy(a, x, {na} * sizeof({tin}), GDRAM2NRAM);
  __memcpy(wr, w, {nw} * sizeof({tw}), GDRAM2WRAM);
  {call};
  __memcpy(out, d, {nd} * sizeof({tout}), NRAM2GDRAM);
}}"""


def test_matmul_src1_is_n_by_k():
    a = f32(1, 2, 3, 4, 5, 6)                                 # [M=2][K=3]
    b = f32(1, 0, 0, 0, 1, 1)                                 # [N=2][K=3]: columns of the K x N matrix
    out = run(tensor_kernel("__bang_matmul(d, a, wr, 2, 3, 2)", "float", "float", "float", 6, 6, 4),
              {"x": a, "w": b, "z": np.zeros(1, np.float32), "out": np.zeros(4, np.float32)})["out"]
    assert out.tolist() == [1, 5, 4, 11]                      # dst[m][n] = sum_k a[m][k] * b[n][k]


def test_matmul_fixed_point_with_bias():
    a = np.array([1, 2, 3, 4], np.int8)                       # M=1, K=4
    b = np.array([1, 1, 1, 1, 2, 0, 0, -1], np.int8)          # N=2
    out = run(tensor_kernel("__bang_matmul(d, a, wr, bias, 1, 4, 2, -1)", "float", "int8_t", "int8_t", 4, 8, 2, 2),
              {"x": a, "w": b, "z": f32(0.25, 100), "out": np.zeros(2, np.float32)})["out"]
    assert out.tolist() == [10 / 2 + 0.25, -2 / 2 + 100]      # dot * 2^-1 + bias


def test_mlp_filter_is_out_by_in_and_bias_precedes_it():
    x = f32(1, 2, 3)                                          # width 3
    w = f32(1, 1, 1, 0, 0, 2)                                 # [height 2][width 3]
    out = run(tensor_kernel("__bang_mlp(d, a, wr, 2, 3)", "float", "float", "float", 3, 6, 2),
              {"x": x, "w": w, "z": np.zeros(1, np.float32), "out": np.zeros(2, np.float32)})["out"]
    assert out.tolist() == [6, 6]
    xi, wi = np.array([1, 2, 3], np.int8), np.array([1, 1, 1, 0, 0, 2], np.int8)
    out = run(tensor_kernel("__bang_mlp(d, a, bias, wr, 2, 3, 1)", "float", "int8_t", "int8_t", 3, 6, 2, 2),
              {"x": xi, "w": wi, "z": f32(1, -1), "out": np.zeros(2, np.float32)})["out"]
    assert out.tolist() == [13, 11]                           # 6 * 2^1 + bias


def test_matmul_half_destination_is_refused():
    with pytest.raises(XpilerError, match="not supported.*half destination"):
        run(tensor_kernel("__bang_matmul(d, a, wr, 1, 2, 1)", "half", "half", "half", 2, 2, 1),
            {"x": np.ones(2, np.float16), "w": np.ones(2, np.float16), "z": np.zeros(1, np.float16),
             "out": np.zeros(1, np.float16)})


def test_conv_hwc_layout_and_stride_order():
    ci, h, w, kh, kw, sw, sh, co = 2, 4, 5, 2, 2, 2, 1, 3     # Ho = 3, Wo = 2
    rng = np.random.default_rng(1)
    x = rng.integers(-3, 4, h * w * ci).astype(np.float32)
    f = rng.integers(-3, 4, co * kh * kw * ci).astype(np.float32)
    ho, wo = (h - kh) // sh + 1, (w - kw) // sw + 1
    xv, fv = x.reshape(h, w, ci), f.reshape(co, kh, kw, ci)
    want = np.zeros((ho, wo, co), np.float32)
    for i in range(ho):
        for j in range(wo):
            for o in range(co):
                want[i, j, o] = (xv[i * sh:i * sh + kh, j * sw:j * sw + kw] * fv[o]).sum()
    call = f"__bang_conv(d, a, wr, {ci}, {h}, {w}, {kh}, {kw}, {sw}, {sh}, {co})"
    out = run(tensor_kernel(call, "float", "float", "float", x.size, f.size, want.size),
              {"x": x, "w": f, "z": np.zeros(1, np.float32), "out": np.zeros(want.size, np.float32)})["out"]
    np.testing.assert_array_equal(out, want.ravel())


def test_conv_as_gemm_fixed_point():
    # __bang_conv(C, A, W, K, M, 1, 1, 1, 1, 1, N, pos) = [M][K] . [N][K]^T * 2^pos (bang.md §9.3)
    a = np.array([1, 2, 3, 4, 5, 6], np.int16)                # M=3, K=2
    b = np.array([1, -1, 2, 2], np.int16)                     # N=2
    call = "__bang_conv(d, a, wr, 2, 3, 1, 1, 1, 1, 1, 2, 2)"
    out = run(tensor_kernel(call, "float", "int16_t", "int16_t", 6, 4, 6),
              {"x": a, "w": b, "z": np.zeros(1, np.float32), "out": np.zeros(6, np.float32)})["out"]
    assert out.tolist() == [-4, 24, -4, 56, -4, 88]


def test_weights_must_be_in_wram():
    src = """
__mlu_global__ void k(float* x, float* out) {
  __nram__ float a[4];
  __nram__ float d[1];
  __memcpy(a, x, 16, GDRAM2NRAM);
  __bang_matmul(d, a, a, 1, 4, 1);
}"""
    with pytest.raises(XpilerError, match="must be WRAM"):
        run(src, {"x": np.ones(4, np.float32), "out": np.zeros(1, np.float32)})


# ---- §4 / §10 synchronisation and atomics ------------------------------------------------------

def test_atomic_add_returns_old_values_and_serialises_tasks():
    src = """
__mlu_global__ void k(int* counter, int* olds) {
  __nram__ int old[2];
  __bang_atomic_add(old, counter, 1, 2);
  __memcpy(olds + taskId * 2, old, 8, NRAM2GDRAM);
}"""
    r = run(src, {"counter": np.array([10, 20], np.int32), "olds": np.zeros(8, np.int32)}, tasks=4, ktype=UNION1)
    assert r["counter"].tolist() == [14, 24]
    assert sorted(r["olds"][0::2].tolist()) == [10, 11, 12, 13]
    assert sorted(r["olds"][1::2].tolist()) == [20, 21, 22, 23]


def test_atomic_reduce_with_a_vector_and_max():
    src = """
__mlu_global__ void k(float* acc, float* m) {
  __nram__ float v[3];
  v[0] = taskId; v[1] = 1.0f; v[2] = -taskId;
  __bang_atomic_reduce_add(acc, v, 3);
  __bang_atomic_reduce_max(m, v, 3);
}"""
    r = run(src, {"acc": np.zeros(3, np.float32), "m": np.full(3, -100, np.float32)}, tasks=4, ktype=UNION1)
    assert r["acc"].tolist() == [6, 4, -6] and r["m"].tolist() == [3, 1, 0]


def test_sync_cluster_is_a_barrier_over_sram():
    src = """
__mlu_global__ void k(int* out) {
  __mlu_shared__ int slot[4];
  __nram__ int mine[1];
  mine[0] = taskId * 10;
  __memcpy((int*)slot + coreId, mine, 4, NRAM2SRAM);
  __sync_cluster();
  __memcpy(mine, (int*)slot + (coreId + 1) % 4, 4, SRAM2NRAM);
  __memcpy(out + taskId, mine, 4, NRAM2GDRAM);
}"""
    out = run(src, {"out": np.zeros(8, np.int32)}, tasks=8, ktype=UNION1)["out"]
    assert out.tolist() == [10, 20, 30, 0, 50, 60, 70, 40]


@pytest.mark.parametrize("barrier,races", [("__sync_cluster();", 0), ("", 1)])
def test_sram_exchange_without_the_barrier_is_a_race(barrier, races):
    src = f"""
__mlu_global__ void k(int* out) {{
  __mlu_shared__ int slot[4];
  __nram__ int mine[2];
  mine[0] = taskId;
  __memcpy((int*)slot + coreId, mine, 4, NRAM2SRAM, 4, 4, 0);
  {barrier}
  __memcpy(mine, slot, 4, SRAM2NRAM, 4, 4, 1);
  __memcpy(out + 2 * taskId, mine, 8, NRAM2GDRAM);
  __sync_cluster();
}}"""
    mod = parse("#include <bang.h>\n" + src, "test.mlu")
    interp = Interpreter(mod, check_races=True)
    fn = mod.function("k")
    args, bufs = interp.bind(fn, {"out": np.zeros(8, np.int32)}, Space.GLOBAL)
    interp.run_tasks(fn, (4, 1, 1), UNION1, args)
    assert bufs["out"].as_array(np.int32).tolist() == [0, 1] * 4
    assert len(interp.report.races) == races


def test_sync_cluster_in_a_block_launch_is_refused():
    src = "__mlu_global__ void k(int* out) { __sync(); __sync_io(); __sync_cluster(); }"
    with pytest.raises(XpilerError, match="Block launch"):
        run(src, {"out": np.zeros(1, np.int32)})


def test_is_mpu_is_false():
    src = "__mlu_global__ void k(int* out) { if (__is_mpu()) { return; } out[taskId] = 1; }"
    assert run(src, {"out": np.zeros(2, np.int32)}, tasks=2)["out"].tolist() == [1, 1]


# ---- §11 host API ------------------------------------------------------------------------------

def test_cnrt_host_calls():
    src = """
__mlu_global__ void twice(float* x) {
  __nram__ float a[4];
  __memcpy(a, x, 16, GDRAM2NRAM);
  __bang_add(a, a, a, 4);
  __memcpy(x, a, 16, NRAM2GDRAM);
}
extern "C" void run(float* x, float* ms) {
  cnrtQueue_t q;
  cnrtNotifier_t start, end;
  int dev = -1;
  cnrtGetDevice(&dev);
  cnrtQueueCreate(&q);
  cnrtNotifierCreate(&start);
  cnrtNotifierCreate(&end);
  float* d = NULL;
  cnrtMalloc((void**)&d, 16);
  cnrtMemcpyAsync(d, x, 16, q, cnrtMemcpyHostToDev);
  cnrtPlaceNotifier(start, q);
  cnrtDim3_t dim = {1, 1, 1};
  twice<<<dim, cnrtFuncTypeBlock, q>>>(d);
  cnrtPlaceNotifier(end, q);
  cnrtQueueSync(q);
  float t = 5.0f;
  cnrtNotifierDuration(start, end, &t);
  ms[0] = t + dev;
  cnrtMemcpy(x, d, 16, cnrtMemcpyDevToHost);
  cnrtFree(d);
  cnrtQueueDestroy(q);
}"""
    mod = parse("#include <bang.h>\n#include <cnrt.h>\n" + src, "test.mlu")
    out = Interpreter(mod).run("run", {"x": f32(1, 2, 3, 4), "ms": f32(9)})
    assert out["x"].tolist() == [2, 4, 6, 8] and out["ms"].tolist() == [0]
