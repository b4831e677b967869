"""PyTorch CPU equivalents of the corpus and wild kernels, for bench/perf.py.

One entry per kernel id ("cuda/gemm_tiled" for tests/corpus/cuda/gemm_tiled.cu, "wild:vnni/gemm_avx2_blocked"
for tests/wild/vnni/gemm_avx2_blocked.cpp): a function that takes the kernel's inputs (the numpy arrays and
scalars of its reference's `make_inputs`, as torch tensors sharing their memory and Python numbers) and returns
a dict of torch tensors named like the reference's OUTPUTS, computing what the numpy reference computes with the
torch ops a PyTorch user would call (torch.matmul, F.conv2d, F.softmax, F.layer_norm, ...).

Only the function's body is timed. `prep` (optional) runs before, outside the timed region: it receives the same
inputs and returns what the function gets instead — weight re-layouts and other one-off conversions a model would
do once at load time (never the per-call work on activations). Layout changes a PyTorch model would pay per call
(NHWC activations into NCHW ops) stay in the timed body, as zero-copy views where torch accepts them (channels_last).

bench/perf.py checks every equivalent against the kernel's numpy reference (same tolerance) before timing it and
refuses a wrong one. `NO_EQUIVALENT` names the kernels for which no sensible torch op exists, with the reason.
`register(...)` (or a file passed to `bench/perf.py --equivalents FILE` that calls it) adds or replaces entries.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F


@dataclass
class Equivalent:
    fn: Callable[[dict], dict]                    # timed: inputs (after prep) -> {output name: tensor}
    prep: Callable[[dict], dict] | None = None    # untimed: torch inputs -> what fn receives
    note: str = ""


class Inputs(dict):
    """The kernel's inputs as torch tensors (sharing the numpy buffers) and Python scalars; `t.A` = `t["A"]`."""
    __getattr__ = dict.__getitem__


EQUIVALENTS: dict[str, Equivalent] = {}
NO_EQUIVALENT: dict[str, str] = {}


def register(*ids: str, prep=None, note: str = ""):
    """Decorator: the function is the torch equivalent of every kernel id given."""
    def deco(fn):
        for kid in ids:
            EQUIVALENTS[kid] = Equivalent(fn, prep, note)
            NO_EQUIVALENT.pop(kid, None)
        return fn
    return deco


eq = register            # short spelling used below


def none(reason: str, *ids: str) -> None:
    for kid in ids:
        NO_EQUIVALENT[kid] = reason
        EQUIVALENTS.pop(kid, None)


def to_torch(inputs: dict) -> Inputs:
    """numpy arrays -> tensors on the same memory (bfloat16 stored as uint16 stays uint16: the entry views it),
    numpy scalars -> Python numbers."""
    out = Inputs()
    for name, v in inputs.items():
        if isinstance(v, np.ndarray):
            out[name] = torch.from_numpy(np.ascontiguousarray(v))
        elif isinstance(v, (np.integer, int)):
            out[name] = int(v)
        elif isinstance(v, (np.floating, float)):
            out[name] = float(v)
        else:
            out[name] = v
    return out


def prepared(equiv: Equivalent, inputs: dict) -> Inputs:
    t = to_torch(inputs)
    if equiv.prep is not None:
        t = Inputs(equiv.prep(t))
    return t


# ---- helpers: the usual torch spelling of each operator ------------------------------------------------------

def gelu_tanh(x):
    return F.gelu(x, approximate="tanh")


def sign(x):
    return torch.sign(x)


def nchw(x_nhwc):
    """NHWC tensor -> the NCHW view torch's ops take (channels_last strides, no copy)."""
    return x_nhwc.permute(0, 3, 1, 2)


def nhwc(y_nchw):
    """NCHW result -> NHWC tensor (a view when the op kept channels_last, else one copy)."""
    return y_nchw.permute(0, 2, 3, 1)


def conv_nhwc(x, w_oihw, bias=None, stride=1, padding=0, groups=1):
    """Convolution of an NHWC activation; the weight is given in torch's OIHW layout (prepared once)."""
    return nhwc(F.conv2d(nchw(x), w_oihw, bias, stride=stride, padding=padding, groups=groups))


def attention(q, k, v, causal=False, scale=None):
    """softmax(q k^T * scale [causal, top-left aligned]) v over [..., S, D]; grouped-query heads when k/v have
    fewer heads than q (dimension -3)."""
    gqa = q.dim() >= 3 and k.shape[-3] != q.shape[-3]
    return F.scaled_dot_product_attention(q, k, v, is_causal=bool(causal), scale=scale, enable_gqa=gqa)


def deform_sample(value, loc, attn):
    """Multi-head deformable attention sampling of one level, as Deformable DETR's PyTorch path
    (ms_deform_attn_core_pytorch): value [B, H, W, NH, D], loc [B, Q, NH, P, 2] (x, y in [0, 1]),
    attn [B, Q, NH, P] -> [B, Q, NH, D]. Bilinear, align_corners=False, zero padding."""
    B, H, W, NH, D = value.shape
    Q, P = loc.shape[1], loc.shape[3]
    v = value.permute(0, 3, 4, 1, 2).reshape(B * NH, D, H, W)
    grid = (2 * loc - 1).permute(0, 2, 1, 3, 4).reshape(B * NH, Q, P, 2)
    s = F.grid_sample(v, grid, mode="bilinear", padding_mode="zeros", align_corners=False)   # B*NH, D, Q, P
    w = attn.permute(0, 2, 1, 3).reshape(B * NH, 1, Q, P)
    return (s * w).sum(-1).view(B, NH, D, Q).permute(0, 3, 1, 2)


def instance_norm(x, gamma, beta, eps=1e-5):
    return F.instance_norm(x, weight=gamma, bias=beta, eps=eps)


def rms_norm(x, w, eps):
    return F.rms_norm(x, (x.shape[-1],), w, eps)


def tvm(*names: str) -> list[str]:
    """The TVM-generated wild kernels exist as CUDA and as the same CUDA hipified (same reference)."""
    return [f"wild:{p}/tvm_{n}" for n in names for p in ("cuda", "hip")]


# ======================================================================================= tests/corpus/cuda ====

@eq("cuda/add_f4", "bang/add_tail")
def _(t):
    return {"c": t.a + t.b}


@eq("cuda/batchnorm_infer_f4")
def _(t):
    return {"y": F.batch_norm(t.x, t.mean, t.var, t.gamma, t.beta, False, 0.0, t.eps)}


@eq("cuda/bmm_tiled", "hip/bmm_mfma_f32", "bang/bmm_matmul")
def _(t):
    return {"C": torch.bmm(t.A, t.B)}


@eq("cuda/concat_channels", "hip/concat")
def _(t):
    return {"out": torch.cat([t.a, t.b], dim=1)}


@eq("cuda/conv1d_ncl")
def _(t):
    return {"y": F.conv1d(t.x, t.w, t.b, stride=t.stride, padding=t.pad)}


@eq("cuda/conv2d_nchw")
def _(t):
    return {"y": F.conv2d(t.x, t.w, t.bias, stride=2, padding=1)}


