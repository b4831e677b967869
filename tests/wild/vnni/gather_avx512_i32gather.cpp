#include <immintrin.h>
#include <stdint.h>

// torch.gather along the last axis: out[r][j] = src[r][idx[r][j]], src is rows x src_cols,
// idx/out are rows x cols. Sixteen indices per step through VGATHERDPS; the tail of a row
// uses a masked gather.
extern "C" void gather_lastdim(float* out, const float* src, const int32_t* idx,
                               int rows, int src_cols, int cols)
{
    for (int r = 0; r < rows; ++r) {
        const float* s = src + (size_t)r * src_cols;
        const int32_t* ir = idx + (size_t)r * cols;
        float* o = out + (size_t)r * cols;
        int j = 0;
        for (; j + 16 <= cols; j += 16) {
            __m512i vi = _mm512_loadu_si512(ir + j);
            _mm512_storeu_ps(o + j, _mm512_i32gather_ps(vi, s, 4));
        }
        if (j < cols) {
            __mmask16 m = (__mmask16)((1u << (cols - j)) - 1u);
            __m512i vi = _mm512_maskz_loadu_epi32(m, ir + j);
            __m512 v = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), m, vi, s, 4);
            _mm512_mask_storeu_ps(o + j, m, v);
        }
    }
}
