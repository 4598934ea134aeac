// weights.cpp: weight bytes. GGUF formats: llama.cpp's tensor list and llama-quantize's per-tensor
// types (gguf.cpp). Other formats: the tensor groups and the format's per-tensor bits.
#include "headroom/weights.h"

#include <cmath>
#include <functional>
#include <string>

#include "arch_memo.h"
#include "arch_tensors.h"
#include "headroom/gguf_quant.h"

namespace headroom {
namespace {

WeightsBytes gguf_bytes(const ModelArch& arch, const GgufWeights& g) {
    WeightsBytes w;
    w.file_bytes = g.file_bytes;
    w.tensor_bytes = g.tensor_bytes;
    w.embedding_bytes = g.token_embd_bytes;
    w.device_bytes = g.device_bytes;
    // Per token: everything but the embedding table (one row is looked up) and the unused experts.
    const double used = arch.moe.experts > 0 ? double(arch.moe.active_experts) / arch.moe.experts : 1.0;
    const double dense = double(g.tensor_bytes - g.token_embd_bytes - g.expert_bytes);
    w.active_bytes = static_cast<int64_t>(std::llround(dense + used * double(g.expert_bytes)));
    return w;
}

}  // namespace

WeightsBytes weights_bytes(const ModelArch& arch, const WeightFormat& format) {
    // Walking the tensor list (and llama-quantize's rules for GGUF) per call would dominate sweeps.
    thread_local detail::ArchMemo<WeightFormat, WeightsBytes> memo;
    return memo.get(arch, format, detail::format_hash(format),
                    [&] { return detail::weights_bytes_uncached(arch, format); });
}

uint64_t detail::format_hash(const WeightFormat& format) {
    return std::hash<std::string>{}(format.name) ^ (std::hash<double>{}(format.bits_per_weight) << 1) ^
           (format.gguf ? 0x51ULL : 0);
}

WeightsBytes detail::weights_bytes_uncached(const ModelArch& arch, const WeightFormat& format) {
    if (format.gguf) {
        if (auto g = gguf_weights(arch, format.name)) return gguf_bytes(arch, *g);
    }
    WeightsBytes w;
    double file = 0, active = 0, embedding = 0;
    for (const TensorGroup& g : arch_tensors(arch)) {
        const double bits = tensor_bits_per_weight(format, g.role, g.layer, arch.layers);
        const double bytes = g.params * bits / 8.0;
        file += bytes;
        if (g.role == TensorRole::token_embedding) {
            embedding += bytes;
        } else {
            active += g.active_params * bits / 8.0;  // a lookup reads one row, not the table
        }
    }
    file += arch.extra_params * format.bits_per_weight / 8.0;
    w.file_bytes = static_cast<int64_t>(std::llround(file));
    w.tensor_bytes = w.file_bytes;
    w.embedding_bytes = static_cast<int64_t>(std::llround(embedding));
    w.device_bytes = w.file_bytes - w.embedding_bytes;
    w.active_bytes = static_cast<int64_t>(std::llround(active));
    return w;
}

}  // namespace headroom
