// profile_writer.cpp: profile JSON and the link that carries it.
#include "profile_writer.h"

#include <nlohmann/json.hpp>

#include "headroom/profile.h"

#ifndef HEADROOM_VERSION
#define HEADROOM_VERSION "0.0.0"
#endif

namespace headroom::probe {
namespace {

using nlohmann::json;

json stats(const RateStats& s, const std::string& method) {
    return {{"median", s.median}, {"best", s.best}, {"samples", s.samples}, {"method", method}};
}

}  // namespace

std::string profile_json(const ProbeRun& run) {
    json devices = json::array();
    for (const GpuReport& g : run.gpus.devices) {
        json m = {
            {"read_bandwidth_gbs", stats(g.read_gbs, "read-only kernel, 16-byte loads, 4 in flight per thread, grid-stride, buffer >= 64x L2, CUDA events")},
            {"copy_bandwidth_gbs", stats(g.copy_gbs, "copy kernel, bytes read + written")},
            {"triad_bandwidth_gbs", stats(g.triad_gbs, "a = b + s*c, 3 arrays counted")},
            {"h2d_bandwidth_gbs", stats(g.h2d_gbs, "cudaMemcpy from pinned host memory")},
            {"d2h_bandwidth_gbs", stats(g.d2h_gbs, "cudaMemcpy to pinned host memory")},
            {"launch_latency_us", {{"median", g.launch_latency_us}, {"method", "1000 empty kernel launches, mean"}}},
        };
        const std::string gemm = g.gemm_method.empty() ? "built-in WMMA 16x16x16 GEMM, n=4096" : g.gemm_method;
        if (g.fp16_tflops.samples > 0) m["fp16_tflops"] = stats(g.fp16_tflops, gemm + ", FP16 in, FP32 accumulate");
        if (g.bf16_tflops.samples > 0) m["bf16_tflops"] = stats(g.bf16_tflops, gemm + ", BF16 in, FP32 accumulate");
        if (g.int8_tops.samples > 0) m["int8_tops"] = stats(g.int8_tops, gemm + ", INT8 in, INT32 accumulate");
        devices.push_back({{"kind", "gpu"},
                           {"backend", "cuda"},
                           {"name", g.name},
                           {"uuid", g.uuid},
                           {"pci_bus_id", g.pci_bus_id},
                           {"compute_capability", std::to_string(g.cc_major) + "." + std::to_string(g.cc_minor)},
                           {"sm_count", g.sm_count},
                           {"memory_bytes", g.total_bytes},
                           {"free_memory_bytes", g.free_bytes},
                           {"theoretical_bandwidth_gbs", g.theoretical_bandwidth_gbs},
                           {"cache_artefact", g.cache_artefact},
                           {"measurements", m}});
    }
    const SystemInfo& s = run.system;
    const std::string threads = std::to_string(run.cpu.threads) + " threads, " +
                                std::to_string(run.cpu.array_bytes >> 20) + " MiB arrays";
    devices.push_back({{"kind", "cpu"},
                       {"backend", "cpu"},
                       {"name", s.cpu_model},
                       {"threads", s.cpu_threads},
                       {"memory_bytes", s.memory_bytes},
                       {"free_memory_bytes", s.available_memory_bytes},
                       {"measurements",
                        {{"read_bandwidth_gbs", stats(run.cpu.read_gbs, "STREAM-style sum, " + threads)},
                         {"triad_bandwidth_gbs", stats(run.cpu.triad_gbs, "STREAM triad a = b + s*c, 24 bytes/element, " + threads)}}}});
    json doc = {{"schema", std::string(kProfileSchema)},
                {"probe_version", HEADROOM_VERSION},
                {"created", run.created_utc},
                {"quick", run.quick},
                {"host",
                 {{"hostname", s.hostname},
                  {"os", s.os},
                  {"cpu_model", s.cpu_model},
                  {"cpu_threads", s.cpu_threads},
                  {"memory_bytes", s.memory_bytes},
                  {"available_memory_bytes", s.available_memory_bytes},
                  {"last_level_cache_bytes", s.last_level_cache_bytes}}},
                {"gpu_status", run.gpus.message},
                {"devices", devices}};
    return doc.dump(2, ' ', false, json::error_handler_t::replace);
}

std::string base64url(const std::string& bytes) {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                           (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                           static_cast<unsigned char>(bytes[i + 2]);
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += kAlphabet[(v >> 6) & 63];
        out += kAlphabet[v & 63];
    }
    if (i < bytes.size()) {
        unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
        if (i + 1 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        if (i + 1 < bytes.size()) out += kAlphabet[(v >> 6) & 63];
    }
    return out;
}

std::string profile_link(const std::string& page_url, const std::string& profile) {
    // Compact the JSON first: the link carries it whole.
    json doc = json::parse(profile, nullptr, false);
    const std::string compact = doc.is_discarded() ? profile : doc.dump();
    return page_url + "#profile=" + base64url(compact);
}

}  // namespace headroom::probe
