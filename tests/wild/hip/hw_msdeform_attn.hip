#include <hip/hip_runtime.h>
#include <cstdint>
#include <cstdio>

// Multi-scale deformable attention (Deformable-DETR style core), forward.
//   value          [B, S, M, D]       S = sum over levels of H_l * W_l
//   spatial_shapes [L, 2]  (H_l, W_l) int64
//   level_start    [L]                int64
//   sampling_loc   [B, Q, M, L, P, 2] normalized (x, y)
//   attn_weight    [B, Q, M, L, P]
//   output         [B, Q, M * D]
#define HIP_CHECK(status)                                                              \
  do {                                                                                 \
    hipError_t s_ = (status);                                                          \
    if (s_ != hipSuccess) printf("HIP error %d at %s:%d\n", (int)s_, __FILE__, __LINE__); \
  } while (0)

__device__ float bilinear_sample(const float* v, int H, int W, int M, int D,
                                 float h, float w, int m, int d) {
  const int h_lo = (int)floorf(h), w_lo = (int)floorf(w);
  const int h_hi = h_lo + 1, w_hi = w_lo + 1;
  const float lh = h - h_lo, lw = w - w_lo;
  const float hh = 1.f - lh, hw = 1.f - lw;
  const int row_stride = W * M * D, col_stride = M * D;
  const int base = m * D + d;

  float v1 = 0.f, v2 = 0.f, v3 = 0.f, v4 = 0.f;
  if (h_lo >= 0 && w_lo >= 0) v1 = v[h_lo * row_stride + w_lo * col_stride + base];
  if (h_lo >= 0 && w_hi <= W - 1) v2 = v[h_lo * row_stride + w_hi * col_stride + base];
  if (h_hi <= H - 1 && w_lo >= 0) v3 = v[h_hi * row_stride + w_lo * col_stride + base];
  if (h_hi <= H - 1 && w_hi <= W - 1) v4 = v[h_hi * row_stride + w_hi * col_stride + base];
  return hh * hw * v1 + hh * lw * v2 + lh * hw * v3 + lh * lw * v4;
}

__global__ void ms_deform_attn_fwd(int n, const float* value, const int64_t* spatial_shapes,
                                   const int64_t* level_start, const float* sampling_loc,
                                   const float* attn_weight, float* output,
                                   int S, int M, int D, int L, int Q, int P) {
  for (int idx = blockIdx.x * blockDim.x + threadIdx.x; idx < n; idx += blockDim.x * gridDim.x) {
    int t = idx;
    const int d = t % D; t /= D;
    const int m = t % M; t /= M;
    const int q = t % Q; t /= Q;
    const int b = t;

    const float* vb = value + (size_t)b * S * M * D;
    int wi = ((b * Q + q) * M + m) * L * P;     // index of (b, q, m, 0, 0) in attn_weight
    float acc = 0.f;
    for (int l = 0; l < L; ++l) {
      const int H = (int)spatial_shapes[2 * l];
      const int W = (int)spatial_shapes[2 * l + 1];
      const float* vl = vb + level_start[l] * M * D;
      for (int p = 0; p < P; ++p, ++wi) {
        const float x = sampling_loc[2 * wi];
        const float y = sampling_loc[2 * wi + 1];
        const float a = attn_weight[wi];
        const float h_im = y * H - 0.5f;
        const float w_im = x * W - 0.5f;
        if (h_im > -1 && w_im > -1 && h_im < H && w_im < W)
          acc += a * bilinear_sample(vl, H, W, M, D, h_im, w_im, m, d);
      }
    }
    output[idx] = acc;
  }
}

extern "C" void ms_deform_attn(float* value, int64_t* spatial_shapes, int64_t* level_start,
                               float* sampling_loc, float* attn_weight, float* output,
                               int batch, int num_value, int num_heads, int head_dim,
                               int num_levels, int num_query, int num_points) {
  const size_t nv = (size_t)batch * num_value * num_heads * head_dim;
  const size_t nw = (size_t)batch * num_query * num_heads * num_levels * num_points;
  const size_t no = (size_t)batch * num_query * num_heads * head_dim;
  float *d_value, *d_loc, *d_w, *d_out;
  int64_t *d_shapes, *d_start;
  HIP_CHECK(hipMalloc(&d_value, nv * sizeof(float)));
  HIP_CHECK(hipMalloc(&d_loc, 2 * nw * sizeof(float)));
  HIP_CHECK(hipMalloc(&d_w, nw * sizeof(float)));
  HIP_CHECK(hipMalloc(&d_out, no * sizeof(float)));
  HIP_CHECK(hipMalloc(&d_shapes, 2 * num_levels * sizeof(int64_t)));
  HIP_CHECK(hipMalloc(&d_start, num_levels * sizeof(int64_t)));
  HIP_CHECK(hipMemcpy(d_value, value, nv * sizeof(float), hipMemcpyHostToDevice));
  HIP_CHECK(hipMemcpy(d_loc, sampling_loc, 2 * nw * sizeof(float), hipMemcpyHostToDevice));
  HIP_CHECK(hipMemcpy(d_w, attn_weight, nw * sizeof(float), hipMemcpyHostToDevice));
  HIP_CHECK(hipMemcpy(d_shapes, spatial_shapes, 2 * num_levels * sizeof(int64_t), hipMemcpyHostToDevice));
  HIP_CHECK(hipMemcpy(d_start, level_start, num_levels * sizeof(int64_t), hipMemcpyHostToDevice));

  const int n = (int)no;
  const int threads = 256;
  hipLaunchKernelGGL(ms_deform_attn_fwd, dim3((n + threads - 1) / threads), dim3(threads), 0, 0,
                     n, d_value, d_shapes, d_start, d_loc, d_w, d_out,
                     num_value, num_heads, head_dim, num_levels, num_query, num_points);
  HIP_CHECK(hipGetLastError());
  HIP_CHECK(hipMemcpy(output, d_out, no * sizeof(float), hipMemcpyDeviceToHost));
  hipFree(d_value); hipFree(d_loc); hipFree(d_w); hipFree(d_out); hipFree(d_shapes); hipFree(d_start);
}
