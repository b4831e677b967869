// <mma.h> for the CPU emulation: nvcuda::wmma (cuda.md §9) on the warp collectives of simt_cpu.h.
//
// Each lane's fragment holds num_elements = rows*cols/32 elements, like the hardware; which
// tile element lane l's x[i] holds is a fixed scramble, p = (32*i + l) * 37 mod (rows*cols),
// (row, col) = (p / cols, p % cols). The hardware mapping is unspecified, so code that gives
// x[i] a position (per-column bias, masking by index) must fail here rather than pass by luck;
// element-wise code (x[i] *= alpha) works. load/store/mma are warp collectives: all 32 lanes,
// identical pointer/ldm/layout (checked), 32-byte aligned pointers, ldm a multiple of 16 bytes.
// mma_sync sums the exact products in double and rounds once to the accumulator type.
#pragma once
#include "cuda_fp16.h"

namespace nvcuda {
namespace wmma {
struct matrix_a {};
struct matrix_b {};
struct accumulator {};
struct row_major {};
struct col_major {};
enum layout_t { mem_row_major, mem_col_major };

template <class Use, int M, int N, int K> struct tile_shape;
template <int M, int N, int K> struct tile_shape<matrix_a, M, N, K> { static constexpr int rows = M, cols = K; };
template <int M, int N, int K> struct tile_shape<matrix_b, M, N, K> { static constexpr int rows = K, cols = N; };
template <int M, int N, int K> struct tile_shape<accumulator, M, N, K> { static constexpr int rows = M, cols = N; };

template <class Use, int M, int N, int K, class T, class Layout = void>
struct fragment {
  static constexpr int rows = tile_shape<Use, M, N, K>::rows, cols = tile_shape<Use, M, N, K>::cols;
  static constexpr int num_elements = rows * cols / 32;
  static_assert(rows * cols % 32 == 0 && ((rows * cols) & (rows * cols - 1)) == 0,
                "unsupported WMMA shape");
  typedef T element_type;
  T x[num_elements];
  // tile position of x[i] in lane l
  static int row_of(int l, int i) { return (int)(((32L * i + l) * 37) % (rows * cols)) / cols; }
  static int col_of(int l, int i) { return (int)(((32L * i + l) * 37) % (rows * cols)) % cols; }
};
}  // namespace wmma
}  // namespace nvcuda

namespace simt {
namespace wmma_impl {
using namespace nvcuda::wmma;

template <class Frag, class P> struct MemArg {
  Frag* frag;
  P* ptr;
  unsigned ldm;
  bool row;
};

template <class Frag, class P>
void check_same_args(void* const* args, const char* what) {
  const MemArg<Frag, P>* a0 = (const MemArg<Frag, P>*)args[0];
  for (int l = 0; l < 32; ++l) {
    const MemArg<Frag, P>* a = (const MemArg<Frag, P>*)args[l];
    if (a->ptr != a0->ptr || a->ldm != a0->ldm || a->row != a0->row)
      fail("wmma::%s: lanes 0 and %d pass different pointer/ldm/layout", what, l);
  }
  if ((uintptr_t)a0->ptr % 32) fail("wmma::%s: pointer %p is not 32-byte aligned", what, (void*)a0->ptr);
  if (a0->ldm * sizeof(P) % 16) fail("wmma::%s: ldm %u is not a multiple of 16 bytes", what, a0->ldm);
}

template <class Frag, class P>
void load_combine(void* const* args, lanemask_t) {
  check_same_args<Frag, P>(args, "load_matrix_sync");
  for (int l = 0; l < 32; ++l) {
    MemArg<Frag, P>* a = (MemArg<Frag, P>*)args[l];
    for (int i = 0; i < Frag::num_elements; ++i) {
      int r = Frag::row_of(l, i), c = Frag::col_of(l, i);
      a->frag->x[i] = (typename Frag::element_type)(a->row ? a->ptr[(size_t)r * a->ldm + c]
                                                           : a->ptr[(size_t)c * a->ldm + r]);
    }
  }
}

template <class Frag, class P>
void store_combine(void* const* args, lanemask_t) {
  check_same_args<Frag, P>(args, "store_matrix_sync");
  for (int l = 0; l < 32; ++l) {
    MemArg<Frag, P>* a = (MemArg<Frag, P>*)args[l];
    for (int i = 0; i < Frag::num_elements; ++i) {
      int r = Frag::row_of(l, i), c = Frag::col_of(l, i);
      (a->row ? a->ptr[(size_t)r * a->ldm + c] : a->ptr[(size_t)c * a->ldm + r]) = a->frag->x[i];
    }
  }
}

template <bool LOAD, class Frag, class P>
inline void mem_op(Frag& f, P* p, unsigned ldm, bool row) {
  MemArg<Frag, P> a{&f, p, ldm, row};
  if constexpr (LOAD) whole_warp_collective("wmma::load_matrix_sync", &load_combine<Frag, P>, &a);
  else whole_warp_collective("wmma::store_matrix_sync", &store_combine<Frag, P>, &a);
}

template <class Frag> inline void gather(void* const* args, size_t offset, double* tile) {
  for (int l = 0; l < 32; ++l) {
    const Frag* f = *(const Frag* const*)((const char*)args[l] + offset);
    for (int i = 0; i < Frag::num_elements; ++i)
      tile[Frag::row_of(l, i) * Frag::cols + Frag::col_of(l, i)] = (double)f->x[i];
  }
}

template <class FD, class FA, class FB, class FC> struct MmaArg {
  FD* d;
  const FA* a;
  const FB* b;
  const FC* c;
  bool satf;
};

template <class FD, class FA, class FB, class FC>
void mma_combine(void* const* args, lanemask_t) {
  typedef MmaArg<FD, FA, FB, FC> Arg;
  constexpr int M = FA::rows, K = FA::cols, N = FB::cols;
  double A[M * K], B[K * N], C[M * N], D[M * N];
  gather<FA>(args, offsetof(Arg, a), A);
  gather<FB>(args, offsetof(Arg, b), B);
  gather<FC>(args, offsetof(Arg, c), C);
  tile_mma(M, N, K, A, B, C, D);
  typedef typename FD::element_type TD;
  for (int l = 0; l < 32; ++l) {
    Arg* a = (Arg*)args[l];
    for (int i = 0; i < FD::num_elements; ++i) {
      double v = D[FD::row_of(l, i) * N + FD::col_of(l, i)];
      if constexpr (std::is_integral<TD>::value) {
        long long w = (long long)v;
        if (a->satf) w = w > 2147483647LL ? 2147483647LL : w < -2147483648LL ? -2147483648LL : w;
        a->d->x[i] = (TD)(int)(unsigned)(unsigned long long)w;
      } else {
        a->d->x[i] = (TD)v;
      }
    }
  }
}
}  // namespace wmma_impl
}  // namespace simt

