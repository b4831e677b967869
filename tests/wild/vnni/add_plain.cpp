// Elementwise add of two vectors. Written for a fixed buffer of 1000 floats;
// n is kept in the signature for the caller's bookkeeping only.
extern "C" void vec_add(float* out, const float* a, const float* b, int n)
{
    int size = 1000;
    for (int i = 0; i < size; i++)
        out[i] = a[i] + b[i];
}
