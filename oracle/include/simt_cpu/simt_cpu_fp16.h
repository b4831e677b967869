// simt_cpu_fp16.h — __half / __half2 for the CPU emulation (shared by <cuda_fp16.h> and
// <hip/hip_fp16.h>). __half is the compiler's _Float16: IEEE binary16, every operation rounded to
// nearest-even in half (g++ evaluates _Float16 arithmetic per operation, no excess precision),
// which is the CUDA/HIP semantics of __hadd, __hmul, ... and of the operators on __half.
#pragma once
#include <cmath>
#include <cstring>

typedef _Float16 __half;
typedef __half half;
struct __attribute__((aligned(4))) __half2 {
  __half x, y;
};
typedef __half2 half2;
struct __half_raw { unsigned short x; };
struct __half2_raw { unsigned short x, y; };

inline unsigned short __half_as_ushort(__half h) { unsigned short u; memcpy(&u, &h, 2); return u; }
inline short __half_as_short(__half h) { short u; memcpy(&u, &h, 2); return u; }
inline __half __ushort_as_half(unsigned short u) { __half h; memcpy(&h, &u, 2); return h; }
inline __half __short_as_half(short u) { __half h; memcpy(&h, &u, 2); return h; }

namespace simt {
// Float -> half with a directed rounding (dir: 0 toward zero, -1 down, +1 up), from the
// round-to-nearest result stepped by one half ulp-unit where it went the wrong way.
inline __half float2half_directed(float f, int dir) {
  __half h = (__half)f;
  float back = (float)h;
  if (f != f || back == f) return h;
  unsigned short u = __half_as_ushort(h);
  bool toward_zero = dir == 0 ? fabsf(back) > fabsf(f) : dir < 0 ? back > f : back < f;
  bool magnitude_down = dir == 0 || (dir < 0 ? back > 0 : back < 0);
  if (!toward_zero) return h;
  if (magnitude_down) return __ushort_as_half((unsigned short)(u - 1));  // e.g. inf -> 65504
  return __ushort_as_half((unsigned short)(u + 1));
}
}  // namespace simt

inline __half __float2half(float f) { return (__half)f; }
inline __half __float2half_rn(float f) { return (__half)f; }
inline __half __float2half_rz(float f) { return simt::float2half_directed(f, 0); }
inline __half __float2half_rd(float f) { return simt::float2half_directed(f, -1); }
inline __half __float2half_ru(float f) { return simt::float2half_directed(f, 1); }
inline __half __double2half(double d) { return (__half)d; }
inline float __half2float(__half h) { return (float)h; }
inline __half __int2half_rn(int i) { return (__half)i; }
inline int __half2int_rn(__half h) { return (int)nearbyintf((float)h); }
inline int __half2int_rz(__half h) { return (int)(float)h; }
inline __half2 __floats2half2_rn(float a, float b) { return __half2{(__half)a, (__half)b}; }
inline __half2 __float2half2_rn(float a) { return __half2{(__half)a, (__half)a}; }
inline __half2 __halves2half2(__half a, __half b) { return __half2{a, b}; }
inline __half2 __half2half2(__half a) { return __half2{a, a}; }
inline float __low2float(__half2 v) { return (float)v.x; }
inline float __high2float(__half2 v) { return (float)v.y; }
inline __half __low2half(__half2 v) { return v.x; }
inline __half __high2half(__half2 v) { return v.y; }
inline __half2 __lows2half2(__half2 a, __half2 b) { return __half2{a.x, b.x}; }
inline __half2 __highs2half2(__half2 a, __half2 b) { return __half2{a.y, b.y}; }
inline float2 __half22float2(__half2 v) { return float2{(float)v.x, (float)v.y}; }
inline __half2 __float22half2_rn(float2 v) { return __half2{(__half)v.x, (__half)v.y}; }
inline __half2 make_half2(__half x, __half y) { return __half2{x, y}; }

