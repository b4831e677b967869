#include <immintrin.h>
#include <stdint.h>

// Small int8 GEMV with 128-bit VNNI: y[o] = bias[o] + sum_k x[k] * W[o][k]
// x is uint8 (post-ReLU activations), W is int8. 16 bytes per step, scalar tail.
extern "C" void qgemv_u8s8(int32_t* y, const uint8_t* x, const int8_t* W, const int32_t* bias,
                           int out_features, int in_features)
{
    for (int o = 0; o < out_features; o++) {
        const int8_t* w = W + o * in_features;
        __m128i acc = _mm_setzero_si128();
        int k = 0;
        for (; k + 16 <= in_features; k += 16) {
            __m128i vx = _mm_loadu_si128((const __m128i*)(x + k));
            __m128i vw = _mm_loadu_si128((const __m128i*)(w + k));
            acc = _mm_dpbusd_epi32(acc, vx, vw);
        }
        int32_t part[4];
        _mm_storeu_si128((__m128i*)part, acc);
        int32_t dot = part[0] + part[1] + part[2] + part[3];
        for (; k < in_features; k++)
            dot += (int32_t)x[k] * (int32_t)w[k];
        y[o] = dot + bias[o];
    }
}
