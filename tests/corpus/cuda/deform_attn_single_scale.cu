// Single-scale multi-head deformable attention (Deformable DETR, ms_deform_attn_im2col with one
// level). value[B][S][NH][D] with S = Hs*Ws, reference points ref[B][Q][2] (x, y in [0, 1]),
// offsets off[B][Q][NH][P][2] in pixels, attention weights attn[B][Q][NH][P]; out[B][Q][NH*D].
// One thread per output element (grid-stride loop); for each of the P points the sampling
// location ref + off / (Ws, Hs) is mapped to pixel coordinates (align_corners = false) and the
// value of head m, channel c is sampled bilinearly, zero outside the image.
#include <cuda_runtime.h>

#define THREADS 256
#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

__device__ __forceinline__ float bilinear(const float* __restrict__ v, int Hs, int Ws, int NH,
                                          int D, float h, float w, int m, int c) {
  const int h_low = (int)floorf(h);
  const int w_low = (int)floorf(w);
  const int h_high = h_low + 1;
  const int w_high = w_low + 1;
  const float lh = h - h_low, lw = w - w_low;
  const float hh = 1.0f - lh, hw = 1.0f - lw;
  const int w_stride = NH * D;
  const int h_stride = Ws * w_stride;
  const int base = m * D + c;
  float v1 = 0.0f, v2 = 0.0f, v3 = 0.0f, v4 = 0.0f;
  if (h_low >= 0 && w_low >= 0) v1 = __ldg(&v[h_low * h_stride + w_low * w_stride + base]);
  if (h_low >= 0 && w_high < Ws) v2 = __ldg(&v[h_low * h_stride + w_high * w_stride + base]);
  if (h_high < Hs && w_low >= 0) v3 = __ldg(&v[h_high * h_stride + w_low * w_stride + base]);
  if (h_high < Hs && w_high < Ws) v4 = __ldg(&v[h_high * h_stride + w_high * w_stride + base]);
  return hh * hw * v1 + hh * lw * v2 + lh * hw * v3 + lh * lw * v4;
}

__global__ void __launch_bounds__(THREADS) deform_attn_single_scale(
    const float* __restrict__ value, const float* __restrict__ ref, const float* __restrict__ off,
    const float* __restrict__ attn, float* __restrict__ out, int B, int Q, int NH, int D, int P,
    int Hs, int Ws) {
  const int total = B * Q * NH * D;
  for (int idx = blockIdx.x * blockDim.x + threadIdx.x; idx < total; idx += gridDim.x * blockDim.x) {
    const int c = idx % D;
    const int m = (idx / D) % NH;
    const int bq = idx / (D * NH);  // b * Q + q
    const int b = bq / Q;
    const float ref_x = __ldg(&ref[bq * 2]);
    const float ref_y = __ldg(&ref[bq * 2 + 1]);
    const float* __restrict__ v = value + (size_t)b * Hs * Ws * NH * D;
    const int pt0 = (bq * NH + m) * P;  // first point of this (b, q, head)

    float acc = 0.0f;
    for (int p = 0; p < P; ++p) {
      const float loc_x = ref_x + __ldg(&off[(pt0 + p) * 2]) / (float)Ws;
      const float loc_y = ref_y + __ldg(&off[(pt0 + p) * 2 + 1]) / (float)Hs;
      const float h_im = loc_y * Hs - 0.5f;
      const float w_im = loc_x * Ws - 0.5f;
      if (h_im > -1.0f && w_im > -1.0f && h_im < (float)Hs && w_im < (float)Ws)
        acc += __ldg(&attn[pt0 + p]) * bilinear(v, Hs, Ws, NH, D, h_im, w_im, m, c);
    }
    out[idx] = acc;
  }
}

extern "C" void deform_attn_single_scale_kernel(const float* value, const float* ref,
                                                const float* off, const float* attn, float* out,
                                                int B, int Q, int NH, int D, int P, int Hs, int Ws) {
  const size_t v_bytes = (size_t)B * Hs * Ws * NH * D * sizeof(float);
  const size_t r_bytes = (size_t)B * Q * 2 * sizeof(float);
  const size_t a_bytes = (size_t)B * Q * NH * P * sizeof(float);
  const size_t o_bytes = (size_t)B * Q * NH * D * sizeof(float);
  float *d_v, *d_r, *d_off, *d_a, *d_o;
  cudaMalloc((void**)&d_v, v_bytes);
  cudaMalloc((void**)&d_r, r_bytes);
  cudaMalloc((void**)&d_off, 2 * a_bytes);
  cudaMalloc((void**)&d_a, a_bytes);
  cudaMalloc((void**)&d_o, o_bytes);
  cudaMemcpy(d_v, value, v_bytes, cudaMemcpyHostToDevice);
  cudaMemcpy(d_r, ref, r_bytes, cudaMemcpyHostToDevice);
  cudaMemcpy(d_off, off, 2 * a_bytes, cudaMemcpyHostToDevice);
  cudaMemcpy(d_a, attn, a_bytes, cudaMemcpyHostToDevice);

  const int total = B * Q * NH * D;
  deform_attn_single_scale<<<CEIL_DIV(total, THREADS), THREADS>>>(d_v, d_r, d_off, d_a, d_o, B, Q,
                                                                  NH, D, P, Hs, Ws);

  cudaMemcpy(out, d_o, o_bytes, cudaMemcpyDeviceToHost);
  cudaFree(d_v);
  cudaFree(d_r);
  cudaFree(d_off);
  cudaFree(d_a);
  cudaFree(d_o);
}
