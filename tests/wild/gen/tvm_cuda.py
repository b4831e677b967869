#!/usr/bin/env python3
"""Generate the TVM part of the wild set: tests/wild/cuda/tvm_<family>_<shape>.cu + <same>.py.

Every kernel here is CUDA source written by apache-tvm (tested with apache-tvm 0.27.0.post1 from
PyPI), not by anyone on the xpiler team. Each operator is stated the way a TVM user states it (Relax
operators, or TE compute for what has no operator), lowered with Relax's own CUDA pipeline
(LegalizeOps, FuseOps, FuseTIR and the dlight default GPU schedules Matmul / GEMV / Reduction /
GeneralReduction / Fallback, no hand scheduling), and built for {"kind": "cuda", "arch": "sm_80"}.
The .cu file is the CUDA module's source exactly as `inspect_source()` returns it (TVM's preamble
included), after a first-line comment; about 3 files of 4 then get a host launcher in the usual
hand-written style (cudaMalloc / cudaMemcpy / launch with TVM's literal grid and block / copy back /
cudaFree), the rest stay device-only and their reference states LAUNCH.

The numpy reference of each kernel is written here, independently of TVM, and copied into the
reference file as source; with --verify (the default) it is checked against the same Relax module
built by TVM for the CPU ("llvm"), before anything is written.

Rerun (TVM lives in its own venv, never in the project's Python; nvcc must be on PATH, TVM calls it
while building the CUDA module):

    python3 -m venv /tmp/tvmenv && /tmp/tvmenv/bin/pip install apache-tvm==0.27.0.post1 numpy
    /tmp/tvmenv/bin/python tests/wild/gen/tvm_cuda.py            # all kernels (add --only NAME ...)
    python3 tests/wild/gen/hipify.py                             # tests/wild/hip/tvm_* from these
"""
from __future__ import annotations

import argparse
import math
import re
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import tvm
from tvm import relax, te, tirx, topi
from tvm.relax.backend.cuda.pipeline import legalize_passes
from tvm.tirx.build import codegen_build, split_host_device_mods

ROOT = Path(__file__).resolve().parents[3]
OUT = ROOT / "tests" / "wild" / "cuda"
TVM_VERSION = tvm.__version__
ORIGIN = f"apache-tvm {TVM_VERSION}, tests/wild/gen/tvm_cuda.py"
TARGET = tvm.target.Target({"kind": "cuda", "arch": "sm_80"})
F32 = "float32"


# --------------------------------------------------------------------------------------------
# kernel specifications
# --------------------------------------------------------------------------------------------

@dataclass
class In:
    name: str                 # logical name (the launcher's parameter name)
    shape: tuple
    dtype: str = F32
    init: str = "rng.standard_normal(SHAPE)"   # numpy expression; SHAPE is replaced by the shape
    shape_expr: str | None = None              # the shape in terms of the launcher's size params


@dataclass
class Spec:
    name: str                  # file stem after "tvm_"
    family: str
    doc: str
    inputs: list[In]
    graph: Callable            # graph(bb, *relax_vars) -> relax expression or emitted var
    out: str                   # logical name of the output
    ref: str                   # numpy code (float64) computing `out` from the inputs' names
    sizes: dict = field(default_factory=dict)  # the launcher's size parameters, in order
    out_shape_expr: str | None = None
    entry: str | None = None   # launcher name; None: device-only file (LAUNCH in the reference)
    tol: dict = field(default_factory=lambda: {"rtol": 1e-4, "atol": 1e-5})
    style: int = 0             # launcher style
    imports: str = ""          # extra imports for the reference file (e.g. "import math")
    extents: dict = field(default_factory=dict)  # EXTENTS (logical name -> expression)
    notes: str = ""            # extra text for the first-line comment


def relu_ins(shape):
    return "rng.uniform(-2.0, 2.0, SHAPE)"


def te_fn(fn, *args, name="default_function", **consts):
    """A TE compute written by the user (args: indices of the Relax inputs it takes, consts: its
    other arguments), emitted as one PrimFunc named as TE names it."""
    def g(bb, *vs):
        return bb.emit_te(fn, *[vs[i] for i in args], primfunc_name_hint=name, **consts)
    return g


# ---- TE computes for what Relax has no single operator for -------------------------------------

def te_batchnorm(x, gamma, beta, mean, var, eps=1e-5):
    return te.compute(x.shape, lambda n, c, h, w: (x[n, c, h, w] - mean[c]) / te.sqrt(var[c] + eps)
                      * gamma[c] + beta[c], name="T_batch_norm")


def te_min_pool(x, k, s):
    n, c, h, w = (int(v) for v in x.shape)
    oh, ow = (h - k) // s + 1, (w - k) // s + 1
    rh = te.reduce_axis((0, k), name="rh")
    rw = te.reduce_axis((0, k), name="rw")
    return te.compute((n, c, oh, ow), lambda a, b, i, j: te.min(x[a, b, i * s + rh, j * s + rw],
                                                                axis=[rh, rw]), name="pool_min")


def te_sum_pool(x, k, s):
    n, h, w, c = (int(v) for v in x.shape)
    oh, ow = (h - k) // s + 1, (w - k) // s + 1
    rh = te.reduce_axis((0, k), name="rh")
    rw = te.reduce_axis((0, k), name="rw")
    return te.compute((n, oh, ow, c), lambda a, i, j, b: te.sum(x[a, i * s + rh, j * s + rw, b],
                                                                axis=[rh, rw]), name="pool_sum")


