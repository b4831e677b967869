"""Kernel IR -> JSON-ready data (`xpiler parse --json`): every node with its class and fields."""
from __future__ import annotations

import dataclasses
import math
from enum import Enum

from .diagnostics import Span


def to_data(x):
    """Dataclass nodes become {"node": ClassName, field: value, ...}; spans become [line, col]."""
    if isinstance(x, Span):
        return [x.line, x.col]
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        out = {"node": type(x).__name__}
        for f in dataclasses.fields(x):
            value = getattr(x, f.name)
            if f.name == "span" and value is None:
                continue
            out[f.name] = to_data(value)
        return out
    if isinstance(x, Enum):
        return x.value if not isinstance(x.value, tuple) else x.name
    if isinstance(x, (list, tuple)):
        return [to_data(v) for v in x]
    if isinstance(x, (set, frozenset)):
        return sorted(to_data(v) for v in x)
    if isinstance(x, float) and not math.isfinite(x):
        return repr(x)
    return x
