// Single-scale multi-head deformable attention (Deformable-DETR sampling, one feature level):
//   out[b, q, m*DH + d] = sum_p attw[b, q, m, p] * bilinear(value[b, :, m, d], loc(b, q, m, p))
//   loc = ref[b, q] + offset[b, q, m, p] / (W, H)  (normalised x, y), pixel = loc * (W, H) - 0.5,
// zero padding outside the H x W map (corner by corner). value [B, H*W, NH, DH], ref [B, LQ, 2],
// offset [B, LQ, NH, NP, 2], attw [B, LQ, NH, NP], out [B, LQ, NH*DH].
// One block of NH*DH = 128 threads (two wavefronts) per query: the first NH*NP threads compute the
// sampling points into LDS, then thread (m, d) gathers its channel (coalesced over d).
#include <hip/hip_runtime.h>

#define NUM_HEADS 4
#define HEAD_DIM 32
#define NUM_POINTS 4
#define BLOCK (NUM_HEADS * HEAD_DIM)

__global__ void __launch_bounds__(BLOCK)
deform_attn(const float* __restrict__ value, const float* __restrict__ ref, const float* __restrict__ offset,
            const float* __restrict__ attw, float* __restrict__ out, const int H, const int W, const int LQ) {
    __shared__ float s_h[NUM_HEADS * NUM_POINTS];
    __shared__ float s_w[NUM_HEADS * NUM_POINTS];
    __shared__ float s_a[NUM_HEADS * NUM_POINTS];
    const int q = blockIdx.x;
    const int b = blockIdx.y;
    const int tid = threadIdx.x;
    const size_t bq = (size_t)b * LQ + q;

    if (tid < NUM_HEADS * NUM_POINTS) {  // tid = m * NUM_POINTS + p
        const float* __restrict__ off = offset + (bq * NUM_HEADS * NUM_POINTS + tid) * 2;
        s_w[tid] = ref[bq * 2 + 0] * W + off[0] - 0.5f;
        s_h[tid] = ref[bq * 2 + 1] * H + off[1] - 0.5f;
        s_a[tid] = attw[bq * NUM_HEADS * NUM_POINTS + tid];
    }
    __syncthreads();

    const int m = tid / HEAD_DIM;
    const int d = tid % HEAD_DIM;
    const float* __restrict__ vb = value + (size_t)b * H * W * NUM_HEADS * HEAD_DIM + m * HEAD_DIM + d;
    const int pix_stride = NUM_HEADS * HEAD_DIM;
    float acc = 0.0f;
#pragma unroll
    for (int p = 0; p < NUM_POINTS; ++p) {
        const int s = m * NUM_POINTS + p;
        const float h_im = s_h[s];
        const float w_im = s_w[s];
        if (h_im > -1.0f && w_im > -1.0f && h_im < (float)H && w_im < (float)W) {
            const int h_lo = (int)floorf(h_im);
            const int w_lo = (int)floorf(w_im);
            const int h_hi = h_lo + 1;
            const int w_hi = w_lo + 1;
            const float lh = h_im - h_lo, lw = w_im - w_lo;
            const float hh = 1.0f - lh, hw = 1.0f - lw;
            float v = 0.0f;
            if (h_lo >= 0 && w_lo >= 0) v += hh * hw * vb[(size_t)(h_lo * W + w_lo) * pix_stride];
            if (h_lo >= 0 && w_hi < W) v += hh * lw * vb[(size_t)(h_lo * W + w_hi) * pix_stride];
            if (h_hi < H && w_lo >= 0) v += lh * hw * vb[(size_t)(h_hi * W + w_lo) * pix_stride];
            if (h_hi < H && w_hi < W) v += lh * lw * vb[(size_t)(h_hi * W + w_hi) * pix_stride];
            acc += s_a[s] * v;
        }
    }
    out[bq * BLOCK + tid] = acc;
}

extern "C" void deform_attn_kernel(const float* value, const float* ref, const float* offset, const float* attw,
                                   float* out, int B, int H, int W, int LQ) {
    const size_t vbytes = (size_t)B * H * W * NUM_HEADS * HEAD_DIM * sizeof(float);
    const size_t rbytes = (size_t)B * LQ * 2 * sizeof(float);
    const size_t obytes = (size_t)B * LQ * NUM_HEADS * NUM_POINTS * 2 * sizeof(float);
    const size_t abytes = (size_t)B * LQ * NUM_HEADS * NUM_POINTS * sizeof(float);
    const size_t outbytes = (size_t)B * LQ * NUM_HEADS * HEAD_DIM * sizeof(float);
    float *d_value, *d_ref, *d_off, *d_attw, *d_out;
    hipMalloc((void**)&d_value, vbytes);
    hipMalloc((void**)&d_ref, rbytes);
    hipMalloc((void**)&d_off, obytes);
    hipMalloc((void**)&d_attw, abytes);
    hipMalloc((void**)&d_out, outbytes);
    hipMemcpy(d_value, value, vbytes, hipMemcpyHostToDevice);
    hipMemcpy(d_ref, ref, rbytes, hipMemcpyHostToDevice);
    hipMemcpy(d_off, offset, obytes, hipMemcpyHostToDevice);
    hipMemcpy(d_attw, attw, abytes, hipMemcpyHostToDevice);
    hipLaunchKernelGGL(deform_attn, dim3(LQ, B), dim3(BLOCK), 0, 0, d_value, d_ref, d_off, d_attw, d_out, H, W, LQ);
    hipMemcpy(out, d_out, outbytes, hipMemcpyDeviceToHost);
    hipFree(d_value);
    hipFree(d_ref);
    hipFree(d_off);
    hipFree(d_attw);
    hipFree(d_out);
}