def te_scores(q, k, scale, group=1):
    b, h, s, d = (int(v) for v in q.shape)
    t = int(k.shape[2])
    r = te.reduce_axis((0, d), name="r")
    return te.compute((b, h, s, t), lambda bi, hi, i, j: te.sum(
        q[bi, hi, i, r] * scale * k[bi, hi // group, j, r], axis=r), name="scores")


def te_softmax(x):
    return topi.nn.softmax(x, axis=-1)


def te_attn_out(p, v, group=1):
    b, h, s, t = (int(x) for x in p.shape)
    d = int(v.shape[3])
    r = te.reduce_axis((0, t), name="r")
    return te.compute((b, h, s, d), lambda bi, hi, i, j: te.sum(
        p[bi, hi, i, r] * v[bi, hi // group, r, j], axis=r), name="attn_out")


def te_deform_attn(value, loc, attw, H, W):
    """Single-scale deformable attention: value (Len=H*W, M, D), loc (Lq, M, P, 2) in [0, 1] as
    (x, y), attw (Lq, M, P); bilinear sampling at loc*size - 0.5, zero outside; the sum over the P
    points is written out in Python (P is small), so the compute is spatial."""
    lq, m, npts = (int(v) for v in attw.shape)
    d = int(value.shape[2])

    def tap(h, c, yy, xx):
        ok = tirx.all(yy >= 0, yy < H, xx >= 0, xx < W)
        idx = tirx.if_then_else(ok, yy * W + xx, 0)
        return tirx.if_then_else(ok, value[idx, h, c], tirx.const(0.0, F32))

    def body(q, h, c):
        acc = tirx.const(0.0, F32)
        for p in range(npts):
            x = loc[q, h, p, 0] * W - 0.5
            y = loc[q, h, p, 1] * H - 0.5
            x0f = te.floor(x)
            y0f = te.floor(y)
            fx = x - x0f
            fy = y - y0f
            x0 = x0f.astype("int32")
            y0 = y0f.astype("int32")
            v = (tap(h, c, y0, x0) * (1 - fx) * (1 - fy) + tap(h, c, y0, x0 + 1) * fx * (1 - fy)
                 + tap(h, c, y0 + 1, x0) * (1 - fx) * fy + tap(h, c, y0 + 1, x0 + 1) * fx * fy)
            acc = acc + attw[q, h, p] * v
        return acc

    out = te.compute((lq, m, d), body, name="deform_out")
    return topi.reshape(out, (lq, m * d))


# ---- numpy reference snippets shared by several specs (plain numpy, float64) -----------------

REF_ERF = "erf = np.vectorize(math.erf)\n"
REF_SOFTMAX = """\
e = np.exp(S - S.max(axis=-1, keepdims=True))
P = e / e.sum(axis=-1, keepdims=True)
"""


def ref_conv2d_nchw(stride, pad, groups=1):
    return f"""\
N, C, H, W_ = X.shape
O, Cg, KH, KW = Wt.shape
s, p = {stride}, {pad}
Xp = np.zeros((N, C, H + 2 * p, W_ + 2 * p)); Xp[:, :, p:p + H, p:p + W_] = X
OH, OW = (H + 2 * p - KH) // s + 1, (W_ + 2 * p - KW) // s + 1
G = {groups}
Y = np.zeros((N, O, OH, OW))
for o in range(O):
    g = o // (O // G)
    for i in range(OH):
        for j in range(OW):
            win = Xp[:, g * Cg:(g + 1) * Cg, i * s:i * s + KH, j * s:j * s + KW]
            Y[:, o, i, j] = (win * Wt[o]).sum(axis=(1, 2, 3))
"""


SPECS: list[Spec] = []


def add(**kw):
    SPECS.append(Spec(**kw))


# ---- elementwise ---------------------------------------------------------------------------
add(name="add_1000", family="elementwise", doc="Elementwise add of two 1000-element vectors.",
    inputs=[In("A", (1000,), shape_expr="(n,)"), In("B", (1000,), shape_expr="(n,)")],
    graph=lambda bb, a, b: relax.op.add(a, b), out="C", ref="C = A + B",
    sizes=dict(n=1000), out_shape_expr="(n,)", entry="vector_add_kernel", style=0)
add(name="add_37x53", family="elementwise", doc="Elementwise add of two 37x53 matrices (TE compute).",
    inputs=[In("A", (37, 53)), In("B", (37, 53))],
    graph=te_fn(lambda a, b: te.compute(a.shape, lambda i, j: a[i, j] + b[i, j], name="T_add"), 0, 1),
    out="C", ref="C = A + B")
add(name="sub_33x65x17", family="elementwise", doc="Elementwise subtract of two 33x65x17 tensors.",
    inputs=[In("A", (33, 65, 17), shape_expr="(d0, d1, d2)"), In("B", (33, 65, 17), shape_expr="(d0, d1, d2)")],
    graph=lambda bb, a, b: relax.op.subtract(a, b), out="C", ref="C = A - B",
    sizes=dict(d0=33, d1=65, d2=17), out_shape_expr="(d0, d1, d2)", entry="tensor_sub_kernel", style=1)
add(name="relu_1000", family="elementwise", doc="ReLU over 1000 elements.",
    inputs=[In("X", (1000,), init="rng.uniform(-2.0, 2.0, SHAPE)", shape_expr="(n,)")],
    graph=lambda bb, x: relax.op.nn.relu(x), out="Y", ref="Y = np.maximum(X, 0.0)",
    sizes=dict(n=1000), out_shape_expr="(n,)", entry="relu_forward_kernel", style=2)
add(name="relu_6x96", family="elementwise", doc="ReLU over a 6x96 matrix.",
    inputs=[In("X", (6, 96), init="rng.uniform(-2.0, 2.0, SHAPE)")],
    graph=lambda bb, x: relax.op.nn.relu(x), out="Y", ref="Y = np.maximum(X, 0.0)")
add(name="gelu_37x53", family="elementwise", doc="GELU (erf form) over a 37x53 matrix.",
    inputs=[In("X", (37, 53), init="rng.uniform(-4.0, 4.0, SHAPE)", shape_expr="(rows, cols)")],
    graph=lambda bb, x: relax.op.nn.gelu(x), out="Y",
    ref=REF_ERF + "Y = 0.5 * X * (1.0 + erf(X / np.sqrt(2.0)))", imports="import math",
    sizes=dict(rows=37, cols=53), out_shape_expr="(rows, cols)", entry="gelu_kernel_launch", style=3)
add(name="gelu_tanh_1000", family="elementwise", doc="GELU (tanh approximation) over 1000 elements.",
    inputs=[In("X", (1000,), init="rng.uniform(-4.0, 4.0, SHAPE)", shape_expr="(n,)")],
    graph=lambda bb, x: relax.op.nn.gelu_tanh(x), out="Y",
    ref="Y = 0.5 * X * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (X + 0.044715 * X ** 3)))",
    sizes=dict(n=1000), out_shape_expr="(n,)", entry="gelu_tanh_kernel_host", style=1)
add(name="sigmoid_1000", family="elementwise", doc="Sigmoid over 1000 elements.",
    inputs=[In("X", (1000,), init="rng.uniform(-6.0, 6.0, SHAPE)", shape_expr="(n,)")],
    graph=lambda bb, x: relax.op.sigmoid(x), out="Y", ref="Y = 1.0 / (1.0 + np.exp(-X))",
    sizes=dict(n=1000), out_shape_expr="(n,)", entry="sigmoid_forward", style=0)
add(name="sign_6x96", family="elementwise", doc="Sign of each element of a 6x96 matrix (with exact zeros).",
    inputs=[In("X", (6, 96), init="np.round(rng.uniform(-3.0, 3.0, SHAPE))", shape_expr="(rows, cols)")],
    graph=lambda bb, x: relax.op.sign(x), out="Y", ref="Y = np.sign(X)",
    sizes=dict(rows=6, cols=96), out_shape_expr="(rows, cols)", entry="sign_kernel_run", style=2)
add(name="sin_37x53", family="elementwise", doc="Sine of each element of a 37x53 matrix.",
    inputs=[In("X", (37, 53), init="rng.uniform(-6.0, 6.0, SHAPE)")],
    graph=lambda bb, x: relax.op.sin(x), out="Y", ref="Y = np.sin(X)")

# ---- reduction -----------------------------------------------------------------------------
add(name="sum_37x53", family="reduction", doc="Row sums of a 37x53 matrix.",
    inputs=[In("X", (37, 53), shape_expr="(rows, cols)")],
    graph=lambda bb, x: relax.op.sum(x, axis=[1]), out="Y", ref="Y = X.sum(axis=1)",
    sizes=dict(rows=37, cols=53), out_shape_expr="(rows,)", entry="row_sum_kernel", style=3)
add(name="mean_6x96", family="reduction", doc="Row means of a 6x96 matrix.",
    inputs=[In("X", (6, 96))],
    graph=lambda bb, x: relax.op.mean(x, axis=[1]), out="Y", ref="Y = X.mean(axis=1)")
add(name="max_1000", family="reduction", doc="Maximum of 1000 elements (keepdims: 1 output).",
    inputs=[In("X", (1000,), init="rng.permutation(NUMEL) * 0.01 - 3.0", shape_expr="(n,)")],
    graph=lambda bb, x: relax.op.max(x, axis=[0], keepdims=True), out="Y", ref="Y = X.max(keepdims=True)",
    sizes=dict(n=1000), out_shape_expr="(1,)", entry="reduce_max_kernel", style=0)
add(name="min_33x65", family="reduction", doc="Column minima of a 33x65 matrix (reduce over axis 0).",
    inputs=[In("X", (33, 65), init="rng.permutation(NUMEL).reshape(SHAPE) * 0.01 - 5.0",
               shape_expr="(rows, cols)")],
    graph=lambda bb, x: relax.op.min(x, axis=[0]), out="Y", ref="Y = X.min(axis=0)",
    sizes=dict(rows=33, cols=65), out_shape_expr="(cols,)", entry="col_min_kernel", style=1)

# ---- softmax / norms -----------------------------------------------------------------------
add(name="softmax_6x96", family="softmax", doc="Row-wise softmax over a 6x96 matrix.",
    inputs=[In("S", (6, 96), init="rng.uniform(-5.0, 5.0, SHAPE)")],
    graph=lambda bb, x: relax.op.nn.softmax(x, axis=-1), out="P", ref=REF_SOFTMAX)
add(name="softmax_37x53", family="softmax", doc="Row-wise softmax over a 37x53 matrix.",
    inputs=[In("S", (37, 53), init="rng.uniform(-5.0, 5.0, SHAPE)", shape_expr="(rows, cols)")],
    graph=lambda bb, x: relax.op.nn.softmax(x, axis=-1), out="P", ref=REF_SOFTMAX,
    sizes=dict(rows=37, cols=53), out_shape_expr="(rows, cols)", entry="softmax_forward", style=2)
REF_LN = """\
mu = X.mean(axis=-1, keepdims=True)
var = ((X - mu) ** 2).mean(axis=-1, keepdims=True)
Y = (X - mu) / np.sqrt(var + 1e-5) * gamma + beta
"""
add(name="layernorm_6x96", family="layernorm", doc="LayerNorm over the last axis of a 6x96 matrix, eps 1e-5.",
    inputs=[In("X", (6, 96), init="rng.standard_normal(SHAPE) * 2.0 + 0.5"),
            In("gamma", (96,), init="rng.uniform(0.5, 1.5, SHAPE)"), In("beta", (96,))],
    graph=lambda bb, x, g, b: relax.op.nn.layer_norm(x, g, b, axes=[-1], epsilon=1e-5), out="Y", ref=REF_LN,
    tol={"rtol": 1e-4, "atol": 1e-4})
add(name="layernorm_37x53", family="layernorm", doc="LayerNorm over the last axis of a 37x53 matrix, eps 1e-5.",
    inputs=[In("X", (37, 53), init="rng.standard_normal(SHAPE) * 2.0 + 0.5", shape_expr="(rows, cols)"),
            In("gamma", (53,), init="rng.uniform(0.5, 1.5, SHAPE)", shape_expr="(cols,)"),
            In("beta", (53,), shape_expr="(cols,)")],
    graph=lambda bb, x, g, b: relax.op.nn.layer_norm(x, g, b, axes=[-1], epsilon=1e-5), out="Y", ref=REF_LN,
    sizes=dict(rows=37, cols=53), out_shape_expr="(rows, cols)", entry="layer_norm_fwd", style=3,
    tol={"rtol": 1e-4, "atol": 1e-4})
REF_RMS = "Y = X / np.sqrt((X ** 2).mean(axis=-1, keepdims=True) + 1e-5) * gamma\n"
add(name="rmsnorm_6x96", family="rmsnorm", doc="RMSNorm over the last axis of a 6x96 matrix, eps 1e-5.",
    inputs=[In("X", (6, 96), shape_expr="(rows, cols)"),
            In("gamma", (96,), init="rng.uniform(0.5, 1.5, SHAPE)", shape_expr="(cols,)")],
    graph=lambda bb, x, g: relax.op.nn.rms_norm(x, g, axes=[-1], epsilon=1e-5), out="Y", ref=REF_RMS,
    sizes=dict(rows=6, cols=96), out_shape_expr="(rows, cols)", entry="rmsnorm_kernel", style=0)
add(name="rmsnorm_37x53", family="rmsnorm", doc="RMSNorm over the last axis of a 37x53 matrix, eps 1e-5.",
    inputs=[In("X", (37, 53), shape_expr="(rows, cols)"),
            In("gamma", (53,), init="rng.uniform(0.5, 1.5, SHAPE)", shape_expr="(cols,)")],
    graph=lambda bb, x, g: relax.op.nn.rms_norm(x, g, axes=[-1], epsilon=1e-5), out="Y", ref=REF_RMS,
    sizes=dict(rows=37, cols=53), out_shape_expr="(rows, cols)", entry="rmsnorm_forward", style=1)
REF_BN = """\
sh = (1, -1, 1, 1)
Y = (X - mean.reshape(sh)) / np.sqrt(var.reshape(sh) + 1e-5) * gamma.reshape(sh) + beta.reshape(sh)
"""


def bn_inputs(n, c, h, w, exprs=False):
    e = (lambda s: s) if exprs else (lambda s: None)
    return [In("X", (n, c, h, w), init="rng.standard_normal(SHAPE) * 1.5 + 0.3", shape_expr=e("(n, c, h, w)")),
            In("gamma", (c,), init="rng.uniform(0.5, 1.5, SHAPE)", shape_expr=e("(c,)")),
            In("beta", (c,), shape_expr=e("(c,)")),
            In("mean", (c,), init="rng.uniform(-0.5, 0.5, SHAPE)", shape_expr=e("(c,)")),
            In("var", (c,), init="rng.uniform(0.5, 2.0, SHAPE)", shape_expr=e("(c,)"))]


add(name="batchnorm_2x6x9x11", family="batchnorm", doc="BatchNorm inference (NCHW, running stats), 2x6x9x11, eps 1e-5.",
    inputs=bn_inputs(2, 6, 9, 11, True), graph=te_fn(te_batchnorm, 0, 1, 2, 3, 4, name="batch_norm_infer"),
    out="Y", ref=REF_BN, sizes=dict(n=2, c=6, h=9, w=11), out_shape_expr="(n, c, h, w)",
    entry="batchnorm_inference", style=2)
add(name="batchnorm_3x5x13x7", family="batchnorm", doc="BatchNorm inference (NCHW, running stats), 3x5x13x7, eps 1e-5.",
    inputs=bn_inputs(3, 5, 13, 7), graph=te_fn(te_batchnorm, 0, 1, 2, 3, 4), out="Y", ref=REF_BN)
REF_IN = """\
mu = X.mean(axis=(2, 3), keepdims=True)
v = ((X - mu) ** 2).mean(axis=(2, 3), keepdims=True)
Y = (X - mu) / np.sqrt(v + 1e-5) * gamma.reshape(1, -1, 1, 1) + beta.reshape(1, -1, 1, 1)
"""
add(name="instancenorm_2x6x9x11", family="instancenorm", doc="InstanceNorm (NCHW, per-channel affine), 2x6x9x11, eps 1e-5.",
    inputs=[In("X", (2, 6, 9, 11), init="rng.standard_normal(SHAPE) * 2.0 - 0.4", shape_expr="(n, c, h, w)"),
            In("gamma", (6,), init="rng.uniform(0.5, 1.5, SHAPE)", shape_expr="(c,)"),
            In("beta", (6,), shape_expr="(c,)")],
    graph=lambda bb, x, g, b: relax.op.nn.instance_norm(x, g, b, channel_axis=1, axes=[2, 3], epsilon=1e-5),
    out="Y", ref=REF_IN, sizes=dict(n=2, c=6, h=9, w=11), out_shape_expr="(n, c, h, w)",
    entry="instancenorm_kernel", style=3, tol={"rtol": 1e-4, "atol": 1e-4})
add(name="instancenorm_3x4x13x7", family="instancenorm", doc="InstanceNorm (NCHW, per-channel affine), 3x4x13x7, eps 1e-5.",
    inputs=[In("X", (3, 4, 13, 7), init="rng.standard_normal(SHAPE) * 2.0 - 0.4",
               shape_expr="(batch, channels, height, width)"),
            In("gamma", (4,), init="rng.uniform(0.5, 1.5, SHAPE)", shape_expr="(channels,)"),
            In("beta", (4,), shape_expr="(channels,)")],
    graph=lambda bb, x, g, b: relax.op.nn.instance_norm(x, g, b, channel_axis=1, axes=[2, 3], epsilon=1e-5),
    out="Y", ref=REF_IN, sizes=dict(batch=3, channels=4, height=13, width=7),
    out_shape_expr="(batch, channels, height, width)",
    entry="instancenorm_fwd", style=0, tol={"rtol": 1e-4, "atol": 1e-4})

# ---- matmul family -------------------------------------------------------------------------
add(name="gemm_37x53x64", family="gemm", doc="GEMM C[37,53] = A[37,64] @ B[64,53], fp32.",
    inputs=[In("A", (37, 64), shape_expr="(M, K)"), In("B", (64, 53), shape_expr="(K, N)")],
    graph=lambda bb, a, b: relax.op.matmul(a, b), out="C", ref="C = A @ B",
    sizes=dict(M=37, N=53, K=64), out_shape_expr="(M, N)", entry="sgemm", style=1,
    tol={"rtol": 1e-4, "atol": 1e-4})
add(name="gemm_6x33x96", family="gemm", doc="GEMM C[6,33] = A[6,96] @ B[96,33], fp32.",
    inputs=[In("A", (6, 96), shape_expr="(M, K)"), In("B", (96, 33), shape_expr="(K, N)")],
    graph=lambda bb, a, b: relax.op.matmul(a, b), out="C", ref="C = A @ B",
    sizes=dict(M=6, N=33, K=96), out_shape_expr="(M, N)", entry="gemm_kernel", style=2,
    tol={"rtol": 1e-4, "atol": 1e-4})
# (dlight's GEMV schedule for y = A x stores y[blockIdx.x * 16 + threadIdx.y] without a row guard,
# so A x with rows not a multiple of 16, e.g. 300x129 or 65x33, writes past y: not used here)
add(name="gemv_xA_129x300", family="gemv", doc="Vector-matrix GEMV y[300] = x[129] @ A[129,300].",
    inputs=[In("x", (129,), shape_expr="(k,)"), In("A", (129, 300), shape_expr="(k, n)")],
    graph=lambda bb, x, a: relax.op.matmul(x, a), out="y", ref="y = x @ A",
    sizes=dict(n=300, k=129), out_shape_expr="(n,)", entry="gemv_kernel", style=3,
    tol={"rtol": 1e-4, "atol": 1e-4})
add(name="gemv_48x97", family="gemv", doc="GEMV y[48] = A[48,97] @ x[97].",
    inputs=[In("A", (48, 97)), In("x", (97,))],
    graph=lambda bb, a, x: relax.op.matmul(a, x), out="y", ref="y = A @ x", tol={"rtol": 1e-4, "atol": 1e-4})
add(name="bmm_3x17x29x33", family="bmm", doc="Batched matmul C[3,17,29] = A[3,17,33] @ B[3,33,29].",
    inputs=[In("A", (3, 17, 33), shape_expr="(batch, M, K)"), In("B", (3, 33, 29), shape_expr="(batch, K, N)")],
    graph=lambda bb, a, b: relax.op.matmul(a, b), out="C", ref="C = A @ B",
    sizes=dict(batch=3, M=17, N=29, K=33), out_shape_expr="(batch, M, N)", entry="bmm_kernel", style=0,
    tol={"rtol": 1e-4, "atol": 1e-4})
add(name="bmm_2x37x24x16", family="bmm", doc="Batched matmul C[2,37,24] = A[2,37,16] @ B[2,16,24].",
    inputs=[In("A", (2, 37, 16), shape_expr="(b, m, k)"), In("B", (2, 16, 24), shape_expr="(b, k, n)")],
    graph=lambda bb, a, b: relax.op.matmul(a, b), out="C", ref="C = A @ B",
    sizes=dict(b=2, m=37, n=24, k=16), out_shape_expr="(b, m, n)", entry="batched_gemm", style=1,
    tol={"rtol": 1e-4, "atol": 1e-4})
add(name="dense_37x53x64", family="dense", doc="Dense layer Y[37,53] = X[37,64] @ W[53,64]^T + b[53].",
    inputs=[In("X", (37, 64), shape_expr="(batch, in_features)"),
            In("W", (53, 64), shape_expr="(out_features, in_features)"), In("bias", (53,), shape_expr="(out_features,)")],
    graph=lambda bb, x, w, b: relax.op.linear(x, w, b), out="Y", ref="Y = X @ W.T + bias",
    sizes=dict(batch=37, in_features=64, out_features=53), out_shape_expr="(batch, out_features)",
    entry="dense_forward", style=2, tol={"rtol": 1e-4, "atol": 1e-4})
add(name="dense_6x33x96", family="dense", doc="Dense layer Y[6,33] = X[6,96] @ W[33,96]^T + b[33].",
    inputs=[In("X", (6, 96), shape_expr="(n, k)"), In("W", (33, 96), shape_expr="(m, k)"),
            In("bias", (33,), shape_expr="(m,)")],
    graph=lambda bb, x, w, b: relax.op.linear(x, w, b), out="Y", ref="Y = X @ W.T + bias",
    sizes=dict(n=6, m=33, k=96), out_shape_expr="(n, m)", entry="linear_bias_kernel", style=3,
    tol={"rtol": 1e-4, "atol": 1e-4})

# ---- convolutions --------------------------------------------------------------------------
REF_CONV1D = """\
N, C, L = X.shape
O, _, KW = Wt.shape
s, p = {s}, {p}
Xp = np.zeros((N, C, L + 2 * p)); Xp[:, :, p:p + L] = X
OL = (L + 2 * p - KW) // s + 1
Y = np.zeros((N, O, OL))
for i in range(OL):
    Y[:, :, i] = np.einsum("nck,ock->no", Xp[:, :, i * s:i * s + KW], Wt)
"""
add(name="conv1d_2x6x97", family="conv1d", doc="Conv1d NCW: X[2,6,97] * W[8,6,5], stride 1, no padding -> Y[2,8,93].",
    inputs=[In("X", (2, 6, 97), shape_expr="(batch, in_ch, length)"),
            In("Wt", (8, 6, 5), shape_expr="(out_ch, in_ch, ksize)")],
    graph=lambda bb, x, w: relax.op.nn.conv1d(x, w), out="Y", ref=REF_CONV1D.format(s=1, p=0),
    sizes=dict(batch=2, in_ch=6, length=97, out_ch=8, ksize=5), out_shape_expr="(batch, out_ch, length - ksize + 1)",
    entry="conv1d_forward", style=0, tol={"rtol": 1e-4, "atol": 1e-4})
add(name="conv1d_1x4x61_s2", family="conv1d", doc="Conv1d NCW: X[1,4,61] * W[6,4,3], stride 2, padding 1 -> Y[1,6,31].",
    inputs=[In("X", (1, 4, 61)), In("Wt", (6, 4, 3))],
    graph=lambda bb, x, w: relax.op.nn.conv1d(x, w, strides=2, padding=1), out="Y",
    ref=REF_CONV1D.format(s=2, p=1), tol={"rtol": 1e-4, "atol": 1e-4})
REF_NHWC = """\
N, H, W_, C = X.shape
KH, KW, _, O = Wt.shape
s, p = {s}, {p}
Xp = np.zeros((N, H + 2 * p, W_ + 2 * p, C)); Xp[:, p:p + H, p:p + W_, :] = X
OH, OW = (H + 2 * p - KH) // s + 1, (W_ + 2 * p - KW) // s + 1
Y = np.zeros((N, OH, OW, O))
for i in range(OH):
    for j in range(OW):
        Y[:, i, j, :] = np.einsum("nhwc,hwco->no", Xp[:, i * s:i * s + KH, j * s:j * s + KW, :], Wt)
"""
add(name="conv2d_nhwc_1x17x13x6", family="conv2d_nhwc",
    doc="Conv2d NHWC/HWIO: X[1,17,13,6] * W[3,3,6,8], stride 1, padding 1 -> Y[1,17,13,8].",
    inputs=[In("X", (1, 17, 13, 6), shape_expr="(n, h, w, c)"), In("Wt", (3, 3, 6, 8), shape_expr="(3, 3, c, k)")],
    graph=lambda bb, x, w: relax.op.nn.conv2d(x, w, padding=1, data_layout="NHWC", kernel_layout="HWIO"),
    out="Y", ref=REF_NHWC.format(s=1, p=1), sizes=dict(n=1, h=17, w=13, c=6, k=8), out_shape_expr="(n, h, w, k)",
    entry="conv2d_nhwc_kernel", style=1, tol={"rtol": 1e-4, "atol": 1e-4})
add(name="conv2d_nhwc_2x9x11x4", family="conv2d_nhwc",
    doc="Conv2d NHWC/HWIO: X[2,9,11,4] * W[5,5,4,7], stride 2, no padding -> Y[2,3,4,7].",
    inputs=[In("X", (2, 9, 11, 4)), In("Wt", (5, 5, 4, 7))],
    graph=lambda bb, x, w: relax.op.nn.conv2d(x, w, strides=2, data_layout="NHWC", kernel_layout="HWIO"),
    out="Y", ref=REF_NHWC.format(s=2, p=0), tol={"rtol": 1e-4, "atol": 1e-4})
add(name="conv2d_nchw_1x6x17x13", family="conv2d_nchw",
    doc="Conv2d NCHW/OIHW: X[1,6,17,13] * W[8,6,3,3], stride 1, padding 1 -> Y[1,8,17,13].",
    inputs=[In("X", (1, 6, 17, 13), shape_expr="(N, C, H, W)"), In("Wt", (8, 6, 3, 3), shape_expr="(K, C, 3, 3)")],
    graph=lambda bb, x, w: relax.op.nn.conv2d(x, w, padding=1), out="Y", ref=ref_conv2d_nchw(1, 1),
    sizes=dict(N=1, C=6, H=17, W=13, K=8), out_shape_expr="(N, K, H, W)", entry="conv2d_nchw_fwd", style=2,
    tol={"rtol": 1e-4, "atol": 1e-4})
add(name="conv2d_nchw_2x3x20x15_s2", family="conv2d_nchw",
    doc="Conv2d NCHW/OIHW: X[2,3,20,15] * W[5,3,3,3], stride 2, no padding -> Y[2,5,9,7].",
    inputs=[In("X", (2, 3, 20, 15), shape_expr="(batch, cin, ih, iw)"),
            In("Wt", (5, 3, 3, 3), shape_expr="(cout, cin, kh, kw)")],
    graph=lambda bb, x, w: relax.op.nn.conv2d(x, w, strides=2), out="Y", ref=ref_conv2d_nchw(2, 0),
    sizes=dict(batch=2, cin=3, ih=20, iw=15, cout=5, kh=3, kw=3), out_shape_expr="(batch, cout, 9, 7)",
    entry="conv2d_stride2", style=3, tol={"rtol": 1e-4, "atol": 1e-4})
add(name="depthwise_conv_1x8x17x13", family="depthwise_conv",
    doc="Depthwise conv2d NCHW: X[1,8,17,13] * W[8,1,3,3], groups 8, stride 1, padding 1.",
    inputs=[In("X", (1, 8, 17, 13), shape_expr="(n, c, h, w)"), In("Wt", (8, 1, 3, 3), shape_expr="(c, 1, 3, 3)")],
    graph=lambda bb, x, w: relax.op.nn.conv2d(x, w, padding=1, groups=8), out="Y", ref=ref_conv2d_nchw(1, 1, 8),
    sizes=dict(n=1, c=8, h=17, w=13), out_shape_expr="(n, c, h, w)", entry="depthwise_conv2d", style=0,
    tol={"rtol": 1e-4, "atol": 1e-4})
add(name="depthwise_conv_2x6x12x9", family="depthwise_conv",
    doc="Depthwise conv2d NCHW: X[2,6,12,9] * W[6,1,5,5], groups 6, stride 1, padding 2.",
    inputs=[In("X", (2, 6, 12, 9)), In("Wt", (6, 1, 5, 5))],
    graph=lambda bb, x, w: relax.op.nn.conv2d(x, w, padding=2, groups=6), out="Y", ref=ref_conv2d_nchw(1, 2, 6),
    tol={"rtol": 1e-4, "atol": 1e-4})

# ---- pooling -------------------------------------------------------------------------------
add(name="maxpool_1x6x17x13", family="pooling",
    doc="Max pool 3x3, stride 2, padding 1 (padding never wins), NCHW X[1,6,17,13] -> Y[1,6,9,7].",
    inputs=[In("X", (1, 6, 17, 13), init="rng.permutation(NUMEL).reshape(SHAPE) * 0.01 - 7.0",
               shape_expr="(n, c, h, w)")],
    graph=lambda bb, x: relax.op.nn.max_pool2d(x, pool_size=3, strides=2, padding=1), out="Y",
    ref="""\
N, C, H, W_ = X.shape
Xp = np.full((N, C, H + 2, W_ + 2), -np.inf); Xp[:, :, 1:1 + H, 1:1 + W_] = X
Y = np.zeros((N, C, 9, 7))
for i in range(9):
    for j in range(7):
        Y[:, :, i, j] = Xp[:, :, 2 * i:2 * i + 3, 2 * j:2 * j + 3].max(axis=(2, 3))
""", sizes=dict(n=1, c=6, h=17, w=13), out_shape_expr="(n, c, 9, 7)", entry="maxpool2d_forward", style=1)
add(name="avgpool_2x4x16x15", family="pooling",
    doc="Average pool 2x2, stride 2, no padding, NCHW X[2,4,16,15] -> Y[2,4,8,7]; the last column is never read.",
    inputs=[In("X", (2, 4, 16, 15))],
    graph=lambda bb, x: relax.op.nn.avg_pool2d(x, pool_size=2, strides=2), out="Y", extents={"X": "2 * 4 * 16 * 15"},
    ref="Y = X[:, :, :16, :14].reshape(2, 4, 8, 2, 7, 2).mean(axis=(3, 5))")
add(name="minpool_2x5x15x13", family="pooling",
    doc="Min pool 3x3, stride 2, no padding (TE compute), NCHW X[2,5,15,13] -> Y[2,5,7,6].",
    inputs=[In("X", (2, 5, 15, 13), init="rng.permutation(NUMEL).reshape(SHAPE) * 0.01 - 5.0",
               shape_expr="(batch, channels, height, width)")],
    graph=te_fn(te_min_pool, 0, k=3, s=2, name="min_pool2d"), out="Y",
    ref="""\
Y = np.zeros((2, 5, 7, 6))
for i in range(7):
    for j in range(6):
        Y[:, :, i, j] = X[:, :, 2 * i:2 * i + 3, 2 * j:2 * j + 3].min(axis=(2, 3))
""", sizes=dict(batch=2, channels=5, height=15, width=13), out_shape_expr="(batch, channels, 7, 6)",
    entry="min_pool_kernel", style=2)
add(name="sumpool_1x11x17x6", family="pooling",
    doc="Sum pool 2x2, stride 1, no padding (TE compute), NHWC X[1,11,17,6] -> Y[1,10,16,6].",
    inputs=[In("X", (1, 11, 17, 6), shape_expr="(n, h, w, c)")],
    graph=te_fn(te_sum_pool, 0, k=2, s=1), out="Y",
    ref="Y = X[:, :-1, :-1] + X[:, 1:, :-1] + X[:, :-1, 1:] + X[:, 1:, 1:]",
    sizes=dict(n=1, h=11, w=17, c=6), out_shape_expr="(n, h - 1, w - 1, c)", entry="sum_pool_nhwc", style=3)

# ---- data movement -------------------------------------------------------------------------
add(name="transpose_37x53", family="transpose", doc="Matrix transpose: Y[53,37] = X[37,53]^T.",
    inputs=[In("X", (37, 53), shape_expr="(rows, cols)")],
    graph=lambda bb, x: relax.op.permute_dims(x, [1, 0]), out="Y", ref="Y = X.T.copy()",
    sizes=dict(rows=37, cols=53), out_shape_expr="(cols, rows)", entry="transpose_kernel_host", style=0)
add(name="transpose_2x3x17x13", family="transpose", doc="Permute NCHW -> NHWC: X[2,3,17,13] -> Y[2,17,13,3].",
    inputs=[In("X", (2, 3, 17, 13))],
    graph=lambda bb, x: relax.op.permute_dims(x, [0, 2, 3, 1]), out="Y", ref="Y = X.transpose(0, 2, 3, 1).copy()")
add(name="gather_embed_100x33", family="gather",
    doc="Embedding lookup: rows of table[100,33] picked by 37 int32 ids -> Y[37,33].",
    inputs=[In("table", (100, 33), shape_expr="(vocab, dim)"),
            In("ids", (37,), dtype="int32", init="rng.integers(0, 100, SHAPE)", shape_expr="(num_ids,)")],
    graph=lambda bb, t, i: relax.op.take(t, i, axis=0), out="Y", ref="Y = table[ids]", extents={"table": "vocab * dim"},
    sizes=dict(num_ids=37, vocab=100, dim=33), out_shape_expr="(num_ids, dim)", entry="embedding_lookup", style=1)
add(name="gather_elements_6x96", family="gather",
    doc="gather_elements along axis 1: Y[i,j] = X[i, idx[i,j]], X[6,96], idx[6,40] int32.",
    inputs=[In("X", (6, 96)), In("idx", (6, 40), dtype="int32", init="rng.integers(0, 96, SHAPE)")],
    graph=lambda bb, x, i: relax.op.gather_elements(x, i, axis=1), out="Y", extents={"X": "6 * 96"},
    ref="Y = np.take_along_axis(X, idx.astype(np.int64), axis=1)")
add(name="scatter_elements_6x96", family="scatter",
    doc="scatter_elements along axis 1 (replace): Y = X; Y[i, idx[i,j]] = upd[i,j]; X[6,96], idx/upd[6,20], "
        "indices distinct per row.",
    inputs=[In("X", (6, 96), shape_expr="(rows, cols)"),
            In("idx", (6, 20), dtype="int32", init="np.stack([rng.permutation(96)[:20] for _ in range(6)])",
               shape_expr="(rows, nupd)"),
            In("upd", (6, 20), shape_expr="(rows, nupd)")],
    graph=lambda bb, x, i, u: relax.op.scatter_elements(x, i, u, axis=1), out="Y",
    ref="""\
Y = X.copy()
for i in range(idx.shape[0]):
    Y[i, idx[i]] = upd[i]
""", sizes=dict(rows=6, cols=96, nupd=20), out_shape_expr="(rows, cols)", entry="scatter_rows_kernel", style=2)
add(name="scatter_nd_50x33", family="scatter",
    doc="scatter_nd (replace): Y = X[50,33]; Y[idx[k]] = upd[k] for 37 distinct rows.",
    inputs=[In("X", (50, 33), shape_expr="(rows, dim)"),
            In("idx", (37, 1), dtype="int32", init="rng.permutation(rows)[:n].reshape(SHAPE)", shape_expr="(n, 1)"),
            In("upd", (37, 33), shape_expr="(n, dim)")],
    graph=lambda bb, x, i, u: relax.op.scatter_nd(x, i, u), out="Y",
    ref="Y = X.copy()\nY[idx[:, 0]] = upd\n",
    sizes=dict(rows=50, dim=33, n=37), out_shape_expr="(rows, dim)", entry="scatter_nd_update", style=3)
add(name="concat_37x20_37x33", family="concat", doc="Concatenate A[37,20] and B[37,33] along axis 1 -> C[37,53].",
    inputs=[In("A", (37, 20), shape_expr="(rows, ca)"), In("B", (37, 33), shape_expr="(rows, cb)")],
    graph=lambda bb, a, b: relax.op.concat([a, b], axis=1), out="C", ref="C = np.concatenate([A, B], axis=1)",
    sizes=dict(rows=37, ca=20, cb=33), out_shape_expr="(rows, ca + cb)", entry="concat_cols", style=0)
add(name="concat3_6x96_11x96_3x96", family="concat",
    doc="Concatenate A[6,96], B[11,96], C[3,96] along axis 0 -> D[20,96].",
    inputs=[In("A", (6, 96)), In("B", (11, 96)), In("C", (3, 96))],
    graph=lambda bb, a, b, c: relax.op.concat([a, b, c], axis=0), out="D",
    ref="D = np.concatenate([A, B, C], axis=0)")

# ---- attention / mlp -----------------------------------------------------------------------
REF_ATTN = """\
G = Q.shape[1] // K.shape[1]
Kx = np.repeat(K, G, axis=1)
Vx = np.repeat(V, G, axis=1)
S = np.einsum("bhid,bhjd->bhij", Q, Kx) * {scale!r}
e = np.exp(S - S.max(axis=-1, keepdims=True))
P = e / e.sum(axis=-1, keepdims=True)
O = np.einsum("bhij,bhjd->bhid", P, Vx)
"""


def attention_graph(scale, group):
    def g(bb, q, k, v):
        s = bb.emit_te(te_scores, q, k, scale, group, primfunc_name_hint="attn_scores")
        p = bb.emit_te(te_softmax, s, primfunc_name_hint="attn_softmax")
        return bb.emit_te(te_attn_out, p, v, group, primfunc_name_hint="attn_pv")
    return g


add(name="attention_mha_1x4x37x16", family="attention",
    doc="Multi-head attention softmax(Q K^T / 4) V, B=1, H=4, S=37, D=16 (TE compute, softmax inside).",
    inputs=[In("Q", (1, 4, 37, 16), shape_expr="(batch, heads, seq, head_dim)"),
            In("K", (1, 4, 37, 16), shape_expr="(batch, heads, seq, head_dim)"),
            In("V", (1, 4, 37, 16), shape_expr="(batch, heads, seq, head_dim)")],
    graph=attention_graph(0.25, 1), out="O", ref=REF_ATTN.format(scale=0.25),
    sizes=dict(batch=1, heads=4, seq=37, head_dim=16), out_shape_expr="(batch, heads, seq, head_dim)",
    entry="mha_forward", style=1, tol={"rtol": 1e-4, "atol": 1e-5})
add(name="attention_gqa_1x6x2x33x16", family="attention",
    doc="Grouped-query attention: 6 query heads share 2 KV heads, S=33, D=16, scale 1/4 (TE compute, softmax inside).",
    inputs=[In("Q", (1, 6, 33, 16), shape_expr="(1, q_heads, seq, 16)"),
            In("K", (1, 2, 33, 16), shape_expr="(1, kv_heads, seq, 16)"),
            In("V", (1, 2, 33, 16), shape_expr="(1, kv_heads, seq, 16)")],
    graph=attention_graph(0.25, 3), out="O", ref=REF_ATTN.format(scale=0.25),
    sizes=dict(q_heads=6, kv_heads=2, seq=33), out_shape_expr="(1, q_heads, seq, 16)",
    entry="gqa_attention", style=2, tol={"rtol": 1e-4, "atol": 1e-5})


def gated_mlp_graph(bb, x, w1, w2, w3):
    g = bb.emit(relax.op.nn.silu(relax.op.matmul(x, w1)))
    u = bb.emit(relax.op.matmul(x, w2))
    return relax.op.matmul(relax.op.multiply(g, u), w3)


add(name="gated_mlp_37x64x96", family="gated_mlp",
    doc="Gated MLP: Y = (silu(X W1) * (X W2)) W3, X[37,64], W1/W2[64,96], W3[96,64].",
    inputs=[In("X", (37, 64), shape_expr="(tokens, hidden)"),
            In("W1", (64, 96), init="rng.standard_normal(SHAPE) * 0.125", shape_expr="(hidden, inter)"),
            In("W2", (64, 96), init="rng.standard_normal(SHAPE) * 0.125", shape_expr="(hidden, inter)"),
            In("W3", (96, 64), init="rng.standard_normal(SHAPE) * 0.1", shape_expr="(inter, hidden)")],
    graph=lambda bb, x, a, b, c: gated_mlp_graph(bb, x, a, b, c), out="Y",
    ref="""\
H1 = X @ W1
Y = ((H1 / (1.0 + np.exp(-H1))) * (X @ W2)) @ W3
""", sizes=dict(tokens=37, hidden=64, inter=96), out_shape_expr="(tokens, hidden)", entry="gated_mlp_forward",
    style=3, tol={"rtol": 1e-4, "atol": 1e-4})
add(name="deformable_attention_9x11", family="deformable_attention",
    doc="Single-scale deformable attention: value[9*11, 2 heads, 8], 17 queries x 4 points, bilinear sampling "
        "at loc*size-0.5 with zero padding, weighted by attw -> out[17, 16] (TE compute).",
    inputs=[In("value", (99, 2, 8), shape_expr="(h * w, heads, dim)"),
            In("loc", (17, 2, 4, 2), init="rng.uniform(-0.05, 1.05, SHAPE)", shape_expr="(queries, heads, points, 2)"),
            In("attw", (17, 2, 4), init="rng.dirichlet(np.ones(points), size=(queries, heads))",
               shape_expr="(queries, heads, points)")],
    graph=te_fn(te_deform_attn, 0, 1, 2, H=9, W=11, name="deformable_attn"), out="out",
    ref="""\
Hh, Ww = 9, 11
Lq, M, Pn = attw.shape
D = value.shape[2]
out = np.zeros((Lq, M, D))
for q in range(Lq):
    for m in range(M):
        for p in range(Pn):
            x = loc[q, m, p, 0] * Ww - 0.5
            y = loc[q, m, p, 1] * Hh - 0.5
            x0, y0 = int(np.floor(x)), int(np.floor(y))
            fx, fy = x - x0, y - y0
            for yy, xx, wgt in ((y0, x0, (1 - fx) * (1 - fy)), (y0, x0 + 1, fx * (1 - fy)),
                                (y0 + 1, x0, (1 - fx) * fy), (y0 + 1, x0 + 1, fx * fy)):
                if 0 <= yy < Hh and 0 <= xx < Ww:
                    out[q, m] += attw[q, m, p] * wgt * value[yy * Ww + xx, m]
out = out.reshape(Lq, M * D)
""", sizes=dict(h=9, w=11, heads=2, dim=8, queries=17, points=4), out_shape_expr="(queries, heads * dim)",
    entry="ms_deform_attn_forward", style=0, tol={"rtol": 1e-4, "atol": 1e-5})


# --------------------------------------------------------------------------------------------
# lowering with TVM
# --------------------------------------------------------------------------------------------

@dataclass
class Launch:
    kernel: str
    grid: tuple
    block: tuple
    shared: int
    args: list[str]          # relax variable names, in the kernel's parameter order


@dataclass
class Lowered:
    source: str                      # the CUDA module's source, verbatim
    launches: list[Launch]
    buffers: dict                    # relax var name -> (shape, dtype)
    params: list[str]                # relax main's parameter names
    output: str                      # relax var name of the result
    relax_mod: object                # before lowering (for the CPU check)


def build_relax(spec: Spec):
    bb = relax.BlockBuilder()
    vs = [relax.Var(i.name, relax.TensorType(list(i.shape), i.dtype)) for i in spec.inputs]
    with bb.function("main", vs):
        with bb.dataflow():
            out = spec.graph(bb, *vs)
            gv = bb.emit_output(out)
        bb.emit_func_output(gv)
    return bb.get()


def _shape(ty):
    return tuple(int(v) for v in ty.shape.values)


def lower(spec: Spec) -> Lowered:
    mod = build_relax(spec)
    with TARGET:
        lowered = tvm.transform.Sequential(legalize_passes(TARGET))(mod)
    main = lowered["main"]
    params = [p.name for p in main.params]
    buffers = {p.name: (_shape(p.ty), str(p.ty.dtype)) for p in main.params}
    alias, calls = {}, []
    call_tir = tvm.ir.Op.get("relax.call_tir")
    for blk in main.body.blocks:
        for b in blk.bindings:
            v, name = b.value, b.var.name
            if isinstance(v, relax.Call) and v.op.same_as(call_tir):
                args = [alias.get(a.name, a.name) for a in v.args[1].fields]
                buffers[name] = (_shape(b.var.ty), str(b.var.ty.dtype))
                calls.append((v.args[0].name_hint, args + [name]))
            elif isinstance(v, relax.Var):
                alias[name] = alias.get(v.name, v.name)
            else:
                raise RuntimeError(f"{spec.name}: unexpected binding {b}")
    output = main.body.body.name
    output = alias.get(output, output)

    prims = {gv.name_hint: f.with_attr("global_symbol", gv.name_hint)
             for gv, f in lowered.functions.items() if isinstance(f, tirx.PrimFunc)}
    pnames = {n: [p.name for p in f.params] for n, f in prims.items()}
    tmod = tvm.IRModule({n: f for n, f in prims.items()})
    tmod = tvm.tirx.transform.BindTarget(TARGET.with_host(tvm.target.Target("llvm")))(tmod)
    pipeline, _fin_host, fin_dev = tvm.tirx.get_default_tir_pipeline(TARGET)
    tmod = pipeline(tmod)
    host, devs = split_host_device_mods(tmod)
    assert len(devs) == 1
    dev = fin_dev()(list(devs.values())[0])
    source = codegen_build(dev, TARGET).inspect_source()

    sigs = {}
    for m in re.finditer(r'extern "C" __global__ void __launch_bounds__\((\d+)\) (\w+)\(([^)]*)\)\s*\{', source):
        sigs[m.group(2)] = [re.match(r".*?(\w+)$", p.strip()).group(1) for p in m.group(3).split(",")]
    host_calls = {}
    for gv, f in host.functions.items():
        text = f.script()
        for m in re.finditer(r'T\.call_ffi_kernel\("(\w+)", (.*?), launch_params=\[(.*?)\]', text):
            tags = [t.strip().strip('"') for t in m.group(3).split(",")]
            vals = [a.strip() for a in m.group(2).split(",")][-len(tags):]
            vals = [int(re.sub(r"^T\.int\d+\((\d+)\)$", r"\1", x)) for x in vals]
            host_calls.setdefault(m.group(1), []).append(dict(zip(tags, vals)))

    launches = []
    for fname, args in calls:
        kernels = [k for k in sigs if k == f"{fname}_kernel" or re.fullmatch(rf"{fname}_kernel_?\d+", k)]
        kernels.sort(key=lambda k: int(re.sub(r"\D", "", k[len(fname) + 7:]) or -1))
        assert kernels, (fname, list(sigs))
        by_ptr = {f"{p}_ptr": a for p, a in zip(pnames[fname], args)}
        for k in kernels:
            (ext,) = host_calls[k]
            grid = tuple(ext.get(f"blockIdx.{d}", 1) for d in "xyz")
            block = tuple(ext.get(f"threadIdx.{d}", 1) for d in "xyz")
            shared = ext.get("tirx.use_dyn_shared_memory", 0)
            # TVM's ir_builder kernels (scatter) also take each buffer's elem_offset: the host
            # passes the DLTensor's offset, 0 for a whole array
            args = [by_ptr[p] if p in by_ptr else "#0" for p in sigs[k]]
            assert all(p in by_ptr or p.startswith("elem_offset") for p in sigs[k]), sigs[k]
            launches.append(Launch(k, grid, block, shared, args))
    return Lowered(source, launches, buffers, params, output, mod)


# --------------------------------------------------------------------------------------------
# the host launcher (hand-written style) and the reference file
# --------------------------------------------------------------------------------------------

CTYPE = {"float32": "float", "int32": "int"}
NPTYPE = {"float32": "np.float32", "int32": "np.int32"}


def _dims(t):
    while len(t) > 1 and t[-1] == 1:
        t = t[:-1]
    return t


def _launch_expr(lo: Launch, style: int, dev) -> list[str]:
    args = ", ".join(a[1:] if a.startswith("#") else dev(a) for a in lo.args)
    g, b = _dims(lo.grid), _dims(lo.block)
    sh = f", {lo.shared}" if lo.shared else ""
    if style == 2:
        return [f"  {{",
                f"    dim3 grid({', '.join(map(str, g))});",
                f"    dim3 block({', '.join(map(str, b))});",
                f"    {lo.kernel}<<<grid, block{sh}>>>({args});",
                f"  }}"]
    if style == 3 or len(g) > 1 or len(b) > 1:
        gs = f"dim3({', '.join(map(str, g))})"
        bs = f"dim3({', '.join(map(str, b))})"
        return [f"  {lo.kernel}<<<{gs}, {bs}{sh}>>>({args});"]
    return [f"  {lo.kernel}<<<{g[0]}, {b[0]}{sh}>>>({args});"]


def launcher(spec: Spec, lo: Lowered) -> str:
    """extern "C" void <entry>(inputs..., output, sizes...) around the TVM kernels."""
    exprs = {i.name: i.shape_expr for i in spec.inputs}
    exprs[spec.out] = spec.out_shape_expr
    host_name = {p: p for p in lo.params}
    host_name[lo.output] = spec.out
    temps = []
    for lc in lo.launches:          # intermediates between TVM's kernels, in order of use
        temps += [a for a in lc.args if a in lo.buffers and a not in host_name and a not in temps]
    host_name.update({t: f"tmp{i}" for i, t in enumerate(temps)})
    style = spec.style

    def dev(n):
        return f"dev_{host_name[n]}" if style == 1 else f"d_{host_name[n]}"

    def count(n):
        shape, _ = lo.buffers[n]
        e = exprs.get(host_name[n])
        if style in (1, 3) and e:
            parts = [p.strip() for p in e.strip("()").split(",") if p.strip()]
            return " * ".join(f"({p})" if re.search(r"[-+]", p) else p for p in parts)
        return str(int(np.prod(shape)))

    def ct(n):
        return CTYPE[lo.buffers[n][1]]

    order = lo.params + [lo.output]
    sig = ", ".join([f"{ct(n)}* {host_name[n]}" for n in order] + [f"int {s}" for s in spec.sizes])
    L = []
    if style == 1:
        L += ["#include <cstdio>", "#include <cstdlib>", "#include <cuda_runtime.h>", "",
              "#define CUDA_CHECK(call)                                                        \\",
              "  do {                                                                          \\",
              "    cudaError_t err__ = (call);                                                 \\",
              "    if (err__ != cudaSuccess) {                                                 \\",
              "      fprintf(stderr, \"CUDA error %s at %s:%d\\n\", cudaGetErrorString(err__),   \\",
              "              __FILE__, __LINE__);                                              \\",
              "      exit(1);                                                                  \\",
              "    }                                                                           \\",
              "  } while (0)", ""]
    else:
        L += ["#include <cuda_runtime.h>", ""]
    L.append(f'extern "C" void {spec.entry}({sig}) {{')
    every = list(order) + temps
    if style == 0:
        for n in every:
            L.append(f"  {ct(n)}* {dev(n)};")
        for n in every:
            L.append(f"  cudaMalloc((void**)&{dev(n)}, {count(n)} * sizeof({ct(n)}));")
        for n in lo.params:
            L.append(f"  cudaMemcpy({dev(n)}, {host_name[n]}, {count(n)} * sizeof({ct(n)}), cudaMemcpyHostToDevice);")
        for lc in lo.launches:
            L += _launch_expr(lc, style, dev)
        L.append(f"  cudaMemcpy({host_name[lo.output]}, {dev(lo.output)}, {count(lo.output)} * sizeof({ct(lo.output)}), "
                 "cudaMemcpyDeviceToHost);")
        for n in every:
            L.append(f"  cudaFree({dev(n)});")
    elif style == 1:
        for n in every:
            L.append(f"  const size_t bytes_{host_name[n]} = (size_t){count(n)} * sizeof({ct(n)});")
        for n in every:
            L.append(f"  {ct(n)}* {dev(n)} = nullptr;")
            L.append(f"  CUDA_CHECK(cudaMalloc(&{dev(n)}, bytes_{host_name[n]}));")
        for n in lo.params:
            L.append(f"  CUDA_CHECK(cudaMemcpy({dev(n)}, {host_name[n]}, bytes_{n}, cudaMemcpyHostToDevice));")
        for lc in lo.launches:
            L += _launch_expr(lc, style, dev)
            L.append("  CUDA_CHECK(cudaGetLastError());")
        L.append("  CUDA_CHECK(cudaDeviceSynchronize());")
        L.append(f"  CUDA_CHECK(cudaMemcpy({host_name[lo.output]}, {dev(lo.output)}, bytes_{spec.out}, "
                 "cudaMemcpyDeviceToHost));")
        for n in every:
            L.append(f"  CUDA_CHECK(cudaFree({dev(n)}));")
    else:
        for n in every:
            L.append(f"  {ct(n)}* {dev(n)} = 0;")
        for n in every:
            L.append(f"  cudaMalloc(&{dev(n)}, sizeof({ct(n)}) * {count(n)});")
        for n in lo.params:
            L.append(f"  cudaMemcpy({dev(n)}, {host_name[n]}, sizeof({ct(n)}) * {count(n)}, cudaMemcpyHostToDevice);")
        for lc in lo.launches:
            L += _launch_expr(lc, style, dev)
        if style == 2:
            L.append("  cudaDeviceSynchronize();")
        L.append(f"  cudaMemcpy({host_name[lo.output]}, {dev(lo.output)}, sizeof({ct(lo.output)}) * {count(lo.output)}, "
                 "cudaMemcpyDeviceToHost);")
        for n in reversed(every):
            L.append(f"  cudaFree({dev(n)});")
    L.append("}")
    return "\n".join(L) + "\n"


def reference_file(spec: Spec, lo: Lowered, device_only: bool) -> tuple[str, dict]:
    """The reference module's text (docs/wild.md format), and the parameter name of each logical
    array (the launcher's own names, or the TVM kernel's for a device-only file)."""
    if device_only:
        (lc,) = lo.launches
        pname = {}
        for a, p in zip(lc.args, _kernel_params(lo.source, lc.kernel)):
            pname[a] = p
        names = {i.name: pname[i.name] for i in spec.inputs}
        names[spec.out] = pname[lo.output]
        params = _kernel_params(lo.source, lc.kernel)
        entry = lc.kernel
        sizes = {}
    else:
        names = {i.name: i.name for i in spec.inputs}
        names[spec.out] = spec.out
        params = [i.name for i in spec.inputs] + [spec.out] + list(spec.sizes)
        entry = spec.entry
        sizes = spec.sizes
    out_shape, out_dtype = lo.buffers[lo.output]

    def shape_src(shape, expr):
        if expr and sizes:
            return expr
        return repr(tuple(shape))

    tag = "TVM-generated" + (", device-only" if device_only else "")
    doc = spec.doc.rstrip(".")
    doc = f"{doc[:-1]}; {tag})" if doc.endswith(")") else f"{doc} ({tag})"
    L = [f'"""{doc}."""']
    if spec.imports:
        L.append(spec.imports)
    L += ["import numpy as np", "",
          f"ORIGIN = {q(ORIGIN)}",
          f"ENTRY = {q(entry)}",
          f"PARAMS = [{', '.join(map(q, params))}]",
          f"OUTPUTS = [{q(names[spec.out])}]",
          f"FAMILY = {q(spec.family)}",
          f"CASES = [{'dict(' + ', '.join(f'{k}={v}' for k, v in sizes.items()) + ')' if sizes else '{}'}]",
          f"TOLERANCE = {{\"rtol\": {num(spec.tol['rtol'])}, \"atol\": {num(spec.tol['atol'])}}}"]
    if spec.extents:
        ext = ", ".join(f"{q(names[k])}: {q(v if sizes else str(eval(v, {}, dict(spec.sizes))))}"
                        for k, v in spec.extents.items())
        L.append(f"EXTENTS = {{{ext}}}")
    if device_only:
        (lc,) = lo.launches
        L.append(f'LAUNCH = {{"grid": {list(lc.grid)}, "block": {list(lc.block)}, "shared_bytes": {lc.shared}}}')
    L += ["", ""]
    sig = ", ".join(["rng: np.random.Generator"] + [f"{k}={v}" for k, v in sizes.items()])
    L.append(f"def make_inputs({sig}) -> dict:")
    for i in spec.inputs:
        shp = shape_src(i.shape, i.shape_expr)
        parts = [x.strip() for x in shp.strip("()").split(",") if x.strip()]
        numel = " * ".join(f"({x})" if re.search(r"[-+]", x) else x for x in parts)
        if not (i.shape_expr and sizes):
            numel = str(int(np.prod(i.shape)))
        init = i.init.replace("NUMEL", numel).replace("SHAPE", shp)
        if re.search(r"\s[-+*/]\s", _top_level(init)):
            init = f"({init})"
        L.append(f"    {i.name} = {init}.astype({NPTYPE[i.dtype]})")
    oshp = shape_src(out_shape, spec.out_shape_expr)
    L.append(f"    {spec.out} = np.zeros({oshp}, dtype={NPTYPE[out_dtype]})")
    items = [f"{q(names[i.name])}: {i.name}" for i in spec.inputs] + [f"{q(names[spec.out])}: {spec.out}"]
    items += [f"{q(k)}: np.int32({k})" for k in sizes]
    ret = "    return {" + ", ".join(items) + "}"
    if len(ret) > 100:
        ret = "    return {\n" + "".join(f"        {it},\n" for it in items) + "    }"
    L.append(ret)
    L += ["", ""]
    L.append("def reference(inputs: dict) -> dict:")
    for i in spec.inputs:
        conv = ".astype(np.float64)" if i.dtype == F32 else ""
        L.append(f"    {i.name} = inputs[{q(names[i.name])}]{conv}")
    L += textwrap.indent(textwrap.dedent(spec.ref).rstrip() + "\n", "    ").rstrip("\n").split("\n")
    L.append(f"    return {{{q(names[spec.out])}: np.asarray({spec.out}).reshape({tuple(out_shape)!r})"
             f".astype({NPTYPE[out_dtype]})}}")
    return "\n".join(L) + "\n", names


def _top_level(expr: str) -> str:
    """expr with everything inside brackets dropped."""
    out, depth = "", 0
    for ch in expr:
        depth -= ch in ")]"
        if depth == 0:
            out += ch
        depth += ch in "(["
    return out


def num(v: float) -> str:
    return f"{v:.0e}".replace("e-0", "e-")


def q(s: str) -> str:
    return '"' + s + '"'


def _kernel_params(source: str, kernel: str) -> list[str]:
    m = re.search(rf'extern "C" __global__ void __launch_bounds__\(\d+\) {kernel}\(([^)]*)\)', source)
    return [re.match(r".*?(\w+)$", p.strip()).group(1) for p in m.group(1).split(",")]


def verify_on_cpu(spec: Spec, lo: Lowered, ref_text: str, names: dict) -> float:
    """Run the same Relax module built by TVM for the CPU ("llvm") on the reference's inputs;
    return the worst error in units of the reference's tolerance (<= 1 passes)."""
    ns: dict = {"__name__": f"ref_{spec.name}"}
    exec(compile(ref_text, f"<reference of {spec.name}>", "exec"), ns)
    inputs = ns["make_inputs"](np.random.default_rng(0), **ns["CASES"][0])
    expected = ns["reference"]({k: (v.copy() if hasattr(v, "copy") else v) for k, v in inputs.items()})
    want = expected[names[spec.out]].astype(np.float64)
    ex = tvm.compile(lo.relax_mod, target=tvm.target.Target({"kind": "llvm"}))
    vm = relax.VirtualMachine(ex, tvm.cpu())
    got = vm["main"](*[tvm.runtime.tensor(inputs[names[i.name]]) for i in spec.inputs]).numpy()
    got = got.reshape(want.shape).astype(np.float64)
    tol = ns["TOLERANCE"]
    return float(np.max(np.abs(got - want) / (tol["atol"] + tol["rtol"] * np.abs(want))))


def header(spec: Spec, lo: Lowered) -> str:
    shapes = ", ".join(f"{i.name}{list(i.shape)}" for i in spec.inputs)
    return (f"// Generated by apache-tvm {TVM_VERSION} (tests/wild/gen/tvm_cuda.py): {spec.family}, "
            f"{shapes} -> {spec.out}{list(lo.buffers[lo.output][0])}; do not edit.\n")


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="*", help="names (without tvm_) to regenerate")
    ap.add_argument("--no-verify", action="store_true", help="skip the check against TVM on the CPU")
    ap.add_argument("--out", default=str(OUT))
    ap.add_argument("--list", action="store_true")
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    names = [s.name for s in SPECS]
    assert len(set(names)) == len(names)
    if args.list:
        for s in SPECS:
            print(s.name, s.family, "device-only" if s.entry is None else s.entry)
        return 0
    bad = 0
    for spec in SPECS:
        if args.only and spec.name not in args.only:
            continue
        lo = lower(spec)
        device_only = spec.entry is None
        if device_only:
            assert len(lo.launches) == 1, f"{spec.name}: device-only needs one kernel, got {len(lo.launches)}"
        else:
            assert spec.entry not in {lc.kernel for lc in lo.launches}, spec.entry
        ref, names = reference_file(spec, lo, device_only)
        worst = None if args.no_verify else verify_on_cpu(spec, lo, ref, names)
        ks = ", ".join(f"{lc.kernel}<<<{list(lc.grid)}, {list(lc.block)}>>>" for lc in lo.launches)
        v = "" if worst is None else f"  cpu-check {'ok' if worst <= 1 else 'MISMATCH'} ({worst:.3g})"
        print(f"tvm_{spec.name}: {ks}{v}", flush=True)
        if worst is not None and worst > 1.0:
            bad += 1
            continue
        text = header(spec, lo) + lo.source
        if not device_only:
            text = text.rstrip("\n") + "\n\n" + launcher(spec, lo)
        (out / f"tvm_{spec.name}.cu").write_text(text)
        (out / f"tvm_{spec.name}.py").write_text(ref)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
