// xpiler: BANG C device side on a CPU (g++ -std=c++20). Semantics: docs/platforms/bang.md;
// the section numbers below refer to it. Execution model: xpiler_bang_cpu.h.
//
// Every intrinsic family is described once: an element operation (a small functor) plus the
// loop shape that applies it (element-wise, with a scalar, cyclic). Floating results are computed
// in double (float for the 16-bit types) and rounded once to the element type; `active_*`
// approximations are modelled by the exact functions. Violations of documented hard constraints
// (reduce_sum length, 3-D copy counts, cycle lengths, ...) abort with a message.
#pragma once

#include "xpiler_bang_cpu.h"

// ---------------------------------------------------------------------------------------------
// Section 1/3: predefined macros and qualifiers (MLU370 sizes, KB).
#ifndef __BANG_ARCH__
#define __BANG_ARCH__ 372
#endif
#define __BANG__ 1
#define __MLU_NRAM_SIZE__ 768
#define __MLU_WRAM_SIZE__ 1024
#define __MLU_SRAM_SIZE__ 4096

// Function qualifiers expand to an attribute only, so `static __mlu_func__` or
// `__mlu_func__ inline` stay valid (one translation unit: no `inline` needed).
#define __mlu_global__
#define __mlu_entry__
#define __mlu_host__
#define __mlu_func__ __attribute__((unused))
#define __mlu_device__ __attribute__((unused))   // device function, or a GDRAM global
// On-chip private memory: `static thread_local`. Internal linkage: a file-scope buffer named like
// a C library function (`__nram__ float stat[32];`) must not interpose it in the process that
// loads the library. A `static` written before the qualifier is removed by
// oracle/native.py (prepare_source), as `static static` would not compile.
#define __nram__ static thread_local
#define __wram__ static thread_local
#define __ldram__ static thread_local
// SRAM: one image per running union block (see xpiler_bang_cpu.h); `static __mlu_shared__`
// would repeat `static` and is not accepted.
#define __mlu_shared__ static
#define __mlu_const__

typedef int8_t int8;
typedef int8_t fix8;
typedef int16_t int16;

inline bool __is_mpu() { return false; }
inline bool __is_ipu() { return true; }

// ---------------------------------------------------------------------------------------------
// Section 4: synchronisation. Per-core pipeline syncs are no-ops (everything runs in program
// order); cluster / union barriers are real barriers (no-ops in Block launches).
inline void __sync() {}
inline void __sync_io() {}
inline void __sync_move() {}
inline void __sync_compute() {}
inline void __sync_io_move_compute(bool = true, bool = true, bool = true, bool = true, bool = true, bool = true) {}
inline void __sync_cluster() {
  if (xpiler_bang::cluster_barrier) xpiler_bang::cluster_barrier->arrive_and_wait();
}
inline void __sync_all() {
  if (xpiler_bang::union_barrier) xpiler_bang::union_barrier->arrive_and_wait();
}
inline void __sync_all_ipu() { __sync_all(); }
inline void __sync_all_mpu() {}

// ---------------------------------------------------------------------------------------------
// Section 5.1: __memcpy / __memcpy_async. Sizes and strides in bytes, segnum = count - 1.
typedef enum {
  GDRAM2NRAM = 0, NRAM2GDRAM = 1, LDRAM2NRAM = 2, NRAM2LDRAM = 3, GDRAM2WRAM = 4, WRAM2GDRAM = 5,
  LDRAM2WRAM = 6, WRAM2LDRAM = 7, NRAM2NRAM = 8, NRAM2WRAM = 9, WRAM2NRAM = 10, GDRAM2SRAM = 11,
  SRAM2GDRAM = 12, LDRAM2SRAM = 13, SRAM2LDRAM = 14, SRAM2NRAM = 15, NRAM2SRAM = 16,
  SRAM2WRAM = 17, WRAM2SRAM = 18, GDRAM2GDRAM = 19, GDRAM2LDRAM = 20, LDRAM2GDRAM = 21,
  LDRAM2LDRAM = 22, SRAM2SRAM = 23,
} mluMemcpyDirection_t;

namespace xpiler_bang {

// The 3-D copy every other form reduces to: segment k of the source walk goes to segment k of the
// destination walk (inner counter first).
inline void copy3d(void* dst, const void* src, unsigned size, long ds0, long dn1, long ds1, long dn2,
                   long ss0, long sn1, long ss1, long sn2) {
  if ((dn1 + 1) * (dn2 + 1) != (sn1 + 1) * (sn2 + 1)) fail("__memcpy 3-D: segment counts of dst and src differ");
  auto* d = static_cast<unsigned char*>(dst);
  auto* s = static_cast<const unsigned char*>(src);
  long k = 0;
  for (long j = 0; j <= sn2; ++j)
    for (long i = 0; i <= sn1; ++i, ++k) {
      const long di = k % (dn1 + 1), dj = k / (dn1 + 1);
      std::memmove(d + dj * ds1 + di * ds0, s + j * ss1 + i * ss0, size);
    }
}

}  // namespace xpiler_bang

inline void __memcpy(void* dst, const void* src, unsigned size, mluMemcpyDirection_t) {
  std::memmove(dst, src, size);
}
inline void __memcpy(void* dst, const void* src, unsigned size, mluMemcpyDirection_t dir, unsigned /*id_dst_cluster*/) {
  __memcpy(dst, src, size, dir);
}
inline void __memcpy(void* dst, const void* src, unsigned size, mluMemcpyDirection_t, unsigned dst_stride,
                     int src_stride, unsigned segnum) {
  xpiler_bang::copy3d(dst, src, size, long(dst_stride), long(segnum), 0, 0, long(src_stride), long(segnum), 0, 0);
}
inline void __memcpy(void* dst, const void* src, unsigned size, mluMemcpyDirection_t dir, unsigned dst_stride,
                     int src_stride, unsigned segnum, unsigned /*id_dst_cluster*/) {
  __memcpy(dst, src, size, dir, dst_stride, src_stride, segnum);
}
inline void __memcpy(void* dst, const void* src, unsigned size, mluMemcpyDirection_t, int dst_stride0,
                     unsigned dst_segnum1, int dst_stride1, unsigned dst_segnum2, int src_stride0,
                     unsigned src_segnum1, int src_stride1, unsigned src_segnum2) {
  xpiler_bang::copy3d(dst, src, size, dst_stride0, long(dst_segnum1), dst_stride1, long(dst_segnum2), src_stride0,
                      long(src_segnum1), src_stride1, long(src_segnum2));
}
inline void __memcpy(void* dst, const void* src, unsigned size, mluMemcpyDirection_t dir, int dst_stride0,
                     unsigned dst_segnum1, int dst_stride1, unsigned dst_segnum2, int src_stride0,
                     unsigned src_segnum1, int src_stride1, unsigned src_segnum2, unsigned /*id_dst_cluster*/) {
  __memcpy(dst, src, size, dir, dst_stride0, dst_segnum1, dst_stride1, dst_segnum2, src_stride0, src_segnum1,
           src_stride1, src_segnum2);
}
// Asynchronous forms complete immediately (the syncs that would wait for them are no-ops).
template <class... A> void __memcpy_async(void* dst, const void* src, A... rest) { __memcpy(dst, src, rest...); }

