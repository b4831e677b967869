"""Loading corpus kernels and their numpy references (tests/corpus/<platform>/<name>.<ext> + <name>.py)."""
from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import numpy as np

CORPUS = Path(__file__).resolve().parent / "corpus"
EXTENSIONS = {"cuda": ".cu", "hip": ".hip", "bang": ".mlu", "vnni": ".cpp"}


@dataclass(frozen=True)
class CorpusKernel:
    platform: str
    name: str
    source: Path
    reference: ModuleType

    @property
    def id(self) -> str:
        return f"{self.platform}/{self.name}"

    def cases(self) -> list[dict]:
        return list(getattr(self.reference, "CASES", [{}]))

    def inputs(self, case: dict, seed: int = 0) -> dict:
        return self.reference.make_inputs(np.random.default_rng(seed), **case)


def _load_module(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"corpus_ref_{path.parent.name}_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def corpus(platform: str | None = None) -> list[CorpusKernel]:
    platforms = [platform] if platform else list(EXTENSIONS)
    found = []
    for p in platforms:
        for src in sorted((CORPUS / p).glob(f"*{EXTENSIONS[p]}")):
            ref = src.with_suffix(".py")
            if ref.exists():
                found.append(CorpusKernel(p, src.stem, src, _load_module(ref)))
    return found


def assert_outputs_match(kernel: CorpusKernel, got: dict, expected: dict) -> None:
    tol = getattr(kernel.reference, "TOLERANCE", {"rtol": 1e-5, "atol": 1e-6})
    for name, want in expected.items():
        have = got[name]
        assert have.shape == want.shape, f"{kernel.id}: {name} shape {have.shape} != {want.shape}"
        if np.issubdtype(want.dtype, np.integer):
            bad = np.flatnonzero(have.ravel() != want.ravel())
        else:
            h = have.astype(np.float64).ravel(); w = want.astype(np.float64).ravel()
            bad = np.flatnonzero(~np.isclose(h, w, rtol=tol["rtol"], atol=tol["atol"], equal_nan=True))
        if bad.size:
            i = bad[0]
            raise AssertionError(f"{kernel.id}: output {name} differs at {bad.size} of {want.size} "
                                 f"elements; first at flat index {i}: got {have.ravel()[i]!r}, "
                                 f"expected {want.ravel()[i]!r}")
