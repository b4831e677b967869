// xpiler: BANG C on a CPU -- shared internals of bang.h (device side) and cnrt.h (host side).
//
// Execution model (docs/platforms/bang.md section 2):
//  * every task runs the kernel body once on its own std::thread; the built-ins taskId, coreId,
//    clusterId, ... are thread_local variables set before the body runs;
//  * __nram__ / __wram__ / __ldram__ are `thread_local`, so every task has private on-chip memory;
//  * Block launches: clusterDim == 0, coreDim == 1, coreId == clusterId == 0; tasks are spread over
//    a few worker threads (they never communicate);
//  * UnionN launches: a union block is 4N consecutive taskIdX with equal taskIdY/taskIdZ; its 4N
//    tasks run as concurrent threads (coreId = taskIdX % 4, clusterId = (taskIdX / 4) % N) so that
//    __sync_cluster() (4 tasks) and __sync_all() (4N tasks) are real barriers; union blocks run one
//    after another. A task that returns drops out of its barriers instead of dead-locking the rest.
//  * __mlu_shared__ (SRAM) is `static`: one image shared by all tasks of the running union block.
//    That is exact for Union1; for UnionN (N > 1) the N clusters share one image (a kernel that
//    relies on per-cluster SRAM at equal addresses is not modelled). There is no MPU task:
//    __is_mpu() is false and every task performs its own SRAM copies.
//  * WRAM holds the logical layout (bang.md section 9).
//
// The 16-bit float types (half, bfloat16_t) store their bits and round to nearest-even (or the
// requested mode) from double, so float arithmetic rounded back is correctly rounded.
#pragma once

#include <algorithm>
#include <barrier>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <mutex>
#include <thread>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace xpiler_bang {

[[noreturn]] inline void fail(const char* what) {
  std::fprintf(stderr, "xpiler BANG emulation: %s\n", what);
  std::fflush(stderr);
  std::abort();
}

// ---------------------------------------------------------------------------------------------
// Rounding. `rd` ("middle round") is read as nearest-even (bang.md 6.5).
enum class Round { rn, tz, dn, up, oz };

// Round a finite double to an integer-valued double.
inline double round_integral(double v, Round m) {
  switch (m) {
    case Round::tz: return std::trunc(v);
    case Round::dn: return std::floor(v);
    case Round::up: return std::ceil(v);
    case Round::oz: return v < 0 ? std::floor(v) : std::ceil(v);
    case Round::rn: default: {
      double f = std::floor(v), d = v - f;
      if (d > 0.5 || (d == 0.5 && std::fmod(f, 2.0) != 0.0)) f += 1.0;
      return f;
    }
  }
}

// Encode a double into a 16-bit binary float with EXP exponent bits and MANT fraction bits.
template <int EXP, int MANT>
uint16_t encode16(double x, Round mode) {
  static_assert(1 + EXP + MANT == 16);
  constexpr int bias = (1 << (EXP - 1)) - 1, emin = 1 - bias, emax = bias;
  constexpr uint16_t exp_mask = uint16_t(((1u << EXP) - 1u) << MANT);
  const bool neg = std::signbit(x);
  const uint16_t sign = neg ? uint16_t(0x8000u) : uint16_t(0);
  if (std::isnan(x)) return uint16_t(sign | exp_mask | (1u << (MANT - 1)));
  double a = std::fabs(x);
  if (std::isinf(a)) return uint16_t(sign | exp_mask);
  if (a == 0.0) return sign;
  // Rounding of the magnitude.
  Round mag = mode;
  if (mode == Round::dn) mag = neg ? Round::oz : Round::tz;
  if (mode == Round::up) mag = neg ? Round::tz : Round::oz;
  int e;
  std::frexp(a, &e);
  e = std::max(e - 1, emin);                 // a in [2^e, 2^(e+1)), or subnormal range
  const double quantum = std::ldexp(1.0, e - MANT);
  const double value = round_integral(a / quantum, mag) * quantum;
  const double max_finite = std::ldexp(2.0 - std::ldexp(1.0, -MANT), emax);
  if (value > max_finite) return uint16_t(sign | (mag == Round::tz ? exp_mask - 1u : exp_mask));
  if (value == 0.0) return sign;
  int e2;
  std::frexp(value, &e2);
  e2 -= 1;
  if (e2 < emin) return uint16_t(sign | uint16_t(value / std::ldexp(1.0, emin - MANT)));
  const unsigned mant = unsigned(value / std::ldexp(1.0, e2 - MANT)) - (1u << MANT);
  return uint16_t(sign | (unsigned(e2 + bias) << MANT) | mant);
}

