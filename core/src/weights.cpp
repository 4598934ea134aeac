// weights.cpp: weight bytes from the tensor groups and the format's per-tensor bits.
#include "headroom/weights.h"

#include <cmath>

#include "arch_tensors.h"

namespace headroom {

WeightsBytes weights_bytes(const ModelArch& arch, const WeightFormat& format) {
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
    w.embedding_bytes = static_cast<int64_t>(std::llround(embedding));
    w.device_bytes = w.file_bytes - w.embedding_bytes;
    w.active_bytes = static_cast<int64_t>(std::llround(active));
    return w;
}

}  // namespace headroom
