// xpiler: CNRT host runtime on a CPU (docs/platforms/bang.md section 11). GDRAM is host memory,
// queues are synchronous (a launch has finished when it returns), there is one device.
#pragma once

#include "xpiler_bang_cpu.h"

#include <chrono>

typedef enum {
  cnrtSuccess = 0,
  cnrtErrorArgsInvalid = 1,
  cnrtErrorNoMem = 2,
} cnrtRet_t;
#define CNRT_RET_SUCCESS cnrtSuccess
typedef cnrtRet_t cnrtError_t;

// Declaration order of cnrt.h, not CUDA's numbering.
typedef enum {
  cnrtMemcpyHostToDev = 0,
  cnrtMemcpyDevToDev = 1,
  cnrtMemcpyDevToHost = 2,
  cnrtMemcpyHostToHost = 3,
  cnrtMemcpyNoDirection = 4,
} cnrtMemTransDir_t;
#define CNRT_MEM_TRANS_DIR_HOST2DEV cnrtMemcpyHostToDev
#define CNRT_MEM_TRANS_DIR_DEV2DEV cnrtMemcpyDevToDev
#define CNRT_MEM_TRANS_DIR_DEV2HOST cnrtMemcpyDevToHost
#define CNRT_MEM_TRANS_DIR_HOST2HOST cnrtMemcpyHostToHost

#define CNRT_CHECK(call)                                                               \
  do {                                                                                 \
    if ((call) != cnrtSuccess) ::xpiler_bang::fail("CNRT call failed: " #call);        \
  } while (0)

inline cnrtRet_t cnrtInit(unsigned int) { return cnrtSuccess; }
inline void cnrtDestroy() {}
inline cnrtRet_t cnrtSetDevice(int dev) { return dev == 0 ? cnrtSuccess : cnrtErrorArgsInvalid; }
inline cnrtRet_t cnrtGetDevice(int* dev) { *dev = 0; return cnrtSuccess; }
inline cnrtRet_t cnrtGetDeviceCount(unsigned int* count) { *count = 1; return cnrtSuccess; }
inline cnrtRet_t cnrtSyncDevice() { return cnrtSuccess; }
inline const char* cnrtGetErrorStr(cnrtRet_t ret) { return ret == cnrtSuccess ? "cnrtSuccess" : "cnrt error"; }
inline cnrtRet_t cnrtGetLastError() { return cnrtSuccess; }

// GDRAM: 64-byte aligned host memory, poisoned, with a red zone (xpiler_bang::gdram_alloc).
inline cnrtRet_t cnrtMalloc(void** ptr, size_t bytes) {
  *ptr = ::xpiler_bang::gdram_alloc(bytes);
  return *ptr ? cnrtSuccess : cnrtErrorNoMem;
}
inline cnrtRet_t cnrtFree(void* ptr) { ::xpiler_bang::gdram_free(ptr); return cnrtSuccess; }
inline cnrtRet_t cnrtMemcpy(void* dst, void* src, size_t bytes, cnrtMemTransDir_t) {
  if (bytes) std::memmove(dst, src, bytes);
  return cnrtSuccess;
}
inline cnrtRet_t cnrtMemset(void* ptr, int value, size_t bytes) { std::memset(ptr, value, bytes); return cnrtSuccess; }

inline cnrtRet_t cnrtQueueCreate(cnrtQueue_t* queue) { *queue = new xpiler_cnrt_queue{0}; return cnrtSuccess; }
inline cnrtRet_t cnrtQueueDestroy(cnrtQueue_t queue) { delete queue; return cnrtSuccess; }
inline cnrtRet_t cnrtQueueSync(cnrtQueue_t) { return cnrtSuccess; }
inline cnrtRet_t cnrtQueueQuery(cnrtQueue_t) { return cnrtSuccess; }
inline cnrtRet_t cnrtCreateQueue(cnrtQueue_t* queue) { return cnrtQueueCreate(queue); }
inline cnrtRet_t cnrtDestroyQueue(cnrtQueue_t queue) { return cnrtQueueDestroy(queue); }
inline cnrtRet_t cnrtSyncQueue(cnrtQueue_t queue) { return cnrtQueueSync(queue); }

inline cnrtRet_t cnrtMemcpyAsync(void* dst, void* src, size_t bytes, cnrtQueue_t, cnrtMemTransDir_t dir) {
  return cnrtMemcpy(dst, src, bytes, dir);
}

// Notifiers record host time when placed.
struct xpiler_cnrt_notifier { std::chrono::steady_clock::time_point when; };
typedef xpiler_cnrt_notifier* cnrtNotifier_t;
inline cnrtRet_t cnrtNotifierCreate(cnrtNotifier_t* n) { *n = new xpiler_cnrt_notifier{}; return cnrtSuccess; }
inline cnrtRet_t cnrtNotifierDestroy(cnrtNotifier_t n) { delete n; return cnrtSuccess; }
inline cnrtRet_t cnrtPlaceNotifier(cnrtNotifier_t n, cnrtQueue_t) { n->when = std::chrono::steady_clock::now(); return cnrtSuccess; }
inline cnrtRet_t cnrtWaitNotifier(cnrtNotifier_t) { return cnrtSuccess; }
inline cnrtRet_t cnrtNotifierDuration(cnrtNotifier_t start, cnrtNotifier_t end, float* us) {
  *us = std::chrono::duration<float, std::micro>(end->when - start->when).count();
  return cnrtSuccess;
}