template <int EXP, int MANT>
double decode16(uint16_t b) {
  constexpr int bias = (1 << (EXP - 1)) - 1;
  const double s = (b & 0x8000u) ? -1.0 : 1.0;
  const unsigned ef = (b >> MANT) & ((1u << EXP) - 1u), mant = b & ((1u << MANT) - 1u);
  if (ef == (1u << EXP) - 1u) return mant ? std::numeric_limits<double>::quiet_NaN() : s * INFINITY;
  if (ef == 0) return s * std::ldexp(double(mant), 1 - bias - MANT);
  return s * std::ldexp(double(mant + (1u << MANT)), int(ef) - bias - MANT);
}

// 16-bit float: IEEE binary16 (`half`, EXP 5 / MANT 10) and bfloat16 (EXP 8 / MANT 7).
template <int EXP, int MANT>
struct float16_t {
  static constexpr int exp_bits = EXP, mant_bits = MANT;
  uint16_t bits;

  float16_t() = default;
  template <class A>
    requires std::is_arithmetic_v<A>
  float16_t(A v) : bits(encode16<EXP, MANT>(double(v), Round::rn)) {}
  template <int E2, int M2>
    requires(E2 != EXP)
  explicit float16_t(float16_t<E2, M2> v) : bits(encode16<EXP, MANT>(double(v), Round::rn)) {}

  static float16_t from_bits(uint16_t b) { float16_t h; h.bits = b; return h; }
  operator float() const { return float(decode16<EXP, MANT>(bits)); }

  float16_t operator-() const { return from_bits(uint16_t(bits ^ 0x8000u)); }
  float16_t operator+() const { return *this; }
  float16_t& operator+=(float16_t o) { return *this = float16_t(float(*this) + float(o)); }
  float16_t& operator-=(float16_t o) { return *this = float16_t(float(*this) - float(o)); }
  float16_t& operator*=(float16_t o) { return *this = float16_t(float(*this) * float(o)); }
  float16_t& operator/=(float16_t o) { return *this = float16_t(float(*this) / float(o)); }
};

template <class T> inline constexpr bool is_float16 = false;
template <int E, int M> inline constexpr bool is_float16<float16_t<E, M>> = true;
template <class T> concept Float16 = is_float16<T>;

// half op half -> half (computed in float, rounded once: exact since 24 >= 2*11+2).
// Mixed operands (half + float) promote to float through the conversion operator.
template <Float16 A, std::same_as<A> B> A operator+(A a, B b) { return A(float(a) + float(b)); }
template <Float16 A, std::same_as<A> B> A operator-(A a, B b) { return A(float(a) - float(b)); }
template <Float16 A, std::same_as<A> B> A operator*(A a, B b) { return A(float(a) * float(b)); }
template <Float16 A, std::same_as<A> B> A operator/(A a, B b) { return A(float(a) / float(b)); }

// ---------------------------------------------------------------------------------------------
// Conversions between element types through double (exact for every type used here).
template <class T> double to_double(T v) {
  if constexpr (is_float16<T>) return decode16<T::exp_bits, T::mant_bits>(v.bits);
  else return double(v);
}

inline float round_to_float(double v, Round m) {
  float f = static_cast<float>(v);               // nearest-even
  if (m == Round::rn || std::isnan(v) || double(f) == v) return f;
  const bool above = double(f) > v;
  const float inf = std::numeric_limits<float>::infinity();
  switch (m) {
    case Round::tz: if (std::fabs(double(f)) > std::fabs(v)) f = std::nextafter(f, 0.0f); break;
    case Round::dn: if (above) f = std::nextafter(f, -inf); break;
    case Round::up: if (!above) f = std::nextafter(f, inf); break;
    case Round::oz: if (std::fabs(double(f)) < std::fabs(v)) f = std::nextafter(f, v < 0 ? -inf : inf); break;
    default: break;
  }
  return f;
}