// Section 5.2: __bang_move (NRAM -> NRAM, overlap allowed), same shapes without a direction.
inline void __bang_move(void* dst, const void* src, unsigned size) { std::memmove(dst, src, size); }
inline void __bang_move(void* dst, const void* src, unsigned size, unsigned dst_stride, unsigned src_stride,
                        unsigned segnum) {
  __memcpy(dst, src, size, NRAM2NRAM, dst_stride, int(src_stride), segnum);
}
inline void __bang_move(void* dst, const void* src, unsigned size, int dst_stride0, unsigned dst_segnum1,
                        int dst_stride1, unsigned dst_segnum2, int src_stride0, unsigned src_segnum1,
                        int src_stride1, unsigned src_segnum2) {
  __memcpy(dst, src, size, NRAM2NRAM, dst_stride0, dst_segnum1, dst_stride1, dst_segnum2, src_stride0,
           src_segnum1, src_stride1, src_segnum2);
}

// ---------------------------------------------------------------------------------------------
// Section 5.3: fills. The element width is the type of `value` (char, short, int, half,
// bfloat16_t, float and their unsigned twins); a double value does not compile, as on cncc.
namespace xpiler_bang {
template <class V>
concept FillValue = std::same_as<V, char> || std::same_as<V, signed char> || std::same_as<V, unsigned char> ||
                    std::same_as<V, short> || std::same_as<V, unsigned short> || std::same_as<V, int> ||
                    std::same_as<V, unsigned> || std::same_as<V, half> || std::same_as<V, bfloat16_t> ||
                    std::same_as<V, float>;

template <class V>
void fill3d(void* dst, unsigned n, V value, long stride0, long segnum1, long stride1, long segnum2) {
  auto* base = static_cast<unsigned char*>(dst);
  for (long j = 0; j <= segnum2; ++j)
    for (long i = 0; i <= segnum1; ++i) {
      V* p = reinterpret_cast<V*>(base + j * stride1 + i * stride0);
      for (unsigned e = 0; e < n; ++e) p[e] = value;
    }
}
}  // namespace xpiler_bang

template <xpiler_bang::FillValue V> void __bang_write_value(void* dst, unsigned n, V value) {
  xpiler_bang::fill3d(dst, n, value, 0, 0, 0, 0);
}
template <xpiler_bang::FillValue V>
void __bang_write_value(void* dst, unsigned n, V value, int stride0, unsigned segnum1, int stride1, unsigned segnum2) {
  xpiler_bang::fill3d(dst, n, value, stride0, segnum1, stride1, segnum2);
}
template <xpiler_bang::FillValue V> void __memset_nram(void* dst, unsigned n, V value) {
  xpiler_bang::fill3d(dst, n, value, 0, 0, 0, 0);
}
template <xpiler_bang::FillValue V> void __nramset(void* dst, unsigned n, V value) {
  xpiler_bang::fill3d(dst, n, value, 0, 0, 0, 0);
}
template <xpiler_bang::FillValue V> void __nramset(void* dst, unsigned n, V value, unsigned stride, unsigned segnum) {
  xpiler_bang::fill3d(dst, n, value, stride, segnum, 0, 0);
}
template <xpiler_bang::FillValue V>
void __nramset(void* dst, unsigned n, V value, int stride0, unsigned segnum1, int stride1, unsigned segnum2) {
  xpiler_bang::fill3d(dst, n, value, stride0, segnum1, stride1, segnum2);
}
template <xpiler_bang::FillValue V> void __gdramset(void* dst, unsigned n, V value) {
  xpiler_bang::fill3d(dst, n, value, 0, 0, 0, 0);
}
template <xpiler_bang::FillValue V> void __sramset(void* dst, unsigned n, V value) {
  xpiler_bang::fill3d(dst, n, value, 0, 0, 0, 0);
}
template <xpiler_bang::FillValue V> void __ldramset(void* dst, unsigned n, V value) {
  xpiler_bang::fill3d(dst, n, value, 0, 0, 0, 0);
}
template <class T> void __bang_write_zero(T* dst, unsigned n) {
  static_assert(!std::is_void_v<T>, "__bang_write_zero: cast the pointer to the element type (bang.md 5.3)");
  for (unsigned i = 0; i < n; ++i) dst[i] = T(0);
}

