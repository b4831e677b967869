"""Run CUDA for real on a lent GPU: the CUDA corpus kernels and every corpus kernel of the other
interfaces translated to CUDA, each compiled with nvcc and called through its host entry on
every reference case, compared with the numpy reference (and, for the CUDA corpus, with the
interpreter's result on the same inputs).

Two steps, because the GPU machine has nvcc and numpy but not xpiler's dependencies:

    python3 bench/gpu_check.py bundle DIR      # here: translate, draw inputs, compute expectations
    python3 bench/gpu_check.py run DIR OUT     # on the GPU machine: nvcc, run, compare; table to OUT

`run` needs only numpy and oracle/native.py. It prints a markdown table (machine, date, one row
per kernel and case) and writes OUT/gpu_check.json and OUT/gpu_check.md.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import json
import platform
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def bundle(out: Path) -> None:
    from xpiler.grammar import parse_file
    from xpiler.interp import Interpreter
    from xpiler.pipeline import translate
    from tests.corpus_support import corpus
    out.mkdir(parents=True, exist_ok=True)
    items = []
    for k in corpus():
        ref = k.reference
        name = f"{k.platform}_{k.name}"
        if k.platform == "cuda":
            text, how = k.source.read_text(), "corpus"
        else:
            try:
                text = translate(k.source, "cuda", verify=False, extents=getattr(ref, "EXTENTS", None)).text
                how = f"translated from {k.platform}"
            except Exception as e:                      # refused: recorded, not run
                items.append(dict(name=name, kernel=k.id, how=f"translated from {k.platform}",
                                  refused=str(getattr(e, "message", e))[:200]))
                print(f"{k.id}: refused", file=sys.stderr)
                continue
        (out / f"{name}.cu").write_text(text)
        cases = []
        for i, case in enumerate(k.cases()):
            inputs = k.inputs(case, seed=1)
            expected = ref.reference({n: (v.copy() if isinstance(v, np.ndarray) else v) for n, v in inputs.items()})
            arrays = {f"in_{n}": np.asarray(v) for n, v in inputs.items()}
            arrays.update({f"ref_{n}": v for n, v in expected.items()})
            if k.platform == "cuda":
                got = Interpreter(parse_file(k.source)).run(ref.ENTRY, {n: (v.copy() if isinstance(v, np.ndarray) else v)
                                                                        for n, v in inputs.items()})
                arrays.update({f"interp_{n}": got[n] for n in ref.OUTPUTS})
            np.savez_compressed(out / f"{name}_{i}.npz", **arrays)
            cases.append(i)
        items.append(dict(name=name, kernel=k.id, how=how, entry=ref.ENTRY, params=list(ref.PARAMS),
                          outputs=list(ref.OUTPUTS), cases=cases,
                          tolerance=getattr(ref, "TOLERANCE", {"rtol": 1e-5, "atol": 1e-6})))
        print(f"{k.id}: {len(cases)} case(s)", file=sys.stderr)
    (out / "manifest.json").write_text(json.dumps(items, indent=1))


def _agree(got: np.ndarray, want: np.ndarray, tol: dict) -> tuple[bool, str]:
    if got.shape != want.shape:
        return False, f"shape {got.shape} != {want.shape}"
    if np.issubdtype(want.dtype, np.integer):
        bad = np.flatnonzero(got.ravel() != want.ravel())
    else:
        g, w = got.astype(np.float64).ravel(), want.astype(np.float64).ravel()
        bad = np.flatnonzero(~np.isclose(g, w, rtol=tol["rtol"], atol=tol["atol"], equal_nan=True))
    if bad.size:
        i = bad[0]
        return False, f"{bad.size}/{want.size} differ, first [{i}]: {got.ravel()[i]!r} vs {want.ravel()[i]!r}"
    return True, ""


def run(bundle_dir: Path, out: Path) -> int:
    from oracle import native
    out.mkdir(parents=True, exist_ok=True)
    items = json.loads((bundle_dir / "manifest.json").read_text())
    def tool(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True).stdout.strip()
        except OSError:
            return ""
    gpu = tool(["nvidia-smi", "--query-gpu=name,driver_version", "--format=csv,noheader"]) or "no GPU found"
    nvcc = tool(["nvcc", "--version"]).splitlines()[-1:]
    start = time.time()

    def build(item):
        try:
            return item["name"], native.compile_shared((bundle_dir / f"{item['name']}.cu").read_text(), "cuda"), None
        except Exception as e:
            return item["name"], None, str(e).splitlines()[-1][:200] if str(e) else repr(e)
    runnable = [it for it in items if "refused" not in it]
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        libs = {n: (lib, err) for n, lib, err in pool.map(build, runnable)}
    compile_s = time.time() - start
    rows = []
    for it in items:
        if "refused" in it:
            rows.append(dict(kernel=it["kernel"], how=it["how"], case="-", status="refused", detail=it["refused"]))
            continue
        lib, err = libs[it["name"]]
        if lib is None:
            rows.append(dict(kernel=it["kernel"], how=it["how"], case="-", status="nvcc failed", detail=err))
            continue
        for i in it["cases"]:
            data = np.load(bundle_dir / f"{it['name']}_{i}.npz")
            inputs = {n: (data[f"in_{n}"] if data[f"in_{n}"].ndim else data[f"in_{n}"][()]) for n in it["params"]}
            t0 = time.time()
            try:
                got = native.call(lib, it["entry"], it["params"], inputs, isolate=True, timeout=60)
            except Exception as e:
                rows.append(dict(kernel=it["kernel"], how=it["how"], case=i, status="run failed",
                                 detail=str(e)[:200]))
                continue
            seconds = time.time() - t0
            status, details = "agrees", []
            for n in it["outputs"]:
                ok, why = _agree(got[n], data[f"ref_{n}"], it["tolerance"])
                if not ok:
                    status = "differs from reference"
                    details.append(f"{n}: {why}")
                if f"interp_{n}" in data:
                    ok, why = _agree(got[n], data[f"interp_{n}"], it["tolerance"])
                    if not ok:
                        status = "differs" if status != "agrees" else "differs from interpreter"
                        details.append(f"{n} vs interpreter: {why}")
            rows.append(dict(kernel=it["kernel"], how=it["how"], case=i, status=status,
                             detail="; ".join(details)[:300], seconds=round(seconds, 3)))
    lines = [f"# bench/gpu_check.py — {date.today()} — {gpu} — {nvcc[0] if nvcc else 'nvcc ?'} — "
             f"{platform.node()}",
             f"# compile: {len(runnable)} files in {compile_s:.1f} s (16 parallel nvcc)", "",
             "| kernel | how | case | status | detail |", "|---|---|---:|---|---|"]
    lines += [f"| {r['kernel']} | {r['how']} | {r['case']} | {r['status']} | {r['detail']} |" for r in rows]
    summary = {}
    for r in rows:
        key = r["how"]
        s = summary.setdefault(key, {"cases": 0, "agree": 0})
        s["cases"] += 1
        s["agree"] += r["status"] == "agrees"
    lines += ["", "| source | cases | agree with the numpy reference on the GPU |", "|---|---:|---:|"]
    lines += [f"| {k} | {v['cases']} | {v['agree']} |" for k, v in sorted(summary.items())]
    text = "\n".join(lines) + "\n"
    print(text)
    (out / "gpu_check.md").write_text(text)
    (out / "gpu_check.json").write_text(json.dumps(rows, indent=1))
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("bundle")
    b.add_argument("dir", type=Path)
    r = sub.add_parser("run")
    r.add_argument("dir", type=Path)
    r.add_argument("out", type=Path)
    args = ap.parse_args()
    if args.cmd == "bundle":
        bundle(args.dir)
        return 0
    return run(args.dir, args.out)


if __name__ == "__main__":
    sys.exit(main())
