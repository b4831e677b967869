"""Every direction, on kernels of different families: the translation is verified by xpiler
itself (interpreter differential test, real compiler, native run where one exists) and the
output, run in the interpreter, meets the source kernel's numpy reference."""
import pytest

from xpiler.grammar import parse
from xpiler.interp import Interpreter
from xpiler.pipeline import translate
from tests.corpus_support import CORPUS, assert_outputs_match, corpus

BY_ID = {k.id: k for k in corpus()}
CASES = [
    ("cuda/instancenorm", "hip"), ("cuda/scatter_add_rows", "bang"), ("cuda/dense_wmma", "vnni"),
    ("hip/gated_mlp_silu", "cuda"), ("hip/batchnorm_nhwc", "bang"), ("hip/bmm_mfma_f32", "vnni"),
    ("bang/softmax", "cuda"), ("bang/conv1d_ncl", "hip"), ("bang/deform_attn_single_scale", "vnni"),
    ("vnni/gemm_u8s8_dpbusd", "cuda"), ("vnni/rmsnorm_f32", "hip"), ("vnni/pool2d_min_sum_nhwc", "bang"),
]
EXT = {"cuda": ".cu", "hip": ".hip", "bang": ".mlu", "vnni": ".cpp"}


@pytest.mark.parametrize("kernel_id,target", CASES, ids=[f"{k}->{t}" for k, t in CASES])
def test_direction(kernel_id, target):
    kernel = BY_ID[kernel_id]
    ref = kernel.reference
    result = translate(kernel.source, target, examples=2, extents=getattr(ref, "EXTENTS", None))
    assert result.verified, result.header()
    out = parse(result.text, kernel.name + EXT[target], target)
    case = kernel.cases()[-1]
    inputs = kernel.inputs(case, seed=3)
    got = Interpreter(out).run(ref.ENTRY, {n: (v.copy() if hasattr(v, "copy") else v) for n, v in inputs.items()})
    assert_outputs_match(kernel, got, ref.reference(inputs))


def test_every_direction_is_covered():
    assert {(k.split("/")[0], t) for k, t in CASES} == {(s, t) for s in EXT for t in EXT if s != t}