@eq("cuda/conv2d_nhwc", prep=lambda t: {**t, "w": t.w.permute(3, 2, 0, 1).contiguous()})
def _(t):
    return {"y": conv_nhwc(t.x, t.w, t.bias, stride=t.stride, padding=t.pad)}


@eq("cuda/deform_attn_single_scale")
def _(t):
    B, Q, NH, P, Hs, Ws = t.B, t.Q, t.NH, t.P, t.Hs, t.Ws
    loc = t.ref[:, :, None, None, :] + t.off / torch.tensor([Ws, Hs], dtype=torch.float32)
    out = deform_sample(t.value.view(B, Hs, Ws, NH, t.D), loc, t.attn)
    return {"out": out.reshape(B, Q, NH * t.D)}


@eq("cuda/dense_wmma", prep=lambda t: {**t, "W": t.W.float()})
def _(t):
    return {"y": F.linear(t.x.float(), t.W, t.bias)}


@eq("cuda/depthwise_conv", prep=lambda t: {**t, "w": t.w[:, None]})
def _(t):
    return {"y": F.conv2d(t.x, t.w, t.bias, padding=1, groups=t.x.shape[1])}


@eq("cuda/gated_mlp_silu", "hip/gated_mlp_silu")
def _(t):
    return {"out": F.silu(t.x @ t.Wg) * (t.x @ t.Wu)}


@eq("cuda/gather_rows")
def _(t):
    return {"out": F.embedding(t.idx.clamp(min=0).long(), t.table) * (t.idx >= 0)[:, None]}


@eq("cuda/gelu_f16")
def _(t):
    return {"y": gelu_tanh(t.x)}


@eq("cuda/gemm_tiled", "hip/gemm_lds")
def _(t):
    return {"C": torch.addmm(t.C, t.A, t.B, beta=t.beta, alpha=t.alpha)}


@eq("cuda/gemm_wmma", prep=lambda t: {**t, "B": t.B.float()})
def _(t):
    return {"C": t.A.float() @ t.B}


@eq("cuda/gemv_sigmoid")
def _(t):
    return {"y": torch.sigmoid(torch.addmv(t.bias, t.W, t.x))}


@eq("cuda/gqa_attention")
def _(t):
    return {"O": attention(t.Q, t.K, t.V)}


@eq("cuda/instancenorm")
def _(t):
    return {"y": instance_norm(t.x, t.gamma, t.beta, t.eps)}


@eq("cuda/layernorm", "hip/layernorm", "bang/layernorm")
def _(t):
    return {"y": F.layer_norm(t.x, (t.x.shape[1],), t.gamma, t.beta, 1e-5)}


@eq("cuda/mha_wmma")
def _(t):
    return {"O": attention(t.Q.float(), t.K.float(), t.V.float(), t.causal, t.scale)}


@eq("cuda/pool2d")
def _(t):
    if t.mode == 0:
        return {"y": F.max_pool2d(t.x, 3, 2, t.pad)}
    return {"y": F.avg_pool2d(t.x, 3, 2, t.pad, count_include_pad=False)}


@eq("cuda/pool2d_nhwc_min_sum")
def _(t):
    x = nchw(t.x)
    k, s = t.K, t.S
    return {"ymin": nhwc(-F.max_pool2d(-x, k, s)), "ysum": nhwc(F.avg_pool2d(x, k, s, divisor_override=1))}


@eq("cuda/reduce_rows_mean_min")
def _(t):
    return {"mean": t.x.mean(1), "mins": t.x.amin(1)}


@eq("cuda/reduce_sum_max")
def _(t):
    return {"out_sum": t.x.sum().reshape(1), "out_max": t.x.max().reshape(1)}


@eq("cuda/rmsnorm_f16")
def _(t):
    return {"y": rms_norm(t.x.float(), t.weight.float(), t.eps).half()}


@eq("cuda/scatter_add_rows")
def _(t):
    keep = (t.idx >= 0) & (t.idx < t.V)
    return {"out": t.out.index_add(0, t.idx[keep].long(), t.src[keep])}


@eq("cuda/softmax_rows", "hip/softmax", "bang/softmax")
def _(t):
    return {"y": F.softmax(t.x, dim=1)}


@eq("cuda/sub_sign_sin", "hip/eltwise_sub_sign_sin")
def _(t):
    return {"d": t.a - t.b, "s": sign(t.a), "t": torch.sin(t.a)}


@eq("cuda/transpose")
def _(t):
    return {"out": t.inp.t().contiguous()}


# ======================================================================================== tests/corpus/hip ====

@eq("hip/add_act")
def _(t):
    v = t.a + t.b
    return {"out": F.relu(v) if t.act == 1 else F.gelu(v) if t.act == 2 else v}


@eq("hip/batchnorm_nhwc", "bang/batchnorm_nhwc")
def _(t):
    return {"y": nhwc(F.batch_norm(nchw(t.x), t.mean, t.var, t.gamma, t.beta, False, 0.0, 1e-5))}


@eq("hip/conv1d")
def _(t):
    return {"y": F.conv1d(t.x, t.w, t.bias, padding=4, dilation=2)}


@eq("hip/conv2d_nchw")
def _(t):
    return {"y": F.conv2d(t.x, t.w, t.bias, padding=1)}


@eq("hip/conv2d_nhwc_lds", prep=lambda t: {**t, "w": t.w.permute(3, 2, 0, 1).contiguous()})
def _(t):
    return {"y": conv_nhwc(t.x, t.w, None, stride=t.stride, padding=t.pad)}


@eq("hip/deform_attn")
def _(t):
    B, H, W, LQ = t.B, t.H, t.W, t.LQ
    loc = t.ref[:, :, None, None, :] + t.offset / torch.tensor([W, H], dtype=torch.float32)
    out = deform_sample(t.value.view(B, H, W, 4, 32), loc, t.attw)
    return {"out": out.reshape(B, LQ, 128)}


@eq("hip/dense_bias")
def _(t):
    return {"y": F.linear(t.x, t.W, t.b)}


@eq("hip/depthwise_conv", prep=lambda t: {**t, "w": t.w.permute(2, 0, 1)[:, None].contiguous()})
def _(t):
    return {"y": conv_nhwc(t.x, t.w, t.bias, stride=2, padding=1, groups=t.x.shape[3])}


@eq("hip/gather")
def _(t):
    return {"out": F.embedding(t.ids.clamp(min=0).long(), t.table) * (t.ids >= 0)[:, None]}


@eq("hip/gemm_mfma_f16", prep=lambda t: {**t, "W": t.W.float()})
def _(t):
    return {"C": F.linear(t.A.float(), t.W, t.bias)}


@eq("hip/gemm_mfma_f32")
def _(t):
    return {"C": t.A @ t.B}


@eq("hip/gemv")
def _(t):
    return {"y": torch.mv(t.A, t.x)}


@eq("hip/gqa_attention")
def _(t):
    return {"out": attention(t.q, t.k, t.v, t.causal)}


@eq("hip/instancenorm", "bang/instancenorm_nchw")
def _(t):
    return {"y": instance_norm(t.x, t.gamma, t.beta, 1e-5)}


