// speed.cpp: decode from bytes read per step over effective bandwidth, prefill from FLOPs over
// effective matrix throughput, both with the fixed costs of the engine. Formulas and fitting:
// speed.h and speed_constants.h.
#include "headroom/speed.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "arch_memo.h"
#include "arch_tensors.h"
#include "engines.h"
#include "headroom/kv_cache.h"
#include "headroom/weights.h"
#include "memory_constants.h"
#include "speed_constants.h"

namespace headroom {

namespace {

namespace k = speed_constants;

/// The constants one backend runs with. Only cuda and metal have calibration rows; rocm, vulkan,
/// sycl and cpu take the cuda ones (llama.cpp's HIP backend is the CUDA code compiled for AMD).
struct BackendConstants {
    double bandwidth_efficiency;
    double bandwidth_cap;  ///< bytes/s; 0: no ceiling
    double kv_efficiency;
    double layer_seconds;
    double matrix_efficiency;
    double matrix_cap;     ///< FLOP/s; 0: no ceiling
    double dequant_bytes;  ///< per weight per micro-batch; 0: dequantizes inside the GEMM or 16-bit
};

BackendConstants backend_constants(const std::string& backend, bool quantized) {
    if (backend == "metal") {
        return {k::kBandwidthEfficiencyMetal,
                0.0,
                k::kKvEfficiencyMetal,
                k::kLayerSecondsMetal,
                quantized ? k::kMatrixEfficiencyMetalQuantized : k::kMatrixEfficiencyMetal16,
                0.0,
                0.0};
    }
    return {k::kBandwidthEfficiencyCuda,
            k::kBandwidthCapCuda,
            k::kKvEfficiencyCuda,
            k::kLayerSecondsCuda,
            k::kMatrixEfficiencyCuda,
            k::kMatrixCapCuda,
            quantized ? k::kDequantBytesPerWeightCuda : 0.0};
}

/// Smooth minimum of a rate and its ceiling: (x^-p + cap^-p)^(-1/p); no ceiling when cap <= 0.
double smooth_min(double x, double cap) {
    if (cap <= 0 || x <= 0) return x;
    const double p = k::kCapSharpness;
    return std::pow(std::pow(x, -p) + std::pow(cap, -p), -1.0 / p);
}

LayerKind kind_of(const ModelArch& a, int i) {
    return a.layer_kinds.empty() ? LayerKind::full_attention : a.layer_kinds[size_t(i)];
}

/// Sum over the prompt's tokens and the attention layers of the context each token attends to
/// (causal; sliding-window layers stop at the window; recurrent layers have no attention).
double attention_context_sum(const ModelArch& a, double prompt) {
    const double full = prompt * (prompt + 1) / 2.0;
    double sum = 0;
    for (int i = 0; i < a.layers; ++i) {
        const LayerKind kind = kind_of(a, i);
        if (kind == LayerKind::linear_attention || kind == LayerKind::state_space) continue;
        if (kind == LayerKind::sliding_attention && a.sliding_window > 0 &&
            prompt > a.sliding_window) {
            const double w = a.sliding_window;
            sum += w * (w + 1) / 2.0 + (prompt - w) * w;
        } else {
            sum += full;
        }
    }
    return sum;
}

/// Mean FFN width one token passes through per layer (MoE layers: the routed experts it uses plus
/// the shared ones), for the activation traffic of prefill.
double active_ffn_width(const ModelArch& a) {
    if (a.layers <= 0) return a.ffn;
    double sum = 0;
    for (int i = 0; i < a.layers; ++i) {
        if (is_moe_layer(a, i)) {
            const MoeSpec& m = a.moe;
            const int shared_ffn = m.shared_expert_ffn > 0 ? m.shared_expert_ffn : m.expert_ffn;
            sum += double(m.active_experts) * m.expert_ffn + double(m.shared_experts) * shared_ffn;
        } else {
            sum += a.ffn;
        }
    }
    return sum / a.layers;
}

bool is_quantized(const WeightFormat& f) { return f.bits_per_weight < 16.0; }

}  // namespace

SpeedParams speed_params(const ModelArch& a) {
    // Walking the tensor list allocates it; every prediction asks for it more than once.
    thread_local detail::ArchMemo<detail::NoKey, SpeedParams> memo;
    return memo.get(a, {}, 0, [&] { return detail::speed_params_uncached(a); });
}

SpeedParams detail::speed_params_uncached(const ModelArch& a) {
    SpeedParams p;
    double expert_active = 0, embedding = 0;
    for (const TensorGroup& g : arch_tensors(a)) {
        p.file += double(g.params);
        if (g.role == TensorRole::token_embedding) {
            embedding += double(g.params);  // looked up one row per token, not multiplied
        } else if (g.active_params != g.params) {
            p.experts += double(g.params);  // routed experts: a token uses active_params of them
            expert_active += double(g.active_params);
        } else {
            p.dense += double(g.params);
        }
    }
    p.file += double(a.extra_params);
    if (a.tied_embeddings)
        p.dense += embedding;  // the output head multiplies by the embedding table
    p.active = p.dense + expert_active;
    p.expert_share = p.experts > 0 ? expert_active / p.experts : 0.0;
    return p;
}

double touched_expert_share(const SpeedParams& p, double tokens) {
    if (p.experts <= 0) return 0.0;
    return 1.0 - std::pow(1.0 - p.expert_share, std::max(1.0, tokens));
}

double experts_with_at_least(const SpeedParams& p, double tokens, int64_t threshold) {
    const double q = p.expert_share;
    if (p.experts <= 0 || q <= 0 || tokens < double(threshold)) return 0.0;
    if (q >= 1.0 || threshold <= 0) return 1.0;
    // P(count < threshold), each binomial term from the one before (C(n, j+1) / C(n, j) =
    // (n - j) / (j + 1)), kept as a logarithm: q^j (1-q)^(n-j) underflows a double for a 512-token
    // micro-batch. One log and one exp per term: this runs in every MoE prefill estimate.
    const double n = std::floor(tokens);
    const double log_odds = std::log(q) - std::log1p(-q);
    double log_term = n * std::log1p(-q);  // j = 0: (1-q)^n
    double below = 0;
    for (int64_t j = 0; j < threshold && double(j) <= n; ++j) {
        below += std::exp(log_term);
        log_term += std::log((n - double(j)) / double(j + 1)) + log_odds;
    }
    return std::clamp(1.0 - below, 0.0, 1.0);
}

SpeedEstimate estimate_speed(const ModelArch& a, const Setup& s, const MemoryBreakdown& m,
                             int64_t prompt_tokens, int64_t gen_tokens) {
    SpeedEstimate out;
    const Hardware& hw = s.hardware;
    if (hw.bandwidth_bytes_s <= 0 || a.layers <= 0) return out;

    const SpeedParams p = speed_params(a);
    if (p.file <= 0) return out;
    // Weights read per token are the tensor data; a real file size given by the scenario also holds
    // the GGUF metadata (tokenizer), which is never read while generating.
    const WeightsBytes computed = weights_bytes(a, s.format);
    const double metadata = double(computed.file_bytes - computed.tensor_bytes);
    const double tensor_bytes = s.weights_file_bytes > 0
                                    ? std::max(double(s.weights_file_bytes) - metadata, 0.5 * double(s.weights_file_bytes))
                                    : double(computed.tensor_bytes);
    const double bytes_per_param = tensor_bytes / p.file;
    const BackendConstants bc = backend_constants(hw.backend, is_quantized(s.format));

    // Effective rates of one device. llama.cpp's layer split runs the devices one after another,
    // so per-device rates apply to the whole model and bandwidths never add up.
    const double bw = smooth_min(bc.bandwidth_efficiency * hw.bandwidth_bytes_s, bc.bandwidth_cap);
    const double kv_bw = bw * bc.kv_efficiency;
    const double peak_flops =
        hw.fp16_flops > 0 ? hw.fp16_flops : hw.bandwidth_bytes_s * k::kFlopsPerByteWhenUnknown;
    const double flops = smooth_min(bc.matrix_efficiency * peak_flops, bc.matrix_cap);
    out.weight_bandwidth_bytes_s = bw;
    out.matrix_flops = flops;
    out.bytes_per_param = bytes_per_param;
    out.kv_bandwidth_bytes_s = kv_bw;
    out.bandwidth_efficiency = bc.bandwidth_efficiency;
    out.bandwidth_cap_bytes_s = bc.bandwidth_cap;
    out.kv_efficiency = bc.kv_efficiency;
    out.matrix_efficiency = bc.matrix_efficiency;
    out.layer_seconds = bc.layer_seconds;

    // Layers kept in system RAM are read at host bandwidth.
    const double host_share =
        m.layers > 0 ? std::clamp(double(m.offloaded_layers) / m.layers, 0.0, 1.0) : 0.0;
    auto read_seconds = [&](double bytes, double device_rate) {
        return bytes * (1.0 - host_share) / device_rate +
               bytes * host_share / memory_constants::kHostBandwidthBytesS;
    };

    const int devices = std::max(1, s.devices);
    // Tensor parallelism: every device reads 1/N of each layer at once and they meet in all-reduces;
    // a layer split runs the devices one after another.
    const bool tensor_parallel = devices > 1 && detail::splits_tensors(s.engine);
    const double share = tensor_parallel ? 1.0 / devices : 1.0;
    const double fixed = tensor_parallel
                             ? a.layers * (bc.layer_seconds + k::kAllReducesPerLayer * k::kAllReduceSeconds)
                             : a.layers * bc.layer_seconds + (devices - 1) * k::kHopSeconds;
    const double batch = std::max(1, s.batch);

    // Decode: one step serves `batch` sequences; the context grows from the prompt to prompt + gen.
    const double mean_context = double(prompt_tokens) + double(gen_tokens) / 2.0;
    const double step_weights =
        bytes_per_param * (p.dense + touched_expert_share(p, batch) * p.experts);
    // Bytes a step reads are the tokens attended to, not the cells allocated: no padding, and a
    // sliding window holds exactly its window.
    KvOptions read_only;
    read_only.ubatch = 0;
    read_only.pad = 1;
    const int64_t attended = std::llround(mean_context);
    const double step_kv =
        attended > 0
            ? double(llama_cpp_kv_cache(a, attended, int(batch), s.kv_type, s.kv_type, read_only).total())
            : 0.0;
    out.host_share = host_share;
    out.step_weight_bytes = step_weights * share;  // per device under tensor parallelism
    out.step_kv_bytes = step_kv * share;
    const bool host_experts = experts_on_host(a, s);
    if (host_experts) {
        // --cpu-moe: the CPU multiplies the routed experts straight from system RAM.
        const double expert_bytes = bytes_per_param * touched_expert_share(p, batch) * p.experts;
        out.decode_weights_s = read_seconds(step_weights - expert_bytes, bw) +
                               expert_bytes / memory_constants::kHostBandwidthBytesS;
    } else {
        out.decode_weights_s = read_seconds(step_weights * share, bw);
    }
    out.decode_kv_s = read_seconds(step_kv * share, kv_bw);
    out.decode_compute_s = batch * 2.0 * p.active * share / flops;
    out.decode_fixed_s = fixed;
    const double step =
        out.decode_weights_s + out.decode_kv_s + out.decode_compute_s + out.decode_fixed_s;
    out.decode_tok_s = 1.0 / step;

    if (prompt_tokens <= 0) {
        out.ttft_s = step;
        return out;
    }

    // Prefill: the prompts of the batch go through in micro-batches of kUbatchTokens tokens.
    const double prompt = double(prompt_tokens);
    const double tokens = prompt * batch;
    const double ubatches = std::ceil(tokens / double(k::kUbatchTokens));
    const double ub_tokens = std::min(tokens, double(k::kUbatchTokens));
    const double ub_experts = touched_expert_share(p, ub_tokens) * p.experts;

    const double matrix_flops = 2.0 * p.active * tokens;
    const double attention_flops =
        4.0 * double(a.heads) * a.head_dim * attention_context_sum(a, prompt) * batch;
    const double compute_s = (matrix_flops + attention_flops) * share / flops;

    // CUDA dequantizes a quantized matrix to f16 for cuBLAS when it gets >= kMmqMaxTokens tokens;
    // routed experts are multiplied one by one, each with the tokens routed to it, so only the
    // experts that happen to get that many are dequantized (no cliff at k/E * ubatch = 64).
    double dequant_params = 0;
    if (ub_tokens >= double(k::kMmqMaxTokens)) dequant_params += p.dense;
    dequant_params += experts_with_at_least(p, ub_tokens, k::kMmqMaxTokens) * p.experts;
    const double dequant_s = ubatches * dequant_params * bc.dequant_bytes * share / bw;

    // Without flash attention each head's row of attention scores (mean length prompt / 2) is
    // written and read back like any activation; flash attention keeps the scores on chip.
    const double score_row = s.flash_attn ? 0.0 : double(a.heads) * prompt / 2.0;
    const double activation_bytes = 4.0 * k::kActivationElements * a.layers * tokens *
                                    (a.hidden + active_ffn_width(a) + score_row);
    const double activation_s = activation_bytes * share / bw;

    double weights_s = ubatches * read_seconds(bytes_per_param * (p.dense + ub_experts) * share, bw);
    if (host_experts) {
        // A prompt micro-batch is multiplied on the GPU: its touched experts cross PCIe each time.
        weights_s = ubatches * (read_seconds(bytes_per_param * p.dense, bw) +
                                bytes_per_param * ub_experts / memory_constants::kHostToDeviceBytesS);
    }
    const double prefill_s =
        std::max(compute_s + dequant_s + activation_s, weights_s) + ubatches * fixed;
    out.prefill_compute_s = compute_s;
    out.prefill_memory_s = dequant_s + activation_s;
    out.prefill_weights_s = weights_s;
    out.prefill_tok_s = tokens / prefill_s;
    out.ttft_s = prefill_s;  // the first token is sampled from the prompt's last logits
    return out;
}

}  // namespace headroom
