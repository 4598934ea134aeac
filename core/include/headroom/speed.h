// speed.h: decode and prefill speed and time to first token, from bytes moved and FLOPs done.
#pragma once

#include <cstdint>

#include "headroom/memory.h"
#include "headroom/model.h"
#include "headroom/setup.h"

namespace headroom {

/// Speeds of one sequence (per user when batch > 1).
struct SpeedEstimate {
    double decode_tok_s = 0;   ///< mean over gen_tokens after prompt_tokens
    double prefill_tok_s = 0;  ///< prompt tokens per second of prompt processing
    double ttft_s = 0;         ///< time to first token for the prompt
};

/// Speed of `arch` run with `setup`, given its memory placement, for a prompt and a generation.
SpeedEstimate estimate_speed(const ModelArch& arch, const Setup& setup, const MemoryBreakdown& memory,
                             int64_t prompt_tokens, int64_t gen_tokens);

}  // namespace headroom