@eq("hip/mha_bshd")
def _(t):
    B, S = t.q.shape[0], t.q.shape[1]
    q, k, v = (z.view(B, S, 4, 32).transpose(1, 2) for z in (t.q, t.k, t.v))
    return {"out": attention(q, k, v).transpose(1, 2).reshape(B, S, 128)}


@eq("hip/pool2d")
def _(t):
    if t.mode == 0:
        return {"y": F.max_pool2d(t.x, 3, 2, 1)}
    return {"y": F.avg_pool2d(t.x, 3, 2, 1, count_include_pad=False)}


@eq("hip/pool2d_nhwc_min_sum")
def _(t):
    x = nchw(t.x)
    if t.mode == 0:
        return {"y": nhwc(-F.max_pool2d(-x, 3, 2, 1))}
    return {"y": nhwc(F.avg_pool2d(x, 3, 2, 1, divisor_override=1))}


@eq("hip/rmsnorm")
def _(t):
    return {"y": rms_norm(t.x.float(), t.w.float(), 1e-6).half()}


@eq("hip/row_mean_min")
def _(t):
    return {"mean": t.x.mean(1), "mn": t.x.amin(1)}


@eq("hip/row_sum_max")
def _(t):
    return {"row_sum": t.x.sum(1), "row_max": t.x.amax(1)}


@eq("hip/scatter_add_rows")
def _(t):
    keep = t.idx >= 0
    idx = t.idx[keep].long()
    return {"out": t.out.index_add(0, idx, t.src[keep]),
            "counts": torch.bincount(idx, minlength=t.num_out).int()}


@eq("hip/transpose")
def _(t):
    return {"out": t["in"].t().contiguous()}


# ======================================================================================= tests/corpus/bang ====

@eq("bang/attention")
def _(t):
    return {"o": attention(t.q, t.k, t.v)}


@eq("bang/concat")
def _(t):
    return {"out": torch.cat([t.a, t.b], dim=1)}


@eq("bang/conv1d_ncl")
def _(t):
    return {"y": F.conv1d(t.x, t.w, t.bias, stride=2)}


@eq("bang/conv2d_nchw_transpose")
def _(t):
    return {"y": F.conv2d(t.x, t.w, t.bias)}


@eq("bang/conv2d_nhwc", prep=lambda t: {**t, "w": t.w.permute(0, 3, 1, 2).contiguous()})
def _(t):
    return {"y": conv_nhwc(t.x, t.w, t.bias, stride=(1, 2))}


@eq("bang/deform_attn_single_scale")
def _(t):
    HS, WS = t.HS, t.WS
    Q, NH = t.attn.shape[:2]
    out = deform_sample(t.value.view(1, HS, WS, NH, 32), t.loc[None], t.attn[None])
    return {"out": out[0]}


@eq("bang/dense_mlp", prep=lambda t: {**t, "w": t.w.float().t().contiguous()},
    note="fp32 GEMM on the int8 values (exact: sums < 2^24)")
def _(t):
    return {"y": F.relu((t.x.float() @ t.w).mul_(2.0 ** t.fix_position).add_(t.bias))}


@eq("bang/depthwise_conv", prep=lambda t: {**t, "w": t.w.permute(2, 0, 1)[:, None].contiguous()})
def _(t):
    return {"y": conv_nhwc(t.x, t.w, t.bias, padding=1, groups=24)}


@eq("bang/gated_mlp_silu")
def _(t):
    return {"h": F.silu(F.linear(t.x, t.wg)) * F.linear(t.x, t.wu)}


@eq("bang/gather")
def _(t):
    ok = (t.idx >= 0) & (t.idx < t.table.shape[0])
    return {"out": F.embedding(torch.where(ok, t.idx, 0).long(), t.table) * ok[:, None]}


@eq("bang/gelu")
def _(t):
    return {"y": gelu_tanh(t.x)}


@eq("bang/gemm_matmul", prep=lambda t: {**t, "Bt": t.Bt.float().t().contiguous()})
def _(t):
    return {"C": t.A.float() @ t.Bt}


@eq("bang/gemv_mlp_bias")
def _(t):
    return {"y": torch.addmv(t.b, t.A, t.x)}


@eq("bang/gqa_causal_attention")
def _(t):
    return {"o": attention(t.q, t.k, t.v, causal=True)}


@eq("bang/maxpool_nhwc")
def _(t):
    return {"y": nhwc(F.max_pool2d(nchw(t.x), (3, 2), (2, 1)))}


@eq("bang/minsum_pool_nhwc")
def _(t):
    x = nchw(t.x)
    return {"ymin": nhwc(-F.max_pool2d(-x, (2, 3), 2)), "ysum": nhwc(F.avg_pool2d(x, (2, 3), 2, divisor_override=1))}


@eq("bang/rmsnorm_f16")
def _(t):
    return {"y": rms_norm(t.x.float(), t.gamma.float(), 1e-6).half()}


@eq("bang/row_mean_min")
def _(t):
    return {"means": t.x.mean(1), "mins": t.x.amin(1)}


@eq("bang/row_sum_max")
def _(t):
    m = t.x.max(1)
    return {"sums": t.x.sum(1), "maxs": m.values, "argmax": m.indices.int()}


@eq("bang/scatter_rows")
def _(t):
    ok = (t.idx >= 0) & (t.idx < t.out.shape[0])
    return {"out": t.out.index_copy(0, t.idx[ok].long(), t.upd[ok])}


@eq("bang/sub_sign_sin")
def _(t):
    return {"diff": t.a - t.b, "sgn": sign(t.a), "sn": torch.sin(t.a)}


@eq("bang/transpose")
def _(t):
    return {"y": t.x.transpose(1, 2).contiguous()}


# ======================================================================================= tests/corpus/vnni ====

@eq("vnni/add_tail")
def _(t):
    torch.add(t.a, t.b, out=t.c[:t.n])          # c has a guard tail the kernel must not touch
    return {"c": t.c}


@eq("vnni/attention_f32")
def _(t):
    return {"out": attention(t.q, t.k, t.v, t.causal, t.scale)}


@eq("vnni/batchnorm_nhwc")
def _(t):
    x = t.x.view(-1, t.channels)
    return {"y": F.batch_norm(x, t.mean, t.var, t.gamma, t.beta, False, 0.0, t.eps).view(t.x.shape)}


@eq("vnni/bias_relu")
def _(t):
    return {"y": F.relu(t.x + t.bias)}


@eq("vnni/bmm_f32")
def _(t):
    return {"C": torch.bmm(t.A, t.B)}


@eq("vnni/col_mean_min")
def _(t):
    return {"col_mean": t.x.mean(0), "col_min": t.x.amin(0)}


@eq("vnni/concat_lastdim")
def _(t):
    return {"out": torch.cat([t.a, t.b], dim=1)}


@eq("vnni/conv1d_nwc_u8s8", prep=lambda t: {**t, "w": t.w.permute(0, 2, 1).float().contiguous()},
    note="fp32 conv1d on the u8/s8 values (exact: sums < 2^24)")
def _(t):
    return {"out": F.conv1d(t.x.float().transpose(1, 2), t.w).transpose(1, 2).int()}


