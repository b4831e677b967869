"""Semantics of the catalog's intrinsics, registered by name.

An implementation is `fn(machine, call, args, mask) -> value`: `args` are evaluated argument
values (numpy arrays per lane, `Ptr`s, `FragmentValue`s, `VarRef`s), `mask` the active lanes.
The catalog (xpiler/catalog/*.toml) describes each intrinsic once; this registry holds the
executable half of that description, and a test keeps the two in step.
"""
from __future__ import annotations

import importlib
from typing import Callable

REGISTRY: dict[str, Callable] = {}
_FAMILIES = ("runtime", "stdio", "simt", "math", "wmma", "mfma", "bang", "x86")
_loaded = False


def semantics(*names: str):
    """Register the decorated function as the semantics of `names`."""
    def deco(fn):
        for n in names:
            REGISTRY[n] = fn
        return fn
    return deco


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for family in _FAMILIES:
        try:
            importlib.import_module(f"{__name__}.{family}")
        except ModuleNotFoundError as e:
            if e.name != f"{__name__}.{family}":
                raise


def lookup(name: str, platform=None) -> Callable | None:
    _load()
    fn = REGISTRY.get(name)
    if fn is None and name.startswith("nvcuda::"):
        fn = REGISTRY.get(name[len("nvcuda::"):])
    if fn is None and name.startswith("std::"):
        fn = REGISTRY.get(name[len("std::"):])
    return fn
