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

/// llama.cpp and the front ends that run it (Ollama, LM Studio's llama.cpp runtime).
bool is_llama_cpp(const std::string& engine) {
    return engine == "llama.cpp" || engine == "ollama" || engine == "lmstudio";
}

/// Engines whose whole remaining budget becomes the KV cache pool.
bool pools_kv(const std::string& engine) {
    return engine == "vllm" || engine == "sglang" || engine == "tensorrt-llm";
}

/// Tokens per block of a paged cache (SGLang pages one token by default).
int64_t block_tokens(const std::string& engine) {
    if (engine == "vllm") return memory_constants::kVllmBlockTokens;
    if (engine == "tensorrt-llm") return memory_constants::kTrtllmTokensPerBlock;
    return 1;
}

/// The cache of an engine other than llama.cpp: cells in multiples of its block (`pad`), sliding-
/// window layers holding the window and one prompt chunk (or the whole context with `swa_full`),
/// in the cache type throughout, MLA models caching the latent (vLLM, SGLang, TensorRT-LLM).
int64_t engine_kv_bytes(const ModelArch& a, const Setup& s, int64_t context, int sequences, int64_t pad,
                        int64_t chunk, bool swa_full, int mla_latent) {
    KvOptions o;
    o.pad = pad;
    o.ubatch = chunk;
    o.swa_full = swa_full;
    o.swa_f16 = false;
    o.mla_latent = mla_latent;
    return llama_cpp_kv_cache(a, context, sequences, s.kv_type, s.kv_type, o).total();
}

/// Activation buffers of engines without a model of their own (MLC): the logits (vocab x ubatch,
/// f32) and one FFN intermediate for one micro-batch.
int64_t generic_compute_bytes(const ModelArch& a, int64_t context) {
    const double ubatch = double(std::min<int64_t>(memory_constants::kLlamaCppUbatch,
                                                   std::max<int64_t>(1, context)));
    const double ffn = a.moe.experts > 0 ? double(a.moe.expert_ffn) * a.moe.active_experts : a.ffn;
    return static_cast<int64_t>(4.0 * ubatch * (double(a.vocab) + ffn));
}

/// The widest FFN intermediate a token produces: dense, or the routed experts in use plus shared.
double ffn_width(const ModelArch& a) {
    if (a.moe.experts <= 0) return a.ffn;
    const double shared = a.moe.shared_experts > 0
                              ? (a.moe.shared_expert_ffn > 0 ? a.moe.shared_expert_ffn
                                                             : double(a.moe.expert_ffn) * a.moe.shared_experts)
                              : 0.0;
    return std::max(a.moe.leading_dense_layers > 0 ? double(a.ffn) : 0.0,
                    double(a.moe.expert_ffn) * a.moe.active_experts + shared);
}

/// MLX and ExLlamaV2: one prompt chunk of fp16 activations (gate and up outputs next to a few
/// hidden-wide tensors; no score matrix, no chunk logits) plus the last token's f32 logits.
double chunk_compute_bytes(const ModelArch& a, int64_t chunk, int64_t context) {
    const double T = double(std::min(chunk, std::max<int64_t>(1, context)));
    return 2.0 * T * (2.0 * ffn_width(a) + memory_constants::kChunkLiveHiddenWidths * a.hidden) +
           4.0 * double(a.vocab);
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

/// Bytes per token of a profile forward pass (bf16 hidden-wide activations).
double profile_activation_bytes_per_token(const ModelArch& a) {
    return double(a.hidden) * memory_constants::kVllmActivationWidths * 2.0;
}

/// vLLM's max_num_batched_tokens: the setup's, or vLLM's default for the device.
int64_t vllm_batched_tokens(const Setup& s) {
    return s.max_num_batched_tokens > 0 ? s.max_num_batched_tokens
           : vllm_large_device(s.hardware) ? memory_constants::kVllmBatchedTokensLarge
                                           : memory_constants::kVllmBatchedTokensSmall;
}

/// vLLM: the profile pass's activations and sampler rows, per device.
double vllm_compute_bytes_per_device(const ModelArch& a, const Setup& s) {
    const bool large = vllm_large_device(s.hardware);
    const double tokens = double(vllm_batched_tokens(s));
    const double seqs = double(s.max_num_seqs > 0 ? s.max_num_seqs
                               : large ? memory_constants::kVllmMaxSeqsLarge
                                       : memory_constants::kVllmMaxSeqsSmall);
    return tokens * profile_activation_bytes_per_token(a) +
           memory_constants::kVllmSamplerRows * seqs * double(a.vocab) * 4.0;
}

/// SGLang: memory kept outside its static pools, per device (server_args.py's reservation).
double sglang_reserved_bytes_per_device(const Hardware& h, int devices) {
    namespace mc = memory_constants;
    const double p = double(std::max(1, devices));
    double gib = mc::kSglangReserveHugeGib;
    if (h.memory_bytes < mc::kSglangSmallDeviceBytes) gib = mc::kSglangReserveSmallGib + p / 10;
    else if (h.memory_bytes < mc::kSglangMidDeviceBytes) gib = mc::kSglangReserveMidGib + p / 2;
    else if (h.memory_bytes < mc::kSglangLargeDeviceBytes) gib = mc::kSglangReserveLargeGib + p / 2;
    // A device too small for the reservation keeps at least a tenth for the pools (SGLang would
    // fail to start; the fit check then says it does not fit).
    return std::min(gib * 1024 * 1024 * 1024, 0.9 * h.memory_bytes);
}

}  // namespace

