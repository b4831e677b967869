"""Every corpus kernel parses; printing its IR and parsing that again gives the same IR."""
import pytest

from xpiler.grammar import parse, parse_file
from xpiler.printer import print_module
from xpiler.serialize import to_data
from tests.corpus_support import CORPUS, EXTENSIONS

FILES = sorted(p for ext in EXTENSIONS.values() for p in CORPUS.glob(f"*/*{ext}"))


def test_corpus_is_large_enough():
    per_platform = {p: len(list((CORPUS / p).glob(f"*{ext}"))) for p, ext in EXTENSIONS.items()}
    assert sum(per_platform.values()) >= 40, per_platform
    assert all(n >= 8 for n in per_platform.values()), per_platform


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_parses_and_round_trips(path):
    module = parse_file(path)
    assert module.kernels, f"{path}: no kernel found"
    again = parse(print_module(module), str(path), module.platform)
    assert again.functions == module.functions
    assert again.globals == module.globals


@pytest.mark.parametrize("path", FILES[:6], ids=lambda p: f"{p.parent.name}/{p.name}")
def test_json_has_every_function(path):
    module = parse_file(path)
    data = to_data(module)
    assert [f["name"] for f in data["functions"]] == [f.name for f in module.functions]
