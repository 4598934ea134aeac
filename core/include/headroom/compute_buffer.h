// compute_buffer.h: llama.cpp's compute buffer: the graph allocator's peak for one micro-batch.
#pragma once

#include <cstdint>

#include "headroom/model.h"

namespace headroom {

/// The compute buffer and the three candidate peaks it is the largest of (bytes, f32 tensors).
struct ComputeBuffer {
    int64_t device_bytes = 0;    ///< the accelerator's compute buffer: max of the peaks below
    int64_t host_bytes = 0;      ///< CPU-side (CUDA_Host / CPU) buffer: graph inputs
    int64_t logits_peak = 0;     ///< logits (vocab x ubatch) + the final norm
    int64_t attention_peak = 0;  ///< attention scores (heads x cells x ubatch) without FA, + mask
    int64_t ffn_peak = 0;        ///< FFN gate and up outputs
};

/// llama.cpp reserves its graph for one micro-batch of min(ubatch, context) tokens with every
/// output, attending to the whole cache (`context` padded to `pad` cells).
ComputeBuffer llama_cpp_compute_buffer(const ModelArch& arch, int64_t context, int64_t ubatch = 512,
                                       bool flash_attn = false, int64_t pad = 256);

}  // namespace headroom
