"""Check wild kernels against their numpy references by native execution on this machine.

    python3 tests/wild/check_native.py [PATH ...]     (files or folders; default: the whole wild set)

vnni kernels are compiled with g++ and run on this CPU; bang kernels through the BANG-on-CPU
emulation header; cuda/hip kernels through the SIMT-on-CPU emulation headers (g++; every GPU
thread a fiber). A kernel whose reference has `LAUNCH` is device-only: this tool appends a host
wrapper of its own (device allocations sized from the inputs, copies, the launch the reference
states, copies back), found by matching the kernel's signature in the text, so that xpiler's own
parser is not involved in the ground truth. Prints one line per case; exit 1 if any case fails.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.corpus_support import EXTENSIONS, WILD, CorpusKernel, _load_module, assert_outputs_match  # noqa: E402
from xpiler.oracle import native  # noqa: E402

TOOL = {"vnni": "vnni", "bang": "bang", "cuda": "cuda-cpu", "hip": "hip-cpu"}


def kernels_under(paths: list[str]) -> list[CorpusKernel]:
    files: list[Path] = []
    for p in map(Path, paths or [str(WILD)]):
        if p.is_dir():
            files += sorted(f for ext in EXTENSIONS.values() for f in p.rglob(f"*{ext}"))
        else:
            files.append(p)
    by_ext = {ext: plat for plat, ext in EXTENSIONS.items()}
    out = []
    for f in files:
        ref = f.with_suffix(".py")
        if f.suffix in by_ext and ref.exists():
            out.append(CorpusKernel(by_ext[f.suffix], f.stem, f, _load_module(ref)))
    return out


def _blank_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", lambda m: re.sub(r"[^\n]", " ", m.group(0)), text, flags=re.S)
    return re.sub(r"//[^\n]*", lambda m: " " * len(m.group(0)), text)


def device_signature(text: str, name: str) -> list[tuple[str, str]]:
    """[(type text, parameter name)] of the __global__ / __mlu_global__ function `name`."""
    code = _blank_comments(text)
    for m in re.finditer(rf"\b{re.escape(name)}\s*\(", code):
        head = code[max(code.rfind(";", 0, m.start()), code.rfind("}", 0, m.start())) + 1:m.start()]
        if "__global__" not in head and "__mlu_global__" not in head and "__mlu_entry__" not in head:
            continue
        depth, i = 1, m.end()
        while depth:
            depth += {"(": 1, ")": -1}.get(code[i], 0)
            i += 1
        params, depth, cur = [], 0, ""
        for ch in code[m.end():i - 1]:
            if ch == "," and depth == 0:
                params.append(cur)
                cur = ""
                continue
            depth += {"(": 1, ")": -1, "<": 1, ">": -1}.get(ch, 0)
            cur += ch
        params.append(cur)
        out = []
        for p in (p.split("=")[0].strip() for p in params if p.strip() and p.strip() != "void"):
            pm = re.match(r"(.*?)([A-Za-z_]\w*)\s*$", p, re.S)
            out.append((" ".join(pm.group(1).split()), pm.group(2)))
        return out
    raise SystemExit(f"no __global__/__mlu_global__ function '{name}' found")


def launch_wrapper(kernel: CorpusKernel, inputs: dict) -> str:
    """Host code that runs the device-only kernel as its caller would (LAUNCH of the reference)."""
    ref, launch = kernel.reference, kernel.launch
    sig = device_signature(kernel.source.read_text(), ref.ENTRY)
    assert [n for _, n in sig] == list(ref.PARAMS), f"{kernel.id}: PARAMS {ref.PARAMS} != kernel's {sig}"
    api = {"cuda": ("cudaMalloc", "cudaMemcpy", "cudaMemcpyHostToDevice", "cudaMemcpyDeviceToHost", "cudaFree"),
           "hip": ("hipMalloc", "hipMemcpy", "hipMemcpyHostToDevice", "hipMemcpyDeviceToHost", "hipFree"),
           "bang": ("cnrtMalloc", "cnrtMemcpy", "cnrtMemcpyHostToDev", "cnrtMemcpyDevToHost", "cnrtFree")}
    malloc, memcpy, h2d, d2h, free = api[kernel.platform]
    lines = ["#include <cnrt.h>"] if kernel.platform == "bang" else []
    lines += [f'extern "C" void __wild_launch({", ".join(f"{t} {n}" for t, n in sig)}) {{']
    args = []
    for t, n in sig:
        if isinstance(inputs[n], np.ndarray):
            nb = inputs[n].nbytes
            lines += [f"  void* __wild_d_{n} = 0; {malloc}(&__wild_d_{n}, {nb});",
                      f"  {memcpy}(__wild_d_{n}, (void*){n}, {nb}, {h2d});"]
            args.append(f"({t})__wild_d_{n}")
        else:
            args.append(n)
    if kernel.platform == "bang":
        union = int(launch.get("union", 1))
        kt = "cnrtFuncTypeBlock" if union == 0 else f"cnrtFuncTypeUnion{union}"
        lines += ["  cnrtQueue_t __wild_q; cnrtQueueCreate(&__wild_q);",
                  f"  cnrtDim3_t __wild_dim = {{{int(launch['tasks'])}, 1, 1}};",
                  f"  {ref.ENTRY}<<<__wild_dim, {kt}, __wild_q>>>({', '.join(args)});",
                  "  cnrtQueueSync(__wild_q); cnrtQueueDestroy(__wild_q);"]
    else:
        g = ", ".join(str(int(v)) for v in (list(launch["grid"]) + [1, 1])[:3])
        b = ", ".join(str(int(v)) for v in (list(launch["block"]) + [1, 1])[:3])
        shmem = int(launch.get("shared_bytes", 0))
        sync = "cudaDeviceSynchronize" if kernel.platform == "cuda" else "hipDeviceSynchronize"
        lines += [f"  {ref.ENTRY}<<<dim3({g}), dim3({b}), {shmem}>>>({', '.join(args)});", f"  {sync}();"]
    for t, n in sig:
        if isinstance(inputs[n], np.ndarray):
            nb = inputs[n].nbytes
            lines.append(f"  {memcpy}((void*){n}, __wild_d_{n}, {nb}, {d2h}); {free}(__wild_d_{n});")
    lines.append("}")
    return "\n".join(lines) + "\n"


def run_case(kernel: CorpusKernel, case: dict, seed: int = 0) -> dict:
    """Outputs of one native run of `kernel` on the reference's inputs for `case`."""
    ref = kernel.reference
    inputs = kernel.inputs(case, seed)
    text = kernel.source.read_text()
    entry = ref.ENTRY
    if kernel.launch:
        text += "\n" + launch_wrapper(kernel, inputs)
        entry = "__wild_launch"
    got = native.run_native(text, TOOL[kernel.platform], entry, list(ref.PARAMS), inputs)
    return inputs, got


