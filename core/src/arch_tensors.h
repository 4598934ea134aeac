// arch_tensors.h (private): the weight tensors a model has, grouped by role and layer, so that
// parameter counts and per-tensor quantization share one description of the architecture.
#pragma once

#include <cstdint>
#include <vector>

#include "headroom/model.h"
#include "headroom/quant.h"

namespace headroom {

/// Tensors of one role in one layer (layer -1: outside the blocks).
struct TensorGroup {
    TensorRole role;
    int layer;
    int64_t params;         ///< elements of all tensors in the group
    int64_t active_params;  ///< elements a token multiplies with (MoE: only the routed experts used)
    int64_t row_elements;   ///< length of one row (the quantized dimension)
};

/// Every weight tensor group of `arch`.
std::vector<TensorGroup> arch_tensors(const ModelArch& arch);

/// True when layer `i` of `arch` has a mixture-of-experts FFN.
bool is_moe_layer(const ModelArch& arch, int i);

}  // namespace headroom