@eq("vnni/conv2d_nchw_u8s8", prep=lambda t: {**t, "w": t.w.float()},
    note="fp32 conv2d on the u8/s8 values (exact: sums < 2^24)")
def _(t):
    return {"out": F.conv2d(t.x.float(), t.w).int()}


@eq("vnni/conv2d_nhwc_u8s8", prep=lambda t: {**t, "wei": t.wei.permute(3, 2, 0, 1).float().contiguous(),
                                             "bias": t.bias.float()},
    note="fp32 conv2d on the u8/s8 values (exact: sums < 2^24)")
def _(t):
    return {"dst": conv_nhwc(t.src.float(), t.wei, t.bias, padding=1).int()}


@eq("vnni/deformable_attn_f32")
def _(t):
    h, w = t.h_in, t.w_in
    nq, heads = t.attw.shape[:2]
    out = deform_sample(t.value.view(1, h, w, heads, 24), t.loc[None], t.attw[None])
    return {"out": out[0]}


@eq("vnni/dense_f32")
def _(t):
    return {"y": F.linear(t.x, t.W, t.b)}


@eq("vnni/depthwise_conv_s16", prep=lambda t: {**t, "wei": t.wei.permute(2, 0, 1)[:, None].double().contiguous()},
    note="fp64 depthwise conv on the s16 values (exact; fp32 is not: sums reach 2^28)")
def _(t):
    return {"dst": conv_nhwc(t.src.double(), t.wei, groups=40).int()}


@eq("vnni/embedding_gather")
def _(t):
    ok = (t.idx >= 0) & (t.idx < t.table.shape[0])
    return {"out": F.embedding(torch.where(ok, t.idx, 0).long(), t.table) * (ok[:, None] * t.scale)}


@eq("vnni/gated_mlp_u8s8", prep=lambda t: {**t, "wg": (t.wg.float() * t.gs[:, None]).t().contiguous(),
                                           "wu": (t.wu.float() * t.us[:, None]).t().contiguous()},
    note="dequantized fp32 GEMMs (weights dequantized once)")
def _(t):
    xr = (t.x.float() - t.zp) * t.xs[:, None]
    return {"out": F.silu(xr @ t.wg) * (xr @ t.wu)}


@eq("vnni/gemm_u8s8_dpbusd", prep=lambda t: {**t, "colsum": t.B.int().sum(0) * 128},
    note="torch._int_mm on A-128 (s8) plus the 128*colsum(B) correction")
def _(t):
    a = (t.A ^ 128).view(torch.int8)
    return {"C": torch._int_mm(a, t.B) + t.colsum}


@eq("vnni/gemv_f32")
def _(t):
    return {"y": torch.addmv(t.bias, t.A, t.x)}


@eq("vnni/gqa_attention_f32")
def _(t):
    return {"out": attention(t.q, t.k, t.v, t.causal, t.scale)}


@eq("vnni/instancenorm_nchw")
def _(t):
    return {"y": instance_norm(t.x, t.gamma, t.beta, t.eps)}


@eq("vnni/layernorm")
def _(t):
    return {"y": F.layer_norm(t.x, (t.x.shape[1],), t.gamma, t.beta, t.eps)}


@eq("vnni/maxpool2d_nhwc")
def _(t):
    return {"dst": nhwc(F.max_pool2d(nchw(t.src), 3, 2))}


@eq("vnni/pool2d_min_sum_nhwc")
def _(t):
    x = nchw(t.src)
    return {"dmin": nhwc(-F.max_pool2d(-x, 3, 2, 1)), "dsum": nhwc(F.avg_pool2d(x, 3, 2, 1, divisor_override=1))}


@eq("vnni/reduce_sum_max")
def _(t):
    return {"row_sum": t.x.sum(1), "row_max": t.x.amax(1)}


@eq("vnni/rmsnorm_f32")
def _(t):
    return {"y": rms_norm(t.x, t.gamma, t.eps)}


@eq("vnni/scatter_add_rows")
def _(t):
    ok = (t.idx >= 0) & (t.idx < t.out.shape[0])
    return {"out": t.out.index_add(0, t.idx[ok].long(), t.src[ok])}


@eq("vnni/sigmoid")
def _(t):
    return {"y": torch.sigmoid(t.x)}


@eq("vnni/softmax_rows")
def _(t):
    return {"y": F.softmax(t.x, dim=1)}


@eq("vnni/sub_sign_sin")
def _(t):
    return {"diff": t.a - t.b, "sgn": sign(t.a), "sn": torch.sin(t.a)}


@eq("vnni/transpose_f32")
def _(t):
    return {"dst": t.src.transpose(1, 2).contiguous()}


# ========================================================================================= tests/wild/cuda ====

@eq("wild:cuda/hw_add_float4", *tvm("add_1000"))
def _(t):
    return {"C": t.A + t.B}


@eq("wild:cuda/hw_batchnorm_train")
def _(t):
    rm, rv = torch.zeros(16), torch.ones(16)
    y = F.batch_norm(t.x, rm, rv, t.gamma, t.beta, True, 1.0, 1e-5)
    n = t.x.numel() / 16
    return {"y": y, "save_mean": rm, "save_var": rv * ((n - 1) / n)}    # momentum 1: the batch statistics


@eq("wild:cuda/hw_bmm_tiled", *tvm("bmm_2x37x24x16", "bmm_3x17x29x33"))
def _(t):
    return {"C": torch.bmm(t.A, t.B)}


@eq("wild:cuda/hw_conv2d_nchw_const")
def _(t):
    return {"output": F.conv2d(t.input, t.weight, t.bias, padding=1)}


@eq("wild:cuda/hw_conv2d_nhwc_rb", prep=lambda t: {**t, "w": t.w.permute(0, 3, 1, 2).contiguous()})
def _(t):
    return {"y": conv_nhwc(t.x, t.w, None, stride=t.stride, padding=t.pad)}


@eq("wild:cuda/hw_dense_relu")
def _(t):
    return {"output": F.relu(F.linear(t.input, t.weight, t.bias))}


@eq("wild:cuda/hw_depthwise3x3_s2")
def _(t):
    return {"output": F.conv2d(t.input, t.filter, t.bias, stride=2, padding=1, groups=t.input.shape[1])}


@eq("wild:cuda/hw_embedding_gather")
def _(t):
    return {"out": F.embedding(t.ids.long(), t.table)}


@eq("wild:cuda/hw_gated_mlp_2k")
def _(t):
    return {"out": F.linear(F.silu(F.linear(t.x, t.w_gate)) * F.linear(t.x, t.w_up), t.w_down)}


@eq("wild:cuda/hw_gelu_half2")
def _(t):
    return {"out": gelu_tanh(t["in"])}


@eq("wild:cuda/hw_gemv_warp")
def _(t):
    return {"y": torch.mv(t.A, t.x)}


@eq("wild:cuda/hw_index_add_atomic")
def _(t):
    return {"out": t.out.index_add(0, t.index, t.src)}


@eq("wild:cuda/hw_layernorm_f4")
def _(t):
    return {"y": F.layer_norm(t.x, (768,), t.gamma, t.beta, 1e-5)}


@eq("wild:cuda/hw_maxpool3x3_s2")
def _(t):
    return {"output": F.max_pool2d(t.input, 3, 2, 1)}


