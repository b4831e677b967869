"""Front-end speed: parse time per corpus file and for a 1,000+-line file, in lines per second.

Target (issue 2): a 1,000-line file in under 0.5 s on the 2-core CI machine.
Run: python bench/parse.py
"""
from __future__ import annotations

import datetime
import os
import platform
import statistics
import time
from pathlib import Path

from xpiler.grammar import parse
from xpiler.grammar.parser import _lark

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus"
EXTS = {"cuda": ".cu", "hip": ".hip", "bang": ".mlu", "vnni": ".cpp"}


def timed(text: str, name: str, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        parse(text, name)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def big_file(min_lines: int = 1000) -> str:
    """CUDA corpus files concatenated until at least `min_lines` lines (a realistic mix)."""
    parts, lines = [], 0
    files = sorted((CORPUS / "cuda").glob("*.cu"))
    while lines < min_lines:
        for f in files:
            text = f.read_text()
            parts.append(text)
            lines += text.count("\n")
            if lines >= min_lines:
                break
    return "\n".join(parts)


def main() -> None:
    t0 = time.perf_counter()
    _lark()
    grammar_s = time.perf_counter() - t0
    print(f"# bench/parse.py — {datetime.date.today()} — {platform.node()} "
          f"({os.cpu_count()} cpus, {platform.processor() or platform.machine()}, Python {platform.python_version()})")
    print(f"grammar load (once per process): {grammar_s * 1000:.0f} ms\n")
    print(f"| file | lines | ms | lines/s |")
    print(f"|---|---:|---:|---:|")
    total_lines = total_s = 0.0
    for plat, ext in EXTS.items():
        for f in sorted((CORPUS / plat).glob(f"*{ext}")):
            text = f.read_text()
            s = timed(text, f.name)
            n = text.count("\n")
            total_lines += n
            total_s += s
            print(f"| {plat}/{f.name} | {n} | {s * 1000:.1f} | {n / s:,.0f} |")
    big = big_file()
    n = big.count("\n")
    s = timed(big, "big.cu")
    print(f"\ncorpus total: {total_lines:.0f} lines in {total_s:.2f} s ({total_lines / total_s:,.0f} lines/s)")
    print(f"{n}-line file: {s:.3f} s ({n / s:,.0f} lines/s); target < 0.5 s -> "
          f"{'met' if s < 0.5 else 'NOT met'} (ratio to target {s / 0.5:.2f})")


if __name__ == "__main__":
    main()
