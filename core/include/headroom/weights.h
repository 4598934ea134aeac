// weights.h: bytes of the weights, as a file and as an engine places them on the device.
#pragma once

#include <cstdint>

#include "headroom/model.h"
#include "headroom/quant.h"

namespace headroom {

/// Weight bytes of a model in a format.
struct WeightsBytes {
    int64_t file_bytes = 0;       ///< the whole weight file (GGUF: tensor data + metadata)
    int64_t tensor_bytes = 0;     ///< tensor data only (llama.cpp's "model size", llama-bench "size")
    int64_t device_bytes = 0;     ///< what llama.cpp puts on the accelerator (no token embedding)
    int64_t active_bytes = 0;     ///< bytes read per generated token (MoE: the active experts)
    int64_t embedding_bytes = 0;  ///< token embedding table

    bool operator==(const WeightsBytes&) const = default;
};

/// Tensor-by-tensor weight bytes of `arch` stored as `format`. GGUF file types follow llama.cpp's
/// per-tensor rules exactly (gguf.h); other formats use the format's bits per weight.
WeightsBytes weights_bytes(const ModelArch& arch, const WeightFormat& format);

}  // namespace headroom
