// <cuda_fp16.h> for the CPU emulation (half type and intrinsics: simt_cpu_fp16.h).
#pragma once
#include "cuda_runtime.h"
#include "simt_cpu_fp16.h"
