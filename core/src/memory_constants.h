// memory_constants.h (private): the fixed memory costs of engines and runtimes, in one place,
// each with where its value comes from.
#pragma once

#include <cstdint>

namespace headroom::memory_constants {

/// llama.cpp rounds the context it allocates up to a multiple of this (llama-context.cpp, n_ctx
/// padding to 256 since the unified KV cache rework).
inline constexpr int64_t kLlamaCppContextPad = 256;

/// llama.cpp's default micro-batch (n_ubatch), which sizes the compute buffers.
inline constexpr int64_t kLlamaCppUbatch = 512;

/// CUDA context, cuBLAS handles and workspace per device (observed ~300-500 MiB in nvidia-smi
/// for a llama.cpp process before any buffer; 400 MiB taken as a midpoint until fitted).
inline constexpr double kCudaRuntimeBytes = 400.0 * 1024 * 1024;

/// Metal and CPU backends have no separate device context worth counting.
inline constexpr double kMetalRuntimeBytes = 64.0 * 1024 * 1024;

/// vLLM reserves this share of device memory by default (gpu_memory_utilization=0.9).
inline constexpr double kVllmMemoryUtilization = 0.9;

/// Bytes of system RAM bandwidth assumed for layers offloaded to the CPU when nothing better is
/// known (dual-channel DDR5-5600: 2 x 5600 MT/s x 8 B = 89.6 GB/s peak, ~60 GB/s achieved).
inline constexpr double kHostBandwidthBytesS = 60e9;

}  // namespace headroom::memory_constants

namespace headroom::memory_constants {

/// Share of system RAM that offloaded layers may take; the OS, the desktop and the engine's host
/// buffers keep the rest (a rule of thumb, not fitted).
inline constexpr double kHostMemoryUsableShare = 0.8;

/// Smallest context an engine is ever run with; sizing "does the model load at all" uses it.
inline constexpr int64_t kMinimalContext = 512;

}  // namespace headroom::memory_constants
