"""Mutated and garbled kernels never crash the front end: either they parse, or the error is an
XpilerError with a position inside the file (the CLI prints it as a diagnostic)."""
import random

from hypothesis import HealthCheck, given, settings, strategies as st

from xpiler.diagnostics import XpilerError
from xpiler.grammar import parse
from tests.corpus_support import CORPUS, EXTENSIONS

SOURCES = sorted(p for ext in EXTENSIONS.values() for p in CORPUS.glob(f"*/*{ext}"))
SNIPPETS = ["{", "}", "(", ")", ";", "<<<", ">>>", "#define X(", "#if 0\n", "#endif\n", "__shared__",
            "goto", "template <", "wmma::fragment<", "\"", "'", "/*", "\\\n", "float4", "[", "]",
            "++", "->", "::", "0x", "1e", "__nram__", "#pragma unroll\n", "sizeof(", "?", ":"]


def mutate(text: str, seed: int, edits: int) -> str:
    rng = random.Random(seed)
    for _ in range(edits):
        if not text:
            break
        i = rng.randrange(len(text))
        j = min(len(text), i + rng.randrange(1, 40))
        choice = rng.randrange(4)
        if choice == 0:
            text = text[:i] + text[j:]                          # delete a span
        elif choice == 1:
            text = text[:i] + rng.choice(SNIPPETS) + text[i:]   # insert a token
        elif choice == 2:
            text = text[:i] + text[i:j][::-1] + text[j:]        # scramble a span
        else:
            k = rng.randrange(len(text))
            text = text[:k] + text[i:j] + text[k:]              # duplicate a span elsewhere
    return text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(index=st.integers(0, len(SOURCES) - 1), seed=st.integers(0, 2**31), edits=st.integers(1, 4))
def test_mutated_kernels_give_positioned_diagnostics(index, seed, edits):
    path = SOURCES[index]
    text = mutate(path.read_text(), seed, edits)
    try:
        parse(text, path.name)
    except XpilerError as e:
        assert e.span is not None, e.message
        assert 1 <= e.span.line <= text.count("\n") + 2, e.render()
        assert e.render().startswith(f"{path.name}:{e.span.line}:{e.span.col}: error: ")


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(list("{}()[];,<>=+-*/&|!~^%?:.#\"' \nabcfx01_") + SNIPPETS), max_size=40))
def test_garbage_gives_positioned_diagnostics(pieces):
    text = "".join(pieces)
    try:
        parse(text, "garbage.cu")
    except XpilerError as e:
        assert e.span is not None, e.message
