// memory.cpp: device memory of a run: weights, KV cache, compute buffers, runtime; fit and offload.
#include "headroom/memory.h"

#include <algorithm>
#include <cmath>

#include "headroom/compute_buffer.h"
#include "headroom/weights.h"
#include "memory_constants.h"

namespace headroom {
namespace {

bool is_llama_cpp(const std::string& engine) { return engine == "llama.cpp" || engine == "ollama"; }

int64_t padded_context(const Setup& s) {
    if (!is_llama_cpp(s.engine)) return s.context;
    const int64_t pad = memory_constants::kLlamaCppContextPad;
    return (s.context + pad - 1) / pad * pad;
}

/// Activation buffers: llama.cpp reserves its graph for one micro-batch; the largest live tensors
/// are the logits (vocab x ubatch, f32) and one FFN intermediate.
int64_t compute_buffer_bytes(const ModelArch& a, const Setup& s) {
    const double ubatch = double(std::min<int64_t>(memory_constants::kLlamaCppUbatch,
                                                   std::max<int64_t>(1, s.context)));
    const double ffn = a.moe.experts > 0 ? double(a.moe.expert_ffn) * a.moe.active_experts : a.ffn;
    return static_cast<int64_t>(4.0 * ubatch * (double(a.vocab) + ffn));
}

double runtime_bytes_per_device(const std::string& backend) {
    if (backend == "cuda" || backend == "rocm" || backend == "vulkan" || backend == "sycl")
        return memory_constants::kCudaRuntimeBytes;
    if (backend == "metal") return memory_constants::kMetalRuntimeBytes;
    return 0;
}

}  // namespace

MemoryBreakdown estimate_memory(const ModelArch& a, const Setup& s) {
    MemoryBreakdown m;
    m.layers = a.layers;
    const WeightsBytes w = weights_bytes(a, s.format);
    m.weights_bytes = s.weights_file_bytes > 0 ? s.weights_file_bytes : w.file_bytes;
    // llama.cpp's model buffer: the file less its metadata and the token embedding, which stays in
    // host memory (a given file size keeps that difference).
    m.device_weights_bytes =
        is_llama_cpp(s.engine)
            ? std::max<int64_t>(0, m.weights_bytes - (w.file_bytes - w.device_bytes))
            : m.weights_bytes;
    if (is_llama_cpp(s.engine)) {
        KvOptions kv;
        kv.pad = memory_constants::kLlamaCppContextPad;
        kv.ubatch = memory_constants::kLlamaCppUbatch;
        m.kv_bytes = llama_cpp_kv_cache(a, s.context, s.batch, s.kv_type, s.kv_type, kv).total();
        m.compute_bytes =
            llama_cpp_compute_buffer(a, s.context, kv.ubatch, s.flash_attn, kv.pad).device_bytes *
            s.devices;
    } else {
        m.kv_bytes = kv_cache_bytes(a, padded_context(s), s.batch, s.kv_type);
        m.compute_bytes = compute_buffer_bytes(a, s) * s.devices;
    }
    m.overhead_bytes = static_cast<int64_t>(runtime_bytes_per_device(s.hardware.backend) * s.devices);
    m.total_bytes = m.device_weights_bytes + m.kv_bytes + m.compute_bytes + m.overhead_bytes;

    double capacity = s.hardware.memory_bytes * s.hardware.gpu_memory_share * s.devices;
    if (s.engine == "vllm") capacity *= memory_constants::kVllmMemoryUtilization;
    m.capacity_bytes = static_cast<int64_t>(capacity);
    m.fits = m.total_bytes <= m.capacity_bytes;

    if (!m.fits && a.layers > 0) {
        // Offload whole layers (their weights and KV) to system RAM until the rest fits.
        const double per_layer = double(m.device_weights_bytes + m.kv_bytes) / a.layers;
        const double excess = double(m.total_bytes - m.capacity_bytes);
        m.offloaded_layers = std::min(a.layers, static_cast<int>(std::ceil(excess / per_layer)));
    }
    return m;
}

}  // namespace headroom
