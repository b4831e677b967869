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

An entry that no family matches would keep a hand-written snippet; at present every entry has a family.

The conventions are those of the catalog header: a register parameter is the array of its canonical
elements (float, double, or uint8_t for integer registers: lift/detensorize_x86.REGISTERS), viewed
per intrinsic through typed pointer casts; `result` is the value returned. `{i}` in a lane template
is register operand i at lane j (`{i:T}`: viewed as T). Bit j of the mask `k` selects lane j:
`_mask_` forms keep lane j of `src` (of the first operand when that is also the accumulator: fmadd,
dpbusd), `_maskz_` forms zero it, as xpiler/interp/intrinsics/x86.py's register_op does.
"""
from __future__ import annotations

import dataclasses
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


# ---- data movement: lane j of the result is a lane of the operands (or 0) ------------------------
# Immediates are compile-time constants: `imm` stays a name in the snippet and the call's constant is
# substituted for it; only the bits the instruction reads are used (`& 3`, `& 15`, ...).
def lane_group(e: Entry, t: str, size: int, index: str) -> str:
    """`index` within lane j's group of `size` lanes: `j / size * size + index`, unless the whole
    result is one group."""
    return index if nbytes(e.ret) // SIZE[t] == size else f"j / {size} * {size} + {group(index)}"


def imm(e: Entry) -> str:
    return next(n for n, t in e.scalars if t == "const int")


def lane_type(suffix: str, e: Entry) -> str:
    """The element type a data movement is written in: the float of a float register, else the
    lanes the name says (whole integer registers by 32-bit word)."""
    if REGISTERS[e.ret] in ("float", "double"):
        return REGISTERS[e.ret]
    return ELEM.get(suffix, "uint32_t")


@family(r"shuffle_ps")
def shuffle_ps(e: Entry) -> str:
    a, b = operands(e, 2)
    return lanes(e, "float", f"j % 4 < 2 ? {at(e, a, 'float', 's')} : {at(e, b, 'float', 's')}",
                 (f"const int s = {lane_group(e, 'float', 4, f'({imm(e)} >> 2 * (j % 4)) & 3')};",),
                 f"per 128-bit lane: lanes 0-1 from {a}, 2-3 from {b}; lane i is lane ({imm(e)} >> 2i) & 3")


@family(r"(shuffle_epi32|permute_ps|permute4x64_epi64|permutex_epi64)")
def permute_imm(e: Entry, op: str) -> str:
    t = lane_type(op.rsplit("_", 1)[1], e)
    a = e.regs[0][0]
    return lanes(e, t, at(e, a, t, lane_group(e, t, 4, f"({imm(e)} >> 2 * (j % 4)) & 3")),
                 note=f"per group of 4 lanes: lane i is lane ({imm(e)} >> 2i) & 3 of the group")


@family(r"shuffle(hi|lo)_epi16")
def shuffle_half(e: Entry, half: str) -> str:
    a, n = e.regs[0][0], imm(e)
    if half == "hi":
        value = f"i < 4 ? {at(e, a, 'int16_t')} : {at(e, a, 'int16_t', f'j - i + 4 + (({n} >> 2 * (i - 4)) & 3)')}"
    else:
        value = f"i >= 4 ? {at(e, a, 'int16_t')} : {at(e, a, 'int16_t', f'j - i + (({n} >> 2 * i) & 3)')}"
    which = "4-7" if half == "hi" else "0-3"
    return lanes(e, "int16_t", value, ("const int i = j % 8;",),
                 f"per 128-bit lane: words {which} permuted by {n} (2 bits each), the others kept")


@family(r"shuffle_epi8")
def shuffle_bytes(e: Entry) -> str:
    a, b = operands(e, 2)
    return lanes(e, "uint8_t", f"c < 0 ? 0 : {at(e, a, 'uint8_t', 'j / 16 * 16 + (c & 15)')}",
                 (f"const int8_t c = {at(e, b, 'int8_t')};",),
                 f"per 128-bit lane: byte j is byte {b}[j] & 15 of {a}'s lane, 0 where {b}[j] has its top bit set")


@family(r"shuffle_(f32x4|i32x4)")
def shuffle_chunks(e: Entry, _kind: str) -> str:
    a, b = operands(e, 2)
    t = lane_type("", e)
    chunks = nbytes(e.ret) // 16
    bits = chunks.bit_length() - 1
    shift = "c" if bits == 1 else f"{bits} * c"
    return lanes(e, t, f"c < {chunks // 2} ? {at(e, a, t, 's')} : {at(e, b, t, 's')}",
                 (f"const int c = j / 4, s = (({imm(e)} >> {shift}) & {chunks - 1}) * 4 + j % 4;",),
                 f"128-bit chunk c: chunk ({imm(e)} >> {shift.replace(' * ', '')}) & {chunks - 1} of {a} "
                 f"(lower half of the result) or of {b} (upper half)")


@family(r"permutevar_ps")
def permutevar(e: Entry) -> str:
    (a, _), (c, _) = e.regs
    return lanes(e, "float", at(e, a, "float", f"j / 4 * 4 + ({at(e, c, 'int32_t')} & 3)"),
                 note=f"per 128-bit lane: lane j is lane {c}[j] & 3 of the same 128 bits")


@family(r"(permute2f128_ps|permute2f128_si256|permute2x128_si256)")
def permute_halves(e: Entry, _op: str) -> str:
    a, b = operands(e, 2)
    t = lane_type("", e)
    return lanes(e, t, f"(c & 8) ? {ZERO.get(t, '0')} : (c & 2) ? {at(e, b, t, 's')} : {at(e, a, t, 's')}",
                 (f"const int c = ({imm(e)} >> 4 * (j / 4)) & 15, s = (c & 1) * 4 + j % 4;",),
                 f"128-bit half h: bits 4h+3..4h of {imm(e)}: bit 3 zeroes it, else bits 1..0 choose "
                 f"{a}.lo, {a}.hi, {b}.lo, {b}.hi")


@family(r"(permutevar8x32|permutexvar)_(ps|epi16|epi32|epi64)")
def permute_index(e: Entry, op: str, suffix: str) -> str:
    (a, _), (idx, _) = e.regs if op == "permutevar8x32" else e.regs[::-1]
    t = lane_type(suffix, e)
    it = "int32_t" if suffix == "ps" else ELEM[suffix]
    n = nbytes(e.ret) // SIZE[t]
    return lanes(e, t, at(e, a, t, f"{at(e, idx, it)} & {n - 1}"),
                 note=f"lane j is lane {idx}[j] & {n - 1} of {a}")


@family(r"permutex2var_(ps|epi32)")
def permute_two(e: Entry, suffix: str) -> str:
    (a, _), (idx, _), (b, _) = e.regs
    t = lane_type(suffix, e)
    n = nbytes(e.ret) // SIZE[t]
    return lanes(e, t, f"i < {n} ? {at(e, a, t, 'i')} : {at(e, b, t, f'i - {n}')}",
                 (f"const int i = {at(e, idx, 'int32_t')} & {2 * n - 1};",),
                 f"lane j is lane {idx}[j] & {2 * n - 1} of {a} and {b} laid end to end")


@family(r"unpack(lo|hi)_(ps|epi8|epi16|epi32|epi64)")
def unpack(e: Entry, half: str, suffix: str) -> str:
    a, b = operands(e, 2)
    t = lane_type(suffix, e)
    m = 16 // SIZE[t]
    s = f"j / {m} * {m} + j % {m} / 2" + (f" + {m // 2}" if half == "hi" else "")
    return lanes(e, t, f"j % 2 ? {at(e, b, t, 's')} : {at(e, a, t, 's')}", (f"const int s = {s};",),
                 f"per 128-bit lane: the {'upper' if half == 'hi' else 'lower'} halves of {a} and {b}, "
                 f"interleaved lane by lane ({a} first)")


@family(r"(movehl|movelh|movehdup|moveldup)_ps")
def move_ps(e: Entry, op: str) -> str:
    names = [n for n, _ in e.regs]
    a, b = names[0], names[-1]
    value = {"movehl": f"j < 2 ? {b}[j + 2] : {a}[j]", "movelh": f"j < 2 ? {a}[j] : {b}[j - 2]",
             "movehdup": f"{a}[j / 2 * 2 + 1]", "moveldup": f"{a}[j / 2 * 2]"}[op]
    return lanes(e, "float", value)


# Scalar forms: lane 0 computed, the other lanes of the first operand kept (set/load: 0).
SCALAR = {"ss": "float", "sd": "double"}


@family(r"(add|sub|mul|div|max|min|sqrt|move)_(ss|sd)")
def scalar_op(e: Entry, op: str, suffix: str) -> str:
    t = SCALAR[suffix]
    names = [n for n, _ in e.regs]
    if op == "move":
        first = at(e, names[1], t, "0")
    elif op == "sqrt":
        first = f"{'sqrtf' if t == 'float' else 'sqrt'}({at(e, names[-1], t, '0')})"
    else:
        first = FLOAT[op].format(*(at(e, n, t, "0") for n in names))
    return lanes(e, t, f"j == 0 ? {group(first)} : {at(e, names[0], t)}", note=FLOAT_NOTES.get(op))


@family(r"(set|load|store)_(ss|sd)")
def scalar_move(e: Entry, op: str, suffix: str) -> str:
    t = SCALAR[suffix]
    if op == "store":
        (p, _), (a, _) = e.scalars[0], e.regs[0]
        return f"{p}[0] = {at(e, a, t, '0')};"
    source = e.scalars[0][0] + ("[0]" if op == "load" else "")
    return lanes(e, t, f"j == 0 ? {source} : {ZERO[t]}")


@family(r"insert[fi](?:128_ps|128_si256|32x4|32x8|64x4)")
def insert(e: Entry) -> str:
    (a, t), (b, tb) = e.regs
    lt = lane_type("", e)
    w, chunks = nbytes(tb) // SIZE[lt], nbytes(t) // nbytes(tb)
    note = f"{a} with its {8 * nbytes(tb)}-bit chunk {imm(e)} & {chunks - 1} replaced by {b}"
    return lanes(e, lt, f"j / {w} == ({imm(e)} & {chunks - 1}) ? {at(e, b, lt, f'j % {w}')} : {at(e, a, lt)}",
                 note=note)


@family(r"blend(v?)_(ps|epi8|epi16|epi32|epi64)")
def blend(e: Entry, variable: str, suffix: str) -> str:
    """k ? b : a per lane (the `_mask_` form of a move of b that keeps a); the immediate forms take
    bit j of imm (per 128-bit lane for 16 lanes), the variable ones the sign of each mask lane."""
    t = lane_type(suffix, e)
    (a, _), (b, _) = e.regs[:2]
    if e.mask:
        return lanes(e, t, at(e, b, t), keep=a)
    if variable:
        mask = e.regs[2][0]
        return lanes(e, t, f"{at(e, mask, 'int8_t' if suffix == 'epi8' else 'int32_t')} < 0 ? "
                           f"{at(e, b, t)} : {at(e, a, t)}", note=f"the sign bit of each {mask} lane selects {b}")
    n = nbytes(e.ret) // SIZE[t]
    bit = "j % 8" if n > 8 else "j"
    return lanes(e, t, f"(({imm(e)} >> {bit}) & 1) ? {at(e, b, t)} : {at(e, a, t)}")


# Compares into a register: all ones where the predicate holds, else 0.
ONES = {1: "0xFFu", 2: "0xFFFFu", 4: "0xFFFFFFFFu", 8: "0xFFFFFFFFFFFFFFFFull"}
BITS = {1: "uint8_t", 2: "uint16_t", 4: "uint32_t", 8: "uint64_t"}


@family(r"cmp(eq|neq|lt|le|gt|ge|nlt|nle|ngt|nge|ord|unord)_(ps|epi8|epi16|epi32|epi64)")
def compare_vector(e: Entry, pred: str, suffix: str) -> str:
    t = ELEM[suffix]
    condition = fill(e, CMP[pred, "ps" if suffix == "ps" else "epi32"], t)
    note = "a NaN operand is unordered: false for the ordered predicates, true for neq and the n.. ones"
    return lanes(e, BITS[SIZE[t]], f"{condition} ? {ONES[SIZE[t]]} : 0u", note=note if suffix == "ps" else None)


# The 16 predicates of cmp_ps (imm & 15; imm and imm + 16 differ only in signalling), and their names.
PREDICATES = ["eq", "lt", "le", "un", "!eq", "!lt", "!le", "!un", "(eq || un)", "!ge", "!gt", "0",
              "(!eq && !un)", "ge", "gt", "1"]
PREDICATE_NOTE = ("predicate {imm} & 15 ({imm} and {imm} + 16 differ only in signalling): _CMP_EQ_OQ 0, "
                  "_CMP_LT_OS 1,\n_CMP_LE_OS 2, _CMP_UNORD_Q 3, _CMP_NEQ_UQ 4, _CMP_NLT_US 5, _CMP_NLE_US 6, "
                  "_CMP_ORD_Q 7,\n_CMP_EQ_UQ 8, _CMP_NGE_US 9, _CMP_NGT_US 10, _CMP_FALSE_OQ 11, _CMP_NEQ_OQ 12, "
                  "_CMP_GE_OS 13,\n_CMP_GT_OS 14, _CMP_TRUE_UQ 15; a NaN operand is unordered")


@family(r"cmp_ps(_mask)?")
def compare_predicate(e: Entry, to_mask: str | None) -> str:
    (a, reg), (b, _) = e.regs
    terms = [f"pred == {i} ? {p}" for i, p in enumerate(PREDICATES[:-1])] + [PREDICATES[-1]]
    rows = [" : ".join(terms[i:i + 4]) for i in range(0, len(terms), 4)]
    chain = "const int r = " + "\n            : ".join(rows) + ";"
    body = [f"const int un = {a}[j] != {a}[j] || {b}[j] != {b}[j];",
            f"const int eq = {a}[j] == {b}[j], lt = {a}[j] < {b}[j], le = {a}[j] <= {b}[j];",
            f"const int gt = {a}[j] > {b}[j], ge = {a}[j] >= {b}[j];", chain.replace("\n", "\n  ")]
    n = nbytes(reg) // 4
    if to_mask:                                         # every lane writes `result`: a serial loop
        lines = ["result = 0;", *loop(n, body + [f"if (r) result |= ({e.ret})(1u << j);"], parallel=False)]
    else:
        lines = loop(n, body + ["((uint32_t*)result)[j] = r ? 0xFFFFFFFFu : 0u;"])
    return text(PREDICATE_NOTE.format(imm=imm(e)), [f"const int pred = {imm(e)} & 15;", *lines])


# Gathers: lane j is the element at byte address p + index[j] * scale (index signed), at any
# alignment: copied with memcpy, which C allows at any address. Masked forms read the selected lanes
# only (no fault elsewhere) and keep src in the others; the AVX2 forms select by the sign bit of each
# lane of a mask register, the AVX-512 forms by the bits of k.
@family(r"i32gather_(ps|epi32)")
def gather(e: Entry, suffix: str) -> str:
    t = ELEM[suffix]
    (p, _), (scale, _) = e.scalars
    regs = [n for n, _ in e.regs]
    index = regs[1] if e.mask else regs[0]
    address = f"(const uint8_t*){p} + (long long){at(e, index, 'int32_t')} * {scale}"
    read = f"memcpy((uint8_t*)result + 4 * j, {address}, 4);"
    note = f"lane j: the 4 bytes at byte address {p} + {index}[j] * {scale} ({index} signed, any alignment)"
    if not e.mask:
        return text(note, loop(nbytes(e.ret) // 4, [read]))
    if e.k is None:
        selected = f"{at(e, regs[2], 'int32_t')} < 0"
        note += f";\nonly where the sign bit of {regs[2]}[j] is set, else {regs[0]}[j] (no read)"
    else:
        selected = f"({e.k} >> j) & 1"
        note += f";\nonly where bit j of {e.k} is set, else {regs[0]}[j] (no read)"
    stmt = (f"if ({selected})\n    {read}\n  else\n    {at(e, 'result', t)} = {at(e, regs[0], t)};")
    return text(note, loop(nbytes(e.ret) // 4, [stmt]))


# Horizontal pairs: per 128-bit lane, the sums (differences) of adjacent lanes of a, then of b.
@family(r"(hadd|hsub)_(ps|epi16|epi32)")
def horizontal(e: Entry, op: str, suffix: str) -> str:
    a, b = operands(e, 2)
    t = ELEM[suffix]
    u = t if suffix == "ps" else UNSIGNED[t]
    m = 16 // SIZE[t]
    sign = "+" if op == "hadd" else "-"

    def pair(x: str) -> str:
        return f"{at(e, x, u, 's')} {sign} {at(e, x, u, 's + 1')}"
    note = f"per 128-bit lane: [{a}0 {sign} {a}1, {a}2 {sign} {a}3, ..., {b}0 {sign} {b}1, ...]"
    if suffix != "ps":
        note += ", wrapped"
    return lanes(e, u, f"i < {m // 2} ? {pair(a)} : {pair(b)}",
                 (f"const int i = j % {m}, s = j - i + 2 * (i % {m // 2});",), note)


# Broadcasts: lane 0 of a register (or an element in memory) to every lane, or a chunk repeated.
@family(r"broadcast(ss_ps|b_epi8|w_epi16|d_epi32|q_epi64|_ss)")
def broadcast(e: Entry, kind: str) -> str:
    t = lane_type(kind.rsplit("_", 1)[1], e)
    source = f"{e.scalars[0][0]}[0]" if kind == "_ss" else at(e, e.regs[0][0], t, "0")
    return lanes(e, t, source)


@family(r"broadcast(?:si128_si256|_f32x4|_i32x4|_f32x8|_i32x8|_i64x4|_ps)")
def broadcast_chunk(e: Entry) -> str:
    t = lane_type("", e)
    if e.regs:
        a, reg = e.regs[0]
        w = nbytes(reg) // SIZE[t]
        return lanes(e, t, at(e, a, t, f"j % {w}"))
    p = e.scalars[0][0]                                # `const __m128* p`: 4 floats in memory
    return lanes(e, t, f"((const {t}*){p})[j % 4]")


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


@family(r"extract[fi](?:128|32x4|32x8|64x4)_(?:ps|pd|si256|epi32|epi64)")
def extract(e: Entry) -> str:
    (a, t), (imm, _) = e.regs[0], e.scalars[0]
    chunks, words = nbytes(t) // nbytes(e.ret), nbytes(e.ret) // 4
    note = (f"the {8 * nbytes(e.ret)}-bit chunk {imm} & {chunks - 1} of {a} "
            f"(the other bits of the immediate are ignored)")
    return lanes(e, "uint32_t", at(e, a, "uint32_t", f"({imm} & {chunks - 1}) * {words} + j"), note=note)


@family(r"cvtss_f32|cvtsd_f64|cvtsi\d+_si32")
def lane0(e: Entry) -> str:
    return f"result = {at(e, e.regs[0][0], e.ret if e.ret in ('float', 'double') else 'int32_t', '0')};"


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
       ("gt", "ps"): "{0} > {1}", ("ge", "ps"): "{0} >= {1}", ("ngt", "ps"): "!({0} > {1})",
       ("nge", "ps"): "!({0} >= {1})",
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