@eq("wild:cuda/hw_mha_rowblock")
def _(t):
    return {"o": attention(t.q, t.k, t.v, t.causal)}


@eq("wild:cuda/hw_reduce_sum_2pass")
def _(t):
    return {"output": t.input.sum().reshape(1)}


@eq("wild:cuda/hw_rmsnorm_half")
def _(t):
    return {"y": rms_norm(t.x.float(), t.w.float(), 1e-6).half()}


@eq("wild:cuda/hw_rowmax_warp")
def _(t):
    return {"out": t.x.amax(1)}


@eq("wild:cuda/hw_sgemm_regblock")
def _(t):
    return {"C": torch.addmm(t.C, t.A, t.B, beta=t.beta, alpha=t.alpha)}


@eq("wild:cuda/hw_sigmoid_fixed")
def _(t):
    return {"y": torch.sigmoid(t.x)}


@eq("wild:cuda/hw_softmax_block")
def _(t):
    return {"output": F.softmax(t.input, dim=1)}


@eq("wild:cuda/hw_transpose_tile32")
def _(t):
    return {"out": t["in"].t().contiguous()}


# ----------------------------------------------------- tests/wild/{cuda,hip}/tvm_*: TVM-generated, fixed shapes

@eq(*tvm("add_37x53"))
def _(t):
    return {"T_add_ptr": t.A_ptr + t.B_ptr}


@eq(*tvm("attention_gqa_1x6x2x33x16", "attention_mha_1x4x37x16"))
def _(t):
    return {"O": attention(t.Q, t.K, t.V, scale=0.25)}


@eq(*tvm("avgpool_2x4x16x15"))
def _(t):
    return {"pool_avg_ptr": F.avg_pool2d(t.X_ptr, 2, 2)}


@eq(*tvm("batchnorm_2x6x9x11"))
def _(t):
    return {"Y": F.batch_norm(t.X, t.mean, t.var, t.gamma, t.beta, False, 0.0, 1e-5)}


@eq(*tvm("batchnorm_3x5x13x7"))
def _(t):
    return {"T_batch_norm_ptr": F.batch_norm(t.X_ptr, t.mean_ptr, t.var_ptr, t.gamma_ptr, t.beta_ptr,
                                             False, 0.0, 1e-5)}


@eq(*tvm("concat3_6x96_11x96_3x96"))
def _(t):
    return {"T_concat_ptr": torch.cat([t.A_ptr, t.B_ptr, t.C_ptr], 0)}


@eq(*tvm("concat_37x20_37x33"))
def _(t):
    return {"C": torch.cat([t.A, t.B], 1)}


@eq(*tvm("conv1d_1x4x61_s2"))
def _(t):
    return {"conv1d_ncw_ptr": F.conv1d(t.X_ptr, t.Wt_ptr, stride=2, padding=1)}


@eq(*tvm("conv1d_2x6x97"))
def _(t):
    return {"Y": F.conv1d(t.X, t.Wt)}


@eq(*tvm("conv2d_nchw_1x6x17x13"))
def _(t):
    return {"Y": F.conv2d(t.X, t.Wt, padding=1)}


@eq(*tvm("conv2d_nchw_2x3x20x15_s2"))
def _(t):
    return {"Y": F.conv2d(t.X, t.Wt, stride=2)}


@eq(*tvm("conv2d_nhwc_1x17x13x6"), prep=lambda t: {**t, "Wt": t.Wt.permute(3, 2, 0, 1).contiguous()})
def _(t):
    return {"Y": conv_nhwc(t.X, t.Wt, padding=1)}


@eq(*tvm("conv2d_nhwc_2x9x11x4"), prep=lambda t: {**t, "Wt_ptr": t.Wt_ptr.permute(3, 2, 0, 1).contiguous()})
def _(t):
    return {"conv2d_nhwc_ptr": conv_nhwc(t.X_ptr, t.Wt_ptr, stride=2)}


@eq(*tvm("deformable_attention_9x11"))
def _(t):
    out = deform_sample(t.value.view(1, 9, 11, 2, 8), t.loc[None], t.attw[None])
    return {"out": out[0].reshape(17, 16)}


@eq(*tvm("dense_37x53x64", "dense_6x33x96"))
def _(t):
    return {"Y": F.linear(t.X, t.W, t.bias)}


@eq(*tvm("depthwise_conv_1x8x17x13"))
def _(t):
    return {"Y": F.conv2d(t.X, t.Wt, padding=1, groups=8)}


@eq(*tvm("depthwise_conv_2x6x12x9"))
def _(t):
    return {"group_conv2d_nchw_ptr": F.conv2d(t.X_ptr, t.Wt_ptr, padding=2, groups=6)}


@eq(*tvm("gated_mlp_37x64x96"))
def _(t):
    return {"Y": (F.silu(t.X @ t.W1) * (t.X @ t.W2)) @ t.W3}


@eq(*tvm("gather_elements_6x96"))
def _(t):
    return {"T_gather_ptr": torch.gather(t.X_ptr, 1, t.idx_ptr.long())}


@eq(*tvm("gather_embed_100x33"))
def _(t):
    return {"Y": F.embedding(t.ids.long(), t.table)}


@eq(*tvm("gelu_37x53"))
def _(t):
    return {"Y": F.gelu(t.X)}


@eq(*tvm("gelu_tanh_1000"))
def _(t):
    return {"Y": gelu_tanh(t.X)}


@eq(*tvm("gemm_37x53x64", "gemm_6x33x96"))
def _(t):
    return {"C": t.A @ t.B}


@eq(*tvm("gemv_48x97"))
def _(t):
    return {"matmul_ptr": torch.mv(t.A_ptr, t.x_ptr)}


@eq(*tvm("gemv_xA_129x300"))
def _(t):
    return {"y": t.x @ t.A}


@eq(*tvm("instancenorm_2x6x9x11", "instancenorm_3x4x13x7"))
def _(t):
    return {"Y": instance_norm(t.X, t.gamma, t.beta, 1e-5)}


@eq(*tvm("layernorm_37x53"))
def _(t):
    return {"Y": F.layer_norm(t.X, (t.X.shape[-1],), t.gamma, t.beta, 1e-5)}


@eq(*tvm("layernorm_6x96"))
def _(t):
    return {"T_layer_norm_ptr": F.layer_norm(t.X_ptr, (96,), t.gamma_ptr, t.beta_ptr, 1e-5)}


@eq(*tvm("max_1000"))
def _(t):
    return {"Y": t.X.amax().reshape(1)}


@eq(*tvm("maxpool_1x6x17x13"))
def _(t):
    return {"Y": F.max_pool2d(t.X, 3, 2, 1)}


@eq(*tvm("mean_6x96"))
def _(t):
    return {"T_divide_ptr": t.X_ptr.mean(1)}


@eq(*tvm("min_33x65"))
def _(t):
    return {"Y": t.X.amin(0)}


@eq(*tvm("minpool_2x5x15x13"))
def _(t):
    return {"Y": -F.max_pool2d(-t.X, 3, 2)}


