// memory.h: where device memory goes for a model and a setup, and whether it fits.
#pragma once

#include <cstdint>
#include <vector>

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
    int64_t capacity_bytes = 0;        ///< what the devices offer the engine (desktop_bytes taken out)
    int64_t desktop_bytes = 0;         ///< what the OS and the desktop keep on the display device
    bool fits = false;
    int offloaded_layers = 0;          ///< layers that must stay in system RAM for the rest to fit
    int layers = 0;
    /// KV cache the engine allocates up front: vLLM, SGLang and TensorRT-LLM give their remaining
    /// budget to the cache (at least kv_bytes when it fits); llama.cpp allocates exactly kv_bytes.
    int64_t kv_pool_bytes = 0;
    int64_t kv_pool_tokens = 0;        ///< tokens of context the pool holds, over all sequences
    int64_t host_expert_bytes = 0;     ///< routed-expert weights kept in system RAM (experts_on_host)
};

/// True when `setup` keeps `arch`'s routed experts in system RAM (a MoE model, an engine that can).
bool experts_on_host(const ModelArch& arch, const Setup& setup);

/// One device's share of a run: a layer split (llama.cpp) puts whole layers on each device (the
/// output head on the last, compute buffers on each); tensor parallelism (vLLM) gives each device
/// 1/N of the weights and of the KV cache and a full copy of the activations and runtime.
struct DeviceMemory {
    int64_t weights_bytes = 0;
    int64_t kv_bytes = 0;
    int64_t compute_bytes = 0;
    int64_t overhead_bytes = 0;
    int64_t total_bytes = 0;
    int64_t capacity_bytes = 0;
    int layers = 0;  ///< layers on this device (all of them under tensor parallelism)
};

/// Memory the engine holds on the devices for `arch` run with `setup`.
MemoryBreakdown estimate_memory(const ModelArch& arch, const Setup& setup);

/// The part of a run's memory that its context and number of sequences do not change (weights and
/// where they go, runtime, capacity). Capacity searches evaluate dozens of contexts for one setup:
/// they compute this once and pass it to memory_at instead of redoing the weights each step.
struct FixedMemory {
    int64_t weights_bytes = 0;
    int64_t device_weights_bytes = 0;
    int64_t host_expert_bytes = 0;
    int64_t overhead_bytes = 0;
    int64_t capacity_bytes = 0;
    int64_t desktop_bytes = 0;
    /// Compute buffers of engines that size them by their own knobs, not the context (vLLM's
    /// profile run, SGLang's reservation, TensorRT-LLM's max_num_tokens); 0 for the others.
    int64_t fixed_compute_bytes = 0;
};

FixedMemory fixed_memory(const ModelArch& arch, const Setup& setup);

/// estimate_memory(arch, setup) with `context` and `sequences` in place of the setup's, given
/// `fixed` = fixed_memory(arch, setup): the same figures, bit for bit.
MemoryBreakdown memory_at(const ModelArch& arch, const Setup& setup, const FixedMemory& fixed,
                          int64_t context, int sequences);

/// The same run device by device (setup.devices entries; their totals add up to `memory`'s).
std::vector<DeviceMemory> per_device_memory(const ModelArch& arch, const Setup& setup,
                                            const MemoryBreakdown& memory);

}  // namespace headroom