// ---------------------------------------------------------------------------------------------
// Section 6: element operations (functors over T) and the loop shapes that apply them.
namespace xpiler_bang {

template <class T> bool isnan_(T v) {
  if constexpr (is_floating<T>) return std::isnan(to_double(v));
  else return false;
}
template <class T> T flag(bool b) { return b ? T(1) : T(0); }
template <class T> bool truth(T v) { return to_double(v) != 0.0; }

namespace op {
// arithmetic (wraps for integers; half rounds once)
struct add { template <class T> T operator()(T a, T b) const { return T(a + b); } };
struct sub { template <class T> T operator()(T a, T b) const { return T(a - b); } };
struct mul { template <class T> T operator()(T a, T b) const { return T(a * b); } };
struct div { template <class T> T operator()(T a, T b) const { return T(a / b); } };
// max/min: `maxequal` returns src0 when either is NaN; `maximum` ignores a NaN (IEEE maxNum);
// `nan_maximum` propagates it.
struct maxequal { template <class T> T operator()(T a, T b) const { return (isnan_(a) || isnan_(b)) ? a : (a < b ? b : a); } };
struct minequal { template <class T> T operator()(T a, T b) const { return (isnan_(a) || isnan_(b)) ? a : (b < a ? b : a); } };
struct maximum { template <class T> T operator()(T a, T b) const { return isnan_(a) ? b : isnan_(b) ? a : (a < b ? b : a); } };
struct minimum { template <class T> T operator()(T a, T b) const { return isnan_(a) ? b : isnan_(b) ? a : (b < a ? b : a); } };
struct nan_maximum { template <class T> T operator()(T a, T b) const { return isnan_(a) ? a : isnan_(b) ? b : (a < b ? b : a); } };
struct nan_minimum { template <class T> T operator()(T a, T b) const { return isnan_(a) ? a : isnan_(b) ? b : (b < a ? b : a); } };
// comparisons: 1 / 0 in the operand type
struct eq { template <class T> T operator()(T a, T b) const { return flag<T>(a == b); } };
struct ne { template <class T> T operator()(T a, T b) const { return flag<T>(a != b); } };
struct gt { template <class T> T operator()(T a, T b) const { return flag<T>(a > b); } };
struct ge { template <class T> T operator()(T a, T b) const { return flag<T>(a >= b); } };
struct lt { template <class T> T operator()(T a, T b) const { return flag<T>(a < b); } };
struct le { template <class T> T operator()(T a, T b) const { return flag<T>(a <= b); } };
// logic: nonzero -> 1
struct land { template <class T> T operator()(T a, T b) const { return flag<T>(truth(a) && truth(b)); } };
struct lor { template <class T> T operator()(T a, T b) const { return flag<T>(truth(a) || truth(b)); } };
struct lxor { template <class T> T operator()(T a, T b) const { return flag<T>(truth(a) != truth(b)); } };
// bitwise (integer element types)
struct band { template <class T> T operator()(T a, T b) const { return T(a & b); } };
struct bor { template <class T> T operator()(T a, T b) const { return T(a | b); } };
struct bxor { template <class T> T operator()(T a, T b) const { return T(a ^ b); } };
}  // namespace op

template <class T, class F> void map2(T* dst, const T* a, const T* b, unsigned n, F f) {
  for (unsigned i = 0; i < n; ++i) dst[i] = f(a[i], b[i]);
}
template <class T, class F> void map_scalar(T* dst, const T* a, T v, unsigned n, F f) {
  for (unsigned i = 0; i < n; ++i) dst[i] = f(a[i], v);
}
// Section 6.2: dst[i] = OP(src[i], seg[i % m]).
template <class T, class F> void map_cycle(T* dst, const T* src, const T* seg, unsigned n, unsigned m, F f) {
  if (m == 0 || n % m != 0) fail("__bang_cycle_*: src_elem_count must be a multiple of seg_elem_count");
  for (unsigned i = 0; i < n; ++i) dst[i] = f(src[i], seg[i % m]);
}
// Comparison into a packed bitmask (bit i of byte i/8).
template <class T, class F> void map_bitindex(T* dst, const T* a, const T* b, unsigned n, F f) {
  std::vector<unsigned char> bits((n + 7) / 8, 0);
  for (unsigned i = 0; i < n; ++i)
    if (truth(f(a[i], b[i]))) bits[i / 8] |= (unsigned char)(1u << (i % 8));
  std::memcpy(dst, bits.data(), bits.size());
}
// Unary: dst[i] = round_T(fn(double(src[i]))).
template <class D, class S, class F> void map1(D* dst, const S* src, unsigned n, F fn) {
  for (unsigned i = 0; i < n; ++i) dst[i] = from_double<D>(fn(to_double(src[i])));
}

}  // namespace xpiler_bang

// Vector form, `_scalar` form (value converted to T) and `cycle_` form of one element operation.
#define XPILER_BANG_BINARY(NAME, OP)                                                                       \
  template <class T> void __bang_##NAME(T* dst, const T* src0, const T* src1, unsigned n) {               \
    xpiler_bang::map2(dst, src0, src1, n, OP{});                                                          \
  }                                                                                                       \
  template <class T> void __bang_##NAME##_scalar(T* dst, const T* src, std::type_identity_t<T> v, unsigned n) { \
    xpiler_bang::map_scalar(dst, src, v, n, OP{});                                                        \
  }                                                                                                       \
  template <class T> void __bang_cycle_##NAME(T* dst, const T* src, const T* seg, unsigned n, unsigned m) { \
    xpiler_bang::map_cycle(dst, src, seg, n, m, OP{});                                                    \
  }
#define XPILER_BANG_COMPARE(NAME, OP)                                                                      \
  XPILER_BANG_BINARY(NAME, OP)                                                                             \
  template <class T> void __bang_##NAME##_bitindex(T* dst, const T* src0, const T* src1, unsigned n) {    \
    xpiler_bang::map_bitindex(dst, src0, src1, n, OP{});                                                  \
  }

// 6.1 arithmetic
XPILER_BANG_BINARY(add, xpiler_bang::op::add)
XPILER_BANG_BINARY(sub, xpiler_bang::op::sub)
XPILER_BANG_BINARY(mul, xpiler_bang::op::mul)
XPILER_BANG_BINARY(div, xpiler_bang::op::div)
XPILER_BANG_BINARY(maxequal, xpiler_bang::op::maxequal)
XPILER_BANG_BINARY(minequal, xpiler_bang::op::minequal)
XPILER_BANG_BINARY(maximum, xpiler_bang::op::maximum)
XPILER_BANG_BINARY(minimum, xpiler_bang::op::minimum)
XPILER_BANG_BINARY(nan_maximum, xpiler_bang::op::nan_maximum)
XPILER_BANG_BINARY(nan_minimum, xpiler_bang::op::nan_minimum)
// 6.3 comparisons and logic
XPILER_BANG_COMPARE(eq, xpiler_bang::op::eq)
XPILER_BANG_COMPARE(ne, xpiler_bang::op::ne)
XPILER_BANG_COMPARE(gt, xpiler_bang::op::gt)
XPILER_BANG_COMPARE(ge, xpiler_bang::op::ge)
XPILER_BANG_COMPARE(lt, xpiler_bang::op::lt)
XPILER_BANG_COMPARE(le, xpiler_bang::op::le)
XPILER_BANG_BINARY(and, xpiler_bang::op::land)
XPILER_BANG_BINARY(or, xpiler_bang::op::lor)
XPILER_BANG_BINARY(xor, xpiler_bang::op::lxor)