@eq(*tvm("relu_1000"))
def _(t):
    return {"Y": F.relu(t.X)}


@eq(*tvm("relu_6x96"))
def _(t):
    return {"compute_ptr": F.relu(t.X_ptr)}


@eq(*tvm("rmsnorm_37x53", "rmsnorm_6x96"))
def _(t):
    return {"Y": rms_norm(t.X, t.gamma, 1e-5)}


@eq(*tvm("scatter_elements_6x96"))
def _(t):
    return {"Y": t.X.scatter(1, t.idx.long(), t.upd)}


@eq(*tvm("scatter_nd_50x33"))
def _(t):
    return {"Y": t.X.index_copy(0, t.idx[:, 0].long(), t.upd)}


@eq(*tvm("sigmoid_1000"))
def _(t):
    return {"Y": torch.sigmoid(t.X)}


@eq(*tvm("sign_6x96"))
def _(t):
    return {"Y": sign(t.X)}


@eq(*tvm("sin_37x53"))
def _(t):
    return {"compute_ptr": torch.sin(t.X_ptr)}


@eq(*tvm("softmax_37x53"))
def _(t):
    return {"P": F.softmax(t.S, dim=-1)}


@eq(*tvm("softmax_6x96"))
def _(t):
    return {"T_softmax_norm_ptr": F.softmax(t.S_ptr, dim=-1)}


@eq(*tvm("sub_33x65x17"))
def _(t):
    return {"C": t.A - t.B}


@eq(*tvm("sum_37x53"))
def _(t):
    return {"Y": t.X.sum(1)}


@eq(*tvm("sumpool_1x11x17x6"))
def _(t):
    return {"Y": nhwc(F.avg_pool2d(nchw(t.X), 2, 1, divisor_override=1))}


@eq(*tvm("transpose_2x3x17x13"))
def _(t):
    return {"T_transpose_ptr": t.X_ptr.permute(0, 2, 3, 1).contiguous()}


@eq(*tvm("transpose_37x53"))
def _(t):
    return {"Y": t.X.t().contiguous()}


# ========================================================================================== tests/wild/hip ====

@eq("wild:hip/hw_avgpool2x2")
def _(t):
    return {"output": F.avg_pool2d(t.input, 2, 2)}


@eq("wild:hip/hw_batchnorm_infer_nhwc")
def _(t):
    x = t.x.view(-1, 32)
    return {"y": F.batch_norm(x, t.running_mean, t.running_var, t.gamma, t.beta, False, 0.0, 1e-3).view(t.x.shape)}


@eq("wild:hip/hw_concat3_channels")
def _(t):
    return {"out": torch.cat([t.a, t.b, t.c], dim=1)}


@eq("wild:hip/hw_conv1d_ncl")
def _(t):
    return {"y": F.conv1d(t.x, t.w, t.b, padding=2)}


@eq("wild:hip/hw_conv2d_nhwc_relu", prep=lambda t: {**t, "filter": t.filter.permute(3, 2, 0, 1).contiguous()})
def _(t):
    return {"output": F.relu(conv_nhwc(t.input, t.filter, t.bias, padding=1))}


@eq("wild:hip/hw_gather_dim1")
def _(t):
    return {"out": torch.gather(t.src, 1, t.index)}


@eq("wild:hip/hw_gemm_lds16")
def _(t):
    return {"C": torch.addmm(t.bias, t.A, t.B)}


@eq("wild:hip/hw_gemv_t_splitk")
def _(t):
    return {"y": t.x @ t.A}


@eq("wild:hip/hw_gqa_causal")
def _(t):
    return {"o": attention(t.q, t.k, t.v, causal=True)}


@eq("wild:hip/hw_hgemm_fixed")
def _(t):
    return {"C": (t.A.float() @ t.B.float()).half()}


@eq("wild:hip/hw_instancenorm_nchw")
def _(t):
    return {"y": instance_norm(t.x, t.weight, t.bias, 1e-5)}


@eq("wild:hip/hw_layernorm_port32")
def _(t):
    return {"Y": F.layer_norm(t.X, (t.X.shape[1],), t.gamma, t.beta, 1e-5)}


@eq("wild:hip/hw_mean_rows_wave64")
def _(t):
    return {"output": t.input.mean(1)}


@eq("wild:hip/hw_min_atomic_cas")
def _(t):
    return {"result": t.data.amin().reshape(1)}


@eq("wild:hip/hw_msdeform_attn")
def _(t):
    """ms_deform_attn_core_pytorch: one grid_sample per level."""
    B, Q, M, L, P, _ = t.sampling_loc.shape
    D = t.value.shape[3]
    out = 0
    for lvl, (H, W) in enumerate(t.spatial_shapes.tolist()):
        s = int(t.level_start[lvl])
        v = t.value[:, s:s + H * W].view(B, H, W, M, D)
        out = out + deform_sample(v, t.sampling_loc[:, :, :, lvl], t.attn_weight[:, :, :, lvl])
    return {"output": out.reshape(B, Q, M * D)}


@eq("wild:hip/hw_permute_bshd")
def _(t):
    return {"dst": t.src.transpose(1, 2).contiguous()}


@eq("wild:hip/hw_relu_vecext")
def _(t):
    return {"y": F.relu(t.x)}


@eq("wild:hip/hw_rmsnorm_wave")
def _(t):
    return {"out": rms_norm(t.inp, t.weight, t.epsilon)}


@eq("wild:hip/hw_sign_chevron")
def _(t):
    return {"output": sign(t.input)}


@eq("wild:hip/hw_sin_half")
def _(t):
    return {"y": torch.sin(t.x)}


@eq("wild:hip/hw_softmax_6x96")
def _(t):
    return {"Y": F.softmax(t.X, dim=1)}


@eq("wild:hip/hw_sub_grid_stride")
def _(t):
    return {"c": t.a - t.b}


# ========================================================================================= tests/wild/bang ====

@eq("wild:bang/add_union4")
def _(t):
    return {"out": t.a + t.b}


@eq("wild:bang/avgpool_nchw_host")
def _(t):
    return {"output": F.avg_pool2d(t.input, 2, 2)}


@eq("wild:bang/batchnorm_nhwc")
def _(t):
    x = t.x.view(-1, 64)
    return {"y": F.batch_norm(x, t.mean, t.var, t.gamma, t.beta, False, 0.0, 1e-5).view(t.x.shape)}


@eq("wild:bang/bmm_conv")
def _(t):
    return {"C": torch.bmm(t.A, t.B)}


@eq("wild:bang/bmm_half", prep=lambda t: {**t, "B": t.B.float()})
def _(t):
    return {"C": torch.bmm(t.A.float(), t.B)}


@eq("wild:bang/colmin_pool")
def _(t):
    return {"dst": t.src.amin(0)}


@eq("wild:bang/concat_channels")
def _(t):
    return {"y": torch.cat([t.x1, t.x2], dim=1)}


@eq("wild:bang/concat_cols")
def _(t):
    return {"out": torch.cat([t.a, t.b, t.c], dim=1)}


@eq("wild:bang/conv1d_same")
def _(t):
    return {"y": F.conv1d(t.x[None], t.w, t.bias, padding=2)[0]}


