"""Small kernels the e-graph tests share."""

# three loops: an independent one (64 = 4 x 16), a 8 x 16 nest, and a prefix sum (dependent)
SCALE = """
extern "C" void scale(const float* x, float* y, float* z, int n) {
  for (int i = 0; i < 64; i++) { y[i] = x[i] * 2.0f; }
  for (int r = 0; r < 8; r++) {
    for (int c = 0; c < 16; c++) { z[r * 16 + c] = x[r * 16 + c] + 1.0f; }
  }
  for (int k = 1; k < n; k++) { y[k] = y[k - 1] + x[k]; }
}
"""
