// Fully-connected layer, PyTorch weight layout: y[b][o] = sum_i x[b][i] * W[o][i] + bias[o]
// Optionally fused ReLU (relu != 0).
extern "C" void linear_forward(float* y, const float* x, const float* W, const float* bias,
                               int batch, int in_features, int out_features, int relu)
{
    #pragma omp parallel for collapse(2) schedule(static)
    for (int b = 0; b < batch; ++b) {
        for (int o = 0; o < out_features; ++o) {
            const float* xr = &x[b * in_features];
            const float* wr = &W[o * in_features];
            float acc = bias[o];
            for (int i = 0; i < in_features; ++i)
                acc += xr[i] * wr[i];
            y[b * out_features + o] = (relu && acc < 0.0f) ? 0.0f : acc;
        }
    }
}
