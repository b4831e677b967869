#include <cmath>

// InstanceNorm2d (affine) on NCHW: one (n, c) plane per iteration, both loops
// collapsed for OpenMP. Welford's update for mean/M2.
extern "C" void instance_norm(float* out, const float* in, const float* gamma, const float* beta,
                              int N, int C, int H, int W)
{
    const int plane = H * W;
#pragma omp parallel for collapse(2)
    for (int n = 0; n < N; n++) {
        for (int c = 0; c < C; c++) {
            const float* src = in + ((size_t)n * C + c) * plane;
            float* dst = out + ((size_t)n * C + c) * plane;
            float mean = 0.f, m2 = 0.f;
            for (int i = 0; i < plane; i++) {
                float delta = src[i] - mean;
                mean += delta / (float)(i + 1);
                m2 += delta * (src[i] - mean);
            }
            float rstd = 1.0f / sqrtf(m2 / plane + 1e-5f);
            for (int i = 0; i < plane; i++)
                dst[i] = (src[i] - mean) * rstd * gamma[c] + beta[c];
        }
    }
}
