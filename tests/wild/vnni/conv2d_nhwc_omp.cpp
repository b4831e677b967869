// 3x3 / stride 2 / pad 1 convolution, NHWC activations, HWIO weights.
// Each output pixel gathers its receptive field into a private patch, then does OC dot products.
const int IC = 24;
const int OC = 32;
const int KH = 3;
const int KW = 3;
const int H = 33;
const int W = 33;
const int STRIDE = 2;
const int PAD = 1;
const int OH = (H + 2 * PAD - KH) / STRIDE + 1;
const int OW = (W + 2 * PAD - KW) / STRIDE + 1;

extern "C" void conv2d_nhwc_s2(float* out, const float* in, const float* weight, const float* bias, int N)
{
    for (int n = 0; n < N; n++) {
#pragma omp parallel for collapse(2)
        for (int oh = 0; oh < OH; oh++) {
            for (int ow = 0; ow < OW; ow++) {
                float patch[IC * KH * KW];
                for (int kh = 0; kh < KH; kh++) {
                    for (int kw = 0; kw < KW; kw++) {
                        int ih = oh * STRIDE - PAD + kh;
                        int iw = ow * STRIDE - PAD + kw;
                        bool inside = ih >= 0 && ih < H && iw >= 0 && iw < W;
                        for (int ic = 0; ic < IC; ic++)
                            patch[(kh * KW + kw) * IC + ic] =
                                inside ? in[((n * H + ih) * W + iw) * IC + ic] : 0.0f;
                    }
                }
                float* o = out + ((n * OH + oh) * OW + ow) * OC;
                for (int oc = 0; oc < OC; oc++) o[oc] = bias[oc];
                for (int p = 0; p < IC * KH * KW; p++) {
                    float v = patch[p];
                    const float* wr = weight + p * OC;
                    for (int oc = 0; oc < OC; oc++)
                        o[oc] += v * wr[oc];
                }
            }
        }
    }
}
