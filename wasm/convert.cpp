// convert.cpp: builds plain JS objects from core's value types; all parsing stays in core.
#include "convert.h"

#include "headroom/catalog.h"
#include "headroom/embedded_catalog.h"
#include "headroom/estimate.h"
#include "headroom/params.h"
#include "headroom/profile.h"
#include "headroom/share_state.h"

namespace headroom::wasm {
namespace {

using emscripten::val;

/// The embedded catalog, parsed once on first use.
const CatalogResult& catalog() {
    static const CatalogResult c = load_catalog(embedded_catalog_json());
    return c;
}

template <class T, class F>
val array_of(const std::vector<T>& items, F to_val) {
    val out = val::array();
    for (size_t i = 0; i < items.size(); ++i) out.set(i, to_val(items[i]));
    return out;
}

}  // namespace

std::string catalog_error() { return catalog().error; }

val catalog_models() {
    return array_of(catalog().catalog.models, [](const CatalogModel& m) {
        val o = val::object();
        o.set("id", m.id);
        o.set("name", m.name);
        o.set("family", m.family);
        o.set("params", double(m.published_params));
        o.set("activeParams", double(m.published_active_params));
        o.set("computedParams", double(count_params(m.arch).total));
        o.set("layers", m.arch.layers);
        o.set("maxContext", m.arch.max_context);
        o.set("formats", array_of(m.formats, [](const std::string& f) { return val(f); }));
        return o;
    });
}

val catalog_hardware() {
    return array_of(catalog().catalog.hardware, [](const Hardware& h) {
        val o = val::object();
        o.set("id", h.id);
        o.set("name", h.name);
        o.set("backend", h.backend);
        o.set("memoryBytes", h.memory_bytes);
        o.set("bandwidthGbs", h.bandwidth_bytes_s / 1e9);
        o.set("fp16Tflops", h.fp16_flops / 1e12);
        o.set("unifiedMemory", h.unified_memory);
        o.set("gpuMemoryShare", h.gpu_memory_share);
        return o;
    });
}

val catalog_workloads() {
    return array_of(catalog().catalog.workloads, [](const Workload& w) {
        val o = val::object();
        o.set("id", w.id);
        o.set("name", w.name);
        o.set("promptTokens", double(w.prompt_tokens));
        o.set("genTokens", double(w.gen_tokens));
        o.set("context", double(w.context));
        o.set("concurrency", w.concurrency);
        return o;
    });
}

val weight_formats() {
    static const char* kNames[] = {"F16",    "BF16",   "Q8_0",   "Q6_K",    "Q5_K_M",    "Q5_K_S",
                                   "Q4_K_M", "Q4_K_S", "Q4_0",   "IQ4_XS",  "Q3_K_M",    "Q3_K_L",
                                   "Q2_K",   "IQ3_XXS", "IQ2_M", "IQ2_XXS", "FP8",       "AWQ 4-bit",
                                   "GPTQ 4-bit", "MLX 4-bit", "MLX 8-bit", "MXFP4",  "NVFP4"};
    val out = val::array();
    int i = 0;
    for (const char* n : kNames)
        if (find_weight_format(n).ok()) out.set(i++, val(std::string(n)));
    return out;
}

val estimate(const std::string& scenario_json) {
    // prediction_json is the one serialisation of a prediction; JSON.parse makes it a plain object.
    const std::string text = catalog().ok()
                                 ? estimate_line(scenario_json, catalog().catalog)
                                 : "{\"error\": \"embedded catalog is invalid\"}";
    return val::global("JSON").call<val>("parse", text);
}

val profile_hardware(const std::string& profile_json) {
    const ProfileResult r = hardware_from_profile(profile_json);
    val o = val::object();
    o.set("error", r.error);
    if (r.ok()) {
        o.set("name", r.hardware.name);
        o.set("backend", r.hardware.backend);
        o.set("memoryBytes", r.hardware.memory_bytes);
        o.set("bandwidthGbs", r.hardware.bandwidth_bytes_s / 1e9);
        o.set("fp16Tflops", r.hardware.fp16_flops / 1e12);
    }
    return o;
}

val decode_share_link(const std::string& fragment) {
    ShareStateResult r;
    if (catalog().ok()) r = headroom::decode_share_link(fragment, catalog().catalog);
    else r.error = "embedded catalog is invalid";
    const ShareState& s = r.state;  // the defaults when the link was bad
    val state = val::object();
    state.set("model", s.model);
    state.set("quant", s.quant);
    state.set("hardware", s.hardware);
    state.set("gpus", s.gpus);
    state.set("engine", s.engine);
    state.set("context", double(s.context));
    state.set("kv", s.kv);
    state.set("workload", s.workload);
    val o = val::object();
    o.set("error", r.error);
    o.set("state", state);
    o.set("profile", s.profile_json.empty() ? val::null() : val(s.profile_json));
    return o;
}

}  // namespace headroom::wasm