@eq("wild:bang/conv2d_int8_fix", prep=lambda t: {**t, "qw": t.qw.permute(0, 3, 1, 2).float().contiguous()},
    note="fp32 conv2d on the int8 values (exact: sums < 2^24)")
def _(t):
    return {"y": conv_nhwc(t.qx.float()[None], t.qw, stride=2)[0] * 2.0 ** -10}


@eq("wild:bang/conv2d_nchw_im2col")
def _(t):
    return {"y": F.conv2d(t.x[None], t.weight, padding=1)[0]}


@eq("wild:bang/conv2d_nhwc_conv", prep=lambda t: {**t, "filter": t.filter.permute(0, 3, 1, 2).contiguous()})
def _(t):
    return {"output": conv_nhwc(t.input[None], t.filter, t.bias)[0]}


@eq("wild:bang/dense_relu_host")
def _(t):
    return {"y": F.relu(F.linear(t.x, t.w, t.bias))}


@eq("wild:bang/depthwise_nhwc", prep=lambda t: {**t, "w": t.w.permute(2, 0, 1)[:, None].contiguous()})
def _(t):
    return {"out": conv_nhwc(t["in"][None], t.w, t.b, groups=64)[0]}


@eq("wild:bang/gated_mlp_silu")
def _(t):
    return {"out": F.linear(F.silu(F.linear(t.x, t.w_gate)) * F.linear(t.x, t.w_up), t.w_down)}


@eq("wild:bang/gather_rows")
def _(t):
    return {"out": F.embedding(t.ids.long(), t.table)}


@eq("wild:bang/gelu_act")
def _(t):
    return {"output": gelu_tanh(t.input)}


@eq("wild:bang/gemm_rank1_host", "wild:bang/gemm_wram")
def _(t):
    return {"C": t.A @ t.B}


@eq("wild:bang/gemv_int8", prep=lambda t: {**t, "wq": t.wq.float()},
    note="fp32 GEMV on the int8 values (exact: sums < 2^24)")
def _(t):
    return {"y": torch.mv(t.wq, t.xq.float()) * (t.scales[0] * t.scales[1])}


@eq("wild:bang/gemv_mlp")
def _(t):
    return {"y": torch.addmv(t.bias, t.W, t.x)}


@eq("wild:bang/gqa_causal_half")
def _(t):
    return {"out": attention(t.query.float(), t.key.float(), t.value.float(), causal=True).half()}


@eq("wild:bang/instancenorm_nchw")
def _(t):
    return {"output": instance_norm(t.input, t.gamma, t.beta, 1e-5)}


@eq("wild:bang/layernorm_half")
def _(t):
    return {"y": F.layer_norm(t.x.float(), (96,), t.gamma.float(), t.beta.float(), 1e-5).half()}


@eq("wild:bang/layernorm_rows")
def _(t):
    return {"y": F.layer_norm(t.x, (768,), t.gamma, t.beta, 1e-5)}


@eq("wild:bang/max_sram_cluster")
def _(t):
    return {"result": t.x.amax().reshape(1)}


@eq("wild:bang/maxpool_nhwc")
def _(t):
    return {"y": nhwc(F.max_pool2d(nchw(t.x), 3, 2))}


@eq("wild:bang/mean_atomic")
def _(t):
    return {"out": t.data.mean().reshape(1)}


@eq("wild:bang/mha_union4")
def _(t):
    return {"O": attention(t.Q, t.K, t.V)}


@eq("wild:bang/minpool_asym")
def _(t):
    return {"y": nhwc(-F.max_pool2d(-nchw(t.x[None]), (2, 3), (1, 2)))[0]}


@eq("wild:bang/msda_bilinear")
def _(t):
    out = 0
    for lvl, ((H, W), start) in enumerate(zip([(16, 20), (8, 10)], [0, 320])):
        v = t.value[start:start + H * W].view(1, H, W, 4, 32)
        out = out + deform_sample(v, t.sampling_loc[None, :, :, lvl], t.attn_weight[None, :, :, lvl])
    return {"output": out[0].reshape(50, 128)}


@eq("wild:bang/nhwc_to_nchw")
def _(t):
    return {"dst": t.src.permute(0, 3, 1, 2).contiguous()}


@eq("wild:bang/relu_half")
def _(t):
    return {"y": F.relu(t.x)}


@eq("wild:bang/rmsnorm_half")
def _(t):
    return {"y": rms_norm(t.x.float(), t.weight.float(), 1e-6).half()}


@eq("wild:bang/rowmax_argmax")
def _(t):
    m = t.x.max(1)
    return {"max_out": m.values, "arg_out": m.indices.int()}


@eq("wild:bang/rowsum_pool")
def _(t):
    return {"sums": t.mat.sum(1)}


@eq("wild:bang/scatter_add_atomic")
def _(t):
    return {"out": t.out.index_add(0, t.idx.long(), t.src)}


@eq("wild:bang/sigmoid_host")
def _(t):
    return {"y": torch.sigmoid(t.x)}


@eq("wild:bang/sign_block")
def _(t):
    return {"out": sign(t["in"])}


@eq("wild:bang/sin_union1")
def _(t):
    return {"y": torch.sin(t.x)}


@eq("wild:bang/softmax_half_host")
def _(t):
    return {"y": F.softmax(t.x.float(), dim=1).half()}


@eq("wild:bang/softmax_rows")
def _(t):
    return {"output": F.softmax(t.input, dim=1)}


@eq("wild:bang/sub_rowbias")
def _(t):
    return {"out": t.x - t.bias}


@eq("wild:bang/sumpool_block")
def _(t):
    return {"pooled": nhwc(F.avg_pool2d(nchw(t.fm[None]), 4, 4, divisor_override=1))[0]}


@eq("wild:bang/transpose_tiles")
def _(t):
    return {"out": t["in"].t().contiguous()}


# ========================================================================================= tests/wild/vnni ====

@eq("wild:vnni/add_plain")
def _(t):
    return {"out": t.a + t.b}


@eq("wild:vnni/attention_gqa_omp")
def _(t):
    q, k, v = (z.transpose(0, 1) for z in (t.q, t.k, t.v))              # token-major -> head-major views
    return {"out": attention(q, k, v, causal=True).transpose(0, 1)}


@eq("wild:vnni/attention_mha_avx512")
def _(t):
    return {"out": attention(t.q, t.k, t.v)}


@eq("wild:vnni/avgpool_omp")
def _(t):
    return {"out": F.avg_pool2d(t["in"], 3, 2, 1, count_include_pad=False)}


@eq("wild:vnni/batchnorm_plain")
def _(t):
    C = t.x.shape[1]
    rm, rv = torch.zeros(C), torch.ones(C)
    y = F.batch_norm(t.x, rm, rv, t.weight, t.bias, True, 1.0, 1e-5)
    n = t.x.numel() / C
    return {"y": y, "save_mean": rm, "save_var": rv * ((n - 1) / n)}


@eq("wild:vnni/bmm_omp")
def _(t):
    return {"C": torch.bmm(t.A, t.B)}


@eq("wild:vnni/concat_omp")
def _(t):
    return {"out": torch.cat([t.a, t.b, t.c], dim=1)}


