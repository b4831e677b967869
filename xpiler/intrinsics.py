"""The intrinsic catalog: one entry per intrinsic or library function, read from TOML data files.

Each entry (`xpiler/catalog/<family>.toml`, one table per name) has a `signature` in C spelling;
`T` stands for a generic element type resolved from the arguments. Further keys (semantics,
units, lanes, costs) serve the interpreter, the detensorizer, emitters and cost models.
"""
from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .types import DType, Pointer, Scalar, Type, Unknown, VecKind, Vector, Void, common, scalar

CATALOG_DIR = Path(__file__).with_name("catalog")

_EXTRA_TYPES = {
    "floatx4": Vector(DType.F32, 4, VecKind.EXT, "floatx4"),
    "floatx16": Vector(DType.F32, 16, VecKind.EXT, "floatx16"),
    "halfx4": Vector(DType.F16, 4, VecKind.EXT, "halfx4"),
}


@dataclass(frozen=True)
class Param:
    name: str
    ctype: str               # spelling, e.g. "const T*", "unsigned", "fragment"


@dataclass(frozen=True)
class Intrinsic:
    name: str
    family: str              # the catalog file it comes from
    ret: str
    params: tuple[Param, ...]
    data: dict = field(default_factory=dict, compare=False, hash=False)

    def return_type(self, arg_types: list[Type]) -> Type:
        return _resolve(self.ret, self.params, arg_types)


def _parse_signature(sig: str) -> tuple[str, tuple[Param, ...]]:
    ret, _, rest = sig.partition("(")
    inner = rest.rsplit(")", 1)[0].strip()
    params = []
    if inner and inner != "void":
        for i, p in enumerate(inner.split(",")):
            p = p.strip()
            if p == "...":
                params.append(Param("...", "..."))
                continue
            head, _, name = p.rpartition(" ")
            if not head or name.endswith("*") or not name.replace("_", "").isalnum():
                head, name = p, f"arg{i}"
            stars = len(name) - len(name.lstrip("*"))
            params.append(Param(name.lstrip("*"), head + "*" * stars))
    return ret.strip(), tuple(params)


@functools.lru_cache(maxsize=1)
def catalog() -> dict[str, Intrinsic]:
    table: dict[str, Intrinsic] = {}
    for path in sorted(CATALOG_DIR.glob("*.toml")):
        with path.open("rb") as fh:
            data = tomllib.load(fh)
        for name, entry in data.items():
            ret, params = _parse_signature(entry["signature"])
            table[name] = Intrinsic(name, path.stem, ret, params, entry)
    return table


def lookup(name: str) -> Intrinsic | None:
    table = catalog()
    if name in table:
        return table[name]
    if name.startswith("nvcuda::"):
        return table.get(name[len("nvcuda::"):])
    return None


def spelled_type(text: str) -> Type | None:
    """A catalog type spelling without generics: 'float', 'unsigned long long', 'halfx4'."""
    from .builtins import NAMED_TYPES, type_modifiers
    text = text.replace("const ", "").strip()
    stars = text.count("*")
    base = text.replace("*", "").strip()
    words = base.split()
    mods = [w for w in words if w in ("unsigned", "signed", "long", "short")]
    rest = [w for w in words if w not in mods]
    if base in _EXTRA_TYPES:
        t: Type | None = _EXTRA_TYPES[base]
    elif mods:
        t = type_modifiers(mods, NAMED_TYPES.get(rest[0]) if rest else None)
    elif base == "void":
        t = Void()
    else:
        t = NAMED_TYPES.get(base)
    if t is None:
        return None
    for _ in range(stars):
        t = Pointer(t)
    return t


def _resolve(ret: str, params: tuple[Param, ...], args: list[Type]) -> Type:
    if ret != "T":
        t = spelled_type(ret)
        return t if t is not None else Unknown()
    found: list = []
    for p, a in zip(params, args):
        base = p.ctype.replace("const ", "").strip()
        if base == "T":
            found.append(a)
        elif base == "T*" and isinstance(a, Pointer):
            found.append(a.to)
    scalars = [t for t in found if isinstance(t, Scalar)]
    if len(scalars) == len(found) and scalars:
        d = scalars[0].dtype
        for s in scalars[1:]:
            d = common(d, s.dtype)
        return scalar(d)
    return found[0] if found else Unknown()
