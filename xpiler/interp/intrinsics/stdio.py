"""Output and termination of the C/C++ library (xpiler/catalog/libc.toml: printf ... assert), the
runtimes' error strings, and `<<` on C++ streams (Machine.x_Binary calls `stream_output`).

Output goes to the interpreter's report (`Report.stdout`, `Report.stderr`: one entry per write),
never to the terminal. When several lanes write (a parallel loop's iterations, a grid's threads)
each active lane writes in turn, in lane order. `exit`, `abort` and a failed `assert` end the
run with an XpilerError at the call.
"""
from __future__ import annotations

import re

import numpy as np

from xpiler import ir
from xpiler.builtins import MANIPULATORS
from xpiler.diagnostics import Note, XpilerError
from xpiler.intrinsics import lookup
from xpiler.types import Array, DType, Pointer, Scalar, Stream

from ..memory import Ptr
from . import semantics

STREAM_NAMES = {1: "stdout", 2: "stderr"}
# one conversion of a printf format (C11 7.21.6.1): flags, width, precision, length, conversion
_SPEC = re.compile(r"%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?(hh|h|ll|l|j|z|t|L)?([diouxXeEfFgGaAcspn%])")
_UNSIGNED_BITS = {"hh": 8, "h": 16, None: 32, "l": 64, "ll": 64, "j": 64, "z": 64, "t": 64, "L": 64}


def write(m, fd: int, text: str) -> None:
    runtime = m.runtime
    if runtime is not None and text:
        getattr(runtime.report, STREAM_NAMES[fd]).append(text)


def _lanes(mask) -> list[int]:
    return [int(i) for i in np.flatnonzero(np.asarray(mask).reshape(-1))]


def _at(value, lane: int):
    """The value lane `lane` holds: a Python str, a Ptr with one offset, or a numpy scalar."""
    if isinstance(value, str):
        return value
    if isinstance(value, Ptr):
        offsets = np.asarray(value.offsets)
        return Ptr(value.buffer, offsets if offsets.ndim == 0 else offsets[lane], value.elem_size)
    a = np.asarray(value)
    if a.ndim == 0:
        return a[()]
    return a[lane] if a.shape[0] > lane else a[0]


def _stream(m, node, value, lane: int) -> int:
    fd = _at(value, lane)
    if isinstance(fd, (np.integer, int)) and int(fd) in STREAM_NAMES:
        return int(fd)
    raise m.error(node.span, "not supported: output to a stream other than stdout and stderr "
                             "(std::cout, std::cerr)")


def _string(m, node, value) -> str:
    """The text of a `char*` argument: a literal, a runtime's error string, or a char array."""
    if isinstance(value, str):
        return value
    if isinstance(value, Ptr) and value.buffer is not None:
        data = value.buffer.data[int(value.offsets):]
        end = np.flatnonzero(data == 0)
        return bytes(data[:end[0] if end.size else data.size]).decode("latin-1")
    raise m.error(node.span, "not supported: a string argument that is not a string literal, a "
                             "char array or a runtime's error string")


def c_format(m, call: ir.Call, fmt: str, args: list, lane: int) -> str:
    """printf's text for one lane (C11 7.21.6.1), by Python's own % conversions where they agree."""
    values = iter(args)
    out, pos = [], 0

    def take():
        try:
            return next(values)
        except StopIteration:
            raise m.error(call.span, f"{call.callee}: the format needs more arguments than given") from None

    for spec in _SPEC.finditer(fmt):
        out.append(fmt[pos:spec.start()])
        pos = spec.end()
        flags, width, precision, length, conv = spec.groups()
        if conv == "%":
            out.append("%")
            continue
        if conv in "naA":
            raise m.error(call.span, f"not supported: the printf conversion '%{conv}'")
        if width == "*":
            width = str(int(_at(take(), lane)))
        if precision == "*":
            precision = str(int(_at(take(), lane)))
        value = _at(take(), lane)
        head = "%" + flags + (width or "") + ("." + (precision or "0") if precision is not None else "")
        if conv == "s":
            out.append((head + "s") % _string(m, call, value))
        elif conv == "c":
            out.append((head + "s") % chr(int(value) & 0xFF))
        elif conv == "p":
            address = id(value.buffer) + int(value.offsets) if isinstance(value, Ptr) and value.buffer else 0
            out.append((head.replace("#", "") + "s") % (hex(address) if address else "(nil)"))
        elif conv in "di":
            bits = _UNSIGNED_BITS[length]           # the argument as the length says: %hhd of 255 is -1
            n = int(value) % (1 << bits)
            out.append((head + "d") % (n - (1 << bits) if n >> (bits - 1) else n))
        elif conv in "ouxX":
            n = int(value) % (1 << _UNSIGNED_BITS[length])
            if "#" in flags and (conv == "o" or n == 0):
                # C's '#': octal gets a leading 0 (Python's would be 0o), and zero no 0x
                digits = ("%" + ("." + (precision or "0") if precision is not None else "") + conv) % n
                if conv == "o" and not digits.startswith("0"):
                    digits = "0" + digits
                out.append(("%" + flags.replace("#", "").replace("0", "") + (width or "") + "s") % digits
                           if "-" in flags or "0" not in flags or precision is not None
                           else digits.rjust(int(width or 0), "0"))
            else:
                out.append((head + ("d" if conv == "u" else conv)) % n)
        else:
            out.append((head + conv) % float(value))
    out.append(fmt[pos:])
    return "".join(out)


