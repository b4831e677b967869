// <cuda.h> (the driver API header) for the CPU emulation: kernels that include it for its types
// (generated code includes it unconditionally) get the runtime's declarations; no driver API.
#pragma once
#include "cuda_runtime.h"
