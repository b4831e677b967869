"""Lifting: every corpus kernel either lifts to a canonical program that (printed, parsed back
as plain C, and run in the interpreter) meets the kernel's numpy reference, or is refused with a
positioned "cannot translate" error. Kernels in LIFTS must lift: that list only grows."""
import pytest

from xpiler.diagnostics import XpilerError
from xpiler.grammar import parse, parse_file
from xpiler.interp import Interpreter
from xpiler.lift import lift
from xpiler.printer import print_module
from tests.corpus_support import assert_outputs_match, corpus

LIFTS = {
    "cuda": "add_f4 concat_channels conv2d_nchw conv2d_nhwc depthwise_conv gather_rows gelu_f16 "
            "gemm_tiled gemm_wmma gemv_sigmoid layernorm mha_wmma pool2d reduce_sum_max rmsnorm_f16 "
            "softmax_rows transpose",
    "hip": "add_act concat conv1d conv2d_nchw depthwise_conv gather gemm_lds gemm_mfma_f16 gemm_mfma_f32 "
           "gemv gqa_attention "
           "layernorm pool2d rmsnorm row_sum_max softmax transpose",
    "bang": "add_tail attention concat conv2d_nhwc dense_mlp depthwise_conv gather gelu gemm_matmul "
            "layernorm maxpool_nhwc row_sum_max softmax transpose",
    "vnni": "add_tail attention_f32 bias_relu bmm_f32 concat_lastdim conv2d_nhwc_u8s8 "
            "depthwise_conv_s16 embedding_gather gemm_u8s8_dpbusd gemv_f32 layernorm maxpool2d_nhwc "
            "reduce_sum_max sigmoid softmax_rows transpose_f32",
}
KERNELS = [pytest.param(k, id=k.id) for k in corpus()]


def canonical_of(kernel):
    module = parse_file(kernel.source)
    text = print_module(lift(module))
    return parse(text, kernel.source.stem + ".canonical.cpp", "vnni")


@pytest.mark.parametrize("kernel", KERNELS)
def test_lift_meets_reference_or_refuses(kernel):
    expected_to_lift = kernel.name in LIFTS[kernel.platform].split()
    try:
        canonical = canonical_of(kernel)
    except XpilerError as e:
        assert not expected_to_lift, e.render()
        assert e.span is not None or "cannot translate" in e.message
        assert "cannot translate" in e.message or "not supported" in e.message, e.render()
        return
    for case in kernel.cases():
        inputs = kernel.inputs(case)
        out = Interpreter(canonical).run(kernel.reference.ENTRY, inputs)
        assert_outputs_match(kernel, out, kernel.reference.reference(inputs))
