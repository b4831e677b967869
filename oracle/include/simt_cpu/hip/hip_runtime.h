// <hip/hip_runtime.h> for the CPU emulation: 64-lane wavefronts (CDNA), HIP spellings of
// simt_cpu.h, MFMA builtins (hip.md §7) on the shared warp-collective mechanism.
#pragma once
#ifdef SIMT_CUDA
#error "CUDA and HIP emulation headers cannot be mixed in one file"
#endif
#define SIMT_HIP 1
#define SIMT_WARP_SIZE 64
#define SIMT_STATIC_SHARED_LIMIT (64 * 1024)
#define SIMT_DYNAMIC_SHARED_DEFAULT (64 * 1024)
#define SIMT_DYNAMIC_SHARED_MAX (64 * 1024)
#define __HIP_PLATFORM_AMD__ 1
#define __HIP__ 1
#include "../simt_cpu.h"
#include "../simt_cpu_fp16.h"

#define __fp16 _Float16  // clang's storage-only half; g++ on x86 knows only _Float16

SIMT_DEFINE_RUNTIME_API(hip)
typedef simt::DeviceProp hipDeviceProp_t;
inline hipError_t hipGetDeviceProperties(hipDeviceProp_t* p, int) { simt::fill_props(p); return hipSuccess; }
inline hipError_t hipHostMalloc(void** p, size_t n, unsigned = 0) { return hipMalloc(p, n); }
template <class T> inline hipError_t hipHostMalloc(T** p, size_t n, unsigned = 0) { return hipMalloc((void**)p, n); }
inline hipError_t hipHostFree(void* p) { return hipFree(p); }
inline hipError_t hipMallocHost(void** p, size_t n) { return hipMalloc(p, n); }
inline hipError_t hipFreeHost(void* p) { return hipFree(p); }

