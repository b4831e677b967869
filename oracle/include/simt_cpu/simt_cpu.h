// simt_cpu.h — CUDA and HIP kernels executed on a CPU, for checking them against references.
//
// Not included directly: the front headers (<cuda_runtime.h>, <mma.h>, <cuda_fp16.h> for CUDA;
// <hip/hip_runtime.h>, <hip/hip_fp16.h> for HIP) define SIMT_WARP_SIZE (32 or 64) and the
// platform spellings, then include this file, which holds every mechanism once. The kernel source
// is first passed through oracle/native.py `prepare_source` (launch syntax, __shared__,
// __launch_bounds__, clang vector types); see there for the rewrites.
//
// Execution model (deterministic; one OS thread):
//  * blocks run one after another (blockIdx order, x fastest; reversed with schedule 1);
//  * every GPU thread of the running block is a fiber (ucontext) that runs until it blocks at a
//    block barrier or a warp collective (shuffle, vote, __syncwarp, WMMA, MFMA) or returns;
//    the scheduler runs the ready fibers in thread order (reverse order with schedule 1), then
//    releases ONE warp collective (lowest warp first), or, when every live thread waits at
//    __syncthreads, the barrier. Run-to-barrier is adversarial for missing barriers: a thread
//    that reads shared memory another thread has not yet written sees the poison pattern.
//  * warp collectives complete only when every lane they name waits at the same collective;
//    a calling lane outside its mask, lanes of a warp waiting at different collectives, a
//    live lane named in a mask that never arrives, a barrier not reached by all live threads, or live
//    threads waiting at different __syncthreads calls (source line) is reported as an error
//    (GPU behaviour would be undefined: hang or garbage). Threads that have returned do not
//    hold a barrier up (as on current GPUs); exited lanes named in a mask do not take part, and a
//    shuffle reading from a lane outside the group gets poison (undefined on a GPU).
//  * fresh device memory and shared memory (per block) are filled with 0xFF bytes (NaN for
//    float/half/double, -1 for integers); device allocations and shared arrays are surrounded
//    by canary red zones checked after each launch / block (out-of-bounds writes); memcpy
//    ranges and kernel pointer arguments are checked against the device allocations.
//  * errors are recorded (first one wins) and abort the launch; later launches are skipped;
//    the message is read by the harness through `simt_cpu_error()`.
// Numerics: host float arithmetic with the compiler's -ffp-contract=off (no FMA contraction,
// unlike nvcc/hipcc defaults); math functions and fast intrinsics (__expf...) are the host
// libm's correctly-rounded-ish versions; matrix units (WMMA, MFMA) sum the exact products in
// double and round once; atomics apply in schedule order (float atomic sums are
// deterministic here but may differ from a GPU by rounding).
#pragma once

#ifndef SIMT_WARP_SIZE
#error "simt_cpu.h is included through <cuda_runtime.h> or <hip/hip_runtime.h>"
#endif

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cstdarg>
#include <type_traits>
#include <dlfcn.h>
#include <sys/mman.h>
#include <ucontext.h>

#ifndef SIMT_STATIC_SHARED_LIMIT
#define SIMT_STATIC_SHARED_LIMIT (48 * 1024)
#endif
#ifndef SIMT_DYNAMIC_SHARED_DEFAULT
#define SIMT_DYNAMIC_SHARED_DEFAULT (48 * 1024)
#endif
#ifndef SIMT_DYNAMIC_SHARED_MAX
#define SIMT_DYNAMIC_SHARED_MAX (227 * 1024)
#endif

// ---------------------------------------------------------------------------------------------
// Qualifiers. __shared__ and __launch_bounds__ are rewritten by prepare_source; a __shared__
// left here is a declaration form the rewrite does not know.
#define __global__
#define __device__
#define __host__
#define __constant__
#define __managed__
#define __forceinline__ inline
#define __noinline__ __attribute__((noinline))
#define __align__(n) __attribute__((aligned(n)))
#define __launch_bounds__(...)
#define __shared__ simt_cpu_unsupported___shared___declaration_form

// ---------------------------------------------------------------------------------------------
// Built-in vector types (CUDA alignment: n * sizeof(T) for n = 1, 2, 4, capped at 16; T for n = 3).
#define SIMT_VEC_TYPES(T, N)                                                                      \
  struct __attribute__((aligned(sizeof(T) * 1))) N##1 { T x; };                                  \
  struct __attribute__((aligned(sizeof(T) * 2 > 16 ? 16 : sizeof(T) * 2))) N##2 { T x, y; };     \
  struct N##3 { T x, y, z; };                                                                     \
  struct __attribute__((aligned(sizeof(T) * 4 > 16 ? 16 : sizeof(T) * 4))) N##4 { T x, y, z, w; }; \
  inline N##1 make_##N##1(T x) { return N##1{x}; }                                                \
  inline N##2 make_##N##2(T x, T y) { return N##2{x, y}; }                                        \
  inline N##3 make_##N##3(T x, T y, T z) { return N##3{x, y, z}; }                                \
  inline N##4 make_##N##4(T x, T y, T z, T w) { return N##4{x, y, z, w}; }
SIMT_VEC_TYPES(signed char, char)
SIMT_VEC_TYPES(unsigned char, uchar)
SIMT_VEC_TYPES(short, short)
SIMT_VEC_TYPES(unsigned short, ushort)
SIMT_VEC_TYPES(int, int)
SIMT_VEC_TYPES(unsigned int, uint)
SIMT_VEC_TYPES(long, long)
SIMT_VEC_TYPES(unsigned long, ulong)
SIMT_VEC_TYPES(long long, longlong)
SIMT_VEC_TYPES(unsigned long long, ulonglong)
SIMT_VEC_TYPES(float, float)
SIMT_VEC_TYPES(double, double)
#undef SIMT_VEC_TYPES

struct dim3 {
  unsigned int x, y, z;
  constexpr dim3(unsigned int vx = 1, unsigned int vy = 1, unsigned int vz = 1) : x(vx), y(vy), z(vz) {}
  constexpr dim3(uint3 v) : x(v.x), y(v.y), z(v.z) {}
  constexpr operator uint3() const { return uint3{x, y, z}; }
};

constexpr int warpSize = SIMT_WARP_SIZE;

