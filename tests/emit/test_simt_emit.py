"""CUDA/HIP emitters (emit/simt.py): translations are checked against numpy references twice —
the emitted text parsed back by xpiler's own front end and run in the interpreter, and compiled
with g++ over the SIMT CPU emulation headers and run natively — and compiled by nvcc / hipcc
where they are installed. Constructs without a faithful mapping are refused with a positioned
"cannot translate ... to <target>" error."""
import os
import shutil
import subprocess

import numpy as np
import pytest

from emit.cuda import emit as emit_cuda
from emit.hip import emit as emit_hip
from oracle.native import available, run_native
from tests.corpus_support import assert_outputs_match, corpus
from xpiler.diagnostics import XpilerError
from xpiler.grammar import parse, parse_file
from xpiler.interp import Interpreter
from xpiler.lift import lift

EMIT = {"cuda": emit_cuda, "hip": emit_hip}
EXT = {"cuda": ".cu", "hip": ".hip"}

# source kernel -> target: every mapping feature appears at least once (flat and block kernels,
# registers, shared and dynamic shared memory, atomics and CAS, helpers, half, two launches)
TRANSLATIONS = [
    ("cuda/softmax_rows", "hip"), ("cuda/reduce_sum_max", "hip"), ("cuda/gemv_sigmoid", "hip"),
    ("cuda/pool2d", "cuda"), ("cuda/gelu_f16", "hip"), ("cuda/add_f4", "cuda"),
    ("hip/gemm_lds", "cuda"), ("hip/gqa_attention", "cuda"), ("hip/rmsnorm", "cuda"),
    ("hip/transpose", "hip"), ("hip/layernorm", "cuda"), ("hip/add_act", "hip"),
]
KERNELS = {k.id: k for k in corpus("cuda") + corpus("hip")}


def native(text: str, target: str, entry: str, params: list[str], inputs: dict) -> dict:
    reason = available(f"{target}-cpu")
    if reason:
        pytest.skip(reason)
    return run_native(text, f"{target}-cpu", entry, params, inputs)


@pytest.mark.parametrize("source,target", TRANSLATIONS, ids=[f"{s}->{t}" for s, t in TRANSLATIONS])
def test_corpus_translation_meets_reference(source, target):
    kernel = KERNELS[source]
    text = EMIT[target](lift(parse_file(kernel.source)))
    module = parse(text, kernel.name + EXT[target], target)
    ref = kernel.reference
    for case in kernel.cases():
        inputs = kernel.inputs(case)
        expected = ref.reference(inputs)
        assert_outputs_match(kernel, Interpreter(module).run(ref.ENTRY, inputs), expected)
        assert_outputs_match(kernel, native(text, target, ref.ENTRY, ref.PARAMS, inputs), expected)


# ---- synthetic canonical programs: the mappings a lifted CUDA/HIP kernel never needs ----------

FLAT = """
#include <stdlib.h>
#include <string.h>
extern "C" void flat_ops(const float* x, float* y, float* total, int* imax, float* fmx, int n, int m) {
  float* d_x = (float*)malloc((unsigned long long)n * m * sizeof(float));
  float* d_y = (float*)malloc((unsigned long long)n * m * sizeof(float));
  float* d_t = (float*)malloc(sizeof(float));
  int* d_i = (int*)malloc(sizeof(int));
  float* d_f = (float*)malloc(2 * sizeof(float));
  memcpy(d_x, x, (unsigned long long)n * m * sizeof(float));
  memset(d_t, 0, sizeof(float));
  memcpy(d_i, imax, sizeof(int));
  memcpy(d_f, fmx, 2 * sizeof(float));
  #pragma omp parallel for
  for (int i = 0; i < n; i++) {
    #pragma omp parallel for
    for (int j = 0; j < m; j++) {
      const float v = d_x[i * m + j];
      d_y[i * m + j] = v * 2.0f + (float)j;
      #pragma omp atomic
      *d_t += v;
      int k = (int)(v * 100.0f);
      #pragma omp critical
      {
        if (k > *d_i) *d_i = k;
      }
      #pragma omp critical
      {
        if (v > d_f[0]) d_f[0] = v;
      }
      #pragma omp critical
      d_f[1] = fminf(d_f[1], v);
    }
  }
  const int half_n = n / 2;
  #pragma omp parallel for
  for (int i = 0; i < half_n; i++)
    d_y[i] = -d_y[i];
  memcpy(y, d_y, (unsigned long long)n * m * sizeof(float));
  memcpy(total, d_t, sizeof(float));
  memcpy(imax, d_i, sizeof(int));
  memcpy(fmx, d_f, 2 * sizeof(float));
  free(d_x);
  free(d_y);
  free(d_t);
  free(d_i);
  free(d_f);
}
"""


