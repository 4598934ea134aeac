// quant.h: weight formats and the bits each tensor takes in them.
#pragma once

#include <string>
#include <string_view>

namespace headroom {

/// Role of a tensor, which decides its type inside a mixed-precision file type such as Q4_K_M.
enum class TensorRole {
    token_embedding,
    output_head,
    attn_q,
    attn_k,
    attn_v,
    attn_output,
    ffn_gate,
    ffn_up,
    ffn_down,
    norm,
    other,
};

/// A weight format as the estimator knows it: a GGUF file type (Q4_K_M...) or another engine's format.
struct WeightFormat {
    std::string name;               ///< canonical name, e.g. "Q4_K_M"
    bool gguf = false;              ///< per-tensor GGUF rules apply
    double bits_per_weight = 16.0;  ///< of a quantized matrix, scales included

    bool operator==(const WeightFormat&) const = default;
};

/// Looks a format name up (case-insensitive); `ok` false when unknown.
struct FormatResult {
    WeightFormat format;
    std::string error;
    bool ok() const { return error.empty(); }
};
FormatResult find_weight_format(std::string_view name);

/// Bits per weight that `format` gives a tensor of `role` in layer `layer` of `layers`.
double tensor_bits_per_weight(const WeightFormat& format, TensorRole role, int layer, int layers);

}  // namespace headroom
