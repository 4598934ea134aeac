// speed.cpp: decode from bytes read per token over bandwidth, prefill from FLOPs over throughput.
#include "headroom/speed.h"

#include <algorithm>
#include <cmath>

#include "headroom/kv_cache.h"
#include "headroom/params.h"
#include "headroom/weights.h"
#include "memory_constants.h"
#include "speed_constants.h"

namespace headroom {

SpeedEstimate estimate_speed(const ModelArch& a, const Setup& s, const MemoryBreakdown& m,
                             int64_t prompt_tokens, int64_t gen_tokens) {
    namespace k = speed_constants;
    SpeedEstimate out;
    const Hardware& hw = s.hardware;
    if (hw.bandwidth_bytes_s <= 0 || a.layers <= 0) return out;

    const WeightsBytes w = weights_bytes(a, s.format);
    // Scale the computed bytes to the real file when the scenario gives its size.
    const double scale = s.weights_file_bytes > 0 && w.file_bytes > 0
                             ? double(s.weights_file_bytes) / double(w.file_bytes)
                             : 1.0;
    const double weight_bytes = double(w.active_bytes) * scale;

    // Decode: every step reads the active weights once for the whole batch and each sequence's
    // KV cache of its context so far; MoE steps read every expert any of the batch's tokens picked.
    const int batch = std::max(1, s.batch);
    const double mean_context = double(prompt_tokens) + double(gen_tokens) / 2.0;
    const double kv_bytes = kv_bytes_per_token(a, s.kv_type) * mean_context * batch;
    double step_weight_bytes = weight_bytes;
    if (a.moe.experts > 0 && batch > 1) {
        const double share = double(a.moe.active_experts) / a.moe.experts;
        const double touched = 1.0 - std::pow(1.0 - share, batch);  // expected share of experts used
        const double idle_expert_bytes = std::max(0.0, double(w.device_bytes) * scale - weight_bytes);
        step_weight_bytes += idle_expert_bytes * (touched - share) / (1.0 - share);
    }
    const ParamCount p = count_params(a);
    const double on_device = m.layers > 0 ? double(m.layers - m.offloaded_layers) / m.layers : 1.0;
    const double device_bw = hw.bandwidth_bytes_s * k::kDecodeBandwidthEfficiency;
    const double peak = hw.fp16_flops > 0 ? hw.fp16_flops : hw.bandwidth_bytes_s * 50;  // unknown: assume compute-rich
    // llama.cpp's layer split runs the devices one after another: bandwidths do not add up.
    const double bytes = step_weight_bytes + kv_bytes;
    const double memory_s = bytes * on_device / device_bw +
                            bytes * (1.0 - on_device) / memory_constants::kHostBandwidthBytesS;
    // Past the roofline's ridge a big batch is bound by arithmetic, not by bytes.
    const double compute_s = batch * 2.0 * double(p.active - p.embedding) /
                             (peak * k::kPrefillComputeEfficiency * s.devices);
    const double step_s = std::max(memory_s, compute_s) + a.layers * k::kPerLayerTokenSeconds;
    out.decode_tok_s = 1.0 / step_s;

    // Prefill: two FLOPs per active parameter per token, plus attention over the prompt.
    const double tokens = double(std::max<int64_t>(1, prompt_tokens));
    const double attn_flops = 2.0 * a.layers * double(a.heads) * a.head_dim * tokens;  // per token, mean
    const double flops_per_token = 2.0 * double(p.active - p.embedding) + attn_flops;
    const double prefill_compute_s = tokens * flops_per_token / (peak * k::kPrefillComputeEfficiency * s.devices);
    const double read_s = weight_bytes / device_bw;  // weights are read at least once
    out.prefill_tok_s = tokens / std::max(prefill_compute_s, read_s);
    out.ttft_s = prompt_tokens > 0 ? tokens / out.prefill_tok_s + 1.0 / out.decode_tok_s
                                   : 1.0 / out.decode_tok_s;
    return out;
}

}  // namespace headroom
