// Average pooling 3x3, stride 2, padding 1, count_include_pad = false, NCHW.
extern "C" void avg_pool2d(float* out, const float* in, int N, int C, int H, int W)
{
    const int OH = (H + 2 - 3) / 2 + 1;
    const int OW = (W + 2 - 3) / 2 + 1;
#pragma omp parallel for collapse(2)
    for (int nc = 0; nc < N * C; nc++) {
        for (int oh = 0; oh < OH; oh++) {
            const float* plane = in + (long)nc * H * W;
            int h0 = oh * 2 - 1, h1 = h0 + 3;
            if (h0 < 0) h0 = 0;
            if (h1 > H) h1 = H;
            for (int ow = 0; ow < OW; ow++) {
                int w0 = ow * 2 - 1, w1 = w0 + 3;
                if (w0 < 0) w0 = 0;
                if (w1 > W) w1 = W;
                float s = 0.0f;
                for (int h = h0; h < h1; h++)
                    for (int w = w0; w < w1; w++)
                        s += plane[h * W + w];
                out[((long)nc * OH + oh) * OW + ow] = s / (float)((h1 - h0) * (w1 - w0));
            }
        }
    }
}