FixedMemory fixed_memory(const ModelArch& a, const Setup& s) {
    namespace mc = memory_constants;
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
    const int n = std::max(1, s.devices);
    const double runtime = runtime_bytes_per_device(s.hardware.backend);
    double overhead = runtime;
    // Memory the engine's budget is taken from: the devices, less what the desktop keeps on the
    // first one (the one taken to drive the displays).
    f.desktop_bytes = static_cast<int64_t>(std::min(s.hardware.desktop_reserve_bytes, s.hardware.memory_bytes));
    const double device_memory = s.hardware.memory_bytes * s.hardware.gpu_memory_share;
    // Tensor parallelism sizes every device's share by the device with the least free memory.
    double capacity = detail::splits_tensors(s.engine) ? (device_memory - double(f.desktop_bytes)) * n
                                                       : device_memory * n - double(f.desktop_bytes);
    if (s.engine == "vllm") {
        f.fixed_compute_bytes = static_cast<int64_t>(vllm_compute_bytes_per_device(a, s) * n);
        if (s.hardware.backend != "cpu") overhead = mc::kVllmNonTorchBytes + mc::kVllmCudaGraphBytes;
        // vLLM's budget is a share of each device's whole memory; it refuses to start where less
        // than that is free, so a desktop on one device lowers every device's share under tensor
        // parallelism.
        const double util = s.gpu_memory_utilization > 0 && s.gpu_memory_utilization <= 1
                                ? s.gpu_memory_utilization
                                : mc::kVllmMemoryUtilization;
        capacity = std::min(util * device_memory, device_memory - double(f.desktop_bytes)) * n;
    } else if (s.engine == "sglang") {
        // SGLang's pools (weights and KV) get mem_fraction_static of each device; the reservation
        // holds its activations and CUDA graphs (compute) and the CUDA context (runtime).
        const double reserved = sglang_reserved_bytes_per_device(s.hardware, n);
        overhead = std::min(runtime, reserved);
        f.fixed_compute_bytes = static_cast<int64_t>((reserved - overhead) * n);
    } else if (s.engine == "tensorrt-llm") {
        f.fixed_compute_bytes = static_cast<int64_t>(double(mc::kTrtllmMaxNumTokens) *
                                                     profile_activation_bytes_per_token(a) * n);
    }
    f.overhead_bytes = static_cast<int64_t>(overhead * n);
    if (s.engine == "tensorrt-llm") {
        // A tenth of what is free after the weights and buffers stays unused.
        const double fixed = double(f.device_weights_bytes + f.fixed_compute_bytes + f.overhead_bytes);
        capacity -= (1.0 - mc::kTrtllmKvFreeFraction) * std::max(0.0, capacity - fixed);
    }
    f.capacity_bytes = static_cast<int64_t>(std::max(0.0, capacity));
    return f;
}

