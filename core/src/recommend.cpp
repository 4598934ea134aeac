// recommend.cpp: sweeps over the catalog for the models that run well on some hardware, and the
// hardware that runs a model well.
#include "headroom/recommend.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "headroom/advice.h"
#include "headroom/weights.h"

namespace headroom {
namespace {

/// Formats tried per engine family, most bits first.
const std::vector<std::string>& formats_for(const std::string& engine) {
    static const std::vector<std::string> gguf = {"Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M", "IQ4_XS", "Q3_K_M", "IQ2_M"};
    static const std::vector<std::string> mlx = {"MLX 8-bit", "MLX 4-bit"};
    static const std::vector<std::string> gpu_server = {"FP16", "FP8", "AWQ 4-bit"};
    if (engine == "mlx") return mlx;
    if (engine == "vllm" || engine == "sglang" || engine == "tensorrt-llm") return gpu_server;
    return gguf;
}

/// True when `format` cannot run well with `s` whatever the context, users and speed: the weights
/// the engine places on the devices alone leave less than the safe headroom of an upper bound on
/// the devices' capacity. Cheap (weight bytes are memoised per shape), so a sweep skips most
/// formats that do not fit before the full assessment; assess would say too-tight, spills-to-cpu
/// or wont-fit for every one it skips (memory.cpp: total >= device weights >= these bytes;
/// capacity <= memory x GPU share x devices).
bool cannot_run_well(const ModelArch& arch, const Setup& s) {
    const double capacity_bound = s.hardware.memory_bytes * s.hardware.gpu_memory_share * s.devices;
    // Rounding margin: the bound must never skip a format that assess would pass.
    constexpr double kMargin = 1.0 + 1e-9;
    const double least_on_device = double(weights_bytes(arch, s.format).device_bytes);
    return least_on_device > (1.0 - kSafeHeadroomShare) * capacity_bound * kMargin;
}

int release_year(const std::string& released) {
    return released.size() >= 4 ? std::atoi(released.substr(0, 4).c_str()) : 2023;
}

}  // namespace

double quality_proxy(const CatalogModel& m, const Catalog& c, const std::string& format) {
    const double total = double(std::max<int64_t>(1, m.published_params));
    const double active = double(std::max<int64_t>(1, m.published_active_params));
    const double effective_b = std::sqrt(total * active) / 1e9;
    const FormatQuality* q = find_quality(c, format);
    const double kld = q ? q->mean_kld : 0.0;  // formats without a published figure: no penalty
    return std::log2(std::max(0.01, effective_b)) + 0.5 * (release_year(m.released) - 2023) - 5.0 * kld;
}

std::vector<ModelPick> recommend_models(const Catalog& catalog, const Setup& setup, const Workload& workload,
                                        size_t top) {
    std::vector<ModelPick> picks;
    for (const CatalogModel& m : all_models(catalog)) {
        for (const std::string& name : formats_for(setup.engine)) {
            FormatResult f = find_weight_format(name);
            if (!f.ok()) continue;
            Setup s = setup;
            s.format = f.format;
            s.weights_file_bytes = 0;
            if (cannot_run_well(m.arch, s)) continue;
            const Assessment a = assess(m.arch, s, workload, AssessDepth::verdict);
            if (a.verdict != Verdict::runs_well) continue;
            // Formats are tried most bits first: the first that runs well is this model's best.
            picks.push_back({m.id, m.name, name, a.verdict, a.figures.decode_tok_s, a.figures.ttft_s,
                             a.figures.headroom_bytes, quality_proxy(m, catalog, name)});
            break;
        }
    }
    std::stable_sort(picks.begin(), picks.end(), [](const ModelPick& x, const ModelPick& y) {
        if (x.quality != y.quality) return x.quality > y.quality;
        if (x.decode_tok_s != y.decode_tok_s) return x.decode_tok_s > y.decode_tok_s;
        return x.headroom_bytes > y.headroom_bytes;
    });
    if (picks.size() > top) picks.resize(top);
    return picks;
}

HardwareChoice recommend_hardware(const Catalog& catalog, const ModelArch& model, const Setup& setup,
                                  const Workload& workload) {
    HardwareChoice out;
    for (const Hardware& hw : all_hardware(catalog)) {
        for (int devices : {1, 2, 4, 8}) {
            Setup s = setup;
            s.hardware = hw;
            s.devices = devices;
            if (cannot_run_well(model, s)) continue;
            const Assessment a = assess(model, s, workload, AssessDepth::verdict);
            if (a.verdict != Verdict::runs_well) continue;
            HardwarePick p{hw.id, hw.name, devices, a.verdict, a.figures.decode_tok_s,
                           hw.memory_bytes * devices, hw.price_usd * devices};
            if (!out.found || p.memory_bytes < out.smallest.memory_bytes) out.smallest = p;
            out.found = true;
            if (p.price_usd > 0 && (!out.found_cheapest || p.price_usd < out.cheapest.price_usd)) {
                out.cheapest = p;
                out.found_cheapest = true;
            }
            break;  // fewer devices of the same kind are always the better pick
        }
    }
    return out;
}

}  // namespace headroom