// Round `v` to T with mode `m`; integers saturate (NaN -> 0).
template <class T> T from_double(double v, Round m = Round::rn) {
  if constexpr (is_float16<T>) {
    return T::from_bits(encode16<T::exp_bits, T::mant_bits>(v, m));
  } else if constexpr (std::is_same_v<T, float>) {
    return round_to_float(v, m);
  } else if constexpr (std::is_floating_point_v<T>) {
    return T(v);
  } else {
    static_assert(std::is_integral_v<T>, "unsupported element type");
    if (std::isnan(v)) return T(0);
    const double r = round_integral(v, m);
    if (r <= double(std::numeric_limits<T>::min())) return std::numeric_limits<T>::min();
    if (r >= double(std::numeric_limits<T>::max())) return std::numeric_limits<T>::max();
    return T(r);
  }
}

template <class T> inline constexpr bool is_floating = std::is_floating_point_v<T> || is_float16<T>;

}  // namespace xpiler_bang

using half = xpiler_bang::float16_t<5, 10>;
using bfloat16_t = xpiler_bang::float16_t<8, 7>;

// ---------------------------------------------------------------------------------------------
// Launch geometry (cnrt.h names; also needed by the launch macro).
typedef struct cnrtDim3 {
  unsigned int x;
  unsigned int y;
  unsigned int z;
} cnrtDim3_t;

typedef enum {
  cnrtFuncTypeBlock = 1,
  cnrtFuncTypeUnion1 = 4,
  cnrtFuncTypeUnion2 = 8,
  cnrtFuncTypeUnion4 = 16,
  cnrtFuncTypeUnion8 = 32,
  cnrtFuncTypeUnion16 = 64,
} cnrtFunctionType_t;

#define CNRT_FUNC_TYPE_BLOCK cnrtFuncTypeBlock
#define CNRT_FUNC_TYPE_UNION1 cnrtFuncTypeUnion1
#define CNRT_FUNC_TYPE_UNION2 cnrtFuncTypeUnion2
#define CNRT_FUNC_TYPE_UNION4 cnrtFuncTypeUnion4
#define CNRT_FUNC_TYPE_UNION8 cnrtFuncTypeUnion8
#define CNRT_FUNC_TYPE_UNION16 cnrtFuncTypeUnion16

struct xpiler_cnrt_queue { int unused; };
typedef xpiler_cnrt_queue* cnrtQueue_t;

// Built-in index variables (bang.md 2.1), one copy per task thread.
inline thread_local int taskIdX = 0, taskIdY = 0, taskIdZ = 0, taskId = 0;
inline thread_local int taskDimX = 1, taskDimY = 1, taskDimZ = 1, taskDim = 1;
inline thread_local int coreId = 0, coreDim = 1, clusterId = 0, clusterDim = 0;