inline __half __hadd(__half a, __half b) { return a + b; }
inline __half __hsub(__half a, __half b) { return a - b; }
inline __half __hmul(__half a, __half b) { return a * b; }
inline __half __hdiv(__half a, __half b) { return a / b; }
inline __half __hneg(__half a) { return -a; }
inline __half __habs(__half a) { return a < (__half)0 ? -a : a; }
inline __half __hfma(__half a, __half b, __half c) { return (__half)fma((double)a, (double)b, (double)c); }
inline __half __hmax(__half a, __half b) { return (__half)fmaxf((float)a, (float)b); }
inline __half __hmin(__half a, __half b) { return (__half)fminf((float)a, (float)b); }
inline bool __heq(__half a, __half b) { return a == b; }
inline bool __hne(__half a, __half b) { return a != b; }
inline bool __hlt(__half a, __half b) { return a < b; }
inline bool __hle(__half a, __half b) { return a <= b; }
inline bool __hgt(__half a, __half b) { return a > b; }
inline bool __hge(__half a, __half b) { return a >= b; }
inline bool __hisnan(__half a) { return a != a; }
inline int __hisinf(__half a) { return (float)a == INFINITY ? 1 : (float)a == -INFINITY ? -1 : 0; }
inline __half hexp(__half a) { return (__half)expf((float)a); }
inline __half hexp2(__half a) { return (__half)exp2f((float)a); }
inline __half hlog(__half a) { return (__half)logf((float)a); }
inline __half hlog2(__half a) { return (__half)log2f((float)a); }
inline __half hsqrt(__half a) { return (__half)sqrtf((float)a); }
inline __half hrsqrt(__half a) { return (__half)(1.0f / sqrtf((float)a)); }
inline __half hrcp(__half a) { return (__half)(1.0f / (float)a); }
inline __half hsin(__half a) { return (__half)sinf((float)a); }
inline __half hcos(__half a) { return (__half)cosf((float)a); }
inline __half htanh(__half a) { return (__half)tanhf((float)a); }
inline __half hfloor(__half a) { return (__half)floorf((float)a); }
inline __half hceil(__half a) { return (__half)ceilf((float)a); }
inline __half htrunc(__half a) { return (__half)truncf((float)a); }
inline __half hrint(__half a) { return (__half)nearbyintf((float)a); }

#define SIMT_H2(NAME, EXPR_X, EXPR_Y) \
  inline __half2 NAME(__half2 a, __half2 b) { return __half2{EXPR_X, EXPR_Y}; }
SIMT_H2(__hadd2, a.x + b.x, a.y + b.y)
SIMT_H2(__hsub2, a.x - b.x, a.y - b.y)
SIMT_H2(__hmul2, a.x * b.x, a.y * b.y)
SIMT_H2(__h2div, a.x / b.x, a.y / b.y)
SIMT_H2(__hmax2, __hmax(a.x, b.x), __hmax(a.y, b.y))
SIMT_H2(__hmin2, __hmin(a.x, b.x), __hmin(a.y, b.y))
#undef SIMT_H2
inline __half2 __hfma2(__half2 a, __half2 b, __half2 c) {
  return __half2{__hfma(a.x, b.x, c.x), __hfma(a.y, b.y, c.y)};
}
inline __half2 __hneg2(__half2 a) { return __half2{-a.x, -a.y}; }
inline __half2 __habs2(__half2 a) { return __half2{__habs(a.x), __habs(a.y)}; }
inline __half2 h2exp(__half2 a) { return __half2{hexp(a.x), hexp(a.y)}; }
inline __half2 h2sqrt(__half2 a) { return __half2{hsqrt(a.x), hsqrt(a.y)}; }
inline __half2 h2rsqrt(__half2 a) { return __half2{hrsqrt(a.x), hrsqrt(a.y)}; }
inline __half2 operator+(__half2 a, __half2 b) { return __hadd2(a, b); }
inline __half2 operator-(__half2 a, __half2 b) { return __hsub2(a, b); }
inline __half2 operator*(__half2 a, __half2 b) { return __hmul2(a, b); }
inline __half2 operator/(__half2 a, __half2 b) { return __h2div(a, b); }
inline __half2& operator+=(__half2& a, __half2 b) { return a = a + b; }
inline __half2& operator*=(__half2& a, __half2 b) { return a = a * b; }
