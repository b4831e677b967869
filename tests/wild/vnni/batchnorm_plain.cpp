#include <cmath>

// Training-mode BatchNorm2d forward on NCHW: statistics over (N, H, W) per channel,
// biased variance, then affine. Also writes the batch mean / var for the caller.
extern "C" void batchnorm2d_train(float* y, float* save_mean, float* save_var,
                                  const float* x, const float* weight, const float* bias,
                                  int N, int C, int H, int W)
{
    const float eps = 1e-5f;
    const int hw = H * W;
    const int count = N * hw;
    for (int c = 0; c < C; c++) {
        double sum = 0.0;
        for (int n = 0; n < N; n++)
            for (int i = 0; i < hw; i++)
                sum += x[(n * C + c) * hw + i];
        float mean = (float)(sum / count);

        double sq = 0.0;
        for (int n = 0; n < N; n++)
            for (int i = 0; i < hw; i++) {
                float d = x[(n * C + c) * hw + i] - mean;
                sq += (double)d * d;
            }
        float var = (float)(sq / count);
        save_mean[c] = mean;
        save_var[c] = var;

        float inv_std = 1.0f / std::sqrt(var + eps);
        float a = weight[c] * inv_std;
        float b = bias[c] - mean * a;
        for (int n = 0; n < N; n++)
            for (int i = 0; i < hw; i++)
                y[(n * C + c) * hw + i] = x[(n * C + c) * hw + i] * a + b;
    }
}
