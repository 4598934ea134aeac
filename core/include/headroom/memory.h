// memory.h: where device memory goes for a model and a setup, and whether it fits.
#pragma once

#include <cstdint>

#include "headroom/model.h"
#include "headroom/setup.h"

namespace headroom {

/// Device memory, in bytes, summed over all devices of the setup.
struct MemoryBreakdown {
    int64_t weights_bytes = 0;         ///< whole weight file
    int64_t device_weights_bytes = 0;  ///< weights the engine places on the devices
    int64_t kv_bytes = 0;
    int64_t compute_bytes = 0;         ///< activation / graph buffers
    int64_t overhead_bytes = 0;        ///< runtime context, library workspaces
    int64_t total_bytes = 0;           ///< device_weights + kv + compute + overhead
    int64_t capacity_bytes = 0;        ///< what the devices offer the engine
    bool fits = false;
    int offloaded_layers = 0;          ///< layers that must stay in system RAM for the rest to fit
    int layers = 0;
};

/// Memory the engine holds on the devices for `arch` run with `setup`.
MemoryBreakdown estimate_memory(const ModelArch& arch, const Setup& setup);

}  // namespace headroom
