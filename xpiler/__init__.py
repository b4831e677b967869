"""xpiler: a transcompiler for tensor programs among CUDA, HIP, BANG C and C with AVX-512 VNNI."""
__version__ = "0.1.0"