def check(kernel: CorpusKernel) -> list[str]:
    """Failure messages (empty: every case meets the reference)."""
    ref = kernel.reference
    problems = []
    for i, case in enumerate(kernel.cases()):
        try:
            inputs, got = run_case(kernel, case)
            expected = ref.reference({k: (v.copy() if hasattr(v, "copy") else v)
                                      for k, v in kernel.inputs(case).items()})
            assert set(expected) == set(ref.OUTPUTS), f"reference() returns {sorted(expected)}"
            for name, want in expected.items():
                assert got[name].dtype == want.dtype, f"{name} dtype {got[name].dtype} != {want.dtype}"
            assert_outputs_match(kernel, {n: got[n].reshape(expected[n].shape) for n in ref.OUTPUTS}, expected)
        except (native.NativeError, AssertionError, KeyError) as e:
            problems.append(f"case {i} {case}: {str(e).strip().splitlines()[-1][:300]}")
    return problems


def main(argv: list[str]) -> int:
    failed = 0
    for k in kernels_under(argv):
        missing = native.available(TOOL[k.platform])
        if missing:
            print(f"SKIP {k.id}: {missing}")
            continue
        problems = check(k)
        failed += bool(problems)
        print(("FAIL " if problems else "PASS ") + k.id + "".join("\n    " + p for p in problems))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