namespace nvcuda {
namespace wmma {
template <class Use, int M, int N, int K, class T, class L, class P>
inline void load_matrix_sync(fragment<Use, M, N, K, T, L>& f, const P* p, unsigned ldm) {
  static_assert(std::is_same<L, row_major>::value || std::is_same<L, col_major>::value,
                "matrix_a/matrix_b fragments need a row_major/col_major layout");
  static_assert(std::is_same<typename std::remove_cv<P>::type, T>::value, "pointer type must match the fragment");
  simt::wmma_impl::mem_op<true>(f, p, ldm, std::is_same<L, row_major>::value);
}
template <int M, int N, int K, class T, class P>
inline void load_matrix_sync(fragment<accumulator, M, N, K, T>& f, const P* p, unsigned ldm, layout_t lay) {
  static_assert(std::is_same<typename std::remove_cv<P>::type, T>::value, "pointer type must match the fragment");
  simt::wmma_impl::mem_op<true>(f, p, ldm, lay == mem_row_major);
}
template <int M, int N, int K, class T, class P>
inline void store_matrix_sync(P* p, const fragment<accumulator, M, N, K, T>& f, unsigned ldm, layout_t lay) {
  static_assert(std::is_same<P, T>::value, "pointer type must match the fragment");
  simt::wmma_impl::mem_op<false>(const_cast<fragment<accumulator, M, N, K, T>&>(f), p, ldm, lay == mem_row_major);
}
template <class Use, int M, int N, int K, class T, class L, class V>
inline void fill_fragment(fragment<Use, M, N, K, T, L>& f, const V& v) {
  for (int i = 0; i < f.num_elements; ++i) f.x[i] = (T)v;
}
template <int M, int N, int K, class TA, class LA, class TB, class LB, class TC, class TD>
inline void mma_sync(fragment<accumulator, M, N, K, TD>& d, const fragment<matrix_a, M, N, K, TA, LA>& a,
                     const fragment<matrix_b, M, N, K, TB, LB>& b,
                     const fragment<accumulator, M, N, K, TC>& c, bool satf = false) {
  typedef fragment<accumulator, M, N, K, TD> FD;
  typedef fragment<matrix_a, M, N, K, TA, LA> FA;
  typedef fragment<matrix_b, M, N, K, TB, LB> FB;
  typedef fragment<accumulator, M, N, K, TC> FC;
  if (satf && !std::is_integral<TD>::value)
    simt::fail("wmma::mma_sync: satf = true with a floating-point accumulator (deprecated, avoid)");
  simt::wmma_impl::MmaArg<FD, FA, FB, FC> arg{&d, &a, &b, &c, satf};
  simt::whole_warp_collective("wmma::mma_sync", &simt::wmma_impl::mma_combine<FD, FA, FB, FC>, &arg);
}
}  // namespace wmma
}  // namespace nvcuda
