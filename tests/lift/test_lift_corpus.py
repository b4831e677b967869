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
    "cuda": "add_f4 batchnorm_infer_f4 bmm_tiled concat_channels conv1d_ncl conv2d_nchw conv2d_nhwc "
            "deform_attn_single_scale dense_wmma depthwise_conv gated_mlp_silu gather_rows gelu_f16 "
            "gemm_tiled gemm_wmma gemv_sigmoid gqa_attention instancenorm layernorm mha_wmma pool2d "
            "pool2d_nhwc_min_sum reduce_rows_mean_min reduce_sum_max rmsnorm_f16 scatter_add_rows "
            "softmax_rows sub_sign_sin transpose",
    "hip": "add_act batchnorm_nhwc bmm_mfma_f32 concat conv1d conv2d_nchw conv2d_nhwc_lds deform_attn "
           "dense_bias depthwise_conv eltwise_sub_sign_sin gated_mlp_silu gather gemm_lds gemm_mfma_f16 "
           "gemm_mfma_f32 gemv gqa_attention instancenorm layernorm mha_bshd pool2d pool2d_nhwc_min_sum "
           "rmsnorm row_mean_min row_sum_max scatter_add_rows softmax transpose",
    "bang": "add_tail attention batchnorm_nhwc bmm_matmul concat conv1d_ncl conv2d_nchw_transpose conv2d_nhwc "
            "deform_attn_single_scale dense_mlp depthwise_conv gated_mlp_silu gather gelu gemm_matmul "
            "gemv_mlp_bias gqa_causal_attention instancenorm_nchw layernorm maxpool_nhwc minsum_pool_nhwc "
            "rmsnorm_f16 row_mean_min row_sum_max scatter_rows softmax sub_sign_sin transpose",
    "vnni": "add_tail attention_f32 batchnorm_nhwc bias_relu bmm_f32 col_mean_min concat_lastdim "
            "conv1d_nwc_u8s8 conv2d_nchw_u8s8 conv2d_nhwc_u8s8 deformable_attn_f32 dense_f32 "
            "depthwise_conv_s16 embedding_gather gated_mlp_u8s8 gemm_u8s8_dpbusd gemv_f32 gqa_attention_f32 "
            "instancenorm_nchw layernorm maxpool2d_nhwc pool2d_min_sum_nhwc reduce_sum_max rmsnorm_f32 "
            "scatter_add_rows sigmoid softmax_rows sub_sign_sin transpose_f32",
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
