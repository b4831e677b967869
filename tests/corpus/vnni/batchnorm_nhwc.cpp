// BatchNorm inference over NHWC float32: y[p][c] = x[p][c] * scale[c] + shift[c] for every
// pixel p of the N*H*W, with scale = gamma / sqrt(var + eps), shift = beta - mean * scale
// folded once per channel into 64-byte aligned buffers. The per-pixel loop is one
// _mm512_fmadd_ps per 16 channels, masked tail for channels % 16; OpenMP over pixels.
#include <immintrin.h>
#include <math.h>
#include <stdlib.h>

#define VLEN 16
#define MAX_C 512

extern "C" void batchnorm_nhwc_f32(const float* __restrict__ x, const float* __restrict__ gamma,
                                   const float* __restrict__ beta, const float* __restrict__ mean,
                                   const float* __restrict__ var, float* __restrict__ y,
                                   int pixels, int channels, float eps) {
    alignas(64) float scale[MAX_C];
    alignas(64) float shift[MAX_C];
    for (int c = 0; c < channels; ++c) {
        const float s = gamma[c] / sqrtf(var[c] + eps);
        scale[c] = s;
        shift[c] = beta[c] - mean[c] * s;
    }
    const int c_main = channels - channels % VLEN;
    const __mmask16 tail = (__mmask16)((1u << (channels - c_main)) - 1u);
#pragma omp parallel for schedule(static)
    for (int p = 0; p < pixels; ++p) {
        const float* __restrict__ xp = x + (long)p * channels;
        float* __restrict__ yp = y + (long)p * channels;
        for (int c = 0; c < c_main; c += VLEN) {
            const __m512 v = _mm512_loadu_ps(xp + c);
            _mm512_storeu_ps(yp + c, _mm512_fmadd_ps(v, _mm512_load_ps(scale + c), _mm512_load_ps(shift + c)));
        }
        if (tail) {
            const __m512 v = _mm512_maskz_loadu_ps(tail, xp + c_main);
            const __m512 o = _mm512_fmadd_ps(v, _mm512_maskz_load_ps(tail, scale + c_main),
                                             _mm512_maskz_load_ps(tail, shift + c_main));
            _mm512_mask_storeu_ps(yp + c_main, tail, o);
        }
    }
}
