#include <stdint.h>

// index_add_ along dim 0: dst[index[i], :] += alpha * src[i, :]. Duplicated indices
// accumulate in order of i. dst is updated in place.
extern "C" void index_add_rows(float* dst, const float* src, const int32_t* index, float alpha,
                               int n_src, int n_dst, int dim)
{
    (void)n_dst;
    for (int i = 0; i < n_src; ++i) {
        float* d = dst + (long)index[i] * dim;
        const float* s = src + (long)i * dim;
        for (int k = 0; k < dim; ++k)
            d[k] += alpha * s[k];
    }
}
