"""Device-only kernels (no host code): `xpiler run` and `xpiler translate` add the host entry
`<kernel>_kernel`, launched with `--launch`, the BANG Union4 convention, or for CUDA/HIP the
kernel's own bounds (`__launch_bounds__` and the guards of its stores)."""
import subprocess
import sys

import numpy as np
import pytest

from xpiler.diagnostics import XpilerError
from xpiler.grammar import parse
from xpiler.interp import Interpreter
from xpiler.launch import LaunchSpec, default_launch, device_kernel, runnable
from xpiler.pipeline import translate

# generated-code style: a guard on the flat index, fixed size 777 (not a multiple of the block)
SCALE_CU = """
extern "C" __global__ void __launch_bounds__(128) scale_kernel0(float* __restrict__ X, float* __restrict__ Y) {
  if (((int)blockIdx.x) * 128 + ((int)threadIdx.x) < 777) {
    Y[((int)blockIdx.x) * 128 + ((int)threadIdx.x)] = X[((int)blockIdx.x) * 128 + ((int)threadIdx.x)] * 3.0f - 1.0f;
  }
}
"""

# early-return guard, 2-D grid over rows (y) and columns (x)
ROWS_CU = """
__global__ void __launch_bounds__(64) rows(const float* a, float* b) {
  int c = blockIdx.x * 64 + threadIdx.x;
  if (c >= 100 || blockIdx.y >= 5) return;
  b[blockIdx.y * 100 + c] = a[blockIdx.y * 100 + c] + (float)blockIdx.y;
}
"""

UNGUARDED_CU = """
__global__ void __launch_bounds__(64) copy(const float* a, float* b) {
  b[blockIdx.x * 64 + threadIdx.x] = a[blockIdx.x * 64 + threadIdx.x];
}
"""

# BANG: split over clusterId * coreDim + coreId, NRAM chunks with a tail, shapes baked in
SHIFT_MLU = """
#include <bang.h>
#define TOTAL 1001
#define CHUNK 64
extern "C" __mlu_global__ void shift(float* src, float* dst) {
  __nram__ float buf[CHUNK];
  int id = clusterId * coreDim + coreId;
  int per = (TOTAL + taskDim - 1) / taskDim;
  int begin = id * per;
  int end = begin + per < TOTAL ? begin + per : TOTAL;
  for (int o = begin; o < end; o += CHUNK) {
    int len = end - o < CHUNK ? end - o : CHUNK;
    __memcpy(buf, src + o, len * sizeof(float), GDRAM2NRAM);
    __bang_add_scalar(buf, buf, 0.5f, CHUNK);
    __memcpy(dst + o, buf, len * sizeof(float), NRAM2GDRAM);
  }
}
"""


def _module(text, platform, name="k"):
    return parse(text, f"{name}.{ {'cuda': 'cu', 'bang': 'mlu', 'hip': 'hip'}[platform]}", platform)


def test_grid_from_guard_and_launch_bounds():
    m = _module(SCALE_CU, "cuda")
    spec = default_launch(m, device_kernel(m, None))
    assert spec.block == (128, 1, 1) and spec.grid == (7, 1, 1)         # ceil(777 / 128)


def test_grid_from_early_return_in_two_dimensions():
    m = _module(ROWS_CU, "cuda")
    spec = default_launch(m, device_kernel(m, None))
    assert spec.grid == (2, 5, 1) and spec.block == (64, 1, 1)


def test_unguarded_kernel_asks_for_launch():
    m = _module(UNGUARDED_CU, "cuda")
    with pytest.raises(XpilerError, match="--launch"):
        default_launch(m, device_kernel(m, None))


def test_bang_convention_is_union4():
    m = _module(SHIFT_MLU, "bang")
    spec = default_launch(m, device_kernel(m, None))
    assert (spec.union, spec.tasks) == (4, 16)


