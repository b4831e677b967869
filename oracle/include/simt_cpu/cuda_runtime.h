// <cuda_runtime.h> for the CPU emulation: 32-lane warps, CUDA spellings of simt_cpu.h.
#pragma once
#ifdef SIMT_HIP
#error "CUDA and HIP emulation headers cannot be mixed in one file"
#endif
#define SIMT_CUDA 1
#define SIMT_WARP_SIZE 32
#define SIMT_STATIC_SHARED_LIMIT (48 * 1024)
#define SIMT_DYNAMIC_SHARED_DEFAULT (48 * 1024)
#define SIMT_DYNAMIC_SHARED_MAX (227 * 1024)
#include "simt_cpu.h"

SIMT_DEFINE_RUNTIME_API(cuda)
typedef cudaError_t cudaError;
typedef simt::DeviceProp cudaDeviceProp;
inline cudaError_t cudaGetDeviceProperties(cudaDeviceProp* p, int) { simt::fill_props(p); return cudaSuccess; }
inline cudaError_t cudaMallocHost(void** p, size_t n) { return cudaMalloc(p, n); }
template <class T> inline cudaError_t cudaMallocHost(T** p, size_t n) { return cudaMalloc((void**)p, n); }
inline cudaError_t cudaHostAlloc(void** p, size_t n, unsigned) { return cudaMalloc(p, n); }
inline cudaError_t cudaFreeHost(void* p) { return cudaFree(p); }

// Warp functions (cuda.md §5): 32-bit masks; all named lanes must take part.
template <class T> inline T __shfl_sync(unsigned m, T v, int src, int width = 32) {
  return simt::shfl(m, false, v, simt::SHFL_IDX, src, width);
}
template <class T> inline T __shfl_up_sync(unsigned m, T v, unsigned d, int width = 32) {
  return simt::shfl(m, false, v, simt::SHFL_UP, d, width);
}
template <class T> inline T __shfl_down_sync(unsigned m, T v, unsigned d, int width = 32) {
  return simt::shfl(m, false, v, simt::SHFL_DOWN, d, width);
}
template <class T> inline T __shfl_xor_sync(unsigned m, T v, int lane_mask, int width = 32) {
  return simt::shfl(m, false, v, simt::SHFL_XOR, lane_mask, width);
}
inline unsigned __ballot_sync(unsigned m, int p) { return (unsigned)simt::ballot(m, false, p); }
inline int __any_sync(unsigned m, int p) { return simt::any(m, false, p); }
inline int __all_sync(unsigned m, int p) { return simt::all(m, false, p); }
inline unsigned __activemask() { return (unsigned)simt::active_mask(); }
inline void __syncwarp(unsigned m = 0xffffffffu) { simt::warp_sync(m); }
template <class T> inline unsigned __match_any_sync(unsigned m, T v) {
  return (unsigned)simt::match_any(m, simt::bits_of(v));
}
template <class T> inline unsigned __match_all_sync(unsigned m, T v, int* pred) {
  return (unsigned)simt::match_all(m, simt::bits_of(v), pred);
}
