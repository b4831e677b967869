// Planted bug for the equivalence checker: the loop stops one element early.
extern "C" void add(const float* a, const float* b, float* c, int n) {
  for (int i = 0; i < n - 1; ++i) c[i] = a[i] + b[i];
}
