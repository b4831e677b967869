"""AMD MFMA matrix-core builtins as wavefront-collective operations (hip.md §7).

Each of the 64 lanes of a wavefront supplies a slice of A and B and holds a slice of C/D; the
lane maps are those of hip.md §7.1 (checked there against AMD's Matrix Instruction Calculator).
D = C + A·B is computed in float64 and rounded once to float32 (a modelling choice, §7.1).
"""
from __future__ import annotations

import numpy as np

from . import semantics

# name: (M, N, K, a elements per lane, accumulator elements per lane, A map, B map, C/D map)
LAYOUT = {
    "16x16x4f32": (16, 16, 4, 1, 4,
                   lambda l, e: (l % 16, l // 16),
                   lambda l, e: (l // 16, l % 16),
                   lambda l, r: (4 * (l // 16) + r, l % 16)),
    "16x16x16f16": (16, 16, 16, 4, 4,
                    lambda l, e: (l % 16, 4 * (l // 16) + e),
                    lambda l, e: (4 * (l // 16) + e, l % 16),
                    lambda l, r: (4 * (l // 16) + r, l % 16)),
    "32x32x8f16": (32, 32, 8, 4, 16,
                   lambda l, e: (l % 32, 4 * (l // 32) + e),
                   lambda l, e: (4 * (l // 32) + e, l % 32),
                   lambda l, r: (8 * (r // 4) + 4 * (l // 32) + r % 4, l % 32)),
    "32x32x2f32": (32, 32, 2, 1, 16,
                   lambda l, e: (l % 32, l // 32),
                   lambda l, e: (l // 32, l % 32),
                   lambda l, r: (8 * (r // 4) + 4 * (l // 32) + r % 4, l % 32)),
}
BLGP_SOURCE = [lambda l: l, lambda l: l % 32, lambda l: 32 + l % 32, lambda l: (l + 16) % 64,
               lambda l: l % 16, lambda l: 16 + l % 16, lambda l: 32 + l % 16, lambda l: 48 + l % 16]


def _index_maps(name):
    """Flat index arrays: for lane l and element e, where A/B/C elements come from."""
    M, N, K, E, R, fa, fb, fc = LAYOUT[name]
    lanes = np.arange(64)
    a_idx = np.array([[fa(l, e)[0] * K + fa(l, e)[1] for e in range(E)] for l in lanes])
    b_idx = np.array([[fb(l, e)[0] * N + fb(l, e)[1] for e in range(E)] for l in lanes])
    c_idx = np.array([[fc(l, r)[0] * N + fc(l, r)[1] for r in range(R)] for l in lanes])
    return M, N, K, E, R, a_idx, b_idx, c_idx


_MAPS = {name: _index_maps(name) for name in LAYOUT}


def _per_wave(m, call, mask, value, width):
    """Arrange a per-lane value (L,) or (L, width) as (W, 64, width) for the active waves."""
    warp = m.groups.get("warp")
    if warp is None or m.runtime.warp_size != 64:
        raise m.error(call.span, f"{call.callee} needs a HIP launch with 64-lane wavefronts")
    active = np.unique(warp[mask])
    counts = np.bincount(warp, minlength=m.groups["warps"])
    act_counts = np.bincount(warp[mask], minlength=m.groups["warps"])
    if (counts[active] != 64).any() or (act_counts[active] != 64).any():
        lane = int(np.flatnonzero(mask)[0])
        raise m.error(call.span, f"{call.callee} needs all 64 lanes of the wavefront active "
                                 f"(hip.md §7: partial waves are undefined)", lane)
    lanes = (np.flatnonzero(np.isin(warp, active))).reshape(active.size, 64)
    v = np.asarray(value)
    v = np.broadcast_to(v.reshape(v.shape[0], -1) if v.ndim else v.reshape(1, 1), (m.L, width)) \
        if v.ndim <= 1 or v.shape[0] == 1 else v.reshape(m.L, width)
    return active, lanes, v[lanes]


def _mfma(name):
    def impl(m, call, args, mask):
        M, N, K, E, R, a_idx, b_idx, c_idx = _MAPS[name]
        cbsz, abid, blgp = (int(np.asarray(x).reshape(-1)[0]) for x in args[3:6])
        if cbsz or abid:
            raise m.error(call.span, f"{call.callee}: CBSZ and ABID must be 0 for single-block MFMA")
        if not 0 <= blgp <= 7:
            raise m.error(call.span, f"{call.callee}: BLGP must be in 0..7")
        waves, lanes, a = _per_wave(m, call, mask, args[0], E)
        _, _, b = _per_wave(m, call, mask, args[1], E)
        _, _, c = _per_wave(m, call, mask, args[2], R)
        W = waves.size
        b = b[:, BLGP_SOURCE[blgp](np.arange(64))]
        A = np.zeros((W, M * K))
        B = np.zeros((W, K * N))
        C = np.zeros((W, M * N))
        A[:, a_idx.reshape(-1)] = a.reshape(W, -1).astype(np.float64)
        B[:, b_idx.reshape(-1)] = b.reshape(W, -1).astype(np.float64)
        C[:, c_idx.reshape(-1)] = c.reshape(W, -1).astype(np.float64)
        D = (C.reshape(W, M, N) + A.reshape(W, M, K) @ B.reshape(W, K, N)).astype(np.float32)
        d = D.reshape(W, M * N)[:, c_idx]                       # (W, 64, R)
        out = np.zeros((m.L, R), np.float32)
        out[lanes.reshape(-1)] = d.reshape(-1, R)
        return out
    return impl


for _name in LAYOUT:
    semantics(f"__builtin_amdgcn_mfma_f32_{_name}")(_mfma(_name))