@eq("wild:vnni/conv1d_plain")
def _(t):
    return {"y": F.conv1d(t.x, t.w, t.b, padding=2)}


@eq("wild:vnni/conv2d_nchw_plain")
def _(t):
    return {"output": F.relu(F.conv2d(t.input[None], t.weight, t.bias))[0]}


@eq("wild:vnni/conv2d_nhwc_omp", prep=lambda t: {**t, "weight": t.weight.permute(3, 2, 0, 1).contiguous()})
def _(t):
    return {"out": conv_nhwc(t["in"], t.weight, t.bias, stride=2, padding=1)}


@eq("wild:vnni/conv2d_u8s8_vnni", prep=lambda t: {**t, "w": t.w.permute(3, 2, 0, 1).float().contiguous(),
                                                  "bias": t.bias.float()},
    note="fp32 conv2d on the u8/s8 values (exact: sums < 2^24)")
def _(t):
    return {"out": conv_nhwc(t["in"].float()[None], t.w, t.bias, padding=1)[0].int()}


@eq("wild:vnni/deformable_attn_plain")
def _(t):
    N = t.value.shape[0]
    out = 0
    for lvl, ((H, W), start) in enumerate(zip([(16, 20), (8, 10)], [0, 320])):
        v = t.value[:, start:start + H * W].view(N, H, W, 4, 16)
        out = out + deform_sample(v, t.loc[:, :, :, lvl], t.attn[:, :, :, lvl])
    return {"out": out.reshape(N, 50, 64)}


@eq("wild:vnni/dense_omp")
def _(t):
    y = F.linear(t.x, t.W, t.bias)
    return {"y": F.relu(y) if t.relu else y}


def _int8_weight_t(t):
    return {**t, "Wt": t.W.t().contiguous(), "rowsum": t.W.int().sum(1)}


@eq("wild:vnni/dense_u8s8_vnni256", prep=_int8_weight_t,
    note="torch._int_mm on x-128 (s8), fp32 dequantize")
def _(t):
    if t.x_zp == 128:
        acc = torch._int_mm((t.x ^ 128).view(torch.int8), t.Wt)
    else:
        acc = torch._int_mm((t.x ^ 128).view(torch.int8), t.Wt) + (128 - t.x_zp) * t.rowsum
    return {"y": torch.addcmul(t.bias, acc.float(), t.x_scale * t.w_scale)}


@eq("wild:vnni/depthwise_avx512", prep=lambda t: {**t, "w": t.w.permute(2, 0, 1)[:, None].contiguous()})
def _(t):
    return {"out": conv_nhwc(t["in"], t.w, t.bias, padding=1, groups=t.w.shape[0])}


@eq("wild:vnni/gated_mlp_avx512")
def _(t):
    return {"y": F.linear(F.silu(F.linear(t.x, t.w_gate)) * F.linear(t.x, t.w_up), t.w_down)}


@eq("wild:vnni/gather_avx512_i32gather")
def _(t):
    return {"out": torch.gather(t.src, 1, t.idx.long())}


@eq("wild:vnni/gather_embedding_plain")
def _(t):
    return {"out": F.embedding(t.ids.long(), t.table)}


@eq("wild:vnni/gelu_tanh_omp")
def _(t):
    return {"out": gelu_tanh(t.x)}


@eq("wild:vnni/gemm_avx2_blocked")
def _(t):
    return {"C": t.A @ t.B}


@eq("wild:vnni/gemm_u8s8_vnni", prep=lambda t: {**t, "colsum": t.B.int().sum(0) * 128},
    note="torch._int_mm on A-128 (s8) plus the 128*colsum(B) correction")
def _(t):
    return {"C": torch._int_mm((t.A ^ 128).view(torch.int8), t.B) + t.colsum}


@eq("wild:vnni/gemv_avx2_hsum")
def _(t):
    return {"y": torch.addmv(t.bias, t.A, t.x)}


@eq("wild:vnni/gemv_s16_dpwssd", prep=lambda t: {**t, "W": t.W.long()},
    note="int64 torch.mv (torch has no int16 dot product), wrapped to int32")
def _(t):
    return {"y": torch.mv(t.W, t.x.long()).int()}


@eq("wild:vnni/gemv_u8s8_sse_vnni", prep=lambda t: {**t, "rowsum": t.W.int().sum(1) * 128 + t.bias},
    note="torch._int_mm on x-128 (s8) plus the 128*rowsum(W) correction")
def _(t):
    xs = (t.x ^ 128).view(torch.int8)[:, None]
    return {"y": torch._int_mm(t.W, xs)[:, 0] + t.rowsum}


@eq("wild:vnni/instancenorm_omp")
def _(t):
    return {"out": instance_norm(t["in"], t.gamma, t.beta, 1e-5)}


@eq("wild:vnni/layernorm_avx512")
def _(t):
    return {"y": F.layer_norm(t.x, (t.x.shape[1],), t.gamma, t.beta, 1e-5)}


@eq("wild:vnni/maxpool_sse")
def _(t):
    return {"out": nhwc(F.max_pool2d(nchw(t["in"][None]), 3, 2))[0]}


@eq("wild:vnni/minpool_plain")
def _(t):
    return {"y": -F.max_pool2d(-t.x, 2, 2)}


@eq("wild:vnni/permute_nchw_nhwc_omp")
def _(t):
    return {"out": t["in"].permute(0, 2, 3, 1).contiguous()}


@eq("wild:vnni/reduce_max_avx512")
def _(t):
    return {"out": t.x.amax(1)}


@eq("wild:vnni/reduce_mean_omp")
def _(t):
    return {"out": t.x.mean(1)}


@eq("wild:vnni/reduce_min_plain")
def _(t):
    return {"out": t.x.amin(1)}


@eq("wild:vnni/reduce_sum_sse_hadd")
def _(t):
    return {"out": t.x.sum(1)}


@eq("wild:vnni/relu_omp")
def _(t):
    return {"out": F.relu(t["in"])}


@eq("wild:vnni/rmsnorm_avx2")
def _(t):
    return {"out": rms_norm(t.x, t.w, 1e-6)}


@eq("wild:vnni/scatter_add_plain")
def _(t):
    return {"dst": t.dst.index_add(0, t.index.long(), t.src, alpha=t.alpha)}


@eq("wild:vnni/sigmoid_plain")
def _(t):
    return {"y": torch.sigmoid(t.x)}


@eq("wild:vnni/sign_plain")
def _(t):
    return {"out": sign(t["in"])}


@eq("wild:vnni/sin_omp")
def _(t):
    return {"y": t.amp * torch.sin(t.freq * t.x + t.phase)}


@eq("wild:vnni/softmax_omp")
def _(t):
    return {"out": F.softmax(t.logits, dim=1)}


@eq("wild:vnni/sub_sse")
def _(t):
    return {"out": t.a - t.b}


@eq("wild:vnni/sumpool_avx2")
def _(t):
    return {"out": nhwc(F.avg_pool2d(nchw(t["in"][None]), 2, 1, divisor_override=1))[0]}


@eq("wild:vnni/transpose_blocked")
def _(t):
    return {"dst": t.src.t().contiguous()}
