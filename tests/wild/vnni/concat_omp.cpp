#include <string.h>

// torch.cat([a, b, c], dim=1) for NCHW tensors that share N, H, W:
// a has Ca channels, b has Cb, c has Cc. Each (n, channel) plane is one memcpy.
extern "C" void concat3_channels(float* out, const float* a, const float* b, const float* c,
                                 int N, int Ca, int Cb, int Cc, int HW)
{
    const int Ct = Ca + Cb + Cc;
#pragma omp parallel for
    for (int n = 0; n < N; n++) {
        float* dst = out + (size_t)n * Ct * HW;
        memcpy(dst, a + (size_t)n * Ca * HW, sizeof(float) * Ca * HW);
        dst += (size_t)Ca * HW;
        memcpy(dst, b + (size_t)n * Cb * HW, sizeof(float) * Cb * HW);
        dst += (size_t)Cb * HW;
        for (int i = 0; i < Cc * HW; i++)
            dst[i] = c[(size_t)n * Cc * HW + i];
    }
}