// ---------------------------------------------------------------------------------------------
namespace simt {

constexpr int W = SIMT_WARP_SIZE;
using lanemask_t = unsigned long long;
constexpr lanemask_t FULL = W == 64 ? ~0ull : 0xffffffffull;

enum State : unsigned char { READY, AT_BARRIER, AT_WARP, DONE };
// A warp collective is identified by its combine function; it runs once per release with the
// argument blocks of the lanes in the group (nullptr for the other lanes of the warp).
typedef void (*Combine)(void* const* args, lanemask_t group);

struct Fiber {
  ucontext_t ctx;
  State state;
  Combine combine;   // AT_WARP: which collective
  void* arg;         // AT_WARP: lane's argument/result block
  lanemask_t mask;   // AT_WARP: lanes named (explicit masks)
  bool implicit;     // AT_WARP: group = all live lanes of the warp (HIP forms without a mask)
  bool whole;        // AT_WARP: needs every lane of the warp (WMMA, MFMA)
  const char* what;  // AT_WARP: name for messages
  int bar_kind, bar_value;  // AT_BARRIER: 0 plain, 1 count, 2 and, 3 or
  const char* bar_file;     // AT_BARRIER: call site (all threads must wait at the same one)
  unsigned bar_line;
};

struct Alloc { unsigned char* user; size_t size; size_t id; bool live; };

constexpr size_t DEV_ALIGN = 256, DEV_RED = 256;       // device allocation alignment / red zone
constexpr size_t SH_RED = 64;                          // red zone after each shared array
constexpr size_t SH_STATIC_AREA = 256 * 1024;          // static __shared__ arena
constexpr size_t SH_DYN_AREA = SIMT_DYNAMIC_SHARED_MAX + 256;
constexpr uint32_t CANARY_BASE = 0x7FA00000u;          // NaN as float: out-of-bounds reads show up
constexpr unsigned char POISON = 0xFF;
constexpr size_t SHARED_SALT = 1u << 20;               // red-zone salts of shared arrays

struct State_ {
  // error state (sticky)
  char error[2048];
  bool failed = false;
  int schedule = 0;  // 0 forward, 1 reverse
  bool schedule_set = false;  // set through simt_cpu_set_schedule (else $SIMT_CPU_SCHEDULE)
  int last_error = 0;
  // device memory
  Alloc* allocs = nullptr;
  size_t nallocs = 0, cap_allocs = 0, next_id = 0;
  // launch state
  const char* kernel = "";
  Fiber* fibers = nullptr;
  int nthreads = 0, cap_fibers = 0;
  unsigned char* stacks = nullptr;
  size_t stack_size = 256 * 1024;
  ucontext_t sched;
  int cur = -1;          // running fiber, -1 on the host
  bool aborting = false;
  bool launching = false;  // a kernel is being run (messages name the block and thread)
  void (*body)(void*) = nullptr;
  void* body_ctx = nullptr;
  int barrier_result = 0;
  unsigned block_gen = 0;  // increments per block: shared arrays are re-allocated
  // shared memory
  size_t sh_permanent = 0;  // bytes of namespace-scope __shared__ (allocated at load time)
  size_t sh_used = 0;       // bytes used in the static arena (permanent + this block)
  size_t dyn_bytes = 0;
  size_t sh_marks[512];     // end offsets of arrays (red zone follows)
  int nmarks = 0, npermanent_marks = 0;
  // attributes
  const void* attr_fn[64];
  int attr_dyn[64];
  int nattr = 0;
  unsigned long long clock = 0;
};
inline State_ g;

alignas(4096) inline unsigned char shared_static_arena[SH_STATIC_AREA];
alignas(4096) inline unsigned char shared_dynamic_arena[SH_DYN_AREA];

inline uint3 thread_idx, block_idx;
inline dim3 block_dim, grid_dim;

// ---- errors ------------------------------------------------------------------------------------
inline bool in_kernel() { return g.cur >= 0; }

[[noreturn]] inline void abort_fiber();

// Records the first error. Inside a kernel the launch is abandoned (does not return).
inline void fail(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
inline void fail(const char* fmt, ...) {
  if (!g.failed) {
    char msg[1536];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (g.launching)
      snprintf(g.error, sizeof g.error, "%s (kernel %s, block (%u,%u,%u), thread (%u,%u,%u))", msg,
               g.kernel, block_idx.x, block_idx.y, block_idx.z, thread_idx.x, thread_idx.y,
               thread_idx.z);
    else
      snprintf(g.error, sizeof g.error, "%s", msg);
    g.failed = true;
  }
  g.last_error = 1;
  if (in_kernel()) abort_fiber();
}

// ---- device memory -----------------------------------------------------------------------------
// Red-zone word of red zone number `salt`: a float NaN that differs between red zones, so an
// out-of-bounds read of one red zone copied out of bounds into another is still noticed.
inline uint32_t canary_word(size_t salt) {
  return CANARY_BASE | (uint32_t)((salt * 2654435761u) >> 11 & 0x1FFFFFu);
}
inline void fill_canary(unsigned char* p, size_t n, size_t salt) {
  uint32_t w = canary_word(salt);
  for (size_t i = 0; i < n; ++i) p[i] = (unsigned char)(w >> (8 * (i % 4)));
}
// Offset of the first byte that differs from the red zone's pattern, or n.
inline size_t check_canary(const unsigned char* p, size_t n, size_t salt) {
  uint32_t w = canary_word(salt);
  for (size_t i = 0; i < n; ++i)
    if (p[i] != (unsigned char)(w >> (8 * (i % 4)))) return i;
  return n;
}
inline size_t round_up(size_t n, size_t a) { return (n + a - 1) / a * a; }

inline void* device_malloc(size_t bytes) {
  size_t body = round_up(bytes ? bytes : 1, DEV_ALIGN);
  unsigned char* base = (unsigned char*)aligned_alloc(DEV_ALIGN, DEV_RED + body + DEV_RED);
  if (!base) return nullptr;
  unsigned char* user = base + DEV_RED;
  fill_canary(base, DEV_RED, g.next_id);
  memset(user, POISON, bytes);
  fill_canary(user + bytes, body - bytes + DEV_RED, g.next_id);
  if (g.nallocs == g.cap_allocs) {
    g.cap_allocs = g.cap_allocs ? 2 * g.cap_allocs : 64;
    g.allocs = (Alloc*)realloc(g.allocs, g.cap_allocs * sizeof(Alloc));
  }
  g.allocs[g.nallocs++] = Alloc{user, bytes, g.next_id++, true};
  return user;
}

// The live allocation containing [p, p + n) (n = 0: p may be one past the end), or nullptr.
inline Alloc* find_alloc(const void* p, size_t n = 0) {
  const unsigned char* q = (const unsigned char*)p;
  for (size_t i = 0; i < g.nallocs; ++i) {
    Alloc& a = g.allocs[i];
    if (a.live && q >= a.user && q + n <= a.user + a.size && (n > 0 || q <= a.user + a.size)) return &a;
  }
  return nullptr;
}
inline Alloc* find_alloc_start(const void* p) {
  for (size_t i = 0; i < g.nallocs; ++i)
    if (g.allocs[i].live && g.allocs[i].user == p) return &g.allocs[i];
  return nullptr;
}

inline bool check_red_zones(const Alloc& a, const char* when) {
  size_t body = round_up(a.size ? a.size : 1, DEV_ALIGN);
  size_t off = check_canary(a.user - DEV_RED, DEV_RED, a.id);
  if (off < DEV_RED) {
    fail("out-of-bounds write: byte -%zu before device allocation #%zu (%zu bytes), %s",
         DEV_RED - off, a.id, a.size, when);
    return false;
  }
  off = check_canary(a.user + a.size, body - a.size + DEV_RED, a.id);
  if (off < body - a.size + DEV_RED) {
    fail("out-of-bounds write: byte +%zu after the end of device allocation #%zu (%zu bytes), %s",
         off, a.id, a.size, when);
    return false;
  }
  return true;
}

inline void device_free(void* p) {
  if (!p) return;
  Alloc* a = find_alloc_start(p);
  if (!a) { fail("free of %p, which is not a live device allocation", p); return; }
  check_red_zones(*a, "found when freeing it");
  a->live = false;
  free(a->user - DEV_RED);
}

// kind: 0 host->host, 1 host->device, 2 device->host, 3 device->device, 4 default (inferred)
inline void checked_memcpy(void* dst, const void* src, size_t n, int kind, const char* api) {
  bool dd = kind == 1 || kind == 3 || (kind == 4 && find_alloc(dst));
  bool sd = kind == 2 || kind == 3 || (kind == 4 && find_alloc(src));
  if (n == 0) return;
  if (dd && !find_alloc(dst, n)) {
    fail("%s: destination [%p, +%zu bytes) is not inside one device allocation", api, dst, n);
    return;
  }
  if (sd && !find_alloc(src, n)) {
    fail("%s: source [%p, +%zu bytes) is not inside one device allocation", api, src, n);
    return;
  }
  memmove(dst, src, n);
}
inline void checked_memset(void* dst, int value, size_t n, const char* api) {
  if (n && !find_alloc(dst, n)) {
    fail("%s: [%p, +%zu bytes) is not inside one device allocation", api, dst, n);
    return;
  }
  memset(dst, value, n);
}

// ---- shared memory -----------------------------------------------------------------------------
// Static __shared__ variables: `auto& name = *simt::shared_var<T, ID, ALIGN>();` (prepare_source).
// Storage is allocated on first use in each block (poisoned, followed by a red zone); at namespace
// scope (static initialisation, outside a block) it is allocated once for the whole program.
inline void* shared_alloc(size_t bytes, size_t align) {
  if (align < 16) align = 16;
  size_t off = round_up(g.sh_used, align);
  if (off + bytes + SH_RED > SH_STATIC_AREA || g.nmarks == 512) {
    fail("static __shared__ memory exhausted (%zu bytes requested)", bytes);
    return shared_static_arena;  // host-side: keep going, the error is reported
  }
  unsigned char* p = shared_static_arena + off;
  memset(p, POISON, bytes);
  fill_canary(p + bytes, SH_RED, SHARED_SALT + g.nmarks);
  g.sh_used = off + bytes + SH_RED;
  g.sh_marks[g.nmarks++] = off + bytes;
  if (!in_kernel()) { g.sh_permanent = g.sh_used; g.npermanent_marks = g.nmarks; }
  if (g.sh_used - g.nmarks * SH_RED > SIMT_STATIC_SHARED_LIMIT)
    fail("static __shared__ memory of the block exceeds %d bytes", SIMT_STATIC_SHARED_LIMIT);
  return p;
}

template <class T, int ID, size_t ALIGN = alignof(T)>
inline T* shared_var() {
  static void* p = nullptr;
  static unsigned gen = ~0u;
  if (!in_kernel()) {  // namespace scope: one allocation for the program
    if (!p) p = shared_alloc(sizeof(T), ALIGN);
    gen = ~1u;
    return (T*)p;
  }
  if (gen != g.block_gen && gen != ~1u) {
    p = shared_alloc(sizeof(T), ALIGN);
    gen = g.block_gen;
  }
  return (T*)p;
}

// `extern __shared__ T name[];` becomes a reference to this fixed address (all such arrays alias).
inline unsigned char* dynamic_shared_base() { return shared_dynamic_arena; }

inline void begin_block_shared() {
  // namespace-scope arrays persist but are re-poisoned; block-scope arrays are re-allocated
  memset(shared_static_arena, POISON, g.sh_permanent);
  for (int i = 0; i < g.npermanent_marks; ++i)
    fill_canary(shared_static_arena + g.sh_marks[i], SH_RED, SHARED_SALT + i);
  g.sh_used = g.sh_permanent;
  g.nmarks = g.npermanent_marks;
  memset(shared_dynamic_arena, POISON, g.dyn_bytes);
  fill_canary(shared_dynamic_arena + g.dyn_bytes, 256, SHARED_SALT - 1);
}

inline void end_block_shared() {
  for (int i = 0; i < g.nmarks; ++i) {
    size_t off = check_canary(shared_static_arena + g.sh_marks[i], SH_RED, SHARED_SALT + i);
    if (off < SH_RED) {
      fail("out-of-bounds write: byte +%zu after the end of a static __shared__ array", off);
      return;
    }
  }
  size_t off = check_canary(shared_dynamic_arena + g.dyn_bytes, 256, SHARED_SALT - 1);
  if (off < 256)
    fail("out-of-bounds write: byte +%zu after the end of dynamic shared memory (%zu bytes)", off,
         g.dyn_bytes);
}

// ---- fibers and the block scheduler -------------------------------------------------------------
inline void set_index(int t) {
  thread_idx.x = t % block_dim.x;
  thread_idx.y = (t / block_dim.x) % block_dim.y;
  thread_idx.z = t / (block_dim.x * block_dim.y);
}
inline void set_thread(int t) {
  g.cur = t;
  set_index(t);
}

[[noreturn]] inline void abort_fiber() {
  g.aborting = true;
  Fiber& f = g.fibers[g.cur];
  f.state = DONE;
  swapcontext(&f.ctx, &g.sched);
  __builtin_unreachable();
}

inline void block_here(State s) {
  Fiber& f = g.fibers[g.cur];
  f.state = s;
  swapcontext(&f.ctx, &g.sched);
}

inline void fiber_main() {
  g.body(g.body_ctx);
  Fiber& f = g.fibers[g.cur];
  f.state = DONE;
  swapcontext(&f.ctx, &g.sched);
}

inline void ensure_fibers(int n) {
  if (n <= g.cap_fibers) return;
  free(g.fibers);
  if (g.stacks) munmap(g.stacks, (size_t)g.cap_fibers * g.stack_size);
  g.fibers = (Fiber*)calloc(n, sizeof(Fiber));
  g.stacks = (unsigned char*)mmap(nullptr, (size_t)n * g.stack_size, PROT_READ | PROT_WRITE,
                                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  for (int i = 0; i < n; ++i)  // guard page at the low end of every stack
    mprotect(g.stacks + (size_t)i * g.stack_size, 4096, PROT_NONE);
  g.cap_fibers = n;
}

inline int warp_count() { return (g.nthreads + W - 1) / W; }
inline lanemask_t existing_lanes(int w) {
  int n = g.nthreads - w * W;
  return n >= W ? FULL : ((1ull << n) - 1);
}

inline const char* state_name(const Fiber& f) {
  switch (f.state) {
    case READY: return "ready";
    case AT_BARRIER: return "__syncthreads";
    case AT_WARP: return f.what;
    default: return "exited";
  }
}

// Releases one complete warp collective (lowest warp first, or highest with schedule 1).
inline bool release_one_warp_group() {
  int nw = warp_count();
  for (int k = 0; k < nw; ++k) {
    int w = g.schedule ? nw - 1 - k : k;
    Fiber* lanes = g.fibers + w * W;
    lanemask_t exist = existing_lanes(w), live = 0;
    for (int l = 0; l < W; ++l)
      if ((exist >> l & 1) && lanes[l].state != DONE) live |= 1ull << l;
    for (int l = 0; l < W; ++l) {
      if (!(exist >> l & 1) || lanes[l].state != AT_WARP) continue;
      const Fiber& f = lanes[l];
      // cuda.md §5: the lanes named in the mask that have not exited take part (lanes missing
      // from a partial warp count as exited); reading from any other lane gives poison.
      lanemask_t group = f.implicit ? live : (f.mask & live);
      bool complete = true;
      for (int m = 0; m < W && complete; ++m)
        if (group >> m & 1)
          complete = lanes[m].state == AT_WARP && lanes[m].combine == f.combine &&
                     lanes[m].implicit == f.implicit && (f.implicit || lanes[m].mask == f.mask);
      if (!complete) continue;
      if (f.whole && group != FULL) {
        set_index(w * W + l);
        fail("%s: needs all %d lanes of the warp, but some have exited", f.what, W);
        return false;
      }
      void* args[W];
      for (int m = 0; m < W; ++m) args[m] = (group >> m & 1) ? lanes[m].arg : nullptr;
      set_index(w * W + l);  // for messages from the combine
      f.combine(args, group);
      if (g.failed) return false;
      for (int m = 0; m < W; ++m)
        if (group >> m & 1) lanes[m].state = READY;
      return true;
    }
  }
  return false;
}

inline void report_deadlock() {
  char buf[1024];
  size_t o = 0;
  for (int t = 0; t < g.nthreads && o < sizeof buf - 80; ++t) {
    if (g.fibers[t].state == DONE) continue;
    int lo = t;
    while (t + 1 < g.nthreads && g.fibers[t + 1].state == g.fibers[lo].state &&
           g.fibers[t + 1].combine == g.fibers[lo].combine &&
           g.fibers[t + 1].mask == g.fibers[lo].mask)
      ++t;
    o += snprintf(buf + o, sizeof buf - o, "%sthreads %d-%d at %s", o ? "; " : "", lo, t,
                  state_name(g.fibers[lo]));
  }
  g.launching = false;  // the message names the block itself
  fail("deadlock in kernel %s, block (%u,%u,%u): barrier or warp collective not reached by all "
       "the threads it waits for: %s", g.kernel, block_idx.x, block_idx.y, block_idx.z, buf);
}

inline void run_block() {
  int n = g.nthreads;
  ++g.block_gen;
  begin_block_shared();
  for (int t = 0; t < n; ++t) {
    Fiber& f = g.fibers[t];
    getcontext(&f.ctx);
    f.ctx.uc_stack.ss_sp = g.stacks + (size_t)t * g.stack_size + 4096;
    f.ctx.uc_stack.ss_size = g.stack_size - 4096;
    f.ctx.uc_link = nullptr;
    makecontext(&f.ctx, fiber_main, 0);
    f.state = READY;
    f.combine = nullptr;
  }
  for (;;) {
    for (int k = 0; k < n; ++k) {
      int t = g.schedule ? n - 1 - k : k;
      if (g.fibers[t].state != READY) continue;
      set_thread(t);
      swapcontext(&g.sched, &g.fibers[t].ctx);
      g.cur = -1;
      if (g.aborting) return;
    }
    bool all_done = true, all_barrier = true;
    for (int t = 0; t < n; ++t) {
      all_done &= g.fibers[t].state == DONE;
      all_barrier &= g.fibers[t].state == DONE || g.fibers[t].state == AT_BARRIER;
    }
    if (all_done) break;
    if (release_one_warp_group()) continue;
    if (g.failed) return;
    if (!all_barrier) { report_deadlock(); return; }
    int kind = -1, count = 0, live = 0;
    const Fiber* first = nullptr;
    for (int t = 0; t < n; ++t) {
      Fiber& f = g.fibers[t];
      if (f.state != AT_BARRIER) continue;
      if (!first) first = &f;
      if (f.bar_kind != first->bar_kind || f.bar_line != first->bar_line ||
          strcmp(f.bar_file, first->bar_file) != 0) {
        set_index(t);
        fail("divergent block barrier: threads wait at different __syncthreads calls (line %u and "
             "line %u)", first->bar_line, f.bar_line);
        return;
      }
      kind = f.bar_kind;
      ++live;
      count += f.bar_value != 0;
      f.state = READY;
    }
    g.barrier_result = kind == 1 ? count : kind == 2 ? count == live : kind == 3 ? count > 0 : 0;
  }
  end_block_shared();
}

struct LaunchConfig {
  dim3 grid, block;
  size_t shmem;
  LaunchConfig(dim3 gr, dim3 bl, size_t sh = 0, const void* stream = nullptr)
      : grid(gr), block(bl), shmem(sh) { (void)stream; }
};

inline int dynamic_shared_limit(const void* fn) {
  for (int i = 0; i < g.nattr; ++i)
    if (g.attr_fn[i] == fn) return g.attr_dyn[i];
  return SIMT_DYNAMIC_SHARED_DEFAULT;
}

template <class A>
inline void check_pointer_arg(const char* kernel, int index, const A& a) {
  if constexpr (std::is_pointer<A>::value && std::is_object<typename std::remove_pointer<A>::type>::value) {
    if (a != nullptr && !find_alloc((const void*)a) && !g.failed)
      fail("kernel %s: argument %d (%p) does not point into device memory (a host pointer?)",
           kernel, index, (const void*)a);
  }
}

template <class Lambda>
inline void call_body(void* ctx) { (*(Lambda*)ctx)(); }

template <class... P, class... A>
void launch(const char* name, const LaunchConfig& c, void (*kernel)(P...), A&&... args) {
  static_assert(sizeof...(P) == sizeof...(A), "kernel launched with the wrong number of arguments");
  if (g.failed) return;  // sticky error: later launches do not run
  if (in_kernel()) { fail("kernel %s launched from device code", name); }
  const dim3 gr = c.grid, bl = c.block;
  unsigned long long nthreads = (unsigned long long)bl.x * bl.y * bl.z;
  if (nthreads == 0 || nthreads > 1024 || bl.x > 1024 || bl.y > 1024 || bl.z > 64) {
    fail("launch of %s: invalid block (%u,%u,%u)", name, bl.x, bl.y, bl.z);
    return;
  }
  if (gr.x == 0 || gr.y == 0 || gr.z == 0 || gr.x > 2147483647u || gr.y > 65535 || gr.z > 65535) {
    fail("launch of %s: invalid grid (%u,%u,%u)", name, gr.x, gr.y, gr.z);
    return;
  }
  if (c.shmem > (size_t)dynamic_shared_limit((const void*)kernel)) {
    fail("launch of %s: %zu bytes of dynamic shared memory exceed the limit of %d", name, c.shmem,
         dynamic_shared_limit((const void*)kernel));
    return;
  }
  int idx = 0;
  (check_pointer_arg(name, idx++, args), ...);
  if (g.failed) return;
  const char* env = getenv("SIMT_CPU_SCHEDULE");
  if (!g.schedule_set && env && *env) g.schedule = atoi(env) != 0 || strcmp(env, "reverse") == 0;
  auto body = [&]() { kernel(args...); };
  g.body = &call_body<decltype(body)>;
  g.body_ctx = &body;
  g.kernel = name;
  g.launching = true;
  g.nthreads = (int)nthreads;
  g.dyn_bytes = c.shmem;
  ensure_fibers(g.nthreads);
  block_dim = bl;
  grid_dim = gr;
  unsigned long long nblocks = (unsigned long long)gr.x * gr.y * gr.z;
  for (unsigned long long k = 0; k < nblocks && !g.failed; ++k) {
    unsigned long long b = g.schedule ? nblocks - 1 - k : k;
    block_idx.x = b % gr.x;
    block_idx.y = (b / gr.x) % gr.y;
    block_idx.z = b / ((unsigned long long)gr.x * gr.y);
    run_block();
    g.aborting = false;
  }
  g.cur = -1;
  g.launching = false;
  if (g.failed) return;
  char when[300];
  snprintf(when, sizeof when, "found after kernel %s", name);
  for (size_t i = 0; i < g.nallocs; ++i)
    if (g.allocs[i].live && !check_red_zones(g.allocs[i], when)) return;
}

// Kernel prologue inserted by prepare_source for __launch_bounds__(max, ...).
inline void check_launch_bounds(long max_threads, long = 0, long = 0) {
  if ((long)g.nthreads > max_threads)
    fail("block of %d threads exceeds __launch_bounds__(%ld): the launch fails on a GPU",
         g.nthreads, max_threads);
}

// ---- block barrier -------------------------------------------------------------------------------
inline int block_barrier(int kind, int value, const char* file, unsigned line) {
  if (!in_kernel()) fail("__syncthreads called on the host");
  Fiber& f = g.fibers[g.cur];
  f.bar_kind = kind;
  f.bar_value = value;
  f.bar_file = file;
  f.bar_line = line;
  block_here(AT_BARRIER);
  return g.barrier_result;
}

// ---- warp collectives ----------------------------------------------------------------------------
inline int lane_id() { return g.cur % W; }

// Wait until the group completes; the combine fills the result fields of `arg`.
// implicit: the group is every live lane of the warp (HIP forms without a mask); otherwise `mask`.
inline void warp_collective(const char* what, Combine combine, void* arg, lanemask_t mask,
                            bool implicit, bool whole = false) {
  if (!in_kernel()) { fail("%s called on the host", what); return; }
  if (!implicit && !((mask >> lane_id()) & 1))
    fail("%s: calling lane %d is not in its mask 0x%llx", what, lane_id(), (unsigned long long)mask);
  Fiber& f = g.fibers[g.cur];
  f.what = what;
  f.combine = combine;
  f.arg = arg;
  f.mask = mask;
  f.implicit = implicit;
  f.whole = whole;
  block_here(AT_WARP);
}

// Collectives that need the whole warp (WMMA, MFMA): 32/64 existing, live lanes, no divergence.
inline void whole_warp_collective(const char* what, Combine combine, void* arg) {
  if (in_kernel() && existing_lanes(g.cur / W) != FULL)
    fail("%s in a partial warp (block of %d threads): needs all %d lanes", what, g.nthreads, W);
  warp_collective(what, combine, arg, FULL, false, true);
}

inline void noop_combine(void* const*, lanemask_t) {}

// Shuffles: cuda.md §5 segment rules, lanes 0..W-1 (hip.md §4 for W = 64).
enum ShflMode { SHFL_IDX, SHFL_UP, SHFL_DOWN, SHFL_XOR };
template <class T> struct ShflArg { T in, out; int src; };

template <class T>
void shfl_combine(void* const* args, lanemask_t) {
  for (int l = 0; l < W; ++l) {
    if (!args[l]) continue;
    ShflArg<T>* a = (ShflArg<T>*)args[l];
    int s = a->src;
    if (s >= 0 && s < W && args[s]) a->out = ((ShflArg<T>*)args[s])->in;
    else memset((void*)&a->out, POISON, sizeof(T));  // source lane not taking part: undefined
  }
}

inline int shfl_source(int mode, long long arg, int width) {
  if (width <= 0 || width > W || (width & (width - 1)))
    fail("shuffle width %d is not a power of two in [1, %d]", width, W);
  int l = lane_id(), base = l / width * width;
  long long s;
  switch (mode) {
    case SHFL_IDX: return base + (int)(arg & (width - 1));
    case SHFL_UP: s = l - arg; return s >= base ? (int)s : l;
    case SHFL_DOWN: s = l + arg; return s < base + width ? (int)s : l;
    default: s = l ^ arg; return s < base + width ? (int)s : l;
  }
}

template <class T>
inline T shfl(lanemask_t mask, bool implicit, T v, int mode, long long arg, int width) {
  static_assert(std::is_trivially_copyable<T>::value && sizeof(T) <= 16, "shuffle of this type");
  ShflArg<T> a;
  a.in = v;
  a.src = shfl_source(mode, arg, width);
  static const char* names[] = {"shfl", "shfl_up", "shfl_down", "shfl_xor"};
  warp_collective(names[mode], &shfl_combine<T>, &a, mask, implicit);
  return a.out;
}

// Votes: ballot (bit l = lane l of the group with pred != 0), any, all, match.
struct VoteArg { unsigned long long value; lanemask_t out, group; };
inline void ballot_combine(void* const* args, lanemask_t group) {
  lanemask_t b = 0;
  for (int l = 0; l < W; ++l)
    if (args[l] && ((VoteArg*)args[l])->value) b |= 1ull << l;
  for (int l = 0; l < W; ++l)
    if (args[l]) { ((VoteArg*)args[l])->out = b; ((VoteArg*)args[l])->group = group; }
}
inline void match_any_combine(void* const* args, lanemask_t group) {
  for (int l = 0; l < W; ++l) {
    if (!args[l]) continue;
    lanemask_t m = 0;
    for (int k = 0; k < W; ++k)
      if (args[k] && ((VoteArg*)args[k])->value == ((VoteArg*)args[l])->value) m |= 1ull << k;
    ((VoteArg*)args[l])->out = m;
    ((VoteArg*)args[l])->group = group;
  }
}
inline VoteArg vote(const char* what, Combine c, lanemask_t mask, bool implicit, unsigned long long v) {
  VoteArg a{v, 0, 0};
  warp_collective(what, c, &a, mask, implicit);
  return a;
}
inline lanemask_t ballot(lanemask_t mask, bool implicit, int pred) {
  return vote("ballot", ballot_combine, mask, implicit, pred != 0).out;
}
inline int any(lanemask_t mask, bool implicit, int pred) {
  return vote("any", ballot_combine, mask, implicit, pred != 0).out != 0;
}
inline int all(lanemask_t mask, bool implicit, int pred) {
  VoteArg a = vote("all", ballot_combine, mask, implicit, pred != 0);
  return a.out == a.group;
}
template <class T> inline unsigned long long bits_of(T v) {
  static_assert(sizeof(T) <= 8, "match of this type");
  unsigned long long b = 0;
  memcpy(&b, &v, sizeof(T));
  return b;
}
inline lanemask_t match_any(lanemask_t mask, unsigned long long v) {
  return vote("match_any", match_any_combine, mask, false, v).out;
}
inline lanemask_t match_all(lanemask_t mask, unsigned long long v, int* pred) {
  VoteArg a = vote("match_all", match_any_combine, mask, false, v);
  *pred = a.out == a.group;
  return *pred ? a.group : 0;
}
inline lanemask_t active_mask() {
  if (!in_kernel()) return 0;
  int w = g.cur / W;
  lanemask_t m = 0;
  for (int l = 0; l < W; ++l)
    if ((existing_lanes(w) >> l & 1) && g.fibers[w * W + l].state != DONE) m |= 1ull << l;
  return m;
}
inline void warp_sync(lanemask_t mask) { warp_collective("__syncwarp", noop_combine, nullptr, mask, false); }

// ---- matrix units: D = A * B + C with exact products summed in double, rounded once ----------
inline void tile_mma(int M, int N, int K, const double* A, const double* B, const double* C, double* D) {
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < N; ++j) {
      double s = C[i * N + j];
      for (int k = 0; k < K; ++k) s += A[i * K + k] * B[k * N + j];
      D[i * N + j] = s;
    }
}

// ---- atomics (one OS thread, no preemption inside an operation: plain read-modify-write) -------
// A file-scope __device__ variable is a plain global here (__device__ expands to nothing): in the
// static storage of the program or of a loaded library (the checks run the output as one).
inline bool in_static_storage(const void* p, size_t n) {
  Dl_info first, last;
  return dladdr(p, &first) && dladdr((const char*)p + n - 1, &last) && first.dli_fbase == last.dli_fbase;
}
template <class T, class F> inline T atomic_rmw(T* p, F f) {
  if (in_kernel() && !find_alloc(p, sizeof(T)) && !in_static_storage(p, sizeof(T)) &&
      !(p >= (T*)shared_static_arena && p < (T*)(shared_static_arena + SH_STATIC_AREA)) &&
      !(p >= (T*)shared_dynamic_arena && p < (T*)(shared_dynamic_arena + SH_DYN_AREA)))
    fail("atomic on %p, which is neither device nor shared memory", (void*)p);
  T old = *p;
  *p = f(old);
  return old;
}

}  // namespace simt

// ---------------------------------------------------------------------------------------------
// Index built-ins (read-only views of the scheduler's state).
inline const uint3& threadIdx = simt::thread_idx;
inline const uint3& blockIdx = simt::block_idx;
inline const dim3& blockDim = simt::block_dim;
inline const dim3& gridDim = simt::grid_dim;

// The call site (default arguments are evaluated at the caller) identifies the barrier: threads
// of a block waiting at different __syncthreads calls are reported (divergent barrier).
#define SIMT_SITE const char* file = __builtin_FILE(), unsigned line = __builtin_LINE()
inline void __syncthreads(SIMT_SITE) { simt::block_barrier(0, 0, file, line); }
inline int __syncthreads_count(int p, SIMT_SITE) { return simt::block_barrier(1, p, file, line); }
inline int __syncthreads_and(int p, SIMT_SITE) { return simt::block_barrier(2, p, file, line); }
inline int __syncthreads_or(int p, SIMT_SITE) { return simt::block_barrier(3, p, file, line); }
#undef SIMT_SITE
inline void __threadfence() {}
inline void __threadfence_block() {}
inline void __threadfence_system() {}
inline long long clock64() { return (long long)(simt::g.clock += 1000); }
inline void __nanosleep(unsigned) {}
[[noreturn]] inline void __trap() { simt::fail("__trap() called"); abort(); }

// ---- atomics (CUDA cuda.md §6 set; HIP adds float max/min in its front header) ----------------
#define SIMT_ATOMIC(NAME, T, EXPR) \
  inline T NAME(T* p, T v) { return simt::atomic_rmw(p, [&](T o) -> T { return EXPR; }); }
#define SIMT_ATOMIC_ARITH(T) SIMT_ATOMIC(atomicAdd, T, o + v) SIMT_ATOMIC(atomicExch, T, ((void)o, v))
#define SIMT_ATOMIC_INT(T)                                                                  \
  SIMT_ATOMIC_ARITH(T) SIMT_ATOMIC(atomicSub, T, o - v) SIMT_ATOMIC(atomicMax, T, o > v ? o : v) \
  SIMT_ATOMIC(atomicMin, T, o < v ? o : v) SIMT_ATOMIC(atomicAnd, T, o & v)                    \
  SIMT_ATOMIC(atomicOr, T, o | v) SIMT_ATOMIC(atomicXor, T, o ^ v)                              \
  inline T atomicCAS(T* p, T cmp, T v) { return simt::atomic_rmw(p, [&](T o) -> T { return o == cmp ? v : o; }); }
SIMT_ATOMIC_INT(int)
SIMT_ATOMIC_INT(unsigned int)
SIMT_ATOMIC_INT(unsigned long long)
SIMT_ATOMIC_INT(long long)
SIMT_ATOMIC_ARITH(float)
SIMT_ATOMIC_ARITH(double)
SIMT_ATOMIC(atomicAdd, _Float16, (_Float16)(o + v))
inline unsigned short atomicCAS(unsigned short* p, unsigned short c, unsigned short v) {
  return simt::atomic_rmw(p, [&](unsigned short o) -> unsigned short { return o == c ? v : o; });
}
SIMT_ATOMIC(atomicInc, unsigned int, o >= v ? 0u : o + 1)
SIMT_ATOMIC(atomicDec, unsigned int, (o == 0 || o > v) ? v : o - 1)
#undef SIMT_ATOMIC_INT
#undef SIMT_ATOMIC_ARITH

// ---- math and bit intrinsics ----------------------------------------------------------------
inline float __expf(float x) { return expf(x); }
inline float __exp10f(float x) { return powf(10.0f, x); }
inline float __logf(float x) { return logf(x); }
inline float __log2f(float x) { return log2f(x); }
inline float __log10f(float x) { return log10f(x); }
inline float __sinf(float x) { return sinf(x); }
inline float __cosf(float x) { return cosf(x); }
inline float __tanf(float x) { return tanf(x); }
inline void __sincosf(float x, float* s, float* c) { *s = sinf(x); *c = cosf(x); }
inline float __powf(float x, float y) { return powf(x, y); }
inline float __fdividef(float x, float y) { return x / y; }
inline float __frcp_rn(float x) { return 1.0f / x; }
inline float __fsqrt_rn(float x) { return sqrtf(x); }
inline float __frsqrt_rn(float x) { return 1.0f / sqrtf(x); }
inline float __fadd_rn(float x, float y) { return x + y; }
inline float __fsub_rn(float x, float y) { return x - y; }
inline float __fmul_rn(float x, float y) { return x * y; }
inline float __fdiv_rn(float x, float y) { return x / y; }
inline float __fmaf_rn(float x, float y, float z) { return fmaf(x, y, z); }
inline double __dadd_rn(double x, double y) { return x + y; }
inline double __dmul_rn(double x, double y) { return x * y; }
inline double __fma_rn(double x, double y, double z) { return fma(x, y, z); }
inline float __saturatef(float x) { return x != x ? 0.0f : x < 0.0f ? 0.0f : x > 1.0f ? 1.0f : x; }
inline float rsqrtf(float x) { return 1.0f / sqrtf(x); }
inline double rsqrt(double x) { return 1.0 / sqrt(x); }
inline float rcbrtf(float x) { return 1.0f / cbrtf(x); }
inline float normcdff(float x) { return 0.5f * erfcf(-x * 0.70710678118654752f); }
inline int __float2int_rn(float x) { return (int)nearbyintf(x); }
inline int __float2int_rz(float x) { return (int)x; }
inline int __float2int_rd(float x) { return (int)floorf(x); }
inline int __float2int_ru(float x) { return (int)ceilf(x); }
inline unsigned __float2uint_rn(float x) { return (unsigned)nearbyintf(x); }
inline float __int2float_rn(int x) { return (float)x; }
inline float __uint2float_rn(unsigned x) { return (float)x; }
inline int __float_as_int(float f) { int i; memcpy(&i, &f, 4); return i; }
inline float __int_as_float(int i) { float f; memcpy(&f, &i, 4); return f; }
inline unsigned __float_as_uint(float f) { unsigned i; memcpy(&i, &f, 4); return i; }
inline float __uint_as_float(unsigned i) { float f; memcpy(&f, &i, 4); return f; }
inline long long __double_as_longlong(double d) { long long i; memcpy(&i, &d, 8); return i; }
inline double __longlong_as_double(long long i) { double d; memcpy(&d, &i, 8); return d; }
inline int __popc(unsigned x) { return __builtin_popcount(x); }
inline int __popcll(unsigned long long x) { return __builtin_popcountll(x); }
inline int __clz(int x) { return x ? __builtin_clz((unsigned)x) : 32; }
inline int __clzll(long long x) { return x ? __builtin_clzll((unsigned long long)x) : 64; }
inline int __ffs(int x) { return __builtin_ffs(x); }
inline int __ffsll(long long x) { return __builtin_ffsll(x); }
inline unsigned __brev(unsigned x) {
  unsigned r = 0;
  for (int i = 0; i < 32; ++i) r |= ((x >> i) & 1u) << (31 - i);
  return r;
}
inline int __mul24(int x, int y) { return (int)((long long)(x << 8 >> 8) * (y << 8 >> 8)); }
inline int __mulhi(int x, int y) { return (int)(((long long)x * y) >> 32); }
inline unsigned __umulhi(unsigned x, unsigned y) { return (unsigned)(((unsigned long long)x * y) >> 32); }
template <class T> inline T __ldg(const T* p) { return *p; }
template <class T> inline T __ldcg(const T* p) { return *p; }
template <class T> inline T __ldca(const T* p) { return *p; }
template <class T> inline T __ldcs(const T* p) { return *p; }
template <class T> inline T __ldlu(const T* p) { return *p; }
template <class T> inline T __ldcv(const T* p) { return *p; }
template <class T> inline void __stcg(T* p, T v) { *p = v; }
template <class T> inline void __stcs(T* p, T v) { *p = v; }
template <class T> inline void __stwt(T* p, T v) { *p = v; }

// min/max as the device library provides them: same-type overloads, mixed types by promotion.
#define SIMT_MINMAX(T)                                      \
  inline T min(T a, T b) { return b < a ? b : a; }          \
  inline T max(T a, T b) { return a < b ? b : a; }
SIMT_MINMAX(int)
SIMT_MINMAX(unsigned int)
SIMT_MINMAX(long)
SIMT_MINMAX(unsigned long)
SIMT_MINMAX(long long)
SIMT_MINMAX(unsigned long long)
#undef SIMT_MINMAX
inline float min(float a, float b) { return fminf(a, b); }
inline float max(float a, float b) { return fmaxf(a, b); }
inline double min(double a, double b) { return fmin(a, b); }
inline double max(double a, double b) { return fmax(a, b); }
template <class A, class B, class = typename std::enable_if<!std::is_same<A, B>::value>::type>
inline auto min(A a, B b) -> typename std::common_type<A, B>::type {
  using C = typename std::common_type<A, B>::type;
  return min((C)a, (C)b);
}
template <class A, class B, class = typename std::enable_if<!std::is_same<A, B>::value>::type>
inline auto max(A a, B b) -> typename std::common_type<A, B>::type {
  using C = typename std::common_type<A, B>::type;
  return max((C)a, (C)b);
}
inline unsigned umin(unsigned a, unsigned b) { return min(a, b); }
inline unsigned umax(unsigned a, unsigned b) { return max(a, b); }

// ---------------------------------------------------------------------------------------------
// Host runtime API, spelled with a prefix by the front headers: SIMT_DEFINE_RUNTIME_API(cuda)
// gives cudaMalloc, cudaMemcpy, ...; SIMT_DEFINE_RUNTIME_API(hip) the HIP names.
namespace simt {
struct Stream { int unused; };
struct Event { double ms; };
struct DeviceProp {
  char name[256];
  size_t totalGlobalMem, sharedMemPerBlock, totalConstMem, sharedMemPerBlockOptin;
  int regsPerBlock, warpSize, maxThreadsPerBlock, maxThreadsDim[3], maxGridSize[3];
  int clockRate, major, minor, multiProcessorCount, maxThreadsPerMultiProcessor;
  size_t sharedMemPerMultiprocessor;
  int l2CacheSize, memoryClockRate, memoryBusWidth;
  char gcnArchName[256];
};
inline void fill_props(DeviceProp* p) {
  memset(p, 0, sizeof *p);
  snprintf(p->name, sizeof p->name, "simt_cpu emulator (warp %d)", W);
  snprintf(p->gcnArchName, sizeof p->gcnArchName, "%s", W == 64 ? "gfx90a" : "");
  p->totalGlobalMem = 16ull << 30;
  p->sharedMemPerBlock = SIMT_STATIC_SHARED_LIMIT;
  p->sharedMemPerBlockOptin = SIMT_DYNAMIC_SHARED_MAX;
  p->sharedMemPerMultiprocessor = SIMT_DYNAMIC_SHARED_MAX;
  p->totalConstMem = 65536;
  p->regsPerBlock = 65536;
  p->warpSize = W;
  p->maxThreadsPerBlock = 1024;
  p->maxThreadsDim[0] = 1024; p->maxThreadsDim[1] = 1024; p->maxThreadsDim[2] = 64;
  p->maxGridSize[0] = 2147483647; p->maxGridSize[1] = 65535; p->maxGridSize[2] = 65535;
  p->clockRate = 1000000;
  p->major = W == 64 ? 9 : 8;
  p->minor = 0;
  p->multiProcessorCount = 1;
  p->maxThreadsPerMultiProcessor = 2048;
}
inline void set_dynamic_shared_attr(const void* fn, int value) {
  if (value > SIMT_DYNAMIC_SHARED_MAX) { g.last_error = 1; return; }
  for (int i = 0; i < g.nattr; ++i)
    if (g.attr_fn[i] == fn) { g.attr_dyn[i] = value; return; }
  if (g.nattr < 64) { g.attr_fn[g.nattr] = fn; g.attr_dyn[g.nattr++] = value; }
}
}  // namespace simt

#define SIMT_DEFINE_RUNTIME_API(P)                                                                   \
  typedef enum P##Error_t {                                                                          \
    P##Success = 0, P##ErrorInvalidValue = 1, P##ErrorMemoryAllocation = 2,                          \
    P##ErrorLaunchFailure = 719                                                                      \
  } P##Error_t;                                                                                      \
  enum P##MemcpyKind { P##MemcpyHostToHost = 0, P##MemcpyHostToDevice = 1,                          \
                       P##MemcpyDeviceToHost = 2, P##MemcpyDeviceToDevice = 3, P##MemcpyDefault = 4 }; \
  enum P##FuncAttribute { P##FuncAttributeMaxDynamicSharedMemorySize = 8,                           \
                          P##FuncAttributePreferredSharedMemoryCarveout = 9 };                       \
  typedef simt::Stream* P##Stream_t;                                                                 \
  typedef simt::Event* P##Event_t;                                                                   \
  inline P##Error_t P##_status() { return simt::g.failed ? P##ErrorLaunchFailure : P##Success; }     \
  inline P##Error_t P##Malloc(void** p, size_t n) {                                                  \
    *p = simt::device_malloc(n);                                                                     \
    return *p ? P##Success : P##ErrorMemoryAllocation;                                               \
  }                                                                                                  \
  template <class T> inline P##Error_t P##Malloc(T** p, size_t n) { return P##Malloc((void**)p, n); } \
  inline P##Error_t P##MallocManaged(void** p, size_t n, unsigned = 1) { return P##Malloc(p, n); }   \
  template <class T> inline P##Error_t P##MallocManaged(T** p, size_t n, unsigned = 1) {             \
    return P##Malloc((void**)p, n);                                                                  \
  }                                                                                                  \
  inline P##Error_t P##Free(void* p) { simt::device_free(p); return P##_status(); }                  \
  inline P##Error_t P##Memcpy(void* d, const void* s, size_t n, P##MemcpyKind k) {                   \
    simt::checked_memcpy(d, s, n, (int)k, #P "Memcpy");                                              \
    return P##_status();                                                                             \
  }                                                                                                  \
  inline P##Error_t P##MemcpyAsync(void* d, const void* s, size_t n, P##MemcpyKind k,                \
                                   P##Stream_t = nullptr) {                                          \
    simt::checked_memcpy(d, s, n, (int)k, #P "MemcpyAsync");                                         \
    return P##_status();                                                                             \
  }                                                                                                  \
  inline P##Error_t P##Memset(void* d, int v, size_t n) {                                            \
    simt::checked_memset(d, v, n, #P "Memset");                                                      \
    return P##_status();                                                                             \
  }                                                                                                  \
  inline P##Error_t P##MemsetAsync(void* d, int v, size_t n, P##Stream_t = nullptr) {                \
    return P##Memset(d, v, n);                                                                       \
  }                                                                                                  \
  template <class T>                                                                                 \
  inline P##Error_t P##MemcpyToSymbol(T& sym, const void* s, size_t n, size_t off = 0,               \
                                      P##MemcpyKind = P##MemcpyHostToDevice) {                       \
    memcpy((char*)&sym + off, s, n);                                                                 \
    return P##Success;                                                                               \
  }                                                                                                  \
  template <class T>                                                                                 \
  inline P##Error_t P##MemcpyFromSymbol(void* d, const T& sym, size_t n, size_t off = 0,             \
                                        P##MemcpyKind = P##MemcpyDeviceToHost) {                     \
    memcpy(d, (const char*)&sym + off, n);                                                           \
    return P##Success;                                                                               \
  }                                                                                                  \
  inline P##Error_t P##DeviceSynchronize() { return P##_status(); }                                  \
  inline P##Error_t P##DeviceReset() { return P##Success; }                                          \
  inline P##Error_t P##GetLastError() {                                                              \
    int e = simt::g.last_error;                                                                      \
    simt::g.last_error = 0;                                                                          \
    return e ? P##ErrorLaunchFailure : P##Success;                                                   \
  }                                                                                                  \
  inline P##Error_t P##PeekAtLastError() {                                                           \
    return simt::g.last_error ? P##ErrorLaunchFailure : P##Success;                                  \
  }                                                                                                  \
  inline const char* P##GetErrorString(P##Error_t e) {                                               \
    return e == P##Success ? "no error" : simt::g.failed ? simt::g.error : "error";                   \
  }                                                                                                  \
  inline const char* P##GetErrorName(P##Error_t e) { return P##GetErrorString(e); }                  \
  inline P##Error_t P##SetDevice(int) { return P##Success; }                                         \
  inline P##Error_t P##GetDevice(int* d) { *d = 0; return P##Success; }                              \
  inline P##Error_t P##GetDeviceCount(int* n) { *n = 1; return P##Success; }                         \
  inline P##Error_t P##StreamCreate(P##Stream_t* s) { *s = new simt::Stream(); return P##Success; }  \
  inline P##Error_t P##StreamCreateWithFlags(P##Stream_t* s, unsigned) { return P##StreamCreate(s); } \
  inline P##Error_t P##StreamDestroy(P##Stream_t s) { delete s; return P##Success; }                 \
  inline P##Error_t P##StreamSynchronize(P##Stream_t) { return P##_status(); }                       \
  inline P##Error_t P##EventCreate(P##Event_t* e) { *e = new simt::Event(); return P##Success; }     \
  inline P##Error_t P##EventDestroy(P##Event_t e) { delete e; return P##Success; }                   \
  inline P##Error_t P##EventRecord(P##Event_t, P##Stream_t = nullptr) { return P##Success; }         \
  inline P##Error_t P##EventSynchronize(P##Event_t) { return P##Success; }                           \
  inline P##Error_t P##EventElapsedTime(float* ms, P##Event_t, P##Event_t) { *ms = 0; return P##Success; } \
  template <class F> inline P##Error_t P##FuncSetAttribute(F* f, P##FuncAttribute a, int v) {        \
    if (a == P##FuncAttributeMaxDynamicSharedMemorySize) simt::set_dynamic_shared_attr((const void*)f, v); \
    return P##Success;                                                                               \
  }

// ---------------------------------------------------------------------------------------------
// C-linkage hooks for the harness (oracle/native.py).
extern "C" __attribute__((used, visibility("default"))) inline const char* simt_cpu_error(void) {
  return simt::g.failed ? simt::g.error : nullptr;
}
extern "C" __attribute__((used, visibility("default"))) inline void simt_cpu_set_schedule(int s) {
  simt::g.schedule = s;
  simt::g.schedule_set = true;
}
// Clears the sticky error (for harnesses that call one library several times in one process).
extern "C" __attribute__((used, visibility("default"))) inline void simt_cpu_reset(void) {
  simt::g.failed = false;
  simt::g.error[0] = 0;
  simt::g.last_error = 0;
}