@pytest.mark.parametrize("text,expected", [
    ("grid=7,block=128", LaunchSpec(grid=(7, 1, 1), block=(128, 1, 1))),
    ("grid=2x5,block=64x1x1,shared=256", LaunchSpec(grid=(2, 5, 1), block=(64, 1, 1), shared_bytes=256)),
    ("union=1,tasks=4", LaunchSpec(union=1, tasks=4)),
])
def test_launch_spec_parses(text, expected):
    assert LaunchSpec.parse(text) == expected


@pytest.mark.parametrize("text", ["grid=7", "union=4", "grid=0,block=1", "grid=2,block=3,color=red",
                                  "union=3,tasks=12", "grid=a,block=1"])
def test_bad_launch_spec_is_a_clear_error(text):
    with pytest.raises(XpilerError, match="--launch"):
        LaunchSpec.parse(text)


def test_union_task_count_must_fit():
    m = _module(SHIFT_MLU, "bang")
    with pytest.raises(XpilerError, match="multiple of 16"):
        runnable(m, None, "union=4,tasks=8")


@pytest.mark.parametrize("text,platform,entry,launch,check", [
    (SCALE_CU, "cuda", "scale_kernel0_kernel", None,
     lambda i, o: np.allclose(o["Y"][:777], i["X"][:777] * 3 - 1)),
    (ROWS_CU, "cuda", "rows_kernel", None,
     lambda i, o: np.allclose(o["b"][:500], i["a"][:500] + np.repeat(np.arange(5), 100))),
    (SHIFT_MLU, "bang", "shift_kernel", None, lambda i, o: np.allclose(o["dst"][:1001], i["src"][:1001] + 0.5)),
    (SHIFT_MLU, "bang", "shift_kernel", "union=1,tasks=4",
     lambda i, o: np.allclose(o["dst"][:1001], i["src"][:1001] + 0.5)),
])
def test_interpreter_runs_device_only_kernels(text, platform, entry, launch, check):
    m, name, notes = runnable(_module(text, platform), None, launch)
    assert name == entry and notes and "launched with" in notes[0]
    rng = np.random.default_rng(3)
    fn = m.function(entry)
    inputs = {p.name: rng.standard_normal(2048).astype(np.float32) for p in fn.params}
    out = Interpreter(m).run(entry, {k: v.copy() for k, v in inputs.items()})
    assert check(inputs, out)


@pytest.mark.parametrize("text,platform,target", [
    (SCALE_CU, "cuda", "hip"), (SCALE_CU, "cuda", "bang"), (SCALE_CU, "cuda", "vnni"),
    (SHIFT_MLU, "bang", "cuda"), (SHIFT_MLU, "bang", "vnni"),
])
def test_translation_has_host_entry_and_is_verified(tmp_path, text, platform, target):
    src = tmp_path / ("k.cu" if platform == "cuda" else "k.mlu")
    src.write_text(text)
    result = translate(src, target, examples=2)
    kernel = "scale_kernel0" if platform == "cuda" else "shift"
    assert f'extern "C" void {kernel}_kernel(' in result.text
    assert result.verified, result.header()
    assert any("device-only kernel" in n for n in result.notes)


def test_cli_run_device_only(tmp_path):
    src = tmp_path / "shift.mlu"
    src.write_text(SHIFT_MLU)
    proc = subprocess.run([sys.executable, "-m", "xpiler.cli", "run", src, "--launch", "union=1,tasks=4"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "shift<<<{4, 1, 1}" in proc.stdout and "dst: float32[1001]" in proc.stdout


def test_cli_launch_on_file_with_host_code_is_refused(tmp_path):
    src = tmp_path / "k.cu"
    src.write_text(SCALE_CU + 'extern "C" void go(float* X, float* Y) { scale_kernel0<<<7, 128>>>(X, Y); }\n')
    proc = subprocess.run([sys.executable, "-m", "xpiler.cli", "translate", src, "--to", "vnni",
                           "--launch", "grid=7,block=128"], capture_output=True, text=True)
    assert proc.returncode != 0 and "--launch applies to a device-only kernel" in proc.stderr
    assert "Traceback" not in proc.stderr
