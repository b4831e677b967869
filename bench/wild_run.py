"""`xpiler run` on every wild kernel (tests/wild): the command a user runs to execute a kernel in
xpiler's interpreter, on the kernel's smallest reference case (the sizes it was written for),
its outputs checked against the numpy reference. Prints, per platform: kernels, meets the
reference, median / p95 / max seconds of the command (in-process: `xpiler.cli.main`, without the
Python start-up), and the slowest kernel.

Run: python bench/wild_run.py [--only SUBSTRING] [--json FILE]
"""
from __future__ import annotations

import argparse
import contextlib
import datetime
import io
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.corpus_support import assert_outputs_match, wild  # noqa: E402
from tests.wild.test_wild import smallest_case  # noqa: E402
from xpiler.cli import main as xpiler  # noqa: E402


def run(kernel, tmp: Path) -> dict:
    ref = kernel.reference
    case = smallest_case(kernel)
    inputs = kernel.inputs(case)
    np.savez(tmp / "in.npz", **inputs)
    args = ["run", str(kernel.source), "--inputs", str(tmp / "in.npz"), "--outputs", str(tmp / "out.npz")]
    if kernel.launch:
        args += ["--entry", ref.ENTRY, "--launch", kernel.launch_option]
    row = {"kernel": kernel.id, "platform": kernel.platform}
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
        code = xpiler(args)
    row["seconds"] = time.perf_counter() - start
    if code != 0:
        row.update(ok=False, reason=err.getvalue().strip().splitlines()[-1:] or [f"exit {code}"])
        return row
    with np.load(tmp / "out.npz") as out:
        got = {n: out[n] for n in ref.OUTPUTS}
    try:
        assert_outputs_match(kernel, got, ref.reference(kernel.inputs(case)))
        row["ok"] = True
    except AssertionError as e:
        row.update(ok=False, reason=str(e).splitlines()[:1])
    return row


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", help="substring a kernel id must contain")
    ap.add_argument("--json", help="write every row to this file")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for kernel in wild():
            if args.only and args.only not in kernel.id:
                continue
            rows.append(run(kernel, Path(tmp)))
            r = rows[-1]
            print(f"  {r['kernel']:44s} {'ok  ' if r['ok'] else 'FAIL'} {r['seconds']:6.2f}s "
                  f"{'' if r['ok'] else r.get('reason')}", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))
    print(f"\n# bench/wild_run.py (xpiler run, smallest case) — {datetime.date.today()} — "
          f"{platform.node()} ({os.cpu_count()} cpus)\n")
    print("| platform | kernels | meets reference | median s | p95 s | max s | slowest |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for name in ["cuda", "hip", "bang", "vnni", None]:
        sel = [r for r in rows if name is None or r["platform"] == name]
        if not sel:
            continue
        secs = sorted(r["seconds"] for r in sel)
        p95 = secs[min(len(secs) - 1, int(round(0.95 * (len(secs) - 1))))]
        slow = max(sel, key=lambda r: r["seconds"])
        print(f"| {name or 'all'} | {len(sel)} | {100 * sum(r['ok'] for r in sel) / len(sel):.0f}% | "
              f"{statistics.median(secs):.2f} | {p95:.2f} | {secs[-1]:.2f} | {slow['kernel']} |")


if __name__ == "__main__":
    main()
