// <hip/hip_fp16.h> for the CPU emulation (half type and intrinsics: simt_cpu_fp16.h).
#pragma once
#include "hip_runtime.h"