#define hipLaunchKernelGGL(kernel, grid, block, shmem, stream, ...) \
  simt::launch(#kernel, simt::LaunchConfig(dim3(grid), dim3(block), (shmem), (stream)), kernel, ##__VA_ARGS__)
#define HIP_KERNEL_NAME(...) __VA_ARGS__
#define HIP_SYMBOL(X) X  // hip-clang's spelling: hipMemcpyToSymbol(HIP_SYMBOL(sym), ...)
#define HIP_DYNAMIC_SHARED(type, var) type(&var)[] = *reinterpret_cast<type(*)[]>(simt::dynamic_shared_base());
#define HIP_DYNAMIC_SHARED_ATTRIBUTE

#define hipThreadIdx_x (threadIdx.x)
#define hipThreadIdx_y (threadIdx.y)
#define hipThreadIdx_z (threadIdx.z)
#define hipBlockIdx_x (blockIdx.x)
#define hipBlockIdx_y (blockIdx.y)
#define hipBlockIdx_z (blockIdx.z)
#define hipBlockDim_x (blockDim.x)
#define hipBlockDim_y (blockDim.y)
#define hipBlockDim_z (blockDim.z)
#define hipGridDim_x (gridDim.x)
#define hipGridDim_y (gridDim.y)
#define hipGridDim_z (gridDim.z)

// Warp functions (hip.md §4): the forms without a mask take every live lane of the wavefront;
// the _sync forms take a 64-bit mask (a 32-bit one does not compile, as with ROCm >= 6.2).
template <class T> inline T __shfl(T v, int src, int width = 64) {
  return simt::shfl(0, true, v, simt::SHFL_IDX, src, width);
}
template <class T> inline T __shfl_up(T v, unsigned d, int width = 64) {
  return simt::shfl(0, true, v, simt::SHFL_UP, d, width);
}
template <class T> inline T __shfl_down(T v, unsigned d, int width = 64) {
  return simt::shfl(0, true, v, simt::SHFL_DOWN, d, width);
}
template <class T> inline T __shfl_xor(T v, int lane_mask, int width = 64) {
  return simt::shfl(0, true, v, simt::SHFL_XOR, lane_mask, width);
}
#define SIMT_HIP_MASK_CHECK(M) \
  static_assert(std::is_integral<M>::value && sizeof(M) == 8, "HIP warp masks are 64-bit")
template <class M, class T> inline T __shfl_sync(M m, T v, int src, int width = 64) {
  SIMT_HIP_MASK_CHECK(M);
  return simt::shfl(m, false, v, simt::SHFL_IDX, src, width);
}
template <class M, class T> inline T __shfl_up_sync(M m, T v, unsigned d, int width = 64) {
  SIMT_HIP_MASK_CHECK(M);
  return simt::shfl(m, false, v, simt::SHFL_UP, d, width);
}
template <class M, class T> inline T __shfl_down_sync(M m, T v, unsigned d, int width = 64) {
  SIMT_HIP_MASK_CHECK(M);
  return simt::shfl(m, false, v, simt::SHFL_DOWN, d, width);
}
template <class M, class T> inline T __shfl_xor_sync(M m, T v, int lane_mask, int width = 64) {
  SIMT_HIP_MASK_CHECK(M);
  return simt::shfl(m, false, v, simt::SHFL_XOR, lane_mask, width);
}
template <class M> inline unsigned long long __ballot_sync(M m, int p) { SIMT_HIP_MASK_CHECK(M); return simt::ballot(m, false, p); }
template <class M> inline int __any_sync(M m, int p) { SIMT_HIP_MASK_CHECK(M); return simt::any(m, false, p); }
template <class M> inline int __all_sync(M m, int p) { SIMT_HIP_MASK_CHECK(M); return simt::all(m, false, p); }
template <class M, class T> inline unsigned long long __match_any_sync(M m, T v) {
  SIMT_HIP_MASK_CHECK(M);
  return simt::match_any(m, simt::bits_of(v));
}
template <class M, class T> inline unsigned long long __match_all_sync(M m, T v, int* pred) {
  SIMT_HIP_MASK_CHECK(M);
  return simt::match_all(m, simt::bits_of(v), pred);
}
#undef SIMT_HIP_MASK_CHECK
inline unsigned long long __ballot(int p) { return simt::ballot(0, true, p); }
inline int __any(int p) { return simt::any(0, true, p); }
inline int __all(int p) { return simt::all(0, true, p); }
inline unsigned long long __activemask() { return simt::active_mask(); }
inline void __syncwarp(unsigned long long m = ~0ull) { simt::warp_sync(m); }
inline unsigned __lane_id() { return (unsigned)simt::lane_id(); }

// HIP extras: float/double atomicMax/Min (compare-and-store; NaN handling as fmax/fmin), unsafe adds.
inline float atomicMax(float* p, float v) { return simt::atomic_rmw(p, [&](float o) { return fmaxf(o, v); }); }
inline float atomicMin(float* p, float v) { return simt::atomic_rmw(p, [&](float o) { return fminf(o, v); }); }
inline double atomicMax(double* p, double v) { return simt::atomic_rmw(p, [&](double o) { return fmax(o, v); }); }
inline double atomicMin(double* p, double v) { return simt::atomic_rmw(p, [&](double o) { return fmin(o, v); }); }
inline float unsafeAtomicAdd(float* p, float v) { return atomicAdd(p, v); }
inline double unsafeAtomicAdd(double* p, double v) { return atomicAdd(p, v); }

// HIP vector types carry element-wise arithmetic (HIP_vector_type); CUDA's do not.
#define SIMT_VEC_OP(V, OP)                                                                      \
  inline V operator OP(V a, V b) {                                                              \
    V r = a;                                                                                    \
    const auto* pb = &b.x;                                                                      \
    auto* pr = &r.x;                                                                            \
    for (unsigned i = 0; i < sizeof(V) / sizeof(a.x); ++i) { pr[i] = pr[i] OP pb[i]; }          \
    return r;                                                                                   \
  }                                                                                             \
  inline V operator OP(V a, decltype(a.x) s) {                                                  \
    V r = a;                                                                                    \
    auto* pr = &r.x;                                                                            \
    for (unsigned i = 0; i < sizeof(V) / sizeof(a.x); ++i) { pr[i] = pr[i] OP s; }              \
    return r;                                                                                   \
  }                                                                                             \
  inline V& operator OP##=(V& a, V b) { return a = a OP b; }                                     \
  inline V& operator OP##=(V& a, decltype(a.x) s) { return a = a OP s; }
#define SIMT_VEC_OPS(V) SIMT_VEC_OP(V, +) SIMT_VEC_OP(V, -) SIMT_VEC_OP(V, *) SIMT_VEC_OP(V, /)
SIMT_VEC_OPS(float2) SIMT_VEC_OPS(float4) SIMT_VEC_OPS(double2) SIMT_VEC_OPS(double4)
SIMT_VEC_OPS(int2) SIMT_VEC_OPS(int4) SIMT_VEC_OPS(uint2) SIMT_VEC_OPS(uint4)
#undef SIMT_VEC_OPS
#undef SIMT_VEC_OP

// ---- MFMA (hip.md §7): one call per wavefront, D = A*B + C, lane maps of §7.1, BLGP of §7.2 ----
namespace simt {
namespace mfma {
struct Shape { int M, N, K, E, R; };  // E: A/B elements per lane, R: C/D elements per lane
constexpr Shape SHAPES[4] = {{16, 16, 4, 1, 4}, {16, 16, 16, 4, 4}, {32, 32, 8, 4, 16}, {32, 32, 2, 1, 16}};
constexpr const char* NAMES[4] = {"mfma_f32_16x16x4f32", "mfma_f32_16x16x16f16", "mfma_f32_32x32x8f16",
                                  "mfma_f32_32x32x2f32"};
struct Arg { int kind, cbsz, abid, blgp; double a[4], b[4], c[16], d[16]; };

inline int blgp_source(int blgp, int l) {
  switch (blgp) {
    case 1: return l % 32;
    case 2: return 32 + l % 32;
    case 3: return (l + 16) % 64;
    case 4: return l % 16;
    case 5: return 16 + l % 16;
    case 6: return 32 + l % 16;
    case 7: return 48 + l % 16;
    default: return l;
  }
}
inline int acc_row(const Shape& s, int l, int r) {  // C/D row of register r in lane l
  return s.M == 16 ? 4 * (l / 16) + r : 8 * (r / 4) + 4 * (l / 32) + r % 4;
}

inline void combine(void* const* args, lanemask_t) {
  const Arg* a0 = (const Arg*)args[0];
  for (int l = 0; l < 64; ++l) {
    const Arg* a = (const Arg*)args[l];
    if (a->kind != a0->kind || a->blgp != a0->blgp)
      fail("MFMA: lanes 0 and %d issue different instructions/modifiers", l);
  }
  const Shape s = SHAPES[a0->kind];
  double A[32 * 16], B[16 * 32], C[32 * 32], D[32 * 32];
  for (int l = 0; l < 64; ++l) {
    const Arg* a = (const Arg*)args[l];
    const Arg* bsrc = (const Arg*)args[blgp_source(a0->blgp, l)];
    for (int e = 0; e < s.E; ++e) {
      int k = s.E * (l / s.M) + e;
      A[(l % s.M) * s.K + k] = a->a[e];
      B[k * s.N + l % s.N] = bsrc->b[e];
    }
    for (int r = 0; r < s.R; ++r) C[acc_row(s, l, r) * s.N + l % s.N] = a->c[r];
  }
  tile_mma(s.M, s.N, s.K, A, B, C, D);
  for (int l = 0; l < 64; ++l) {
    Arg* a = (Arg*)args[l];
    for (int r = 0; r < s.R; ++r) a->d[r] = (double)(float)D[acc_row(s, l, r) * s.N + l % s.N];
  }
}

template <class V> inline double elem(const V& v, int e) {
  if constexpr (std::is_arithmetic<V>::value) return (double)v;
  else return (double)v[e];
}

template <int KIND, class VA, class VB, class VC>
inline VC run(VA a, VB b, VC c, int cbsz, int abid, int blgp) {
  constexpr Shape s = SHAPES[KIND];
  static_assert(sizeof(VC) == sizeof(float) * s.R, "accumulator vector of the wrong size");
  static_assert(sizeof(VA) == (s.E == 1 ? sizeof(float) : 4 * sizeof(_Float16)), "A operand of the wrong type");
  if (cbsz != 0 || abid != 0) fail("%s: CBSZ and ABID must be 0 for this instruction", NAMES[KIND]);
  if (blgp < 0 || blgp > 7) fail("%s: BLGP %d out of range", NAMES[KIND], blgp);
  Arg arg;
  arg.kind = KIND;
  arg.cbsz = cbsz;
  arg.abid = abid;
  arg.blgp = blgp;
  for (int e = 0; e < s.E; ++e) { arg.a[e] = elem(a, e); arg.b[e] = elem(b, e); }
  for (int r = 0; r < s.R; ++r) arg.c[r] = elem(c, r);
  whole_warp_collective(NAMES[KIND], combine, &arg);
  VC d = c;
  for (int r = 0; r < s.R; ++r) d[r] = (float)arg.d[r];
  return d;
}
}  // namespace mfma
}  // namespace simt

#define __builtin_amdgcn_mfma_f32_16x16x4f32(a, b, c, cbsz, abid, blgp) simt::mfma::run<0>(a, b, c, cbsz, abid, blgp)
#define __builtin_amdgcn_mfma_f32_16x16x16f16(a, b, c, cbsz, abid, blgp) simt::mfma::run<1>(a, b, c, cbsz, abid, blgp)
#define __builtin_amdgcn_mfma_f32_32x32x8f16(a, b, c, cbsz, abid, blgp) simt::mfma::run<2>(a, b, c, cbsz, abid, blgp)
#define __builtin_amdgcn_mfma_f32_32x32x2f32(a, b, c, cbsz, abid, blgp) simt::mfma::run<3>(a, b, c, cbsz, abid, blgp)