// Scalar-divisor overload of __bang_div and the legacy 5-argument form (scratch unused).
template <class T> void __bang_div(T* dst, const T* src0, std::type_identity_t<T> v, unsigned n) {
  __bang_div_scalar(dst, src0, v, n);
}
template <class T> void __bang_div(T* dst, const T* src0, const T* src1, T* /*tmp*/, unsigned n) {
  __bang_div(dst, src0, src1, n);
}
// Legacy (BANG 2.x) names of the _scalar ops.
template <class T> void __bang_add_const(T* dst, const T* src, std::type_identity_t<T> v, unsigned n) { __bang_add_scalar(dst, src, v, n); }
template <class T> void __bang_sub_const(T* dst, const T* src, std::type_identity_t<T> v, unsigned n) { __bang_sub_scalar(dst, src, v, n); }
template <class T> void __bang_mul_const(T* dst, const T* src, std::type_identity_t<T> v, unsigned n) { __bang_mul_scalar(dst, src, v, n); }

// Bitwise on bytes (n in bytes) and their cyclic forms on integer elements.
namespace xpiler_bang {
template <class F> void bytes2(void* dst, const void* a, const void* b, unsigned n, F f) {
  map2(static_cast<unsigned char*>(dst), static_cast<const unsigned char*>(a), static_cast<const unsigned char*>(b), n, f);
}
}  // namespace xpiler_bang
inline void __bang_band(void* dst, const void* a, const void* b, unsigned n) { xpiler_bang::bytes2(dst, a, b, n, xpiler_bang::op::band{}); }
inline void __bang_bor(void* dst, const void* a, const void* b, unsigned n) { xpiler_bang::bytes2(dst, a, b, n, xpiler_bang::op::bor{}); }
inline void __bang_bxor(void* dst, const void* a, const void* b, unsigned n) { xpiler_bang::bytes2(dst, a, b, n, xpiler_bang::op::bxor{}); }
inline void __bang_bnot(void* dst, const void* src, unsigned n) {
  for (unsigned i = 0; i < n; ++i) static_cast<unsigned char*>(dst)[i] = (unsigned char)~static_cast<const unsigned char*>(src)[i];
}
template <class T> void __bang_cycle_band(T* dst, const T* src, const T* seg, unsigned n, unsigned m) { xpiler_bang::map_cycle(dst, src, seg, n, m, xpiler_bang::op::band{}); }
template <class T> void __bang_cycle_bor(T* dst, const T* src, const T* seg, unsigned n, unsigned m) { xpiler_bang::map_cycle(dst, src, seg, n, m, xpiler_bang::op::bor{}); }
template <class T> void __bang_cycle_bxor(T* dst, const T* src, const T* seg, unsigned n, unsigned m) { xpiler_bang::map_cycle(dst, src, seg, n, m, xpiler_bang::op::bxor{}); }

// 6.4 unary math: dst[i] = EXPR(x), x = double(src[i]), rounded once to T.
#define XPILER_BANG_UNARY(NAME, EXPR)                                           \
  template <class T> void NAME(T* dst, const T* src, unsigned n) {             \
    xpiler_bang::map1(dst, src, n, [](double x) { return (EXPR); });           \
  }

XPILER_BANG_UNARY(__bang_not, x == 0.0 ? 1.0 : 0.0)
XPILER_BANG_UNARY(__bang_active_relu, x > 0.0 ? x : 0.0)
XPILER_BANG_UNARY(__bang_relu, x > 0.0 ? x : 0.0)
XPILER_BANG_UNARY(__bang_active_sign, x >= 0.0 ? 1.0 : -1.0)  // sign(+-0) = +1
XPILER_BANG_UNARY(__bang_active_abs, std::fabs(x))
XPILER_BANG_UNARY(__bang_abs, std::fabs(x))
XPILER_BANG_UNARY(__bang_active_exp, std::exp(x))
XPILER_BANG_UNARY(__bang_active_exphp, std::exp(x))
XPILER_BANG_UNARY(__bang_active_exp_less_0, std::exp(x))
XPILER_BANG_UNARY(__bang_active_recip, 1.0 / x)
XPILER_BANG_UNARY(__bang_active_reciphp, 1.0 / x)
XPILER_BANG_UNARY(__bang_active_recip_greater_1, 1.0 / x)
XPILER_BANG_UNARY(__bang_recip, 1.0 / x)
XPILER_BANG_UNARY(__bang_active_sqrt, std::sqrt(x))
XPILER_BANG_UNARY(__bang_sqrt, std::sqrt(x))
XPILER_BANG_UNARY(__bang_active_rsqrt, 1.0 / std::sqrt(x))
XPILER_BANG_UNARY(__bang_rsqrt, 1.0 / std::sqrt(x))
XPILER_BANG_UNARY(__bang_active_sigmoid, 1.0 / (1.0 + std::exp(-x)))
XPILER_BANG_UNARY(__bang_sigmoid, 1.0 / (1.0 + std::exp(-x)))
XPILER_BANG_UNARY(__bang_active_tanh, std::tanh(x))
XPILER_BANG_UNARY(__bang_active_gelu, 0.5 * x * (1.0 + std::tanh(0.7978845608028654 * (x + 0.044715 * x * x * x))))
XPILER_BANG_UNARY(__bang_active_gelup, 0.5 * x * (1.0 + std::erf(x * 0.7071067811865476)))
XPILER_BANG_UNARY(__bang_active_sin, std::sin(x))
XPILER_BANG_UNARY(__bang_active_cos, std::cos(x))
XPILER_BANG_UNARY(__bang_sin, std::sin(x))
XPILER_BANG_UNARY(__bang_cos, std::cos(x))
XPILER_BANG_UNARY(__bang_active_loghp, std::log(x))  // natural
XPILER_BANG_UNARY(__bang_active_log, std::log(x))    // natural (bang.md 6.4, unverified)
XPILER_BANG_UNARY(__bang_log, std::log2(x))          // base 2
XPILER_BANG_UNARY(__bang_pow2, std::exp2(x))
XPILER_BANG_UNARY(__bang_square, x * x)
// widening square (u8 -> u16, s8 -> s16, s16 -> s32)
template <class D, class S>
  requires(!std::same_as<D, S>)