@semantics("printf", "fprintf")
def printf(m, call, args, mask):
    stream_args = args[1:] if call.callee == "fprintf" else args
    count = np.zeros((), np.int32)
    for lane in _lanes(mask):
        fd = _stream(m, call, args[0], lane) if call.callee == "fprintf" else 1
        text = c_format(m, call, _string(m, call, _at(stream_args[0], lane)), stream_args[1:], lane)
        write(m, fd, text)
        count = np.asarray(len(text.encode("latin-1", "replace")), np.int32)
    return count


@semantics("puts", "fputs")
def puts(m, call, args, mask):
    for lane in _lanes(mask):
        if call.callee == "puts":
            write(m, 1, _string(m, call, _at(args[0], lane)) + "\n")
        else:
            write(m, _stream(m, call, args[1], lane), _string(m, call, _at(args[0], lane)))
    return np.asarray(1, np.int32)


@semantics("putchar")
def putchar(m, call, args, mask):
    for lane in _lanes(mask):
        write(m, 1, chr(int(_at(args[0], lane)) & 0xFF))
    return np.asarray(args[0]).astype(np.int32)


@semantics("fflush")
def fflush(m, call, args, mask):
    return np.asarray(0, np.int32)


def _ended(m, call: ir.Call, message: str, lane: int) -> XpilerError:
    """The error that ends a run at `call`, noting the last line the program wrote."""
    report = getattr(m.runtime, "report", None)
    notes = []
    for name in ("stderr", "stdout"):
        written = "".join(getattr(report, name, []) or []).rstrip("\n")
        if written:
            notes.append(Note(None, f"the program wrote to {name}: {written.splitlines()[-1]}"))
            break
    return XpilerError(call.span, message + m.where(lane), notes)


@semantics("exit")
def exit_(m, call, args, mask):
    lanes = _lanes(mask)
    if lanes:
        status = int(_at(args[0], lanes[0]))
        raise _ended(m, call, f"the program exited with status {status}", lanes[0])
    return None


@semantics("abort")
def abort(m, call, args, mask):
    lanes = _lanes(mask)
    if lanes:
        raise _ended(m, call, "the program aborted (abort() was called)", lanes[0])
    return None


@semantics("assert")
def assert_(m, call, args, mask):
    failed = _lanes(np.asarray(mask).reshape(-1) & ~m.truth(args[0]).reshape(-1))
    if failed:
        from xpiler.printer import Printer
        raise _ended(m, call, f"assertion failed: {Printer().expr(call.args[0])}", failed[0])
    return None


@semantics("cudaGetErrorString", "cudaGetErrorName", "hipGetErrorString", "hipGetErrorName",
           "cnrtGetErrorStr")
def error_string(m, call, args, mask):
    """Every runtime call of the interpreter succeeds: the message of success (the catalog's
    `success`), or of the number a program made up."""
    status = np.asarray(args[0]).reshape(-1)
    if status.size and np.all(status == 0):
        return lookup(call.callee).data["success"]
    return f"unknown error {int(status[0])}"


# ---- C++ streams ---------------------------------------------------------------------------------

def stream_output(m, e: ir.Binary, mask):
    """`stream << a << b ...` (a chain of `<<` on a std::ostream): each active lane writes its
    pieces in turn; the value is the stream."""
    items = []
    root = e
    while isinstance(root, ir.Binary) and root.op == "<<" and isinstance(root.type, Stream):
        items.append(root.right)
        root = root.left
    items.reverse()
    stream = m.eval(root, mask)
    values = [None if isinstance(x, ir.EnumConst) and x.name in MANIPULATORS else m.eval(x, mask)
              for x in items]
    for lane in _lanes(mask):
        fd = _stream(m, e, stream, lane)
        write(m, fd, "".join(_piece(m, e, x, v, lane) for x, v in zip(items, values)))
    return stream


def _piece(m, e: ir.Binary, item: ir.Expr, value, lane: int) -> str:
    """What `os << item` writes (C++ [ostream.inserters]: default formatting)."""
    if isinstance(item, ir.EnumConst) and item.name in MANIPULATORS:
        return MANIPULATORS[item.name]
    t = item.type
    v = _at(value, lane)
    if isinstance(v, str):
        return v
    if isinstance(t, (Pointer, Array)):
        pointee = t.to if isinstance(t, Pointer) else t.of
        if isinstance(pointee, Scalar) and pointee.dtype in (DType.I8, DType.U8):
            return _string(m, e, v)                    # char*: the characters
        return hex(id(v.buffer) + int(v.offsets)) if isinstance(v, Ptr) and v.buffer else "0"
    if isinstance(t, Scalar):
        if t.dtype in (DType.I8, DType.U8):
            return chr(int(v) & 0xFF)                  # char, signed and unsigned char: a character
        if t.dtype is DType.BOOL:
            return "1" if v else "0"
        if t.dtype.is_float:
            return "%g" % float(v)                     # precision 6, %g style
        return str(int(v))
    raise m.error(item.span, f"not supported: writing a value of type {t.c()} to a stream")
