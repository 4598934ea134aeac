// convert.cpp: builds plain JS objects from core's value types; all parsing stays in core.
#include "convert.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "headroom/catalog.h"
#include "headroom/config.h"
#include "headroom/embedded_catalog.h"
#include "headroom/estimate.h"
#include "headroom/gguf.h"
#include "headroom/memory.h"
#include "headroom/params.h"
#include "headroom/profile.h"
#include "headroom/recommend.h"
#include "headroom/share_state.h"
#include "headroom/speed.h"

namespace headroom::wasm {
namespace {

using emscripten::val;

/// The embedded catalog, opened entry by entry: the page's first answer reads the two entries it
/// names instead of parsing the whole document (most of its start-up); the listings and sweeps
/// read the rest when they first run.
const CatalogResult& catalog() {
    static const CatalogResult c = open_catalog(embedded_catalog_json(), embedded_catalog_index());
    return c;
}

/// A JSON value as a plain JS object, through one JSON.parse (invalid UTF-8 is replaced, never thrown).
val from_json(const nlohmann::json& j) {
    return val::global("JSON").call<val>("parse", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

template <class T, class F>
val array_of(const std::vector<T>& items, F to_val) {
    val out = val::array();
    for (size_t i = 0; i < items.size(); ++i) out.set(i, to_val(items[i]));
    return out;
}

}  // namespace

// An entry is read when first used, so a bad one shows here once something has read it (the
// listings read them all); the catalog tests check every entry at build time.
std::string catalog_error() { return catalog().ok() ? entry_errors(catalog().catalog) : catalog().error; }

// The listings are built as one JSON text and handed over with a single JSON.parse: setting each
// field through Embind crossed into JS about ten times per entry, which cost the page ~100 ms of
// its start-up on the ~150-model catalog.
val catalog_models() {
    nlohmann::json out = nlohmann::json::array();
    for (const CatalogModel& m : all_models(catalog().catalog)) {
        out.push_back({{"id", m.id},
                       {"name", m.name},
                       {"family", m.family},
                       {"params", double(m.published_params)},
                       {"activeParams", double(m.published_active_params)},
                       {"computedParams", double(count_params(m.arch).total)},
                       {"layers", m.arch.layers},
                       {"maxContext", m.arch.max_context},
                       {"formats", m.formats}});
    }
    return from_json(out);
}

val catalog_hardware() {
    nlohmann::json out = nlohmann::json::array();
    for (const Hardware& h : all_hardware(catalog().catalog)) {
        out.push_back({{"id", h.id},
                       {"name", h.name},
                       {"backend", h.backend},
                       {"memoryBytes", h.memory_bytes},
                       {"bandwidthGbs", h.bandwidth_bytes_s / 1e9},
                       {"fp16Tflops", h.fp16_flops / 1e12},
                       {"unifiedMemory", h.unified_memory},
                       {"gpuMemoryShare", h.gpu_memory_share}});
    }
    return from_json(out);
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
        o.set("steps", w.steps);
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
    state.set("display", s.display);
    // The imported model travels as its config (already checked by core) and name.
    state.set("modelName", s.model_name);
    state.set("modelConfig", s.model_config_json.empty() ? val::null()
                                                         : val::global("JSON").call<val>("parse", s.model_config_json));
    state.set("modelWeightsBytes", double(s.model_weights_bytes));
    val knobs = val::object();
    const std::pair<const char*, int64_t> fields[] = {{"promptTokens", s.knobs.prompt_tokens},
        {"genTokens", s.knobs.gen_tokens}, {"context", s.knobs.context}, {"users", s.knobs.users},
        {"steps", s.knobs.steps}};
    for (const auto& [name, value] : fields)
        if (value >= 0) knobs.set(name, double(value));
    state.set("knobs", knobs);
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

val parse_config(const std::string& config_json) {
    const ArchResult r = parse_hf_config(config_json);
    val o = val::object();
    o.set("error", r.error);
    if (!r.ok()) return o;
    const ModelArch& a = r.arch;
    const ParamCount n = count_params(a);
    o.set("modelType", a.model_type);
    o.set("layers", a.layers);
    o.set("hidden", a.hidden);
    o.set("heads", a.heads);
    o.set("kvHeads", a.kv_heads);
    o.set("headDim", a.head_dim);
    o.set("vocab", a.vocab);
    o.set("maxContext", double(a.max_context));
    o.set("experts", a.moe.experts);
    o.set("activeExperts", a.moe.active_experts);
    o.set("params", double(n.total));
    o.set("activeParams", double(n.active));
    return o;
}

namespace {

/// A scenario read by core, or an object whose `error` says why not.
bool scenario_for(const std::string& scenario_json, Scenario& sc, val& failure) {
    if (!catalog().ok()) {
        failure = val::object();
        failure.set("error", std::string("embedded catalog is invalid"));
        return false;
    }
    ScenarioResult r = parse_scenario(scenario_json, catalog().catalog);
    if (!r.ok()) {
        failure = val::object();
        failure.set("error", r.error);
        return false;
    }
    sc = std::move(r.scenario);
    return true;
}

val nullable(double v) { return std::isfinite(v) ? val(v) : val::null(); }

/// A format's size against 16-bit weights and its published quality loss (null when unpublished).
void set_format_facts(val& o, const std::string& format) {
    const FormatResult f = find_weight_format(format);
    o.set("bitsPerWeight", f.ok() ? val(f.format.bits_per_weight) : val::null());
    const FormatQuality* q = find_quality(catalog().catalog, format);
    o.set("meanKld", q ? val(q->mean_kld) : val::null());
    o.set("deltaPpl", q ? val(q->delta_ppl) : val::null());
}

val hardware_pick(const HardwarePick& h) {
    val o = val::object();
    o.set("hardwareId", h.hardware_id);
    o.set("hardwareName", h.hardware_name);
    o.set("devices", h.devices);
    o.set("verdict", std::string(verdict_name(h.verdict)));
    o.set("decodeTokS", nullable(h.decode_tok_s));
    o.set("memoryBytes", h.memory_bytes);
    o.set("priceUsd", h.price_usd);
    return o;
}

}  // namespace

val estimate_series(const std::string& scenario_json, const val& points) {
    Scenario sc;
    val failure = val::undefined();
    if (!scenario_for(scenario_json, sc, failure)) return failure;
    const unsigned n = points.isArray() ? points["length"].as<unsigned>() : 0;
    if (!points.isArray() || n > kMaxSeriesPoints) {
        failure = val::object();
        failure.set("error", std::string("points must be an array of at most ") + std::to_string(kMaxSeriesPoints));
        return failure;
    }
    // Whole numbers only; core checks their ranges.
    auto tokens = [&](const val& point, const char* key, int64_t& out) {
        const val v = point[key];
        if (!v.isNumber()) return false;
        const double d = v.as<double>();
        if (!(std::fabs(d) <= double(kMaxScenarioTokens) + 1) || d != std::floor(d)) return false;
        out = int64_t(d);
        return true;
    };
    val decode = val::array(), total = val::array(), capacity = val::array(), fits = val::array();
    for (unsigned i = 0; i < n; ++i) {
        const val point = points[i];
        int64_t context = 0, prompt = 0, gen = 0;
        ScenarioPoint p;
        if (!point.isUndefined() && !point.isNull() && tokens(point, "context", context) &&
            tokens(point, "promptTokens", prompt) && tokens(point, "genTokens", gen))
            p = predict_at(sc, context, prompt, gen);
        if (p.ok) {
            decode.set(i, nullable(p.speed.decode_tok_s));
            total.set(i, double(p.memory.total_bytes));
            capacity.set(i, double(p.memory.capacity_bytes));
            fits.set(i, p.memory.fits);
        } else {
            decode.set(i, val::null());
            total.set(i, val::null());
            capacity.set(i, val::null());
            fits.set(i, false);
        }
    }
    val o = val::object();
    o.set("error", std::string());
    o.set("decodeTokS", decode);
    o.set("totalBytes", total);
    o.set("capacityBytes", capacity);
    o.set("fits", fits);
    return o;
}

val recommend_models(const std::string& scenario_json, int top) {
    Scenario sc;
    val failure = val::undefined();
    if (!scenario_for(scenario_json, sc, failure)) return failure;
    const std::vector<ModelPick> picks =
        headroom::recommend_models(catalog().catalog, sc.setup, sc.workload, size_t(std::max(1, std::min(top, 1000))));
    val o = val::object();
    o.set("error", std::string());
    o.set("picks", array_of(picks, [](const ModelPick& p) {
        val x = val::object();
        x.set("modelId", p.model_id);
        x.set("modelName", p.model_name);
        x.set("format", p.format);
        x.set("verdict", std::string(verdict_name(p.verdict)));
        x.set("decodeTokS", nullable(p.decode_tok_s));
        x.set("ttftS", nullable(p.ttft_s));
        x.set("headroomBytes", double(p.headroom_bytes));
        x.set("quality", nullable(p.quality));
        set_format_facts(x, p.format);
        return x;
    }));
    return o;
}

val recommend_hardware(const std::string& scenario_json) {
    Scenario sc;
    val failure = val::undefined();
    if (!scenario_for(scenario_json, sc, failure)) return failure;
    const HardwareChoice c = headroom::recommend_hardware(catalog().catalog, sc.arch, sc.setup, sc.workload);
    val o = val::object();
    o.set("error", std::string());
    o.set("found", c.found);
    o.set("smallest", c.found ? hardware_pick(c.smallest) : val::null());
    o.set("cheapest", c.found_cheapest ? hardware_pick(c.cheapest) : val::null());
    return o;
}

}  // namespace headroom::wasm
