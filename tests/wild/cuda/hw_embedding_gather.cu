// Embedding lookup: out[i, :] = table[ids[i], :] for an embedding width of 64 floats.
// blockDim = (16, 8): 16 threads x float4 cover one 64-wide row, 8 rows per block.
// Ids outside [0, vocab) produce a zero row.

#define EMB_DIM 64

extern "C" __global__ void embedding_fwd(const float* __restrict__ table, const int* __restrict__ ids,
                                         float* __restrict__ out, int num_ids, int vocab) {
  int i = blockIdx.x * blockDim.y + threadIdx.y;
  if (i >= num_ids) return;
  int id = ids[i];
  float4 v = make_float4(0.f, 0.f, 0.f, 0.f);
  if (id >= 0 && id < vocab)
    v = reinterpret_cast<const float4*>(table + (size_t)id * EMB_DIM)[threadIdx.x];
  reinterpret_cast<float4*>(out + (size_t)i * EMB_DIM)[threadIdx.x] = v;
}
