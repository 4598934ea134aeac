// engines.h (private): the engines a scenario or a share link may name.
#pragma once

#include <array>
#include <string_view>

namespace headroom::detail {

inline constexpr std::array<std::string_view, 9> kEngines = {
    "llama.cpp", "ollama", "vllm", "mlx", "exllamav2", "mlc", "tensorrt-llm", "sglang", "lmstudio"};

inline bool known_engine(std::string_view name) {
    for (auto e : kEngines)
        if (e == name) return true;
    return false;
}

/// Engines that run layers that do not fit from system RAM (llama.cpp's -ngl and its front ends).
/// The others refuse to load instead (vLLM's --cpu-offload-gb is off by default).
inline bool offloads_layers(std::string_view engine) {
    return engine == "llama.cpp" || engine == "ollama" || engine == "lmstudio";
}

/// Engines that split each layer's matrices over several devices (tensor parallelism) rather than
/// giving each device whole layers.
inline bool splits_tensors(std::string_view engine) {
    return engine == "vllm" || engine == "sglang" || engine == "tensorrt-llm";
}

}  // namespace headroom::detail
