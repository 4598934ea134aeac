// profile.cpp: a headroom-probe profile read back as measured hardware.
#include "headroom/profile.h"

#include "hardware_read.h"

namespace headroom {
namespace detail {

namespace {
/// The median of a measurement object {"median": ..., "best": ..., "samples": ..., "method": ...}.
bool measurement(const json& measurements, const char* key, double lo, double hi, double& out,
                 std::string& error) {
    auto it = measurements.find(key);
    if (it == measurements.end() || it->is_null()) return true;
    if (!it->is_object()) {
        error = std::string("measurement '") + key + "' must be an object";
        return false;
    }
    if (!read_number(*it, "median", lo, hi, out, error, true)) {
        error = std::string("measurement '") + key + "': " + error;
        return false;
    }
    return true;
}
}  // namespace

bool hardware_from_profile_json(const json& p, Hardware& hw, std::string& error) {
    if (!p.is_object()) {
        error = "profile must be an object";
        return false;
    }
    std::string schema;
    if (!read_string(p, "schema", schema, error, true)) return false;
    if (schema != kProfileSchema) {
        error = "unsupported profile schema '" + schema.substr(0, 40) + "'";
        return false;
    }
    auto devs = p.find("devices");
    if (devs == p.end() || !devs->is_array() || devs->empty()) {
        error = "profile has no devices";
        return false;
    }
    if (devs->size() > 64) {
        error = "field 'devices' lists more than 64 devices";
        return false;
    }
    // Prefer the first accelerator; a CPU-only profile describes the CPU.
    const json* dev = &(*devs)[0];
    for (const json& d : *devs)
        if (d.is_object() && d.contains("kind") && d["kind"] == "gpu") {
            dev = &d;
            break;
        }
    if (!dev->is_object()) {
        error = "profile device must be an object";
        return false;
    }
    std::string kind;
    if (!read_string(*dev, "kind", kind, error, true) || !read_string(*dev, "name", hw.name, error) ||
        !read_string(*dev, "backend", hw.backend, error, true))
        return false;
    double total = 0, free = 0;
    if (!read_number(*dev, "memory_bytes", 1e6, 1e15, total, error, true) ||
        !read_number(*dev, "free_memory_bytes", 0, 1e15, free, error))
        return false;
    auto ms = dev->find("measurements");
    if (ms == dev->end() || !ms->is_object()) {
        error = "profile device has no measurements";
        return false;
    }
    double read_gbs = 0, triad_gbs = 0, fp16_tflops = 0;
    if (!measurement(*ms, "read_bandwidth_gbs", 0.1, 1e5, read_gbs, error) ||
        !measurement(*ms, "triad_bandwidth_gbs", 0.1, 1e5, triad_gbs, error) ||
        !measurement(*ms, "fp16_tflops", 0.001, 1e5, fp16_tflops, error))
        return false;
    const double bw = read_gbs > 0 ? read_gbs : triad_gbs;
    if (bw <= 0) {
        error = "profile device has no bandwidth measurement";
        return false;
    }
    hw.id = "profile";
    if (hw.name.empty()) hw.name = "measured " + kind;
    // Free memory is what a model can actually get; total would promise memory others hold.
    hw.memory_bytes = free > 0 ? free : total;
    hw.bandwidth_bytes_s = bw * 1e9;
    hw.fp16_flops = fp16_tflops * 1e12;
    hw.unified_memory = kind != "gpu";
    hw.measured = true;
    return true;
}

}  // namespace detail

ProfileResult hardware_from_profile(std::string_view profile_json) {
    ProfileResult r;
    detail::json p = detail::parse_json(profile_json, r.error);
    if (!r.error.empty()) return r;
    if (!detail::hardware_from_profile_json(p, r.hardware, r.error)) r.hardware = Hardware{};
    return r;
}

}  // namespace headroom
