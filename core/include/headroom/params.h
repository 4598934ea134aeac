// params.h: parameter counts derived from the architecture, tensor group by tensor group.
#pragma once

#include <cstdint>

#include "headroom/model.h"

namespace headroom {

/// Parameters of a model, split the way the memory and speed models need them.
struct ParamCount {
    int64_t total = 0;        ///< every weight in the checkpoint
    int64_t active = 0;       ///< weights one token passes through (MoE: routed experts in use)
    int64_t embedding = 0;    ///< token embedding table (looked up, not multiplied)
    int64_t output_head = 0;  ///< lm_head; 0 when tied to the embedding

    bool operator==(const ParamCount&) const = default;
};

/// Counts parameters from the architecture alone.
ParamCount count_params(const ModelArch& arch);

}  // namespace headroom
