// convert.cpp: builds plain JS objects from core's value types; all parsing stays in core.
#include "convert.h"

#include "headroom/catalog.h"
#include "headroom/embedded_catalog.h"
#include "headroom/estimate.h"
#include "headroom/gguf.h"
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

namespace {
val estimate_with(const std::string& scenario_json, bool with_suggestions) {
    // prediction_json is the one serialisation of a prediction; JSON.parse makes it a plain object.
    const std::string text = catalog().ok()
                                 ? estimate_line(scenario_json, catalog().catalog, with_suggestions)
                                 : "{\"error\": \"embedded catalog is invalid\"}";
    return val::global("JSON").call<val>("parse", text);
}
}  // namespace

val estimate(const std::string& scenario_json) { return estimate_with(scenario_json, false); }

val advise(const std::string& scenario_json) { return estimate_with(scenario_json, true); }

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

val inspect_gguf(const std::string& bytes) {
    const GgufParseResult r = parse_gguf_header(bytes);
    val o = val::object();
    o.set("error", r.error);
    o.set("needBytes", double(r.need_bytes));
    o.set("maxHeaderBytes", double(kGgufMaxHeaderBytes));
    if (!r.ok()) return o;
    const GgufHeader& h = r.header;
    const GgufModel m = describe_gguf(h);
    o.set("version", h.version);
    o.set("tensorCount", double(h.tensor_count));
    o.set("metadataCount", double(h.kv_count));
    o.set("headerBytes", double(h.header_bytes));
    o.set("expectedFileBytes", double(h.expected_file_bytes));
    o.set("architecture", m.architecture);
    o.set("name", m.name);
    o.set("fileType", m.file_type);
    o.set("dominantType", m.dominant_type);
    o.set("splitCount", m.split_count);
    o.set("tensorBytes", double(m.tensor_bytes));
    o.set("embeddingBytes", double(m.embedding_bytes));
    o.set("deviceBytes", double(m.device_bytes));
    o.set("byType", array_of(m.by_type, [](const GgufTypeBytes& t) {
        val b = val::object();
        b.set("type", t.type);
        b.set("tensors", t.tensors);
        b.set("bytes", double(t.bytes));
        return b;
    }));
    // The format to name in a scenario: the file type, else the type most bytes are stored in.
    o.set("quant", !m.file_type.empty() ? m.file_type : !m.dominant_type.empty() ? m.dominant_type : "GGUF");
    o.set("archError", m.arch_error);
    if (m.arch_error.empty()) {
        const ModelArch& a = m.arch;
        val arch = val::object();
        arch.set("modelType", a.model_type);
        arch.set("layers", a.layers);
        arch.set("hidden", a.hidden);
        arch.set("heads", a.heads);
        arch.set("kvHeads", a.kv_heads);
        arch.set("headDim", a.head_dim);
        arch.set("ffn", a.ffn);
        arch.set("vocab", a.vocab);
        arch.set("maxContext", a.max_context);
        arch.set("slidingWindow", a.sliding_window);
        arch.set("experts", a.moe.experts);
        arch.set("activeExperts", a.moe.active_experts);
        arch.set("kvLoraRank", a.mla.kv_lora_rank);
        arch.set("tiedEmbeddings", a.tied_embeddings);
        arch.set("params", double(count_params(a).total));
        o.set("arch", arch);
        val model = val::object();
        model.set("name", m.name.empty() ? m.architecture : m.name.substr(0, 200));
        model.set("config", val::global("JSON").call<val>("parse", m.config_json));
        o.set("scenarioModel", model);
    }
    return o;
}

namespace {
val state_val(const ShareState& s) {
    val state = val::object();
    state.set("model", s.model);
    state.set("quant", s.quant);
    state.set("hardware", s.hardware);
    state.set("gpus", s.gpus);
    state.set("engine", s.engine);
    state.set("context", double(s.context));
    state.set("kv", s.kv);
    state.set("workload", s.workload);
    return state;
}
}  // namespace

val decode_share_link(const std::string& fragment) {
    ShareStateResult r;
    if (catalog().ok()) r = headroom::decode_share_link(fragment, catalog().catalog);
    else r.error = "embedded catalog is invalid";
    const ShareState& s = r.state;  // the defaults when the link was bad
    val o = val::object();
    o.set("error", r.error);
    o.set("state", state_val(s));
    o.set("profile", s.profile_json.empty() ? val::null() : val(s.profile_json));
    // Pinned setups: each a state with its own profile text (null when none).
    o.set("compare", array_of(s.compare, [](const ShareState& c) {
        val entry = val::object();
        entry.set("state", state_val(c));
        entry.set("profile", c.profile_json.empty() ? val::null() : val(c.profile_json));
        return entry;
    }));
    return o;
}

}  // namespace headroom::wasm
