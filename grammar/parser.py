"""Source text -> Lark parse tree: tokenize, preprocess, classify identifiers, LALR parse.

Identifiers are classified before parsing (the classic C "lexer hack"): names of built-in and
platform types, `typedef`/`using` names and template type parameters become TYPE_NAME,
template functions TEMPLATE_NAME, qualifiers and memory spaces QUAL. That keeps the grammar
LALR(1) and fast.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import lark
from lark.lexer import Lexer, Token

from xpiler.diagnostics import SourceFile, Span, XpilerError, not_supported

from .lexer import Tok, tokenize
from .preprocess import Pragma, Preprocessed, preprocess

GRAMMAR = Path(__file__).with_name("c_core.lark")

# Types every interface has: C/C++ and <stdint.h> types, GCC's extended floating types, and the
# x86 vector types of <immintrin.h>.
C_TYPES = frozenset("""
void char int float double bool auto size_t ptrdiff_t intptr_t uintptr_t FILE
int8_t int16_t int32_t int64_t uint8_t uint16_t uint32_t uint64_t __bf16 _Float16 __fp16
__m128 __m128i __m128d __m256 __m256i __m256d __m512 __m512i __m512d
__mmask8 __mmask16 __mmask32 __mmask64
""".split())
# Types the device toolchains' headers declare (CUDA/HIP runtime and fp16 headers, BANG). xpiler
# spells its own types with them in every interface (the canonical form, printed as C++, writes
# half, float4, dim3), but a C/C++ source may use them as names: `int dim3 = 10;` is valid C++.
DEVICE_TYPES = frozenset("""
int8 int16 int32 fix8 int4x2_t
half __half half2 __half2 __nv_bfloat16 __nv_bfloat162 bfloat16 bfloat16_t
char1 char2 char3 char4 uchar1 uchar2 uchar3 uchar4 short2 short4 ushort2 ushort4
int1 int2 int3 int4 uint1 uint2 uint3 uint4 long2 long4 float1 float2 float3 float4
double2 double4 dim3
cudaError_t cudaStream_t cudaEvent_t hipError_t hipStream_t hipEvent_t
cnrtQueue_t cnrtDim3_t cnrtFunctionType_t cnrtRet_t cnrtNotifier_t mluMemcpyDirection_t
fragment
""".split())
BUILTIN_TYPES = C_TYPES | DEVICE_TYPES


_DECLARATOR_END = frozenset({"=", ";", ",", ")", "["})


def variables_named_like_types(toks: list, types: set[str]) -> set[str]:
    """Device type names a C/C++ source declares as variables or parameters (`int dim3 = 10;`,
    `float float4`, `unsigned uint3)`): in C and C++ they are not reserved, and a file that names
    a variable so cannot also use the name as a type, so it is an identifier everywhere in it."""
    typeish = C_TYPES | DEVICE_TYPES | TYPE_MODIFIERS | types
    found = set()
    for i in range(1, len(toks) - 1):
        t = toks[i]
        if not isinstance(t, Tok) or t.kind != "id" or t.text not in DEVICE_TYPES or t.text in types:
            continue
        before, after = toks[i - 1], toks[i + 1]
        if not isinstance(after, Tok) or after.text not in _DECLARATOR_END:
            continue
        if isinstance(before, Tok) and before.text in ("*", "&") and i >= 2:
            before = toks[i - 2]
        allowed = typeish
        if isinstance(before, Tok) and before.text == ",":
            before = _statement_start(toks, i)          # `int a, half = 2;`, `static int a, half;`
            allowed = typeish | QUALIFIERS
        if isinstance(before, Tok) and before.kind == "id" and before.text in allowed:
            found.add(t.text)
    return found


def _statement_start(toks: list, i: int):
    """The first token of the statement holding toks[i], or None when toks[i] is inside
    parentheses (call arguments, parameter lists)."""
    depth = 0
    for j in range(i - 1, -1, -1):
        u = toks[j]
        if not isinstance(u, Tok):
            return toks[j + 1]
        if u.text in (")", "]"):
            depth += 1
        elif u.text in ("(", "["):
            if depth == 0:
                return None
            depth -= 1
        elif u.text in (";", "{", "}") and depth == 0:
            return toks[j + 1]
    return toks[0]

# Templates of the standard library: class templates whose members xpiler knows
# (`numeric_limits<T>::max`) and function templates called with explicit arguments (`std::max<T>`).
KNOWN_CLASS_TEMPLATES = frozenset({"numeric_limits"})
# Class templates of the standard library used as types (`std::vector<float> v(n);`); the bare
# name counts only after `using namespace std;`.
LIBRARY_TYPE_TEMPLATES = frozenset({"std::vector"})
KNOWN_FUNCTION_TEMPLATES = frozenset({"std::max", "std::min"})

QUALIFIERS = frozenset("""
const volatile static inline constexpr thread_local register
__forceinline__ __inline__ __inline __noinline__ __device__ __global__ __host__
__shared__ __constant__ __managed__ __restrict__ __restrict restrict
__mlu_global__ __mlu_entry__ __mlu_func__ __mlu_device__ __mlu_host__
__nram__ __wram__ __mlu_shared__ __ldram__ __mlu_const__
""".split())

TYPE_MODIFIERS = frozenset("signed unsigned long short".split())

UNSUPPORTED = {
    "goto": "goto", "class": "class", "union": "union",
    "new": "operator new", "delete": "operator delete", "try": "exceptions", "throw": "exceptions",
    "catch": "exceptions", "operator": "operator overloading", "virtual": "virtual functions",
    "asm": "inline assembly", "__asm__": "inline assembly", "__asm": "inline assembly",
    "friend": "friend declarations", "mutable": "mutable", "decltype": "decltype",
}


@functools.lru_cache(maxsize=1)
def _lark() -> lark.Lark:
    # cache=True: the LALR tables are kept in the temp dir, keyed by the grammar, the options and
    # lark's version (building them is most of a short command's start-up time)
    return lark.Lark(GRAMMAR.read_text(), parser="lalr", lexer=_TokenLexer,
                     propagate_positions=True, maybe_placeholders=True, cache=True)


@functools.lru_cache(maxsize=1)
def _literal_terminals() -> dict[str, str]:
    """Text of every quoted literal in the grammar -> its terminal name."""
    table = {}
    for t in _lark().terminals:
        if t.pattern.type == "str":
            table[t.pattern.value] = t.name
    return table


class _TokenLexer(Lexer):
    """Feeds the already-classified tokens to Lark."""

    def __init__(self, lexer_conf):
        pass

    def lex(self, tokens):
        yield from tokens


@dataclass
class ParseResult:
    tree: lark.Tree
    pre: Preprocessed
    file: SourceFile


# Macros the platform compilers predefine (BANG sizes are MLU370's, in KB: bang.md §3).
PREDEFINED = {
    "cuda": {"__CUDACC__": "1", "__NVCC__": "1"},
    "hip": {"__HIPCC__": "1", "__HIP_PLATFORM_AMD__": "1", "__HIP__": "1"},
    "bang": {"__BANG__": "1", "__BANG_ARCH__": "372", "__MLU_NRAM_SIZE__": "768",
             "__MLU_WRAM_SIZE__": "1024", "__MLU_SRAM_SIZE__": "4096"},
    "vnni": {"__AVX512F__": "1", "__AVX512VNNI__": "1", "__AVX512VL__": "1", "__AVX512BW__": "1",
             "__x86_64__": "1", "__GNUC__": "12"},
}


def _x86_header_macros() -> str:
    """Macros of <xmmintrin.h>/<emmintrin.h>/<immintrin.h> that kernels use as constants:
    shuffle selectors, the `_MM_PERM_ENUM` values (_MM_PERM_AAAA = 0 ... _MM_PERM_DDDD = 255, the
    first letter the most significant lane selector, A = 0) and the rounding-control bits."""
    lines = ["#define _MM_SHUFFLE(fp3, fp2, fp1, fp0) (((fp3) << 6) | ((fp2) << 4) | ((fp1) << 2) | (fp0))",
             "#define _MM_SHUFFLE2(fp1, fp0) (((fp1) << 1) | (fp0))"]
    for value in range(256):
        letters = "".join("ABCD"[(value >> shift) & 3] for shift in (6, 4, 2, 0))
        lines.append(f"#define _MM_PERM_{letters} {value}")
    rounding = {"TO_NEAREST_INT": 0, "TO_NEG_INF": 1, "TO_POS_INF": 2, "TO_ZERO": 3, "CUR_DIRECTION": 4,
                "RAISE_EXC": 0, "NO_EXC": 8, "NINT": 0, "FLOOR": 1, "CEIL": 2, "TRUNC": 3, "RINT": 4,
                "NEARBYINT": 12}
    lines += [f"#define _MM_FROUND_{name} {value}" for name, value in rounding.items()]
    lines.append("#define _MM_PERM_ENUM int")                 # the enumeration's type, as an int
    return "\n".join(lines) + "\n"


# Function-like and other macros a platform's headers define (parsed as the file's first lines).
PREDEFINED_TEXT = {"vnni": _x86_header_macros(),
                   # <hip/hip_runtime_api.h> (hip-clang): the symbol of hipMemcpyToSymbol is the variable
                   "hip": "#define HIP_SYMBOL(X) X\n"}


def parse_tree(text: str, filename: str = "<input>", platform: str | None = None) -> ParseResult:
    """Parse a whole file; raises XpilerError with a position on any error."""
    file = SourceFile(filename, text)
    items = tokenize(file)
    if platform in PREDEFINED_TEXT:
        items = _predefined_items(platform) + items
    pre = preprocess(items, PREDEFINED.get(platform or "", {}))
    tokens = _classify(pre.tokens, platform)
    try:
        tree = _lark().parse(tokens)
    except lark.exceptions.UnexpectedToken as e:
        raise _syntax_error(e, tokens, file) from None
    except lark.exceptions.UnexpectedEOF as e:
        last = tokens[-1] if tokens else None
        span = _span_of(last, file) if last is not None else Span(file, 1, 1)
        raise XpilerError(span, "unexpected end of file") from None
    return ParseResult(tree, pre, file)


@functools.lru_cache(maxsize=None)
def _predefined_items(platform: str) -> list:
    return tokenize(SourceFile(f"<{platform} headers>", PREDEFINED_TEXT[platform]))


# ---------------------------------------------------------------------------------------------

def _scan_type_names(toks: list) -> tuple[set[str], set[str], set[int]]:
    """Names the file declares as types (typedef, using, template parameters), templates, and
    the ids of the tokens that declare them (those stay identifiers for the grammar)."""
    types: set[str] = set()
    defining: set[int] = set()
    templates: set[str] = set()
    n = len(toks)
    for i, t in enumerate(toks):
        if not isinstance(t, Tok) or t.kind != "id":
            continue
        if t.text == "typedef":
            depth, last = 0, None
            j = i + 1
            while j < n and not (isinstance(toks[j], Tok) and toks[j].text == ";" and depth == 0):
                u = toks[j]
                if isinstance(u, Tok):
                    if u.text == "__attribute__":
                        # skip the attribute's parentheses
                        j += 1
                        d = 0
                        while j < n:
                            if toks[j].text == "(":
                                d += 1
                            elif toks[j].text == ")":
                                d -= 1
                                if d == 0:
                                    break
                            j += 1
                    elif u.text in "([{":
                        depth += 1
                    elif u.text in ")]}":
                        depth -= 1
                    elif u.kind == "id" and depth == 0:
                        last = u
                j += 1
            if last is not None:
                types.add(last.text)
                defining.add(id(last))
        elif t.text == "struct" and i + 1 < n and isinstance(toks[i + 1], Tok) and toks[i + 1].kind == "id":
            types.add(toks[i + 1].text)              # `struct Level {...}`: Level is a type name
        elif t.text == "using" and i + 2 < n and isinstance(toks[i + 2], Tok) and toks[i + 2].text == "=":
            types.add(toks[i + 1].text)
            defining.add(id(toks[i + 1]))
        elif t.text == "template" and i + 1 < n and toks[i + 1].text == "<":
            j, depth = i + 2, 1
            while j < n and depth:
                u = toks[j]
                if u.text == "<":
                    depth += 1
                elif u.text == ">":
                    depth -= 1
                elif u.text in ("typename", "class") and j + 1 < n:
                    types.add(toks[j + 1].text)
                    defining.add(id(toks[j + 1]))
                j += 1
            # the function name: the identifier before the first '(' at depth 0
            while j < n and not (isinstance(toks[j], Tok) and toks[j].text == "("):
                if toks[j].text in ("__launch_bounds__", "__attribute__", "alignas", "__align__"):
                    j = _skip_parens(toks, j + 1)
                    continue
                j += 1
            if j < n and isinstance(toks[j - 1], Tok) and toks[j - 1].kind == "id":
                templates.add(toks[j - 1].text)
    return types, templates, defining


def _skip_parens(toks: list, j: int) -> int:
    """Index just past the balanced parenthesis group starting at toks[j] (if any)."""
    if j >= len(toks) or toks[j].text != "(":
        return j
    depth = 0
    while j < len(toks):
        if toks[j].text == "(":
            depth += 1
        elif toks[j].text == ")":
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    return j


def _merge_qualified(toks: list) -> list:
    """`a::b::c` becomes one identifier token with that text (position of `a`)."""
    out: list = []
    i, n = 0, len(toks)
    while i < n:
        t = toks[i]
        if isinstance(t, Tok) and (t.kind == "id" or t.text == "::") and i + 1 < n:
            parts = [t.text]
            j = i + 1
            if t.text == "::":
                parts = [""]
                j = i
                after_template = bool(out) and isinstance(out[-1], Tok) and out[-1].text == ">"
                if after_template or not (j + 1 < n and isinstance(toks[j + 1], Tok) and toks[j + 1].kind == "id"):
                    out.append(t); i += 1; continue
            while j + 1 < n and isinstance(toks[j], Tok) and toks[j].text == "::" \
                    and isinstance(toks[j + 1], Tok) and toks[j + 1].kind == "id":
                parts.append(toks[j + 1].text)
                j += 2
            if len(parts) > 1:
                out.append(Tok("id", "::".join(parts).lstrip(":") if parts[0] == "" else "::".join(parts),
                               t.line, t.col, t.file, t.hide, t.origin))
                i = j
                continue
        out.append(t)
        i += 1
    return out


def _classify(items: list, platform: str | None = None) -> list[Token]:
    items = _merge_qualified(items)
    types, templates, defining = _scan_type_names(items)
    builtin = BUILTIN_TYPES
    if platform == "vnni":
        builtin = BUILTIN_TYPES - variables_named_like_types(items, types)
    literal = _literal_terminals()
    library_types = set(LIBRARY_TYPE_TEMPLATES)
    if _uses_namespace_std(items):
        library_types |= {name.rsplit("::", 1)[-1] for name in LIBRARY_TYPE_TEMPLATES}
    out: list[Token] = []
    for t in items:
        if isinstance(t, Pragma):
            out.append(Token("PRAGMA", t.text, line=t.span.line, column=t.span.col))
            continue
        kind, text = t.kind, t.text
        if kind == "id":
            last = text.rsplit("::", 1)[-1]
            if id(t) in defining:
                name = "IDENT"
            elif text in literal:
                name = literal[text]
            elif text in QUALIFIERS:
                name = "QUAL"
            elif text in TYPE_MODIFIERS:
                name = "TYPE_MOD"
            elif text in UNSUPPORTED:
                name = "UNSUPPORTED"
            elif text in types or text in builtin or (last == "fragment" and "::" in text) \
                    or text in library_types:
                name = "TYPE_NAME"
            elif text in templates or last in templates or last in KNOWN_CLASS_TEMPLATES \
                    or text in KNOWN_FUNCTION_TEMPLATES:
                name = "TEMPLATE_NAME"
            else:
                name = "IDENT"
        elif kind == "num":
            name = "NUMBER"
        elif kind == "str":
            name = "STRING"
        elif kind == "char":
            name = "CHAR"
        else:
            name = literal.get(text)
            if name is None:
                raise XpilerError(t.span, f"unexpected {text!r}")
        tok = Token(name, text, line=t.line, column=t.col, end_line=t.line,
                    end_column=t.col + len(text))
        out.append(tok)
    return out


def _uses_namespace_std(items: list) -> bool:
    return any(isinstance(t, Tok) and t.text == "using" and i + 2 < len(items)
               and getattr(items[i + 1], "text", None) == "namespace" and getattr(items[i + 2], "text", None) == "std"
               for i, t in enumerate(items))


def _span_of(tok: Token, file: SourceFile) -> Span:
    return Span(file, tok.line or 1, tok.column or 1, len(str(tok)))


_FRIENDLY = {"RBRACE": "'}'", "LBRACE": "'{'", "SEMICOLON": "';'", "RPAR": "')'", "LPAR": "'('",
             "RSQB": "']'", "COMMA": "','", "IDENT": "an identifier", "TYPE_NAME": "a type",
             "NUMBER": "a number", "COLON": "':'", "MORETHAN": "'>'", "EQUAL": "'='"}


def _syntax_error(e: lark.exceptions.UnexpectedToken, tokens: list[Token], file: SourceFile) -> XpilerError:
    tok = e.token
    span = _span_of(tok, file)
    text = str(tok)
    if tok.type == "UNSUPPORTED":
        return not_supported(span, UNSUPPORTED[text])
    if text == "[" and {"RSQB"} & set(e.expected) == set() and "LSQB" not in e.expected:
        return not_supported(span, "lambda expressions") if _looks_like_lambda(tok, tokens) else \
            XpilerError(span, f"unexpected '['")
    if tok.type == "$END":
        return XpilerError(span, "unexpected end of file")
    expected = sorted(_FRIENDLY.get(x, repr(x.lower())) for x in e.expected if x in _FRIENDLY)
    hint = f"; expected {', '.join(expected[:5])}" if expected else ""
    what = "identifier" if tok.type == "IDENT" else ("type" if tok.type == "TYPE_NAME" else "token")
    return XpilerError(span, f"syntax error: unexpected {what} '{text}'{hint}")


def _looks_like_lambda(tok: Token, tokens: list[Token]) -> bool:
    """`[captures](params) ...` or `[captures] {...}`: the token after the matching ']'."""
    i = next((k for k, t in enumerate(tokens) if t is tok), None)
    if i is None:
        return False
    depth = 0
    for k in range(i, len(tokens)):
        if tokens[k] == "[":
            depth += 1
        elif tokens[k] == "]":
            depth -= 1
            if depth == 0:
                return k + 1 < len(tokens) and str(tokens[k + 1]) in ("(", "{")
    return False
