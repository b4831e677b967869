"""The interpreter: executable semantics of CUDA, HIP, BANG C and C/VNNI programs.

`Interpreter(module).run(entry, inputs)` calls a host entry (a launcher, or a vnni function)
with numpy arrays for pointer parameters and numpy scalars for the rest, and returns the final
contents of every array. `launch` runs kernels: CUDA/HIP grids in batches of whole blocks
(all threads of a batch are lanes), BANG task grids with every task a lane.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from xpiler import ir
from xpiler.diagnostics import XpilerError
from xpiler.types import Pointer, Scalar, Space, Vector

from .machine import Machine, TooSlow
from .memory import Buffer, Memory, Ptr
from .values import convert

LANE_BUDGET = 1 << 18          # lanes per batch of blocks (memory/speed trade-off)
WARP_SIZE = {ir.Platform.CUDA: 32, ir.Platform.HIP: 64}


@dataclass
class Report:
    """What a run observed besides its outputs."""
    launches: list[str] = field(default_factory=list)
    races: list[str] = field(default_factory=list)
    uninitialised: list[str] = field(default_factory=list)
    sampled: list[str] = field(default_factory=list)
    scalar_ops: int = 0
    # what the program wrote (printf, fprintf, puts, std::cout <<, ...), one entry per write
    stdout: list[str] = field(default_factory=list)
    stderr: list[str] = field(default_factory=list)


class Interpreter:
    def __init__(self, module: ir.Module, check_races: bool = False, seed: int = 0,
                 sample_blocks: int | None = None, pad_device: int = 0):
        if module.platform is ir.Platform.VNNI:     # C: loops proven independent run as lanes
            from xpiler.dependence import parallelize
            from .cxx import serial_where_unmodelled
            module = serial_where_unmodelled(module, parallelize(module, every=True)[0])
        self.module = module
        self.pad_device = pad_device     # device allocations get at least this many bytes
        self.memory = Memory(check_races)
        self.report = Report()
        self.warp_size = WARP_SIZE.get(module.platform, 32)
        self.dynamic_shared_bytes = 0
        self.buffers_in_flight: list[Buffer] = []
        self.rng = np.random.default_rng(seed)
        self.device_buffers: list[Buffer] = []
        # run only this many randomly chosen blocks/tasks per launch; every buffer then tracks
        # which block wrote each byte (run() returns the owned elements in `owned`)
        self.sample_blocks = sample_blocks
        self.owned: dict[str, np.ndarray] = {}
        # expression and statement closures of this module's IR, shared by all its machines
        self.compiled: dict = {}
        # time.perf_counter() value past which the run stops with machine.TooSlow (None: no limit)
        self.deadline: float | None = None

    # ---- host entry ---------------------------------------------------------------------------
    def run(self, entry: str, inputs: dict) -> dict[str, np.ndarray]:
        fn = self.module.function(entry)
        if fn is None or fn.body is None:
            names = ", ".join(f.name for f in self.module.functions if f.body is not None)
            raise XpilerError(None, f"no function '{entry}' with a body (have: {names})")
        if fn.kind is ir.FuncKind.KERNEL and self.module.platform is not ir.Platform.VNNI:
            raise XpilerError(fn.span, f"'{entry}' is a kernel; run it through its host launcher "
                                       f"or use run_kernel with a launch geometry")
        host = Machine(self.module, self.memory, 1, runtime=self)
        args, buffers = self.bind(fn, inputs, Space.HOST)
        host.run_function(fn, args)
        self.finish()
        if self.sample_blocks is not None:
            for name, buf in buffers.items():
                size = inputs[name].dtype.itemsize
                self.owned[name] = (buf.owner.reshape(-1, size) != 0).all(axis=1).reshape(inputs[name].shape)
        return {name: buf.as_array(inputs[name].dtype).reshape(inputs[name].shape).copy()
                for name, buf in buffers.items()}

    def bind(self, fn: ir.Function, inputs: dict, space: Space):
        args, buffers = [], {}
        for p in fn.params:
            if p.name not in inputs:
                raise XpilerError(p.span, f"no input given for parameter '{p.name}'")
            value = inputs[p.name]
            if isinstance(p.type, Pointer):
                if not isinstance(value, np.ndarray):
                    raise XpilerError(p.span, f"parameter '{p.name}' is a pointer: give an array")
                # a parameter declared as device memory (the host entry of a device-only kernel,
                # xpiler/launch.py) receives the caller's device arrays
                where = Space.GLOBAL if p.type.space is Space.GLOBAL else space
                buf = Buffer.from_array(p.name, where, value)
                if self.sample_blocks is not None:
                    buf.owner = np.zeros(buf.nbytes, np.int32)
                buffers[p.name] = buf
                args.append(Ptr(buf, np.zeros((), np.int64), _pointee_size(p.type)))
            elif isinstance(p.type, Scalar):
                args.append(convert(np.asarray(value), None, p.type.dtype))
            else:
                raise XpilerError(p.span, f"not supported: parameter of type {p.type.c()}")
        return args, buffers

    def finish(self) -> None:
        seen = set()
        for name, index in self.memory.uninitialised_reads:
            if name not in seen:
                seen.add(name)
                self.report.uninitialised.append(f"read of never-written memory: '{name}' element {index}")

    # ---- kernels ------------------------------------------------------------------------------
    def launch(self, caller: Machine, stmt: ir.Launch, config: list, args: list) -> None:
        fn = self.module.function(stmt.kernel)
        if fn is None or fn.body is None:
            raise XpilerError(stmt.span, f"kernel '{stmt.kernel}' has no body in this file")
        template = self.template_bindings(fn, stmt, caller)
        if self.module.platform is ir.Platform.BANG:
            dim = _dim3(config[0])
            ktype = int(np.asarray(config[1]).reshape(-1)[0])
            self.run_tasks(fn, dim, ktype, args, stmt, template)
        else:
            grid, block = _dim3(config[0]), _dim3(config[1])
            shmem = int(np.asarray(config[2]).reshape(-1)[0]) if len(config) > 2 else 0
            self.run_grid(fn, grid, block, args, shmem, stmt, template)

    def template_bindings(self, fn: ir.Function, stmt: ir.Launch, caller: Machine) -> dict:
        """Values of a template kernel's value parameters at this launch."""
        out = {}
        values = list(stmt.template_args)
        for i, tp in enumerate(fn.template_params):
            arg = values[i] if i < len(values) else tp.default
            if tp.kind == "type":
                if arg is not None and not (isinstance(arg, ir.TypeArg) and arg.of == tp.type):
                    raise XpilerError(stmt.span, "not supported: launching a kernel templated on a type")
                continue
            if arg is None:
                raise XpilerError(stmt.span, f"no value for template parameter '{tp.name}'")
            out[tp.name] = np.asarray(caller.eval(arg, np.ones(1, bool))).reshape(()).astype(np.int32)
        return out

    def run_grid(self, fn: ir.Function, grid, block, args, shmem: int, span_node=None,
                 template: dict | None = None) -> None:
        threads = block[0] * block[1] * block[2]
        nblocks = grid[0] * grid[1] * grid[2]
        span = span_node.span if span_node is not None else fn.span
        if threads > 1024 or threads < 1:
            raise XpilerError(span, f"launch of '{fn.name}' with {threads} threads per block "
                                    f"(must be 1..1024)")
        if fn.launch_bounds:
            bound = int(np.asarray(fn.launch_bounds[0].value if isinstance(fn.launch_bounds[0], ir.Const)
                                   else 1024))
            if threads > bound:
                raise XpilerError(span, f"launch of '{fn.name}' with {threads} threads exceeds "
                                        f"__launch_bounds__({bound})")
        self.dynamic_shared_bytes = shmem
        self.report.launches.append(f"{fn.name}<<<({grid[0]}, {grid[1]}, {grid[2]}), "
                                    f"({block[0]}, {block[1]}, {block[2]})>>>")
        per_batch = max(1, min(nblocks, LANE_BUDGET // threads))
        ws = self.warp_size
        warps_per_block = -(-threads // ws)
        chosen = np.arange(nblocks, dtype=np.int64)
        if self.sample_blocks is not None and nblocks > self.sample_blocks:
            chosen = np.sort(self.rng.choice(nblocks, self.sample_blocks, replace=False))
            self.report.sampled.append(f"{fn.name}: ran {self.sample_blocks} of {nblocks} blocks "
                                       f"(blocks {chosen[:8].tolist()}{' ...' if chosen.size > 8 else ''})")
        for start in range(0, chosen.size, per_batch):
            if self.deadline is not None and time.perf_counter() > self.deadline:
                raise TooSlow(span, "the run went past its time limit")
            nb = min(per_batch, chosen.size - start)
            L = nb * threads
            lane = np.arange(L, dtype=np.int64)
            tid = lane % threads
            blk_local = lane // threads
            blk = chosen[start:start + nb][blk_local]
            if self.sample_blocks is not None:
                self.memory.lane_block = blk
            b = {
                "threadIdx.x": (tid % block[0]).astype(np.uint32),
                "threadIdx.y": ((tid // block[0]) % block[1]).astype(np.uint32),
                "threadIdx.z": (tid // (block[0] * block[1])).astype(np.uint32),
                "blockIdx.x": (blk % grid[0]).astype(np.uint32),
                "blockIdx.y": ((blk // grid[0]) % grid[1]).astype(np.uint32),
                "blockIdx.z": (blk // (grid[0] * grid[1])).astype(np.uint32),
                "warpSize": np.asarray(ws, np.int32),
            }
            for i, c in enumerate("xyz"):
                b[f"blockDim.{c}"] = np.asarray(block[i], np.uint32)
                b[f"gridDim.{c}"] = np.asarray(grid[i], np.uint32)
            groups = {"block": blk_local, "blocks": nb, "warp": blk_local * warps_per_block + tid // ws,
                      "warps": nb * warps_per_block, "lane": tid % ws, "threads": threads}
            self.buffers_in_flight = [a.buffer for a in args if isinstance(a, Ptr) and a.buffer is not None
                                      and a.buffer.log is not None]
            m = Machine(self.module, self.memory, L, b, groups, runtime=self)
            m.run_function(fn, args, template=template)
            m.check_races(fn.span)
        self.memory.lane_block = None

    def run_tasks(self, fn: ir.Function, dim, ktype: int, args, span_node=None,
                  template: dict | None = None) -> None:
        total = dim[0] * dim[1] * dim[2]
        span = span_node.span if span_node is not None else fn.span
        union = ktype // 4 if ktype >= 4 else 0
        if union and dim[0] % (4 * union):
            raise XpilerError(span, f"Union{union} launch needs dim.x a multiple of {4 * union}, got {dim[0]}")
        self.report.launches.append(f"{fn.name}<<<{{{dim[0]}, {dim[1]}, {dim[2]}}}, ktype {ktype}>>>")
        lane = np.arange(total, dtype=np.int64)
        x = lane % dim[0]
        y = (lane // dim[0]) % dim[1]
        z = lane // (dim[0] * dim[1])
        i32 = lambda a: np.asarray(a, np.int32)
        b = {"taskId": i32(lane), "taskIdX": i32(x), "taskIdY": i32(y), "taskIdZ": i32(z),
             "taskDim": i32(total), "taskDimX": i32(dim[0]), "taskDimY": i32(dim[1]), "taskDimZ": i32(dim[2])}
        if union:
            b.update(coreId=i32(x % 4), coreDim=i32(4), clusterId=i32((x // 4) % union),
                     clusterDim=i32(union))
            cluster = (lane // 4)
            clusters = -(-total // 4)
        else:
            b.update(coreId=i32(0), coreDim=i32(1), clusterId=i32(0), clusterDim=i32(0))
            cluster = lane
            clusters = total
        groups = {"cluster": cluster, "clusters": clusters, "block": cluster, "blocks": clusters}
        self.buffers_in_flight = []
        m = Machine(self.module, self.memory, total, b, groups, runtime=self)
        m.run_function(fn, args, template=template)
        m.check_races(fn.span)


def _pointee_size(t: Pointer) -> int:
    from xpiler.types import sizeof
    return sizeof(t.to) or 1


def _dim3(value) -> tuple[int, int, int]:
    v = np.asarray(value).reshape(-1)
    vals = [int(x) for x in v[:3]]
    while len(vals) < 3:
        vals.append(1)
    return tuple(vals)


def run(module: ir.Module, entry: str, inputs: dict, check_races: bool = False) -> dict:
    """Run `entry` of `module` on `inputs`; returns every array parameter's final contents."""
    return Interpreter(module, check_races).run(entry, inputs)
