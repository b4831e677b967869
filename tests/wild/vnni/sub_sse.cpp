#include <immintrin.h>

// out = a - b, four lanes at a time with SSE, scalar loop for the leftovers.
extern "C" void sub_f32_sse(float* out, const float* a, const float* b, int n)
{
    int i = 0;
    for (; i + 4 <= n; i += 4) {
        __m128 va = _mm_loadu_ps(a + i);
        __m128 vb = _mm_loadu_ps(b + i);
        _mm_storeu_ps(out + i, _mm_sub_ps(va, vb));
    }
    for (; i < n; ++i)
        out[i] = a[i] - b[i];
}