void __bang_square(D* dst, const S* src, unsigned n) {
  xpiler_bang::map1(dst, src, n, [](double x) { return x * x; });
}

// ---------------------------------------------------------------------------------------------
// Section 6.5: conversions __bang_<src>2<dst>[_rn|_tz|_dn|_up|_oz|_rd]. Fixed-point integers
// (int8/int16/int32 side) take an optional position: float -> int q = round(x * 2^-pos),
// int -> float x = q * 2^pos. Integers saturate.
namespace xpiler_bang {
template <class D, class S> void convert(D* dst, const S* src, unsigned n, Round mode, int pos) {
  for (unsigned i = 0; i < n; ++i) {
    double v = to_double(src[i]);
    if constexpr (std::is_integral_v<S>) v = std::ldexp(v, pos);
    if constexpr (std::is_integral_v<D>) v = std::ldexp(v, -pos);
    dst[i] = from_double<D>(v, mode);
  }
}
}  // namespace xpiler_bang

#define XPILER_BANG_CONVERT_MODE(NAME, D, S, MODE) \
  inline void NAME(D* dst, const S* src, unsigned n, int pos = 0) { xpiler_bang::convert(dst, src, n, MODE, pos); }
#define XPILER_BANG_CONVERT(SN, S, DN, D)                                                        \
  XPILER_BANG_CONVERT_MODE(__bang_##SN##2##DN, D, S, xpiler_bang::Round::rn)                      \
  XPILER_BANG_CONVERT_MODE(__bang_##SN##2##DN##_rn, D, S, xpiler_bang::Round::rn)                 \
  XPILER_BANG_CONVERT_MODE(__bang_##SN##2##DN##_rd, D, S, xpiler_bang::Round::rn)                 \
  XPILER_BANG_CONVERT_MODE(__bang_##SN##2##DN##_tz, D, S, xpiler_bang::Round::tz)                 \
  XPILER_BANG_CONVERT_MODE(__bang_##SN##2##DN##_dn, D, S, xpiler_bang::Round::dn)                 \
  XPILER_BANG_CONVERT_MODE(__bang_##SN##2##DN##_up, D, S, xpiler_bang::Round::up)                 \
  XPILER_BANG_CONVERT_MODE(__bang_##SN##2##DN##_oz, D, S, xpiler_bang::Round::oz)

XPILER_BANG_CONVERT(float, float, half, half)
XPILER_BANG_CONVERT(half, half, float, float)
XPILER_BANG_CONVERT(float, float, bfloat16, bfloat16_t)
XPILER_BANG_CONVERT(bfloat16, bfloat16_t, float, float)
XPILER_BANG_CONVERT(half, half, bfloat16, bfloat16_t)
XPILER_BANG_CONVERT(bfloat16, bfloat16_t, half, half)
XPILER_BANG_CONVERT(float, float, int32, int32_t)
XPILER_BANG_CONVERT(int32, int32_t, float, float)
XPILER_BANG_CONVERT(float, float, int16, int16_t)
XPILER_BANG_CONVERT(int16, int16_t, float, float)
XPILER_BANG_CONVERT(float, float, int8, int8_t)
XPILER_BANG_CONVERT(int8, int8_t, float, float)
XPILER_BANG_CONVERT(half, half, int32, int32_t)
XPILER_BANG_CONVERT(int32, int32_t, half, half)
XPILER_BANG_CONVERT(half, half, int16, int16_t)
XPILER_BANG_CONVERT(int16, int16_t, half, half)
XPILER_BANG_CONVERT(half, half, int8, int8_t)
XPILER_BANG_CONVERT(int8, int8_t, half, half)
XPILER_BANG_CONVERT(int32, int32_t, int16, int16_t)
XPILER_BANG_CONVERT(int16, int16_t, int32, int32_t)
XPILER_BANG_CONVERT(int16, int16_t, int8, int8_t)
XPILER_BANG_CONVERT(int8, int8_t, int16, int16_t)

// Scalar conversions.
inline half __float2half_rn(float x) { return half(x); }
inline half __float2half(float x) { return half(x); }
inline float __half2float(half x) { return float(x); }
inline bfloat16_t __float2bfloat16_rn(float x) { return bfloat16_t(x); }
inline bfloat16_t __float2bfloat16(float x) { return bfloat16_t(x); }
inline float __bfloat162float(bfloat16_t x) { return float(x); }

// ---------------------------------------------------------------------------------------------
// Section 7: reductions, selection, argmax.
namespace xpiler_bang {
template <std::size_t N> struct uint_of;
template <> struct uint_of<2> { using type = uint16_t; };
template <> struct uint_of<4> { using type = uint32_t; };

// dst[0] = extreme, then its first index as an unsigned of sizeof(T) bytes at byte sizeof(T).
template <class T, class Better> void arg_extreme(T* dst, const T* src, unsigned n, Better better) {
  static_assert(is_floating<T>, "__bang_argmax/argmin: floating element types only");
  unsigned best = 0;
  bool found = false;
  for (unsigned i = 0; i < n; ++i) {
    if (isnan_(src[i])) continue;  // NaN ignored
    if (!found || better(src[i], src[best])) { best = i; found = true; }
  }
  const T value = src[best];
  const typename uint_of<sizeof(T)>::type index = typename uint_of<sizeof(T)>::type(best);
  dst[0] = value;
  std::memcpy(reinterpret_cast<unsigned char*>(dst) + sizeof(T), &index, sizeof(index));
}
}  // namespace xpiler_bang

// dst[j*L] = sum(src[j*L : (j+1)*L]), L = 128 / sizeof(T); other dst elements unchanged (3xx).
template <class T> void __bang_reduce_sum(T* dst, const T* src, unsigned n) {
  static_assert(xpiler_bang::is_floating<T>, "__bang_reduce_sum: floating element types only");
  constexpr unsigned L = 128 / sizeof(T);
  if (n % L != 0) xpiler_bang::fail("__bang_reduce_sum: elem_count * sizeof(T) must be a multiple of 128");
  std::vector<double> sums(n / L, 0.0);
  for (unsigned i = 0; i < n; ++i) sums[i / L] += xpiler_bang::to_double(src[i]);
  for (unsigned j = 0; j < n / L; ++j) dst[j * L] = xpiler_bang::from_double<T>(sums[j]);
}
template <class T> void __bang_argmax(T* dst, const T* src, unsigned n) {
  xpiler_bang::arg_extreme(dst, src, n, [](T a, T b) { return b < a; });
}
template <class T> void __bang_argmin(T* dst, const T* src, unsigned n) {
  xpiler_bang::arg_extreme(dst, src, n, [](T a, T b) { return a < b; });
}
template <class T> void __bang_max(T* dst, const T* src, unsigned n) { __bang_argmax(dst, src, n); }
template <class T> void __bang_min(T* dst, const T* src, unsigned n) { __bang_argmin(dst, src, n); }

template <class T> unsigned __bang_count(const T* src, unsigned n) {
  unsigned k = 0;
  for (unsigned i = 0; i < n; ++i) k += xpiler_bang::truth(src[i]) ? 1u : 0u;
  return k;
}
template <class T> void __bang_count(unsigned* dst, const T* src, int n) { dst[0] = __bang_count(src, unsigned(n)); }

namespace xpiler_bang {
// Compaction of src[i] where keep(i); returns the kept values (dst may alias src).
template <class T, class Keep> std::vector<T> compact(const T* src, unsigned n, Keep keep) {
  std::vector<T> kept;
  for (unsigned i = 0; i < n; ++i)
    if (keep(i)) kept.push_back(src[i]);
  return kept;
}
inline bool bit_at(const void* mask, unsigned i) {
  return (static_cast<const unsigned char*>(mask)[i / 8] >> (i % 8)) & 1u;
}
}  // namespace xpiler_bang

template <class T> unsigned __bang_filter(T* dst, const T* src, const T* mask, unsigned n) {
  const auto kept = xpiler_bang::compact(src, n, [&](unsigned i) { return xpiler_bang::truth(mask[i]); });
  std::copy(kept.begin(), kept.end(), dst);
  return unsigned(kept.size());
}
template <class T> void __bang_collect(T* dst, const T* src, const T* mask, unsigned n) { __bang_filter(dst, src, mask, n); }
template <class T> unsigned __bang_filter_bitindex(T* dst, const T* src, const void* bitmask, unsigned n) {
  const auto kept = xpiler_bang::compact(src, n, [&](unsigned i) { return xpiler_bang::bit_at(bitmask, i); });
  std::copy(kept.begin(), kept.end(), dst);
  return unsigned(kept.size());
}
// Legacy layout: bytes 0-3 = count (uint32), bytes 4-127 zero, values from byte 128.
template <class T> void __bang_select(T* dst, const T* src, const T* mask, unsigned n) {
  const auto kept = xpiler_bang::compact(src, n, [&](unsigned i) { return xpiler_bang::truth(mask[i]); });
  auto* bytes = reinterpret_cast<unsigned char*>(dst);
  const uint32_t k = uint32_t(kept.size());
  std::memset(bytes, 0, 128);
  std::memcpy(bytes, &k, sizeof(k));
  std::copy(kept.begin(), kept.end(), reinterpret_cast<T*>(bytes + 128));
}
// Byte i of dst = byte i of src where mask bit i is set; `size` in bytes.
inline void __bang_maskmove(void* dst, const void* src, const void* mask, unsigned size) {
  for (unsigned i = 0; i < size; ++i)
    if (xpiler_bang::bit_at(mask, i)) static_cast<unsigned char*>(dst)[i] = static_cast<const unsigned char*>(src)[i];
}

// ---------------------------------------------------------------------------------------------
// Section 8: pooling over HWC (argument order channel, height, width, kh, kw, stride_w, stride_h)
// and layout changes.
namespace xpiler_bang {
enum class Pool { sum, avg, max, min };

template <class T>
void pool(Pool kind, T* dst, const T* src, unsigned c, unsigned h, unsigned w, unsigned kh, unsigned kw,
          unsigned sw, unsigned sh, unsigned dh = 1, unsigned dw = 1) {
  const unsigned span_h = (kh - 1) * dh + 1, span_w = (kw - 1) * dw + 1;
  if (kh == 0 || kw == 0 || sw == 0 || sh == 0 || span_h > h || span_w > w) fail("__bang_*pool: bad window");
  const unsigned ho_n = (h - span_h) / sh + 1, wo_n = (w - span_w) / sw + 1;
  for (unsigned ho = 0; ho < ho_n; ++ho)
    for (unsigned wo = 0; wo < wo_n; ++wo)
      for (unsigned ch = 0; ch < c; ++ch) {
        double acc = 0.0;
        T best = src[((ho * sh) * w + wo * sw) * c + ch];
        for (unsigned i = 0; i < kh; ++i)
          for (unsigned j = 0; j < kw; ++j) {
            const T v = src[((ho * sh + i * dh) * w + (wo * sw + j * dw)) * c + ch];
            acc += to_double(v);
            if ((kind == Pool::max && best < v) || (kind == Pool::min && v < best)) best = v;  // first wins
          }
        T& out = dst[(ho * wo_n + wo) * c + ch];
        if (kind == Pool::sum) out = from_double<T>(acc);
        else if (kind == Pool::avg) out = from_double<T>(acc / double(kh * kw));
        else out = best;
      }
}
}  // namespace xpiler_bang

#define XPILER_BANG_POOL(NAME, KIND)                                                                          \
  template <class T> void NAME(T* dst, const T* src, unsigned c, unsigned h, unsigned w, unsigned kh,        \
                               unsigned kw, unsigned sw, unsigned sh) {                                      \
    xpiler_bang::pool(KIND, dst, src, c, h, w, kh, kw, sw, sh);                                              \
  }                                                                                                          \
  template <class T> void NAME(T* dst, const T* src, unsigned c, unsigned h, unsigned w, unsigned kh,        \
                               unsigned kw) {                                                                \
    xpiler_bang::pool(KIND, dst, src, c, h, w, kh, kw, kw, kh);                                              \
  }                                                                                                          \
  template <class T> void NAME(T* dst, const T* src, unsigned c, unsigned h, unsigned w, unsigned kh,        \
                               unsigned kw, unsigned sw, unsigned sh, unsigned in_dh, unsigned in_dw,        \
                               unsigned out_dh, unsigned out_dw) {                                           \
    if (out_dh != 1 || out_dw != 1) xpiler_bang::fail(#NAME ": output dilation other than 1 is unsupported"); \
    xpiler_bang::pool(KIND, dst, src, c, h, w, kh, kw, sw, sh, in_dh, in_dw);                                \
  }
XPILER_BANG_POOL(__bang_sumpool, xpiler_bang::Pool::sum)
XPILER_BANG_POOL(__bang_avgpool, xpiler_bang::Pool::avg)
XPILER_BANG_POOL(__bang_maxpool, xpiler_bang::Pool::max)
XPILER_BANG_POOL(__bang_minpool, xpiler_bang::Pool::min)

// [height][width] -> [width][height]
template <class T> void __bang_transpose(T* dst, const T* src, unsigned height, unsigned width) {
  for (unsigned r = 0; r < height; ++r)
    for (unsigned c = 0; c < width; ++c) dst[c * height + r] = src[r * width + c];
}
// [n][h][w][c] -> [n][c][h][w]
template <class T> void __bang_reshape_nhwc2nchw(T* dst, const T* src, unsigned n, unsigned h, unsigned w, unsigned c) {
  for (unsigned b = 0; b < n; ++b)
    __bang_transpose(dst + std::size_t(b) * h * w * c, src + std::size_t(b) * h * w * c, h * w, c);
}
// WRAM holds the logical layout: reshaping a [n][h][w][c] filter is a plain copy.
template <class T> void __bang_reshape_filter(T* dst, const T* src, unsigned n, unsigned h, unsigned w, unsigned c) {
  std::memmove(dst, src, std::size_t(n) * h * w * c * sizeof(T));
}
// HWC zero padding by pad_h rows above and below, pad_w columns left and right.
template <class T> void __bang_pad(T* dst, const T* src, unsigned c, unsigned h, unsigned w, unsigned pad_h, unsigned pad_w) {
  const unsigned wp = w + 2 * pad_w;
  __bang_write_zero(dst, (h + 2 * pad_h) * wp * c);
  for (unsigned r = 0; r < h; ++r) std::memcpy(dst + ((r + pad_h) * wp + pad_w) * c, src + r * w * c, sizeof(T) * w * c);
}

// ---------------------------------------------------------------------------------------------
// Section 9: mlp / matmul / conv. WRAM holds the logical layout ([out][in], [co][kh][kw][ci]).
// Integer forms: exact integer dot product * 2^fix_position (+ bias), rounded to the output type;
// floating forms accumulate in double and round once.
namespace xpiler_bang {
template <class Tout, class Tin, class Tw> constexpr void check_tensor_types() {
  static_assert(is_floating<Tin> == is_floating<Tw>, "mlp/matmul/conv: mix of floating and fixed-point operands");
  static_assert(!(is_floating<Tin> && is_float16<Tout>),
                "mlp/matmul/conv: no floating overload writes half/bfloat16 (bang.md 9.2); write float, then convert");
}
template <class Tin> using acc_t = std::conditional_t<is_floating<Tin>, double, int64_t>;

template <class Tout, class Tin, class Tw>
void matmul(Tout* dst, const Tin* a, const Tw* b, const Tout* bias, unsigned M, unsigned K, unsigned N, int pos) {
  check_tensor_types<Tout, Tin, Tw>();
  std::vector<Tout> out(std::size_t(M) * N);
  for (unsigned m = 0; m < M; ++m)
    for (unsigned n = 0; n < N; ++n) {
      acc_t<Tin> acc = 0;
      for (unsigned k = 0; k < K; ++k)
        acc += acc_t<Tin>(to_double(a[std::size_t(m) * K + k])) * acc_t<Tin>(to_double(b[std::size_t(n) * K + k]));
      double v = std::ldexp(double(acc), pos);
      if (bias) v += to_double(bias[std::size_t(m) * N + n]);
      out[std::size_t(m) * N + n] = from_double<Tout>(v);
    }
  std::copy(out.begin(), out.end(), dst);  // dst may alias the bias
}

template <class Tout, class Tin, class Tw>
void conv(Tout* dst, const Tin* src, const Tw* kernel, const Tout* bias, unsigned ci, unsigned h, unsigned w,
          unsigned kh, unsigned kw, unsigned sw, unsigned sh, unsigned co, int pos, unsigned dil_w, unsigned dil_h,
          unsigned out_dil_w, unsigned out_dil_h) {
  check_tensor_types<Tout, Tin, Tw>();
  if (out_dil_w != 1 || out_dil_h != 1) fail("__bang_conv: output dilation other than 1 is unsupported");
  const unsigned span_h = (kh - 1) * dil_h + 1, span_w = (kw - 1) * dil_w + 1;
  if (kh == 0 || kw == 0 || sw == 0 || sh == 0 || span_h > h || span_w > w) fail("__bang_conv: bad window");
  const unsigned ho_n = (h - span_h) / sh + 1, wo_n = (w - span_w) / sw + 1;
  for (unsigned ho = 0; ho < ho_n; ++ho)
    for (unsigned wo = 0; wo < wo_n; ++wo)
      for (unsigned o = 0; o < co; ++o) {
        acc_t<Tin> acc = 0;
        for (unsigned i = 0; i < kh; ++i)
          for (unsigned j = 0; j < kw; ++j) {
            const Tin* x = src + (std::size_t(ho * sh + i * dil_h) * w + (wo * sw + j * dil_w)) * ci;
            const Tw* f = kernel + ((std::size_t(o) * kh + i) * kw + j) * ci;
            for (unsigned c = 0; c < ci; ++c) acc += acc_t<Tin>(to_double(x[c])) * acc_t<Tin>(to_double(f[c]));
          }
        double v = std::ldexp(double(acc), pos);
        if (bias) v += to_double(bias[o]);
        dst[(std::size_t(ho) * wo_n + wo) * co + o] = from_double<Tout>(v);
      }
}
}  // namespace xpiler_bang

// dst[h] = sum_w src[w] * filter[h*width + w] (* 2^pos) (+ bias[h])
template <class Tout, class Tin, class Tw>
void __bang_mlp(Tout* dst, const Tin* src, const Tw* filter, unsigned height, unsigned width, int fix_position = 0) {
  xpiler_bang::matmul(dst, src, filter, static_cast<const Tout*>(nullptr), 1, width, height, fix_position);
}
template <class Tout, class Tin, class Tw>
void __bang_mlp(Tout* dst, const Tin* src, const Tout* bias, const Tw* filter, unsigned height, unsigned width,
                int fix_position = 0) {
  xpiler_bang::matmul(dst, src, filter, bias, 1, width, height, fix_position);
}
// dst[m*N+n] = sum_k src0[m*K+k] * src1[n*K+k] (* 2^pos) (+ src2[m*N+n]); src1 is K x N column-major.
template <class Tout, class Tin, class Tw>
void __bang_matmul(Tout* dst, const Tin* src0, const Tw* src1, unsigned M, unsigned K, unsigned N, int fix_position = 0) {
  xpiler_bang::matmul(dst, src0, src1, static_cast<const Tout*>(nullptr), M, K, N, fix_position);
}
template <class Tout, class Tin, class Tw>
void __bang_matmul(Tout* dst, const Tin* src0, const Tw* src1, const Tout* src2, unsigned M, unsigned K, unsigned N,
                   int fix_position = 0) {
  xpiler_bang::matmul(dst, src0, src1, src2, M, K, N, fix_position);
}
// src [h][w][ci], kernel [co][kh][kw][ci], dst [Ho][Wo][co]; strides and dilations in (W, H) order.
template <class Tout, class Tin, class Tw>
void __bang_conv(Tout* dst, const Tin* src, const Tw* kernel, unsigned ci, unsigned h, unsigned w, unsigned kh,
                 unsigned kw, unsigned sw, unsigned sh, unsigned co, int fix_position = 0, unsigned dil_w = 1,
                 unsigned dil_h = 1, unsigned out_dil_w = 1, unsigned out_dil_h = 1) {
  xpiler_bang::conv(dst, src, kernel, static_cast<const Tout*>(nullptr), ci, h, w, kh, kw, sw, sh, co, fix_position,
                    dil_w, dil_h, out_dil_w, out_dil_h);
}
template <class Tout, class Tin, class Tw>
void __bang_conv(Tout* dst, const Tin* src, const Tw* kernel, const Tout* bias, unsigned ci, unsigned h, unsigned w,
                 unsigned kh, unsigned kw, unsigned sw, unsigned sh, unsigned co, int fix_position = 0,
                 unsigned dil_w = 1, unsigned dil_h = 1, unsigned out_dil_w = 1, unsigned out_dil_h = 1) {
  xpiler_bang::conv(dst, src, kernel, bias, ci, h, w, kh, kw, sw, sh, co, fix_position, dil_w, dil_h, out_dil_w,
                    out_dil_h);
}

// ---------------------------------------------------------------------------------------------
// Section 10: atomics on GDRAM/SRAM; one global lock per call makes the whole call indivisible.
// __bang_atomic_OP(dst, src1, src2, size): dst[i] = src1[i] (old value, dst may be null);
// src1[i] = OP(src1[i], src2 or src2[i]). __bang_atomic_reduce_OP(dst, src1, size): dst[i] = OP(dst[i], src1).
namespace xpiler_bang {
inline std::mutex& atomic_lock() {
  static std::mutex m;
  return m;
}
namespace op {
struct exch { template <class T> T operator()(T, T b) const { return b; } };
}  // namespace op
template <class T, class V, class F> void atomic_update(T* old, T* mem, V operand, unsigned size, F f) {
  std::lock_guard<std::mutex> guard(atomic_lock());
  for (unsigned i = 0; i < size; ++i) {
    T b;
    if constexpr (std::is_pointer_v<V>) b = operand[i];
    else b = operand;
    if (old) old[i] = mem[i];
    mem[i] = f(mem[i], b);
  }
}
}  // namespace xpiler_bang

#define XPILER_BANG_ATOMIC(NAME, OP)                                                                            \
  template <class T> void __bang_atomic_##NAME(T* dst, T* src1, std::type_identity_t<T> src2, unsigned size = 1) { \
    xpiler_bang::atomic_update(dst, src1, src2, size, OP{});                                                    \
  }                                                                                                             \
  template <class T> void __bang_atomic_##NAME(T* dst, T* src1, const T* src2, unsigned size) {                \
    xpiler_bang::atomic_update(dst, src1, src2, size, OP{});                                                    \
  }                                                                                                             \
  template <class T> void __bang_atomic_reduce_##NAME(T* dst, std::type_identity_t<T> src1, unsigned size = 1) { \
    xpiler_bang::atomic_update(static_cast<T*>(nullptr), dst, src1, size, OP{});                                \
  }                                                                                                             \
  template <class T> void __bang_atomic_reduce_##NAME(T* dst, const T* src1, unsigned size) {                  \
    xpiler_bang::atomic_update(static_cast<T*>(nullptr), dst, src1, size, OP{});                                \
  }
XPILER_BANG_ATOMIC(add, xpiler_bang::op::add)
XPILER_BANG_ATOMIC(max, xpiler_bang::op::maxequal)
XPILER_BANG_ATOMIC(min, xpiler_bang::op::minequal)
XPILER_BANG_ATOMIC(and, xpiler_bang::op::band)
XPILER_BANG_ATOMIC(or, xpiler_bang::op::bor)
XPILER_BANG_ATOMIC(xor, xpiler_bang::op::bxor)
XPILER_BANG_ATOMIC(exch, xpiler_bang::op::exch)
