"""What g++, gcc, nvcc and hipcc select for the overloaded math names, asked from the compilers.

For every (function, argument types) of a matrix this writes one function whose body names the
call's type (`Show<decltype(f(a, b))> s;`, an incomplete type) and reads the type, or the
refusal, back from the compiler's error messages. `python3 tests/interp/overload_tables.py`
rewrites tests/interp/data/overloads.json; tests/interp/test_overloads.py checks xpiler's
resolution (grammar/overloads.py) against that record and, where a compiler is installed,
the record against the compiler.
"""
from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

RECORD = Path(__file__).with_name("data") / "overloads.json"

INTS = ["bool", "char", "short", "int", "unsigned", "long long", "unsigned long long"]
FLOATS = ["float", "double"]
UNARY = ["abs", "fabs", "fabsf", "exp", "sqrt"]
BINARY = ["max", "min", "fmax", "fmin", "fmaxf"]
STD_UNARY = ["std::abs", "std::exp"]
STD_BINARY = ["std::max", "std::min", "std::fmax"]

_CXX_HEADERS = ["<cmath>", "<cstdlib>", "<algorithm>"]
# variant -> (dialect, `using namespace std;`, compiler, includes, argument types, functions)
VARIANTS = {
    "cuda": ("cuda", False, "nvcc", ["<cuda_fp16.h>"], INTS + FLOATS + ["__half"],
             (UNARY + STD_UNARY, BINARY + STD_BINARY)),
    "hip": ("hip", False, "hipcc", ["<hip/hip_runtime.h>", "<hip/hip_fp16.h>"],
            INTS + FLOATS + ["__half"], (UNARY + STD_UNARY, BINARY + STD_BINARY)),
    "c++": ("c++", False, "g++", _CXX_HEADERS, INTS + FLOATS + ["_Float16"],
            (UNARY + STD_UNARY, BINARY + STD_BINARY)),
    "c++ using namespace std": ("c++", True, "g++", _CXX_HEADERS, INTS + FLOATS, (UNARY, BINARY)),
    "c++ math.h": ("c++", False, "g++", ["<math.h>"], INTS + FLOATS, (UNARY, BINARY)),
    "c++ stdlib.h": ("c++", False, "g++", ["<stdlib.h>", "<cmath>"], INTS + FLOATS, (UNARY, [])),
    "c": ("c", False, "gcc", ["<math.h>", "<stdlib.h>", "<stdbool.h>"], INTS + FLOATS, (UNARY, BINARY)),
}
DTYPE_OF = {"bool": "BOOL", "char": "I8", "short": "I16", "int": "I32", "unsigned": "U32",
            "long long": "I64", "unsigned long long": "U64", "float": "F32", "double": "F64",
            "__half": "F16", "_Float16": "F16"}


def cases(variant: str) -> list[tuple[str, tuple[str, ...]]]:
    *_, types, (unary, binary) = VARIANTS[variant]
    out = [(f, (a,)) for f in unary for a in types]
    out += [(f, (a, b)) for f in binary for a, b in itertools.product(types, types)]
    return out


def key(fn: str, args: tuple[str, ...]) -> str:
    return f"{fn}({', '.join(args)})"


def _source(variant: str) -> tuple[str, int]:
    dialect, using_std, _, includes, *_ = VARIANTS[variant]
    device = "__device__ " if dialect in ("cuda", "hip") else ""
    lines = [f"#include {h}" for h in includes] + (["using namespace std;"] if using_std else [])
    if dialect == "c":
        lines.append("struct Show { int x; };")
    else:
        lines.append("template <class T> struct Show;")
    first = len(lines) + 1
    for i, (fn, args) in enumerate(cases(variant)):
        params = ", ".join(f"{t} a{j}" for j, t in enumerate(args))
        call = f"{fn}({', '.join(f'a{j}' for j in range(len(args)))})"
        if dialect == "c":
            body = f"__typeof__({call}) *p = (struct Show *)0; (void)p;"
        else:
            body = f"Show<decltype({call})> s;"
        lines.append(f"{device}void case{i}({params}) {{ {body} }}")
    return "\n".join(lines) + "\n", first


_COMMAND = {
    "nvcc": ["nvcc", "-Xcudafe", "--error_limit=100000", "-c", "{src}", "-o", "{obj}"],
    "hipcc": ["hipcc", "-fsyntax-only", "-ferror-limit=0", "--offload-arch=gfx90a", "-x", "hip", "{src}"],
    "g++": ["g++", "-std=c++17", "-fsyntax-only", "-fmax-errors=0", "{src}"],
    "gcc": ["gcc", "-std=c11", "-fsyntax-only", "-fmax-errors=0", "-Werror", "{src}"],
}
_SUFFIX = {"nvcc": ".cu", "hipcc": ".hip", "g++": ".cpp", "gcc": ".c"}


def available(variant: str) -> bool:
    return shutil.which(VARIANTS[variant][2]) is not None


def ask(variant: str) -> dict[str, str]:
    """The compiler's answer for every case: a type spelling, AMBIGUOUS, NOMATCH or UNDECLARED."""
    compiler = VARIANTS[variant][2]
    text, first = _source(variant)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / ("probe" + _SUFFIX[compiler])
        src.write_text(text)
        cmd = [a.format(src=src, obj=Path(tmp) / "probe.o") for a in _COMMAND[compiler]]
        env = dict(os.environ, HIP_PLATFORM="amd", LC_ALL="C", LANG="C")
        out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600).stderr
    found: dict[int, str] = {}
    pattern = (r"probe\.cu\((\d+)\): error: (.*)" if compiler == "nvcc"
               else r"probe\.\w+:(\d+):\d+: error: (.*)")
    for m in re.finditer(pattern, out):
        i, msg = int(m.group(1)) - first, m.group(2)
        t = re.search(r"Show<(.*)>(?: s)?['\"]", msg) or re.search(r"initialization of '(.*?) \*'", msg)
        if t and "error-type" not in t.group(1):
            found.setdefault(i, re.sub(r"^const |&$", "", t.group(1).strip()).strip())
        elif "ambiguous" in msg or "more than one instance" in msg:
            found.setdefault(i, "AMBIGUOUS")
        elif "no matching" in msg or "no instance" in msg or "incompatible type for argument" in msg:
            found.setdefault(i, "NOMATCH")
        elif "not declared" in msg or "implicit declaration" in msg or "undeclared" in msg \
                or "is not a member of" in msg:
            found.setdefault(i, "UNDECLARED")
    # gcc says "implicit declaration" at a name's first use only
    undeclared = {fn for i, (fn, _) in enumerate(cases(variant)) if found.get(i) == "UNDECLARED"}
    return {key(fn, args): "UNDECLARED" if fn in undeclared else found.get(i, "?")
            for i, (fn, args) in enumerate(cases(variant))}


def record() -> None:
    data = {}
    for variant, (dialect, using_std, compiler, includes, *_rest) in VARIANTS.items():
        if not available(variant):
            raise SystemExit(f"{compiler} is not installed: cannot record '{variant}'")
        data[variant] = {"dialect": dialect, "using_std": using_std, "includes": includes,
                         "cases": ask(variant)}
    RECORD.parent.mkdir(exist_ok=True)
    RECORD.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    record()
