// Mean over the last axis: x is [outer, inner], out is [outer].
// Double accumulator per row, rows split across threads.
extern "C" void mean_lastdim(float* out, const float* x, int outer, int inner)
{
    #pragma omp parallel for
    for (int o = 0; o < outer; o++) {
        double acc = 0.0;
        for (int i = 0; i < inner; i++)
            acc += x[o * inner + i];
        out[o] = (float)(acc / inner);
    }
}
