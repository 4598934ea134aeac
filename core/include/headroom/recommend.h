// recommend.h: what runs well on given hardware, and what hardware runs a given model well.
#pragma once

#include <string>
#include <vector>

#include "headroom/catalog.h"
#include "headroom/setup.h"
#include "headroom/workload.h"

namespace headroom {

/// One catalog model in one format on the hardware of the query.
struct ModelPick {
    std::string model_id;
    std::string model_name;
    std::string format;
    Verdict verdict = Verdict::wont_fit;
    double decode_tok_s = 0;
    double ttft_s = 0;
    int64_t headroom_bytes = 0;
    double quality = 0;  ///< the ranking's quality proxy (see quality_proxy)
};

/// Quality proxy used to rank picks: log2 of the effective size in billions of parameters (the
/// geometric mean of total and active for MoE models), plus 0.5 per year of release after 2023
/// (newer models of a size score better), minus 5 x the format's published mean KL divergence
/// against 16-bit weights (Q4_K_M: -0.16, Q2_K: -2.2, about a quarter of the size).
double quality_proxy(const CatalogModel& model, const Catalog& catalog, const std::string& format);

/// The catalog models (in GGUF formats Q8_0 down to IQ2_M for llama.cpp-style engines, their own
/// 16-bit or 4-bit formats otherwise) that run well with `setup`'s hardware, devices and engine
/// for the workload: for each model its best-quality format that runs well, ranked by quality
/// proxy, then decode speed, then headroom. At most `top` picks.
std::vector<ModelPick> recommend_models(const Catalog& catalog, const Setup& setup, const Workload& workload,
                                        size_t top = 10);

/// Catalog hardware (1, 2, 4 or 8 devices) that runs `model` in `setup`'s format and engine well.
struct HardwarePick {
    std::string hardware_id;
    std::string hardware_name;
    int devices = 1;
    Verdict verdict = Verdict::wont_fit;
    double decode_tok_s = 0;
    double memory_bytes = 0;  ///< all devices together
    double price_usd = 0;     ///< all devices together; 0 when a price is unknown
};

struct HardwareChoice {
    bool found = false;
    HardwarePick smallest;  ///< least total memory that runs well
    HardwarePick cheapest;  ///< lowest known price that runs well (found_cheapest false: none priced)
    bool found_cheapest = false;
};

HardwareChoice recommend_hardware(const Catalog& catalog, const ModelArch& model, const Setup& setup,
                                  const Workload& workload);

}  // namespace headroom