MemoryBreakdown memory_at(const ModelArch& a, const Setup& s, const FixedMemory& f, int64_t context,
                          int sequences) {
    namespace mc = memory_constants;
    MemoryBreakdown m;
    m.layers = a.layers;
    m.weights_bytes = f.weights_bytes;
    m.device_weights_bytes = f.device_weights_bytes;
    m.host_expert_bytes = f.host_expert_bytes;
    m.desktop_bytes = f.desktop_bytes;
    const int n = std::max(1, s.devices);
    if (is_llama_cpp(s.engine)) {
        KvOptions kv;
        kv.pad = mc::kLlamaCppContextPad;
        kv.ubatch = mc::kLlamaCppUbatch;
        m.kv_bytes = llama_cpp_kv_cache(a, context, sequences, s.kv_type, s.kv_type, kv).total();
        m.compute_bytes =
            llama_cpp_compute_buffer(a, context, kv.ubatch, s.flash_attn, kv.pad).device_bytes * n;
    } else if (s.engine == "vllm") {
        // Paged cache: each sequence holds whole blocks; a sliding-window layer the window and one
        // step's batched tokens (SlidingWindowSpec.max_memory_usage_bytes).
        m.kv_bytes =
            engine_kv_bytes(a, s, context, sequences, block_tokens(s.engine), vllm_batched_tokens(s), false, 1);
        m.compute_bytes = f.fixed_compute_bytes;
    } else if (s.engine == "sglang") {
        m.kv_bytes = engine_kv_bytes(a, s, context, sequences, 1, 0, true, 1);
        m.compute_bytes = f.fixed_compute_bytes;
    } else if (s.engine == "tensorrt-llm") {
        m.kv_bytes = engine_kv_bytes(a, s, context, sequences, mc::kTrtllmTokensPerBlock, 0, true, 1);
        m.compute_bytes = f.fixed_compute_bytes;
    } else if (s.engine == "mlx") {
        // Sliding-window layers keep a rotating cache of the window (plus the chunk being added).
        m.kv_bytes = engine_kv_bytes(a, s, context, sequences, mc::kMlxCacheStep, mc::kMlxPrefillStep, false, -1);
        m.compute_bytes = static_cast<int64_t>(chunk_compute_bytes(a, mc::kMlxPrefillStep, context) * n);
    } else if (s.engine == "exllamav2") {
        // The cache for the whole context and batch, allocated at load.
        m.kv_bytes = engine_kv_bytes(a, s, context, sequences, 1, 0, true, -1);
        m.compute_bytes = static_cast<int64_t>(chunk_compute_bytes(a, mc::kExllamaV2MaxInputLen, context) * n);
    } else {
        m.kv_bytes = kv_cache_bytes(a, context, sequences, s.kv_type);
        m.compute_bytes = generic_compute_bytes(a, context) * n;
    }
    m.overhead_bytes = f.overhead_bytes;
    m.total_bytes = m.device_weights_bytes + m.kv_bytes + m.compute_bytes + m.overhead_bytes;
    m.capacity_bytes = f.capacity_bytes;
    m.fits = m.total_bytes <= m.capacity_bytes;

    // The cache the engine allocates: vLLM, SGLang and TensorRT-LLM take all that is left of their
    // budget, in whole blocks.
    m.kv_pool_bytes = m.kv_bytes;
    m.kv_pool_tokens = int64_t(context) * sequences;
    const double per_token = pools_kv(s.engine) ? kv_bytes_per_token(a, s.kv_type) : 0.0;
    if (per_token > 0) {
        const double left =
            double(m.capacity_bytes) - double(m.device_weights_bytes + m.compute_bytes + m.overhead_bytes);
        const int64_t tokens = block_tokens(s.engine);
        const double block = per_token * double(tokens);
        const int64_t blocks = left > 0 ? static_cast<int64_t>(left / block) : 0;
        m.kv_pool_tokens = blocks * tokens;
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
    // A layer split's first device drives the displays and has the desktop's share less; tensor
    // parallelism already gave every device the same, smaller share.
    const bool even = detail::splits_tensors(s.engine);
    for (size_t i = 0; i < out.size(); ++i) {
        DeviceMemory& d = out[i];
        d.compute_bytes = m.compute_bytes / n;
        d.overhead_bytes = m.overhead_bytes / n;
        d.capacity_bytes = even ? m.capacity_bytes / n
                                : (m.capacity_bytes + m.desktop_bytes) / n - (i == 0 ? m.desktop_bytes : 0);
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
