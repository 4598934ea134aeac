// speed.cpp: decode from bytes read per token over bandwidth, prefill from FLOPs over throughput.
#include "headroom/speed.h"

#include <algorithm>

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

    // Decode: every token reads the active weights and the KV cache of the context so far.
    const double mean_context = double(prompt_tokens) + double(gen_tokens) / 2.0;
    const double kv_bytes = kv_bytes_per_token(a, s.kv_type) * mean_context;
    const double on_device = m.layers > 0 ? double(m.layers - m.offloaded_layers) / m.layers : 1.0;
    const double device_bw = hw.bandwidth_bytes_s * k::kDecodeBandwidthEfficiency;
    // llama.cpp's layer split runs the devices one after another: bandwidths do not add up.
    const double bytes = weight_bytes + kv_bytes;
    double seconds = bytes * on_device / device_bw +
                     bytes * (1.0 - on_device) / memory_constants::kHostBandwidthBytesS +
                     a.layers * k::kPerLayerTokenSeconds;
    out.decode_tok_s = 1.0 / seconds;

    // Prefill: two FLOPs per active parameter per token, plus attention over the prompt.
    const ParamCount p = count_params(a);
    const double tokens = double(std::max<int64_t>(1, prompt_tokens));
    const double attn_flops = 2.0 * a.layers * double(a.heads) * a.head_dim * tokens;  // per token, mean
    const double flops_per_token = 2.0 * double(p.active - p.embedding) + attn_flops;
    const double peak = hw.fp16_flops > 0 ? hw.fp16_flops : hw.bandwidth_bytes_s * 50;  // unknown: assume compute-rich
    const double compute_s = tokens * flops_per_token / (peak * k::kPrefillComputeEfficiency * s.devices);
    const double read_s = weight_bytes / device_bw;  // weights are read at least once
    out.prefill_tok_s = tokens / std::max(compute_s, read_s);
    out.ttft_s = prompt_tokens > 0 ? tokens / out.prefill_tok_s + 1.0 / out.decode_tok_s
                                   : 1.0 / out.decode_tok_s;
    return out;
}

}  // namespace headroom
