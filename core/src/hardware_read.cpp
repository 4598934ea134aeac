// hardware_read.cpp: reading hardware descriptions with every figure range-checked.
#include "hardware_read.h"

#include <array>

#include "memory_constants.h"

namespace headroom {

double metal_working_set_share(double memory_bytes) {
    return memory_bytes >= 64.0 * 1024 * 1024 * 1024 ? 0.75 : 2.0 / 3.0;
}

double default_desktop_reserve_bytes(const std::string& kind, const std::string& segment, bool unified_memory) {
    if (kind != "gpu" || unified_memory) return 0;
    if (segment == "consumer" || segment == "workstation" || segment == "desktop")
        return memory_constants::kDesktopReserveBytes;
    return 0;
}

}  // namespace headroom

namespace headroom::detail {
namespace {

constexpr std::array<std::string_view, 6> kBackends = {"cuda", "rocm", "metal", "vulkan", "sycl", "cpu"};

bool known_backend(const std::string& b) {
    for (auto k : kBackends)
        if (k == b) return true;
    return false;
}

}  // namespace

bool hardware_from_json(const json& obj, Hardware& hw, std::string& error) {
    if (!obj.is_object()) {
        error = "hardware must be an object";
        return false;
    }
    double memory_gb = 0, bandwidth_gbs = 0, fp16_tflops = 0, fp16_acc16_tflops = 0;
    if (!read_string(obj, "id", hw.id, error) || !read_string(obj, "name", hw.name, error) ||
        !read_number(obj, "memory_gb", 0.01, 1e6, memory_gb, error, true) ||
        !read_number(obj, "bandwidth_gbs", 0.1, 1e6, bandwidth_gbs, error, true) ||
        !read_number(obj, "fp16_tflops", 0, 1e6, fp16_tflops, error) ||
        !read_number(obj, "fp16_acc16_tflops", 0, 1e6, fp16_acc16_tflops, error) ||
        !read_bool(obj, "unified_memory", hw.unified_memory, error) ||
        !read_number(obj, "gpu_memory_share", 0.05, 1.0, hw.gpu_memory_share, error) ||
        !read_number(obj, "price_usd", 0, 1e8, hw.price_usd, error))
        return false;
    // A catalog entry says what kind of machine the device sits in; an inline object without a
    // kind or segment is taken as headless, and may give its own figure.
    std::string kind, segment;
    double desktop_gb = -1;
    if (!read_string(obj, "kind", kind, error) || !read_string(obj, "segment", segment, error) ||
        !read_number(obj, "desktop_reserve_gb", 0, 64, desktop_gb, error))
        return false;
    hw.desktop_reserve_bytes = desktop_gb >= 0 ? desktop_gb * kBytesPerMemoryGb
                                               : default_desktop_reserve_bytes(kind, segment, hw.unified_memory);
    hw.memory_bytes = memory_gb * kBytesPerMemoryGb;
    hw.bandwidth_bytes_s = bandwidth_gbs * 1e9;
    // GeForce cards run FP16 matrices with FP16 accumulate at twice the FP32-accumulate rate, and
    // llama.cpp's cuBLAS path uses FP16 accumulate: that is the rate prompts are processed at.
    hw.fp16_flops = (fp16_acc16_tflops > 0 ? fp16_acc16_tflops : fp16_tflops) * 1e12;
    if (auto it = obj.find("backends"); it != obj.end() && it->is_array() && !it->empty() &&
                                        (*it)[0].is_string()) {
        hw.backend = (*it)[0].get<std::string>();
    } else if (!read_string(obj, "backend", hw.backend, error)) {
        return false;
    }
    if (!known_backend(hw.backend)) {
        error = "unknown backend '" + hw.backend.substr(0, 32) + "'";
        return false;
    }
    if (hw.name.empty()) hw.name = hw.id.empty() ? "custom hardware" : hw.id;
    return true;
}

}  // namespace headroom::detail
