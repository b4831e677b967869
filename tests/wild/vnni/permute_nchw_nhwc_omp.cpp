// NCHW -> NHWC layout change (a 4-D transpose), one output row (n, h) per iteration.
extern "C" void nchw_to_nhwc(float* out, const float* in, int N, int C, int H, int W)
{
    #pragma omp parallel for collapse(2)
    for (int n = 0; n < N; ++n)
        for (int h = 0; h < H; ++h)
            for (int w = 0; w < W; ++w)
                for (int c = 0; c < C; ++c)
                    out[((n * H + h) * W + w) * C + c] = in[((n * C + c) * H + h) * W + w];
}
