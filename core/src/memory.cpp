// memory.cpp: device memory of a run: weights, KV cache, compute buffers, runtime; fit and offload.
#include "headroom/memory.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "headroom/compute_buffer.h"
#include "headroom/kv_cache.h"
#include "headroom/params.h"
#include "headroom/speed.h"
#include "headroom/weights.h"
#include "engines.h"
#include "memory_constants.h"

namespace headroom {
namespace {

bool is_llama_cpp(const std::string& engine) { return engine == "llama.cpp" || engine == "ollama"; }

/// Activation buffers: llama.cpp reserves its graph for one micro-batch; the largest live tensors
/// are the logits (vocab x ubatch, f32) and one FFN intermediate.
int64_t compute_buffer_bytes(const ModelArch& a, int64_t context) {
    const double ubatch = double(std::min<int64_t>(memory_constants::kLlamaCppUbatch,
                                                   std::max<int64_t>(1, context)));
    const double ffn = a.moe.experts > 0 ? double(a.moe.expert_ffn) * a.moe.active_experts : a.ffn;
    return static_cast<int64_t>(4.0 * ubatch * (double(a.vocab) + ffn));
}

double runtime_bytes_per_device(const std::string& backend) {
    if (backend == "cuda" || backend == "rocm" || backend == "vulkan" || backend == "sycl")
        return memory_constants::kCudaRuntimeBytes;
    if (backend == "metal") return memory_constants::kMetalRuntimeBytes;
    return 0;
}

/// vLLM's defaults depend on the device (EngineArgs.get_batch_defaults).
bool vllm_large_device(const Hardware& h) {
    std::string name = h.name + " " + h.id;
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return h.memory_bytes >= memory_constants::kVllmLargeDeviceBytes && name.find("a100") == std::string::npos;
}

/// vLLM: the profile pass's activations and sampler rows, per device.
double vllm_compute_bytes_per_device(const ModelArch& a, const Setup& s) {
    const bool large = vllm_large_device(s.hardware);
    const double tokens = double(s.max_num_batched_tokens > 0 ? s.max_num_batched_tokens
                                 : large ? memory_constants::kVllmBatchedTokensLarge
                                         : memory_constants::kVllmBatchedTokensSmall);
    const double seqs = double(s.max_num_seqs > 0 ? s.max_num_seqs
                               : large ? memory_constants::kVllmMaxSeqsLarge
                                       : memory_constants::kVllmMaxSeqsSmall);
    return tokens * double(a.hidden) * memory_constants::kVllmActivationWidths * 2.0 +
           memory_constants::kVllmSamplerRows * seqs * double(a.vocab) * 4.0;
}

int64_t round_up(int64_t v, int64_t step) { return (v + step - 1) / step * step; }

}  // namespace

FixedMemory fixed_memory(const ModelArch& a, const Setup& s) {
    FixedMemory f;
    const WeightsBytes w = weights_bytes(a, s.format);
    f.weights_bytes = s.weights_file_bytes > 0 ? s.weights_file_bytes : w.file_bytes;
    // llama.cpp's model buffer: the file less its metadata and the token embedding, which stays in
    // host memory (a given file size keeps that difference).
    // A GGUF header read by the page or `inspect` gives the exact token-embedding bytes.
    const int64_t host_kept = s.weights_file_bytes > 0 && s.embedding_file_bytes > 0
                                  ? s.embedding_file_bytes
                                  : w.file_bytes - w.device_bytes;
    f.device_weights_bytes =
        is_llama_cpp(s.engine) ? std::max<int64_t>(0, f.weights_bytes - host_kept) : f.weights_bytes;
    if (experts_on_host(a, s)) {
        // The routed experts' share of the tensor bytes (they are quantized like the FFN).
        const SpeedParams p = speed_params(a);
        f.host_expert_bytes = p.file > 0 ? static_cast<int64_t>(double(w.tensor_bytes) * p.experts / p.file) : 0;
        f.device_weights_bytes = std::max<int64_t>(0, f.device_weights_bytes - f.host_expert_bytes);
    }
    const bool vllm = s.engine == "vllm";
    if (vllm) f.vllm_compute_bytes = static_cast<int64_t>(vllm_compute_bytes_per_device(a, s) * s.devices);
    double overhead = runtime_bytes_per_device(s.hardware.backend);
    if (vllm && s.hardware.backend != "cpu")
        overhead = memory_constants::kVllmNonTorchBytes + memory_constants::kVllmCudaGraphBytes;
    f.overhead_bytes = static_cast<int64_t>(overhead * s.devices);

    double capacity = s.hardware.memory_bytes * s.hardware.gpu_memory_share * s.devices;
    if (vllm)
        capacity *= s.gpu_memory_utilization > 0 && s.gpu_memory_utilization <= 1 ? s.gpu_memory_utilization
                                                                                  : memory_constants::kVllmMemoryUtilization;
    f.capacity_bytes = static_cast<int64_t>(capacity);
    return f;
}

MemoryBreakdown memory_at(const ModelArch& a, const Setup& s, const FixedMemory& f, int64_t context,
                          int sequences) {
    MemoryBreakdown m;
    m.layers = a.layers;
    m.weights_bytes = f.weights_bytes;
    m.device_weights_bytes = f.device_weights_bytes;
    m.host_expert_bytes = f.host_expert_bytes;
    const bool vllm = s.engine == "vllm";
    if (is_llama_cpp(s.engine)) {
        KvOptions kv;
        kv.pad = memory_constants::kLlamaCppContextPad;
        kv.ubatch = memory_constants::kLlamaCppUbatch;
        m.kv_bytes = llama_cpp_kv_cache(a, context, sequences, s.kv_type, s.kv_type, kv).total();
        m.compute_bytes =
            llama_cpp_compute_buffer(a, context, kv.ubatch, s.flash_attn, kv.pad).device_bytes *
            s.devices;
    } else if (vllm) {
        // Paged cache: each sequence holds whole blocks.
        m.kv_bytes = kv_cache_bytes(a, round_up(context, memory_constants::kVllmBlockTokens), sequences, s.kv_type);
        m.compute_bytes = f.vllm_compute_bytes;
    } else {
        m.kv_bytes = kv_cache_bytes(a, context, sequences, s.kv_type);
        m.compute_bytes = compute_buffer_bytes(a, context) * s.devices;
    }
    m.overhead_bytes = f.overhead_bytes;
    m.total_bytes = m.device_weights_bytes + m.kv_bytes + m.compute_bytes + m.overhead_bytes;
    m.capacity_bytes = f.capacity_bytes;
    m.fits = m.total_bytes <= m.capacity_bytes;

    // The cache the engine allocates: vLLM takes all that is left of its budget, in whole blocks.
    m.kv_pool_bytes = m.kv_bytes;
    m.kv_pool_tokens = int64_t(context) * sequences;
    const double per_token = vllm ? kv_bytes_per_token(a, s.kv_type) : 0.0;
    if (vllm && per_token > 0) {
        const double left = double(m.capacity_bytes - m.device_weights_bytes - m.compute_bytes - m.overhead_bytes);
        const double block = per_token * double(memory_constants::kVllmBlockTokens);
        const int64_t blocks = left > 0 ? static_cast<int64_t>(left / block) : 0;
        m.kv_pool_tokens = blocks * memory_constants::kVllmBlockTokens;
        m.kv_pool_bytes = static_cast<int64_t>(double(blocks) * block);
    }

    if (!m.fits && a.layers > 0) {
        // Offload whole layers (their weights and KV) to system RAM until the rest fits.
        const double per_layer = double(m.device_weights_bytes + m.kv_bytes) / a.layers;
        const double excess = double(m.total_bytes - m.capacity_bytes);
        m.offloaded_layers = std::min(a.layers, static_cast<int>(std::ceil(excess / per_layer)));
    }
    return m;
}

MemoryBreakdown estimate_memory(const ModelArch& a, const Setup& s) {
    return memory_at(a, s, fixed_memory(a, s), s.context, s.batch);
}

bool experts_on_host(const ModelArch& a, const Setup& s) {
    return s.experts_on_host && a.moe.experts > 0 && is_llama_cpp(s.engine);
}

std::vector<DeviceMemory> per_device_memory(const ModelArch& a, const Setup& s, const MemoryBreakdown& m) {
    const int n = std::max(1, s.devices);
    std::vector<DeviceMemory> out(static_cast<size_t>(n));
    for (DeviceMemory& d : out) {
        d.compute_bytes = m.compute_bytes / n;
        d.overhead_bytes = m.overhead_bytes / n;
        d.capacity_bytes = m.capacity_bytes / n;
    }
    if (detail::splits_tensors(s.engine) || n == 1 || a.layers <= 0) {
        // Tensor parallelism (and one device): every device holds 1/N of weights and cache.
        for (DeviceMemory& d : out) {
            d.weights_bytes = m.device_weights_bytes / n;
            d.kv_bytes = m.kv_bytes / n;
            d.layers = a.layers;
        }
    } else {
        // A layer split over identical devices (llama.cpp, MLX, ExLlamaV2): an even share of the repeating layers
        // each (llama_model::load_tensors splits by free memory), the output head on the last.
        const ParamCount p = count_params(a);
        const double head_params = p.output_head > 0 ? double(p.output_head) : double(a.vocab) * double(a.hidden);
        // The device holds every tensor but the token embedding; a tied head is a copy of it.
        const double device_params = double(p.total - p.embedding) + (p.output_head > 0 ? 0.0 : head_params);
        const double head_share = device_params > 0 ? head_params / device_params : 0.0;
        const double head = double(m.device_weights_bytes) * head_share;
        const double per_layer_weights = (double(m.device_weights_bytes) - head) / a.layers;
        const double per_layer_kv = double(m.kv_bytes) / a.layers;
        int first = 0;
        for (int i = 0; i < n; ++i) {
            const int last = static_cast<int>(int64_t(a.layers) * (i + 1) / n);
            DeviceMemory& d = out[static_cast<size_t>(i)];
            d.layers = last - first;
            d.weights_bytes = static_cast<int64_t>(per_layer_weights * d.layers + (i == n - 1 ? head : 0.0));
            d.kv_bytes = static_cast<int64_t>(per_layer_kv * d.layers);
            first = last;
        }
    }
    for (DeviceMemory& d : out) d.total_bytes = d.weights_bytes + d.kv_bytes + d.compute_bytes + d.overhead_bytes;
    return out;
}

}  // namespace headroom