namespace xpiler_bang {

inline thread_local std::barrier<>* cluster_barrier = nullptr;  // 4 tasks of one cluster
inline thread_local std::barrier<>* union_barrier = nullptr;    // 4N tasks of one union block

// GDRAM buffers (cnrtMalloc): poisoned until written (0xFF bytes: NaN as a float, -1 as an
// integer, as device memory holds garbage) and followed by a red zone, checked when the buffer is
// freed and after every launch: a write past the end of a buffer stops the run.
constexpr size_t GDRAM_RED = 256;
struct GdramBuffer { unsigned char* base; size_t bytes; };
inline std::mutex& gdram_lock() { static std::mutex m; return m; }
inline std::vector<GdramBuffer>& gdram_buffers() { static std::vector<GdramBuffer> v; return v; }
inline unsigned char gdram_red(size_t i) { return (unsigned char)(0xA5u ^ (i * 29u)); }
inline size_t gdram_total(size_t bytes) { return (bytes + GDRAM_RED + 63) / 64 * 64; }

inline void* gdram_alloc(size_t bytes) {
  auto* base = static_cast<unsigned char*>(std::aligned_alloc(64, gdram_total(bytes)));
  if (!base) return nullptr;
  std::memset(base, 0xFF, bytes);
  for (size_t i = bytes; i < gdram_total(bytes); ++i) base[i] = gdram_red(i - bytes);
  std::lock_guard<std::mutex> hold(gdram_lock());
  gdram_buffers().push_back({base, bytes});
  return base;
}

inline void gdram_check(const GdramBuffer& b) {
  for (size_t i = b.bytes; i < gdram_total(b.bytes); ++i)
    if (b.base[i] != gdram_red(i - b.bytes)) {
      char what[160];
      std::snprintf(what, sizeof what, "write past the end of a cnrtMalloc'd buffer of %zu bytes (at byte %zu)",
                    b.bytes, i);
      fail(what);
    }
}

inline void gdram_check_all() {
  std::lock_guard<std::mutex> hold(gdram_lock());
  for (const auto& b : gdram_buffers()) gdram_check(b);
}

inline void gdram_free(void* ptr) {
  if (!ptr) return;
  {
    std::lock_guard<std::mutex> hold(gdram_lock());
    auto& all = gdram_buffers();
    for (size_t i = 0; i < all.size(); ++i)
      if (all[i].base == ptr) {
        gdram_check(all[i]);
        all.erase(all.begin() + std::ptrdiff_t(i));
        break;
      }
  }
  std::free(ptr);
}

inline void set_task(cnrtDim3_t dim, unsigned x, unsigned y, unsigned z, int core_id, int core_dim,
                     int cluster_id, int cluster_dim) {
  taskDimX = int(dim.x); taskDimY = int(dim.y); taskDimZ = int(dim.z);
  taskDim = taskDimX * taskDimY * taskDimZ;
  taskIdX = int(x); taskIdY = int(y); taskIdZ = int(z);
  taskId = (taskIdZ * taskDimY + taskIdY) * taskDimX + taskIdX;
  coreId = core_id; coreDim = core_dim; clusterId = cluster_id; clusterDim = cluster_dim;
}

// Run `kernel(params...)` once per task of the grid; returns when every task has finished.
template <class... P, class... A>
void launch(cnrtDim3_t dim, cnrtFunctionType_t ktype, cnrtQueue_t, void (*kernel)(P...), A&&... args) {
  const std::tuple<P...> params(std::forward<A>(args)...);  // converted once, like a call
  if (dim.x == 0 || dim.y == 0 || dim.z == 0) fail("launch with a zero task dimension");
  const unsigned kt = unsigned(ktype);
  if (kt == 1) {  // Block: independent tasks, spread over a few worker threads
    const unsigned total = dim.x * dim.y * dim.z;
    const unsigned workers = std::max(1u, std::min(total, std::max(2u, std::thread::hardware_concurrency())));
    std::vector<std::thread> pool;
    for (unsigned w = 0; w < workers; ++w) {
      pool.emplace_back([&, w] {
        for (unsigned t = w; t < total; t += workers) {
          set_task(dim, t % dim.x, (t / dim.x) % dim.y, t / (dim.x * dim.y), 0, 1, 0, 0);
          std::apply(kernel, params);
        }
      });
    }
    for (auto& th : pool) th.join();
    gdram_check_all();
    return;
  }
  if (kt != 4 && kt != 8 && kt != 16 && kt != 32 && kt != 64) fail("unknown cnrtFunctionType_t");
  if (dim.x % kt != 0) fail("UnionN launch needs dim.x to be a multiple of 4N");
  const unsigned clusters = kt / 4;
  for (unsigned z = 0; z < dim.z; ++z)
    for (unsigned y = 0; y < dim.y; ++y)
      for (unsigned x0 = 0; x0 < dim.x; x0 += kt) {  // one union block after another
        std::vector<std::unique_ptr<std::barrier<>>> cluster_bars;
        for (unsigned c = 0; c < clusters; ++c) cluster_bars.push_back(std::make_unique<std::barrier<>>(4));
        std::barrier<> all_bar{std::ptrdiff_t(kt)};
        std::vector<std::thread> tasks;
        for (unsigned i = 0; i < kt; ++i) {
          tasks.emplace_back([&, i] {
            const unsigned x = x0 + i;
            set_task(dim, x, y, z, int(x % 4), 4, int((x / 4) % clusters), int(clusters));
            cluster_barrier = cluster_bars[(x / 4) % clusters].get();
            union_barrier = &all_bar;
            std::apply(kernel, params);
            cluster_barrier->arrive_and_drop();
            union_barrier->arrive_and_drop();
            cluster_barrier = union_barrier = nullptr;
          });
        }
        for (auto& th : tasks) th.join();
      }
  gdram_check_all();
}

}  // namespace xpiler_bang

// `k<<<dim, ktype, queue>>>(args...)` is rewritten by oracle/native.py into this macro.
#define XPILER_BANG_LAUNCH(kernel, dim, ktype, queue, ...) \
  ::xpiler_bang::launch((dim), (ktype), (queue), (kernel) __VA_OPT__(, ) __VA_ARGS__)
