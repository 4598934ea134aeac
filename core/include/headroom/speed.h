// speed.h: decode and prefill speed and time to first token, from bytes moved and FLOPs done.
#pragma once

#include <cstdint>

#include "headroom/memory.h"
#include "headroom/model.h"
#include "headroom/setup.h"

namespace headroom {

/// Speeds of one sequence (per user when batch > 1), and the figures they come from.
struct SpeedEstimate {
    double decode_tok_s = 0;   ///< mean over gen_tokens after prompt_tokens
    double prefill_tok_s = 0;  ///< prompt tokens per second of prompt processing
    double ttft_s = 0;         ///< time to first token for the prompt

    // How the decode step time splits (seconds per step), for explanations and tests.
    double decode_weights_s = 0;  ///< streaming the weights (once per step for the whole batch)
    double decode_kv_s = 0;       ///< reading every sequence's KV cache
    double decode_compute_s = 0;  ///< matrix FLOPs of the step (matters for batch > 1)
    double decode_fixed_s = 0;    ///< per-layer launches/syncs and device hops
    double weight_bandwidth_bytes_s = 0;  ///< effective weight-streaming rate of one device
    double matrix_flops = 0;              ///< effective matrix rate of one device (FLOP/s)

    // The inputs behind the figures, for the page's "how it was computed" (additive; no model uses them).
    double bytes_per_param = 0;       ///< weight-file tensor bytes / parameters
    double step_weight_bytes = 0;     ///< weight bytes one decode step reads
    double step_kv_bytes = 0;         ///< KV-cache bytes one decode step reads (mean context)
    double kv_bandwidth_bytes_s = 0;  ///< effective KV-read rate of one device
    double bandwidth_efficiency = 0;  ///< share of peak bandwidth (speed_constants.h)
    double bandwidth_cap_bytes_s = 0; ///< ceiling of the weight-streaming rate; 0: none
    double kv_efficiency = 0;         ///< KV reads' share of the weight-streaming rate
    double matrix_efficiency = 0;     ///< share of the FP16 matrix peak
    double layer_seconds = 0;         ///< fixed cost per layer per step
    double host_share = 0;            ///< share of layers read from system RAM
    double prefill_compute_s = 0;     ///< matrix + attention FLOPs / matrix rate
    double prefill_memory_s = 0;      ///< dequantize + activation traffic (with compute: one bound)
    double prefill_weights_s = 0;     ///< reading the weights once per micro-batch (the other bound)
};

/// The model's size as the speed model needs it, in parameters.
struct SpeedParams {
    /// Every parameter of the weight file (bytes per parameter = file bytes / file).
    double file = 0;
    /// Multiplied by every token: attention, dense or shared FFN, router, output head.
    double dense = 0;
    /// All routed-expert weights (0 for a dense model).
    double experts = 0;
    /// Multiplied by one token: dense + the routed experts it uses.
    double active = 0;
    /// Routed experts one token uses / routed experts (0 for a dense model).
    double expert_share = 0;

    bool operator==(const SpeedParams&) const = default;
};

/// Parameter split of `arch` for the speed model.
SpeedParams speed_params(const ModelArch& arch);

/// Share of the routed experts a step touches when `tokens` tokens are routed independently:
/// 1 - (1 - k/E)^tokens.
double touched_expert_share(const SpeedParams& p, double tokens);

/// Expected share of the routed experts that receive at least `threshold` of `tokens` tokens, each
/// token routed independently to k of E experts (an expert's count is Binomial(tokens, k/E)).
/// llama.cpp's CUDA MUL_MAT_ID multiplies expert by expert with the tokens routed to it, so this is
/// the share of experts a prompt micro-batch sends down the large-batch (dequantize) path.
double experts_with_at_least(const SpeedParams& p, double tokens, int64_t threshold);

/// Speed of `arch` run with `setup`, given its memory placement, for a prompt and a generation.
/// Decode: weight bytes / effective bandwidth + KV bytes / effective KV bandwidth + batch FLOPs /
/// effective matrix rate + per-layer fixed cost; devices of a layer split run one after another.
/// Prefill: matrix and attention FLOPs / effective matrix rate + dequantize and activation traffic,
/// never faster than reading the weights once per micro-batch. Constants: speed_constants.h.
SpeedEstimate estimate_speed(const ModelArch& arch, const Setup& setup,
                             const MemoryBreakdown& memory, int64_t prompt_tokens,
                             int64_t gen_tokens);

}  // namespace headroom