def flat_case(n=37, m=29):
    x = np.random.default_rng(1).standard_normal(n * m).astype(np.float32)
    inputs = dict(x=x, y=np.zeros(n * m, np.float32), total=np.zeros(1, np.float32),
                  imax=np.full(1, -1000, np.int32), fmx=np.array([-1e30, 1e30], np.float32),
                  n=np.int32(n), m=np.int32(m))
    y = (x.reshape(n, m) * 2 + np.arange(m, dtype=np.float32)).ravel()
    y[:n // 2] *= -1
    expected = dict(y=y, total=np.array([x.astype(np.float64).sum()], np.float32),
                    imax=np.array([max(-1000, int((x * np.float32(100)).astype(np.int32).max()))], np.int32),
                    fmx=np.array([x.max(), x.min()], np.float32))
    return inputs, expected


BLOCKS = """
#include <stdlib.h>
#include <string.h>
extern "C" void row_norm(const float* x, float* y, float* sums, int rows, int cols) {
  float* d_x = (float*)malloc((unsigned long long)rows * cols * sizeof(float));
  float* d_y = (float*)malloc((unsigned long long)rows * cols * sizeof(float));
  float* d_s = (float*)malloc((unsigned long long)rows * sizeof(float));
  memcpy(d_x, x, (unsigned long long)rows * cols * sizeof(float));
  #pragma omp parallel for
  for (int r = 0; r < rows; r++) {
    float part[64];
    float acc[64];
    float big[100][200];
    float* buf = (float*)malloc((unsigned long long)cols * sizeof(float));
    #pragma omp parallel for
    for (int t = 0; t < 64; t++) {
      acc[t] = 0.0f;
      for (int c = t; c < cols; c += 64) acc[t] += d_x[(unsigned long long)r * cols + c];
      part[t] = acc[t];
    }
    float s = 0.0f;
    for (int k = 0; k < 64; k++) s += part[k];
    d_s[r] = s;
    #pragma omp parallel for
    for (int c = 0; c < cols; c++)
      buf[c] = d_x[(unsigned long long)r * cols + c] / s;
    #pragma omp parallel for
    for (int t = 0; t < 100; t++)
      for (int k = 0; k < 200; k++) big[t][k] = (float)(t * 200 + k + r);
    #pragma omp parallel for
    for (int c = 0; c < cols; c++)
      d_y[(unsigned long long)r * cols + c] = buf[cols - 1 - c] + big[c % 100][(c * 7) % 200];
    free(buf);
  }
  memcpy(y, d_y, (unsigned long long)rows * cols * sizeof(float));
  memcpy(sums, d_s, (unsigned long long)rows * sizeof(float));
  free(d_x);
  free(d_y);
  free(d_s);
}
"""


def blocks_case(rows, cols):
    x = (np.random.default_rng(2).random(rows * cols) + 0.5).astype(np.float32)
    inputs = dict(x=x, y=np.zeros(rows * cols, np.float32), sums=np.zeros(rows, np.float32),
                  rows=np.int32(rows), cols=np.int32(cols))
    X = x.reshape(rows, cols).astype(np.float64)
    s = X.sum(1)
    c = np.arange(cols)
    big = (c % 100 * 200 + c * 7 % 200)[None, :] + np.arange(rows)[:, None]
    y = (X / s[:, None])[:, cols - 1 - c] + big
    return inputs, dict(y=y.ravel().astype(np.float32), sums=s.astype(np.float32))


def check(text, target, entry, params, inputs, expected, rtol=1e-5, atol=1e-5):
    module = parse(text, entry + EXT[target], target)
    for how, got in (("interpreter", Interpreter(module).run(entry, dict(inputs))),
                     ("native", native(text, target, entry, params, dict(inputs)))):
        for name, want in expected.items():
            np.testing.assert_allclose(got[name], want, rtol=rtol, atol=atol, err_msg=f"{how}: {name}")


@pytest.mark.parametrize("target", ["cuda", "hip"])
def test_flat_kernels_and_atomics(target):
    text = EMIT[target](parse(FLAT, "flat.cpp", "vnni"))
    # a perfect 2-deep nest becomes one flat kernel, 256 threads per block, guarded
    assert text.count("__global__ void __launch_bounds__(256)") == 2
    assert "atomicAdd(d_t, v)" in text and "atomicMax(d_i, k)" in text and text.count("atomicCAS(") == 2
    assert "__shared__" not in text and "__syncthreads" not in text
    inputs, expected = flat_case()
    check(text, target, "flat_ops", ["x", "y", "total", "imax", "fmx", "n", "m"], inputs, expected, rtol=1e-4)


@pytest.mark.parametrize("target,cols", [("cuda", 300), ("hip", 300), ("cuda", 13000), ("hip", 17000)])
def test_block_kernel_memory(target, cols):
    """Registers (acc[t]), __shared__ (part), scratch slices (big: 80 KB is over both limits),
    dynamic shared memory or scratch for the block's malloc depending on its size at run time,
    a block-level store by thread 0, a thread loop of run-time extent strided over the block."""
    text = EMIT[target](parse(BLOCKS, "blocks.cpp", "vnni"))
    assert "__shared__ float part[64];" in text and "float acc;" in text
    assert "float* big = (float*)(__blk_scratch + 0);" in text
    assert "if ((int)threadIdx.x == 0) {\n    d_s[r] = s;" in text
    assert "c += 100" in text                      # block = 100 threads (largest constant extent)
    inputs, expected = blocks_case(3, cols)
    check(text, target, "row_norm", ["x", "y", "sums", "rows", "cols"], inputs, expected, rtol=1e-5, atol=1e-4)


def test_hip_states_only_what_differs():
    canonical = parse(BLOCKS, "blocks.cpp", "vnni")
    cuda, hip = emit_cuda(canonical), emit_hip(canonical)
    assert "#include <hip/hip_runtime.h>" in hip and "cuda" not in hip.lower().replace("// cuda", "")
    assert "hipLaunchKernelGGL(row_norm_loop, dim3(" in hip and "hipMalloc((void**)&d_x" in hip
    assert "row_norm_loop<<<" in cuda and "cudaMemcpyDeviceToHost" in cuda
    # shared memory left for the block's malloc: 48 KB (CUDA) / 64 KB (HIP) less the static part
    assert "<= 48896" in cuda and "<= 65280" in hip


REFUSED = {
    "host array": ("""
extern "C" void f(const float* x, float* y, int n) {
  #pragma omp parallel for
  for (int i = 0; i < n; i++) y[i] = x[i];
}""", "size is unknown"),
    "host access between kernels": ("""
#include <stdlib.h>
#include <string.h>
extern "C" void f(float* y, int n) {
  float* d = (float*)malloc(n * sizeof(float));
  #pragma omp parallel for
  for (int i = 0; i < n; i++) d[i] = (float)i;
  d[0] = 5.0f;
  memcpy(y, d, n * sizeof(float));
  free(d);
}""", "host array 'd'"),
    "critical section": ("""
#include <stdlib.h>
#include <string.h>
extern "C" void f(float* y, int n) {
  float* d = (float*)malloc(sizeof(float));
  memset(d, 0, sizeof(float));
  #pragma omp parallel for
  for (int i = 0; i < n; i++) {
    #pragma omp critical
    {
      d[0] = d[0] * 0.5f + (float)i;
    }
  }
  memcpy(y, d, sizeof(float));
  free(d);
}""", "omp critical"),
    "atomic multiply": ("""
#include <stdlib.h>
#include <string.h>
extern "C" void f(float* y, int n) {
  float* d = (float*)malloc(sizeof(float));
  memcpy(d, y, sizeof(float));
  #pragma omp parallel for
  for (int i = 0; i < n; i++) {
    #pragma omp atomic
    d[0] *= 1.5f;
  }
  memcpy(y, d, sizeof(float));
  free(d);
}""", "no native atomic"),
    "loop form": ("""
#include <stdlib.h>
#include <string.h>
extern "C" void f(float* y, int n) {
  float* d = (float*)malloc(n * sizeof(float));
  #pragma omp parallel for
  for (int i = 1; i < n; i++) d[i] = 1.0f;
  memcpy(y, d, n * sizeof(float));
  free(d);
}""", "not in the form"),
    "block variable set by threads": ("""
#include <stdlib.h>
#include <string.h>
extern "C" void f(float* y, int n) {
  float* d = (float*)malloc(n * 32 * sizeof(float));
  memcpy(d, y, n * 32 * sizeof(float));
  #pragma omp parallel for
  for (int b = 0; b < n; b++) {
    int found = 0;
    #pragma omp parallel for
    for (int t = 0; t < 32; t++) {
      if (d[b * 32 + t] > 0.0f) found = 1;
    }
    d[b * 32] = (float)found;
  }
  memcpy(y, d, n * 32 * sizeof(float));
  free(d);
}""", "assign the variable 'found'"),
}


@pytest.mark.parametrize("target", ["cuda", "hip"])
@pytest.mark.parametrize("case", list(REFUSED))
def test_refusals(case, target):
    source, reason = REFUSED[case]
    with pytest.raises(XpilerError) as err:
        EMIT[target](parse(source, "refused.cpp", "vnni"))
    assert "cannot translate" in err.value.message and f"to {target}" in err.value.message
    assert reason in err.value.message


# ---- the real compilers ----------------------------------------------------------------------

COMPILERS = {
    "cuda": (["nvcc", "-arch=sm_80", "-c"], {}),
    "hip": (["hipcc", "--offload-arch=gfx90a", "-c"], {"HIP_PLATFORM": "amd"}),
}


@pytest.mark.parametrize("target", ["cuda", "hip"])
def test_real_compiler_accepts_output(target, tmp_path):
    cmd, env = COMPILERS[target]
    if shutil.which(cmd[0]) is None:
        pytest.skip(f"{cmd[0]} not found")
    sources = {"blocks": parse(BLOCKS, "blocks.cpp", "vnni"), "flat": parse(FLAT, "flat.cpp", "vnni"),
               "reduce": lift(parse_file(KERNELS["cuda/reduce_sum_max"].source))}
    for name, canonical in sources.items():
        src = tmp_path / f"{name}{EXT[target]}"
        src.write_text(EMIT[target](canonical))
        proc = subprocess.run(cmd + [str(src), "-o", str(tmp_path / f"{name}.o")], capture_output=True,
                              text=True, env=dict(os.environ, **env))
        assert proc.returncode == 0, f"{name}: {proc.stderr[-2000:]}"
