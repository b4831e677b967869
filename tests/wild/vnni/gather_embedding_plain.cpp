#include <string.h>
#include <stdint.h>

// Embedding lookup: out[t, :] = table[ids[t], :]. Out-of-range ids produce a zero row
// (padding_idx-like behaviour) instead of reading outside the table.
extern "C" void embedding_lookup(float* out, const float* table, const int32_t* ids,
                                 int n_tokens, int vocab, int dim)
{
    for (int t = 0; t < n_tokens; t++) {
        int32_t id = ids[t];
        float* dst = out + (size_t)t * dim;
        if (id < 0 || id >= vocab) {
            memset(dst, 0, sizeof(float) * dim);
            continue;
        }
        memcpy(dst, table + (size_t)id * dim, sizeof(float) * dim);
    }
}
