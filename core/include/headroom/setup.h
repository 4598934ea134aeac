// setup.h: how a model is run: format, engine, devices, KV cache type, context and batch.
#pragma once

#include <cstdint>
#include <string>

#include "headroom/hardware.h"
#include "headroom/kv_cache.h"
#include "headroom/quant.h"

namespace headroom {

/// Everything about a run except the model itself.
struct Setup {
    WeightFormat format;
    Hardware hardware;
    int devices = 1;                 ///< identical devices the model is split over
    std::string engine = "llama.cpp";
    KvType kv_type = KvType::f16;
    int64_t context = 4096;          ///< tokens of context allocated per sequence
    int batch = 1;                   ///< concurrent sequences
    bool flash_attn = false;         ///< llama.cpp -fa: no attention score matrix in the compute buffer
    int64_t weights_file_bytes = 0;  ///< when > 0, the real file size replaces the computed one
    double host_memory_bytes = 0;    ///< system RAM for offloaded layers; 0: kDefaultHostMemoryBytes
    int64_t embedding_file_bytes = 0;  ///< when > 0 (with weights_file_bytes), the real token-embedding bytes
    /// llama.cpp --cpu-moe (-ot "exps=CPU"): a MoE model's routed experts stay in system RAM and
    /// the CPU multiplies them; attention, shared experts and the KV cache stay on the devices.
    bool experts_on_host = false;
    // vLLM's memory knobs; 0 keeps vLLM's own default (see memory_constants.h).
    double gpu_memory_utilization = 0;   ///< share of each device's memory vLLM may take
    int max_num_seqs = 0;                ///< sequences vLLM's profile run samples at once
    int64_t max_num_batched_tokens = 0;  ///< tokens of vLLM's profile forward pass
};

/// System RAM assumed when the setup does not say: a 64 GiB workstation, the common size of the
/// desktops people pair with one or two GPUs.
inline constexpr double kDefaultHostMemoryBytes = 64.0 * 1024 * 1024 * 1024;

}  // namespace headroom
