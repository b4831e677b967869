// Out-of-place matrix transpose, rows x cols -> cols x rows, in 32x32 tiles so both the
// reads and the writes stay within a few cache lines. Edge tiles are partial.
#define TILE 32

static inline int imin(int a, int b) { return a < b ? a : b; }

extern "C" void transpose2d(float* dst, const float* src, int rows, int cols)
{
    for (int i0 = 0; i0 < rows; i0 += TILE) {
        int i1 = imin(i0 + TILE, rows);
        for (int j0 = 0; j0 < cols; j0 += TILE) {
            int j1 = imin(j0 + TILE, cols);
            for (int i = i0; i < i1; ++i)
                for (int j = j0; j < j1; ++j)
                    dst[(long)j * rows + i] = src[(long)i * cols + j];
        }
    }
}
