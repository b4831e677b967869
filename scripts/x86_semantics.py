"""Write the `semantics` snippets of xpiler/catalog/x86.toml from one description per family.

An x86 intrinsic family (`add_ps`, `dpbusd_epi32`, `maskz_loadu_epi16`, ...) comes in two or three
widths (`_mm`, `_mm256`, `_mm512`) and often in `_mask_`/`_maskz_` forms. Each family is described
once below (a lane expression in a table, or a short function writing its loops); this script
instantiates the description for every catalog entry of the family, with the width, lane count and
parameter names of the entry's `signature`, and writes the snippet into the entry. The catalog
keeps the result, so that the detensorizer and readers see plain C; tests/lift/test_x86_semantics.py
fails when the catalog differs from what this script writes. Edit the descriptions here, never a
generated snippet, then run

    python3 scripts/x86_semantics.py            # rewrite xpiler/catalog/x86.toml
    python3 scripts/x86_semantics.py --check    # exit status 1 when the catalog is stale

An entry that no family matches keeps its hand-written snippet (`_mm512_cmp_ps_mask`).

The conventions are those of the catalog header: a register parameter is the array of its canonical
elements (float, double, or uint8_t for integer registers: lift/detensorize_x86.REGISTERS), viewed
per intrinsic through typed pointer casts; `result` is the value returned. `{i}` in a lane template
is register operand i at lane j (`{i:T}`: viewed as T). Bit j of the mask `k` selects lane j:
`_mask_` forms keep lane j of `src` (of the first operand when that is also the accumulator: fmadd,
dpbusd), `_maskz_` forms zero it, as xpiler/interp/intrinsics/x86.py's register_op does.
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from xpiler.intrinsics import catalog
from xpiler.lift.detensorize_x86 import REGISTERS

CATALOG = Path(__file__).resolve().parents[1] / "xpiler" / "catalog" / "x86.toml"
SIZE = {"int8_t": 1, "uint8_t": 1, "int16_t": 2, "uint16_t": 2, "int32_t": 4, "uint32_t": 4,
        "int64_t": 8, "uint64_t": 8, "float": 4, "double": 8}
ELEM = {"epi8": "int8_t", "epu8": "uint8_t", "epi16": "int16_t", "epu16": "uint16_t", "epi32": "int32_t",
        "epu32": "uint32_t", "epi64": "int64_t", "epi64x": "int64_t", "ps": "float", "pd": "double"}
UNSIGNED = {"int8_t": "uint8_t", "int16_t": "uint16_t", "int32_t": "uint32_t", "int64_t": "uint64_t"}
ZERO = {"float": "0.0f", "double": "0.0"}                        # integer lanes: 0
INT32_MIN = "(-2147483647 - 1)"
PARALLEL = "#pragma omp parallel for"


# ---- one catalog entry, and C text for its lanes ------------------------------------------------
@dataclass(frozen=True)
class Entry:
    mask: str                           # "", "mask" or "maskz"
    op: str                             # the name without width and mask: add_ps, cvtepi8_epi16, ...
    ret: str
    regs: tuple[tuple[str, str], ...]   # register parameters (name, type), in order
    scalars: tuple[tuple[str, str], ...]
    k: str | None                       # the mask parameter

    def type_of(self, reg: str) -> str:
        return self.ret if reg == "result" else dict(self.regs)[reg]


def entry(name: str) -> Entry:
    e = catalog()[name]
    mask, op = re.fullmatch(r"_mm\d*_(?:(maskz?)_)?(.+)", name).groups()
    masks = [p.name for p in e.params if p.ctype.startswith("__mmask")]
    regs = tuple((p.name, p.ctype) for p in e.params if p.ctype in REGISTERS)
    scalars = tuple((p.name, p.ctype) for p in e.params if p.ctype not in REGISTERS and p.name not in masks)
    return Entry(mask or "", op, e.ret, regs, scalars, masks[0] if masks else None)


def nbytes(register: str) -> int:
    return int(re.match(r"__m(\d+)", register)[1]) // 8


def at(e: Entry, reg: str, ctype: str, index: str = "j") -> str:
    """Lane `index` of register `reg` (or `result`) viewed as `ctype` elements. The view of an
    integer register is always spelled, so that a reader sees the signedness of every lane."""
    if REGISTERS[e.type_of(reg)] == ctype and ctype in ("float", "double"):
        return f"{reg}[{index}]"
    return f"(({'' if reg == 'result' else 'const '}{ctype}*){reg})[{index}]"


def group(expr: str) -> str:
    """`expr` in parentheses unless it is one primary (no operator outside brackets)."""
    depth = 0
    for ch in expr:
        depth += 1 if ch in "([" else -1 if ch in ")]" else 0
        if ch == " " and depth == 0:
            return f"({expr})"
    return expr


def clamp(v: str, lo: str | None, hi: str) -> str:
    """`v` saturated to [lo, hi]; lo None: `v` is unsigned."""
    return f"{v} > {hi} ? {hi} : " + ("" if lo is None else f"{v} < {lo} ? {lo} : ") + v


def declare(decl: str, terms: list[str]) -> str:
    """`decl = terms[0] + terms[1] ...;`, one term per line, the `+` under the first term."""
    return decl + f"\n{' ' * len(decl)}+ ".join(terms) + ";"


def loop(n: int, stmts: list[str], parallel: bool = True) -> list[str]:
    head = [PARALLEL] if parallel else []
    if len(stmts) == 1:
        return head + [f"for (int j = 0; j < {n}; j++)", f"  {stmts[0]}"]
    return head + [f"for (int j = 0; j < {n}; j++) {{"] + [f"  {s}" for s in stmts] + ["}"]


def text(note: str | None, lines: list[str]) -> str:
    """A snippet: the note as comment lines, then the code."""
    return "\n".join(([f"// {line}" for line in note.split("\n")] if note else []) + lines)


def lanes(e: Entry, out: str, value: str, body: tuple[str, ...] = (), note: str | None = None,
          keep: str | None = None) -> str:
    """One parallel loop over the lanes of the result: lane j, viewed as `out`, is `value` (after the
    statements `body`). `_mask_` forms keep lane j of `keep` (default: the first register
    parameter), `_maskz_` forms zero it."""
    if e.mask:
        other = ZERO.get(out, "0") if e.mask == "maskz" else at(e, keep or e.regs[0][0], out)
        value = f"(({e.k} >> j) & 1) ? {group(value)} : {other}"
    return text(note, loop(nbytes(e.ret) // SIZE[out], [*body, f"{at(e, 'result', out)} = {value};"]))


def operands(e: Entry, arity: int) -> list[str]:
    """The register operands of the plain form. A `_mask_` form takes `src` first, unless the first
    operand is itself the value kept (fmadd's a, dpbusd's src: then it has no extra register)."""
    names = [n for n, _ in e.regs]
    return names[1:] if e.mask == "mask" and len(names) == arity + 1 else names


def fill(e: Entry, template: str, ctype: str) -> str:
    """`template` at lane j: `{i}` is operand i viewed as `ctype`, `{i:T}` operand i viewed as T."""
    ops = operands(e, len(set(re.findall(r"\{(\d)", template))))
    return re.sub(r"\{(\d)(?::(\w+))?\}", lambda m: at(e, ops[int(m[1])], m[2] or ctype), template)


def count(e: Entry) -> str:
    """The shift count parameter read as unsigned int, as the interpreter reads it."""
    name, ctype = e.scalars[0]
    return name if ctype == "unsigned int" else f"(unsigned int){name}"


# ---- the families: first match of the op (the name without width and mask) wins ---------------------
FAMILIES: list[tuple[re.Pattern, object]] = []


def family(pattern: str):
    """Register the decorated function as the writer of the ops matching `pattern`."""
    def deco(fn):
        FAMILIES.append((re.compile(pattern), fn))
        return fn
    return deco


# §5 float lanes: IEEE float32, round to nearest even; max/min are the instruction's, not fmaxf's.
FLOAT = {"add": "{0} + {1}", "sub": "{0} - {1}", "mul": "{0} * {1}", "div": "{0} / {1}",
         "max": "{0} > {1} ? {0} : {1}", "min": "{0} < {1} ? {0} : {1}", "sqrt": "sqrtf({0})",
         "fmadd": "fmaf({0}, {1}, {2})", "fmsub": "fmaf({0}, {1}, -{2})",
         "fnmadd": "fmaf(-{0}, {1}, {2})", "fnmsub": "fmaf(-{0}, {1}, -{2})", "mov": "{0}"}
FLOAT_NOTES = {"max": "a > b ? a : b: NaN in either operand or a ±0 tie gives b (vnni.md §5)",
               "min": "a < b ? a : b: NaN in either operand or a ±0 tie gives b (vnni.md §5)",
               "fmadd": "one rounding", "fmsub": "one rounding", "fnmadd": "one rounding",
               "fnmsub": "one rounding"}


@family(r"(add|sub|mul|div|max|min|sqrt|fmadd|fmsub|fnmadd|fnmsub|mov)_ps")
def float_lanes(e: Entry, op: str) -> str:
    return lanes(e, "float", fill(e, FLOAT[op], "float"), note=FLOAT_NOTES.get(op))


# Integer lanes: (lanes viewed unsigned, template). Lanes that wrap are unsigned so that the C is
# defined; mullo multiplies in 32 bits because two uint16_t would be promoted to int and overflow.
INT = {"add": (True, "{0} + {1}"), "sub": (True, "{0} - {1}"), "mullo": (True, "(uint32_t){0} * {1}"),
       "max": (False, "{0} > {1} ? {0} : {1}"), "min": (False, "{0} < {1} ? {0} : {1}"),
       "abs": (True, "{0:int32_t} < 0 ? 0u - {0} : {0}"), "mov": (False, "{0}")}


@family(r"(add|sub|mullo|max|min|abs|mov)_(ep[iu]\d+)")
def int_lanes(e: Entry, op: str, suffix: str) -> str:
    unsigned, template = INT[op]
    t = UNSIGNED.get(ELEM[suffix], ELEM[suffix]) if unsigned else ELEM[suffix]
    return lanes(e, t, fill(e, template, t))


BITWISE = {"and": "{0} & {1}", "or": "{0} | {1}", "xor": "{0} ^ {1}", "andnot": "~{0} & {1}"}


@family(r"(and|or|xor|andnot)_(si128|si256|si512|epi32|epi64)")
def bitwise(e: Entry, op: str, _suffix: str) -> str:
    return lanes(e, "uint32_t", fill(e, BITWISE[op], "uint32_t"))


@family(r"blend_(ps|epi32)")
def blend(e: Entry, suffix: str) -> str:
    """k ? b : a per lane: the `_mask_` form of a move of b that keeps a."""
    (a, _), (b, _) = e.regs
    return lanes(e, ELEM[suffix], at(e, b, ELEM[suffix]), keep=a)


# §3 VNNI: each int32 lane is src plus 4 (u8 * s8) or 2 (s16 * s16) products, the whole sum formed
# exactly, then wrapped or saturated once.
DOT = {"dpbusd": ("uint8_t", "int8_t", 4, "u8 * s8"), "dpwssd": ("int16_t", "int16_t", 2, "s16 * s16")}


@family(r"(dpbusd|dpwssd)(s?)(_avx)?_epi32")
def dot(e: Entry, kind: str, saturating: str, avx: str) -> str:
    ta, tb, n, what = DOT[kind]
    src, a, b = operands(e, 3)
    terms = [f"(long long){at(e, src, 'int32_t')}"] + [
        f"(long long){at(e, a, ta, f'{n} * j + {t}')} * {at(e, b, tb, f'{n} * j + {t}')}" for t in range(n)]
    body = (declare("long long acc = ", terms),)
    if saturating:
        value = f"acc > 2147483647LL ? 2147483647 : acc < -2147483648LL ? {INT32_MIN} : (int32_t)acc"
    else:
        value = "(int32_t)(uint32_t)acc"
    note = (f"each int32 lane: src + {n} products {what} formed exactly, then "
            f"{'saturated to int32 once' if saturating else 'wrapped mod 2^32'} (vnni.md §3)")
    if avx:
        note += "\nthe VEX encoding (AVX-VNNI): the results of the EVEX form"
    return lanes(e, "int32_t", value, body, note, keep=src)


# §5 conversions between float and int32.
@family(r"cvtepi32_ps")
def int_to_float(e: Entry) -> str:
    return lanes(e, "float", f"(float){at(e, e.regs[0][0], 'int32_t')}", note="round to nearest even")


@family(r"cvt(t?)ps_epi32")
def float_to_int(e: Entry, truncate: str) -> str:
    how = "truncf" if truncate else "rintf"
    note = (f"{'toward zero' if truncate else 'to nearest even (the MXCSR default)'}; NaN and values "
            f"outside int32 give 0x80000000 (\"integer indefinite\")")
    return lanes(e, "int32_t", "r >= -2147483648.0f && r < 2147483648.0f ? (int32_t)r : " + INT32_MIN,
                 (f"float r = {how}({at(e, e.regs[0][0], 'float')});",), note)


# Integer narrowing (AVX-512F vpmov*): the low bits, or saturated (signed, or unsigned read as unsigned).
@family(r"cvt(s|us)?epi32_(epi8|epi16)")
def narrow(e: Entry, how: str | None, dst: str) -> str:
    src = e.regs[0][0]
    bits = 8 * SIZE[ELEM[dst]]
    if not how:
        out = UNSIGNED[ELEM[dst]]
        return lanes(e, out, f"({out}){at(e, src, 'uint32_t')}", note=f"the low {bits} bits of each int32")
    if how == "s":
        hi = 2 ** (bits - 1) - 1
        return lanes(e, ELEM[dst], clamp("v", str(-hi - 1), str(hi)),
                     (f"const int32_t v = {at(e, src, 'int32_t')};",), f"each int32 saturated to int{bits}")
    return lanes(e, UNSIGNED[ELEM[dst]], clamp("v", None, f"{2 ** bits - 1}u"),
                 (f"const uint32_t v = {at(e, src, 'uint32_t')};",),
                 f"each int32 read as unsigned, saturated to uint{bits}")


# Widening: the low elements of the source, sign- (epi) or zero-extended (epu).
@family(r"cvt(ep[iu]\d+)_(epi\d+)")
def widen(e: Entry, src: str, dst: str) -> str:
    how = "zero" if src.startswith("epu") else "sign"
    return lanes(e, ELEM[dst], at(e, e.regs[0][0], ELEM[src]),
                 note=f"the low {nbytes(e.ret) // SIZE[ELEM[dst]]} {src} lanes, {how}-extended")


# §5.1 pre-VNNI integer dot products.
@family(r"maddubs_epi16")
def maddubs(e: Entry) -> str:
    a, b = operands(e, 2)
    s = declare("const int s = ", [f"{at(e, a, 'uint8_t', f'2 * j{t}')} * {at(e, b, 'int8_t', f'2 * j{t}')}"
                                   for t in ("", " + 1")])
    return lanes(e, "int16_t", clamp("s", "-32768", "32767"), (s,),
                 "int16 lane j: u8 * s8 + u8 * s8, saturated to int16 (vnni.md §5.1)")


@family(r"madd_epi16")
def madd(e: Entry) -> str:
    a, b = operands(e, 2)
    s = declare("const long long s = ", [f"(long long){at(e, a, 'int16_t', f'2 * j{t}')} * "
                                         f"{at(e, b, 'int16_t', f'2 * j{t}')}" for t in ("", " + 1")])
    return lanes(e, "int32_t", "(int32_t)(uint32_t)s", (s,),
                 "int32 lane j: s16 * s16 + s16 * s16, wrapped (only -32768 * -32768 * 2 leaves int32)")


# Packs: a and b narrowed with saturation, interleaved per 128-bit lane: [a's | b's] per 16 bytes.
@family(r"(packs|packus)_(epi16|epi32)")
def packs(e: Entry, kind: str, suffix: str) -> str:
    a, b = operands(e, 2)
    src = ELEM[suffix]
    dst = {"int32_t": "int16_t", "int16_t": "int8_t"}[src]
    if kind == "packus":
        dst, lo, hi = UNSIGNED[dst], "0", str(2 ** (8 * SIZE[dst]) - 1)
    else:
        hi = str(2 ** (8 * SIZE[dst] - 1) - 1)
        lo = f"-{int(hi) + 1}"
    per = 16 // SIZE[src]
    out = f"(({dst}*)result)"
    stmts = [f"const {src} u = {at(e, a, src)}, v = {at(e, b, src)};",
             f"const int o = j / {per} * {2 * per} + j % {per};",
             f"{out}[o] = {clamp('u', lo, hi)};", f"{out}[o + {per}] = {clamp('v', lo, hi)};"]
    note = (f"per 128-bit lane: the {per} elements of a, then the {per} of b, each saturated to "
            f"{'unsigned ' if kind == 'packus' else ''}{8 * SIZE[dst]} bits")
    return text(note, loop(nbytes(e.ret) // SIZE[src], stmts))


# Shifts by a count read as unsigned int: past the width, 0 for the logical shifts, the sign for srai.
@family(r"(slli|srli|srai)_(epi16|epi32|epi64)")
def shift(e: Entry, kind: str, suffix: str) -> str:
    a, last = e.regs[0][0], 8 * SIZE[ELEM[suffix]] - 1
    n, name = count(e), e.scalars[0][0]
    if kind == "srai":
        return lanes(e, ELEM[suffix], f"{at(e, a, ELEM[suffix])} >> ({n} > {last}u ? {last}u : {n})",
                     note=f"a count past {last} shifts in the sign only")
    t, arrow = UNSIGNED[ELEM[suffix]], "<<" if kind == "slli" else ">>"
    return lanes(e, t, f"{n} > {last}u ? 0u : {at(e, a, t)} {arrow} {name}", note=f"a count past {last} gives 0")


# §5 reductions: GCC's halving tree (avx512fintrin.h). `_mask_` forms first replace the lanes not
# selected by the identity of the operation.
REDUCE = {"add": "{0} + {1}", "mul": "{0} * {1}", "max": "{0} > {1} ? {0} : {1}",
          "min": "{0} < {1} ? {0} : {1}", "and": "{0} & {1}", "or": "{0} | {1}"}
IDENTITY = {("add", "float"): "0.0f", ("mul", "float"): "1.0f", ("max", "float"): "-INFINITY",
            ("min", "float"): "INFINITY", ("add", "uint32_t"): "0u", ("mul", "uint32_t"): "1u",
            ("and", "uint32_t"): "0xFFFFFFFFu", ("or", "uint32_t"): "0u", ("max", "int32_t"): INT32_MIN,
            ("min", "int32_t"): "2147483647", ("max", "uint32_t"): "0u", ("min", "uint32_t"): "0xFFFFFFFFu"}


@family(r"reduce_(add|mul|max|min|and|or)_(ps|epi32|epu32)")
def reduce(e: Entry, op: str, suffix: str) -> str:
    t = "float" if suffix == "ps" else "int32_t" if suffix == "epi32" and op in ("max", "min") else "uint32_t"
    a = e.regs[0][0]

    def combine(x: str, y: str) -> str:
        return REDUCE[op].format(x, y)

    def lane(i: str) -> str:
        return f"x[{i}]" if e.mask else at(e, a, t, i)
    lines = []
    if e.mask:
        lines = [f"{t} x[16];", *loop(16, [f"x[j] = (({e.k} >> j) & 1) ? {at(e, a, t)} : {IDENTITY[op, t]};"])]
    lines += [f"{t} y[8];", *loop(8, [f"y[j] = {combine(lane('j + 8'), lane('j'))};"]),
              *loop(4, [f"y[j] = {combine('y[j + 4]', 'y[j]')};"]),
              *loop(2, [f"y[j] = {combine('y[j]', 'y[j + 2]')};"]), f"result = {combine('y[0]', 'y[1]')};"]
    note = ("GCC's halving tree (avx512fintrin.h): op(high half, low half) for 16 -> 8 -> 4,\n"
            "then op(lanes 0-1, lanes 2-3), op(lane 0, lane 1)")
    if t == "float":
        note += "; the order fixes float rounding and which NaN or ±0 wins"
    return text(note, lines)


# §4 constants.
@family(r"setzero_(ps|pd|si128|si256|si512|epi32)")
def setzero(e: Entry, suffix: str) -> str:
    t = REGISTERS[e.ret] if suffix in ("ps", "pd") else "int32_t"
    return lanes(e, t, ZERO.get(t, "0"))


@family(r"set1_(\w+)")
def set1(e: Entry, suffix: str) -> str:
    return lanes(e, ELEM[suffix], e.scalars[0][0])


@family(r"(set|setr)_(\w+)")
def set_lanes(e: Entry, order: str, suffix: str) -> str:
    names = [n for n, _ in e.scalars]
    names = names[::-1] if order == "set" else names
    note = f"set lists the lanes highest first (e{len(names) - 1} ... e0), setr lowest first"
    return text(note if order == "set" else None,
                [f"{at(e, 'result', ELEM[suffix], str(i))} = {n};" for i, n in enumerate(names)])


# Casts and extracts: bit patterns unchanged, copied by 32-bit word.
@family(r"cast(?:ps|si)\d*_(?:ps|si)\d*")
def cast(e: Entry) -> str:
    (a, t), = e.regs
    note = f"the low {8 * nbytes(e.ret)} bits" if nbytes(e.ret) < nbytes(t) else None
    return lanes(e, "uint32_t", at(e, a, "uint32_t"), note=note)


@family(r"extract[fi](?:128|32x4|64x4)_(?:ps|pd|si256|epi32|epi64)")
def extract(e: Entry) -> str:
    (a, t), (imm, _) = e.regs[0], e.scalars[0]
    chunks, words = nbytes(t) // nbytes(e.ret), nbytes(e.ret) // 4
    note = (f"the {8 * nbytes(e.ret)}-bit chunk {imm} & {chunks - 1} of {a} "
            f"(the other bits of the immediate are ignored)")
    return lanes(e, "uint32_t", at(e, a, "uint32_t", f"({imm} & {chunks - 1}) * {words} + j"), note=note)


@family(r"cvtss_f32|cvtsi\d+_si32")
def lane0(e: Entry) -> str:
    return f"result = {at(e, e.regs[0][0], 'float' if e.ret == 'float' else 'int32_t', '0')};"


@family(r"hadd_ps")
def hadd(e: Entry) -> str:
    a, b = operands(e, 2)
    return text(f"[{a}0 + {a}1, {a}2 + {a}3, {b}0 + {b}1, {b}2 + {b}3]",
                loop(2, [f"result[j] = {a}[2 * j] + {a}[2 * j + 1];",
                         f"result[j + 2] = {b}[2 * j] + {b}[2 * j + 1];"]))


# §4 loads and stores. Floats move as floats. Whole integer registers move byte by byte when the
# address may be anything, by element when the aligned form guarantees alignment; masked forms
# move the selected elements only (no fault outside them).
def element(e: Entry, aligned: bool, suffix: str) -> tuple[str, str | None]:
    """(element type, note) of a load or store."""
    reg = e.ret if e.ret in REGISTERS else e.regs[0][1]
    if e.mask:
        return ELEM[suffix], "only the selected lanes are accessed (no fault outside them)"
    if suffix in ("ps", "pd"):
        return ELEM[suffix], None
    if not aligned:
        return "uint8_t", "any address: byte by byte"
    t = ELEM.get(suffix, "int32_t")
    return t, (f"the aligned form faults unless p is a multiple of {nbytes(reg)}, so {8 * SIZE[t]}-bit "
               f"accesses are aligned")


@family(r"load(u?)_(\w+)")
def load(e: Entry, unaligned: str, suffix: str) -> str:
    (p, _), = e.scalars
    t, note = element(e, not unaligned, suffix)
    return lanes(e, t, f"((const {t}*){p})[j]", note=note)


@family(r"store(u?)_(\w+)")
def store(e: Entry, unaligned: str, suffix: str) -> str:
    (p, _), = e.scalars
    (a, reg), = e.regs
    t, note = element(e, not unaligned, suffix)
    assign = f"(({t}*){p})[j] = {at(e, a, t)};"
    stmt = f"if (({e.k} >> j) & 1)\n    {assign}" if e.mask else assign
    return text(note, loop(nbytes(reg) // SIZE[t], [stmt]))


# Compares into a mask register: bit j = the predicate on lane j (a NaN operand is unordered).
CMP = {("eq", "ps"): "{0} == {1}", ("lt", "ps"): "{0} < {1}", ("le", "ps"): "{0} <= {1}",
       ("neq", "ps"): "!({0} == {1})", ("nlt", "ps"): "!({0} < {1})", ("nle", "ps"): "!({0} <= {1})",
       ("ord", "ps"): "{0} == {0} && {1} == {1}", ("unord", "ps"): "{0} != {0} || {1} != {1}",
       ("eq", "epi32"): "{0} == {1}", ("neq", "epi32"): "{0} != {1}", ("lt", "epi32"): "{0} < {1}",
       ("le", "epi32"): "{0} <= {1}", ("gt", "epi32"): "{0} > {1}", ("ge", "epi32"): "{0} >= {1}"}


@family(r"cmp(eq|neq|lt|le|gt|ge|nlt|nle|ord|unord)_(ps|epi32)_mask")
def compare(e: Entry, pred: str, suffix: str) -> str:
    condition = fill(e, CMP[pred, suffix], ELEM[suffix])
    n = nbytes(e.regs[0][1]) // SIZE[ELEM[suffix]]
    bit = f"if ({condition}) result |= ({e.ret})(1u << j);"
    return "\n".join(["result = 0;", *loop(n, [bit], parallel=False)])     # every lane writes `result`


# ---- the catalog ---------------------------------------------------------------------------------
def snippet(name: str) -> str | None:
    """The generated semantics of `name`; None when no family describes it."""
    e = entry(name)
    for pattern, write in FAMILIES:
        m = pattern.fullmatch(e.op)
        if m:
            return write(e, *m.groups())
    return None


def generate() -> dict[str, str]:
    out = {}
    for name in sorted(n for n, i in catalog().items() if i.family == "x86"):
        s = snippet(name)
        if s is not None:
            assert '"""' not in s and "\\" not in s, name       # a TOML basic string keeps it verbatim
            out[name] = s
    return out


def rewrite(toml: str, snippets: dict[str, str]) -> str:
    """The catalog text with the `semantics` of every generated entry replaced (entries keep their
    other keys and their order; the generated key comes last)."""
    head, *sections = re.split(r"(?m)^(?=\[)", toml)
    out = [head.rstrip("\n")]
    for section in sections:
        name = re.match(r"\[(\w+)\]", section)[1]
        if name in snippets:
            section = section.split('semantics = """')[0].rstrip("\n") + f'\nsemantics = """\n{snippets[name]}"""'
        out.append(section.rstrip("\n"))
    return "\n\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    current = CATALOG.read_text()
    fresh = rewrite(current, generate())
    if "--check" in argv:
        if fresh != current:
            print(f"{CATALOG} is stale: run python3 scripts/x86_semantics.py", file=sys.stderr)
            return 1
        return 0
    if fresh != current:
        CATALOG.write_text(fresh)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
