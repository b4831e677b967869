// 1-D convolution, NCL layout, 'same' padding. Shapes fixed at compile time except batch.
// For every output position the receptive field is copied into a small patch first.
const int IC = 16;
const int OC = 24;
const int KW = 5;
const int L = 200;
const int PAD = 2;

extern "C" void conv1d_same(float* y, const float* x, const float* w, const float* b, int batch)
{
    float patch[IC * KW];
    for (int n = 0; n < batch; n++) {
        for (int l = 0; l < L; l++) {
            for (int ic = 0; ic < IC; ic++) {
                for (int k = 0; k < KW; k++) {
                    int pos = l + k - PAD;
                    patch[ic * KW + k] = (pos >= 0 && pos < L) ? x[(n * IC + ic) * L + pos] : 0.0f;
                }
            }
            for (int oc = 0; oc < OC; oc++) {
                float acc = b[oc];
                for (int j = 0; j < IC * KW; j++)
                    acc += w[oc * IC * KW + j] * patch[j];
                y[(n * OC + oc) * L + l] = acc;
            }
        }
    }
}
