// Direct 2-D convolution, NCHW, single image, valid padding, stride 1, bias + ReLU.
#define C_IN   8
#define H_IN   30
#define W_IN   30
#define C_OUT  16
#define KSIZE  3
#define H_OUT  (H_IN - KSIZE + 1)
#define W_OUT  (W_IN - KSIZE + 1)

extern "C" void conv2d_relu(float* output, const float* input, const float* weight, const float* bias)
{
    for (int oc = 0; oc < C_OUT; ++oc)
        for (int oh = 0; oh < H_OUT; ++oh)
            for (int ow = 0; ow < W_OUT; ++ow) {
                float sum = bias[oc];
                for (int ic = 0; ic < C_IN; ++ic)
                    for (int kh = 0; kh < KSIZE; ++kh)
                        for (int kw = 0; kw < KSIZE; ++kw)
                            sum += input[(ic * H_IN + oh + kh) * W_IN + ow + kw] *
                                   weight[((oc * C_IN + ic) * KSIZE + kh) * KSIZE + kw];
                output[(oc * H_OUT + oh) * W_OUT + ow] = sum > 0.0f ? sum : 0.0f;
            }
}
