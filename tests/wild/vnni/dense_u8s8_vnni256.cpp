#include <immintrin.h>
#include <stdint.h>
#include <vector>

// Quantized linear layer (asymmetric u8 activations, symmetric per-channel s8 weights),
// dequantized to float:
//   y[b][o] = x_scale * w_scale[o] * (sum_i x[b][i] * W[o][i] - x_zp * sum_i W[o][i]) + bias[o]
// 256-bit VNNI (EVEX, AVX512VL): 32 bytes per step, 8 int32 partial sums.
static inline int32_t hsum_epi32_256(__m256i v)
{
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(1, 0, 3, 2)));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(2, 3, 0, 1)));
    return _mm_cvtsi128_si32(s);
}

extern "C" void qlinear_u8s8(float* y, const uint8_t* x, const int8_t* W, const float* w_scale,
                             const float* bias, float x_scale, int x_zp,
                             int batch, int in_features, int out_features)
{
    std::vector<int32_t> wsum(out_features);
    for (int o = 0; o < out_features; ++o) {
        int32_t s = 0;
        for (int i = 0; i < in_features; ++i) s += W[o * in_features + i];
        wsum[o] = s;
    }
    for (int b = 0; b < batch; ++b) {
        const uint8_t* xr = x + b * in_features;
        for (int o = 0; o < out_features; ++o) {
            const int8_t* wr = W + o * in_features;
            __m256i acc = _mm256_setzero_si256();
            int i = 0;
            for (; i + 32 <= in_features; i += 32) {
                __m256i vx = _mm256_loadu_si256((const __m256i*)(xr + i));
                __m256i vw = _mm256_loadu_si256((const __m256i*)(wr + i));
                acc = _mm256_dpbusd_epi32(acc, vx, vw);
            }
            int32_t dot = hsum_epi32_256(acc);
            for (; i < in_features; ++i)
                dot += (int32_t)xr[i] * (int32_t)wr[i];
            int32_t corr = dot - x_zp * wsum[o];
            y[b * out_features + o] = (float)corr * (x_scale * w_scale[o]) + bias[o];
        }
    }
}
