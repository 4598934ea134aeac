// estimate.cpp: the scenario contract: parse a scenario, run the models, write the prediction.
#include "headroom/estimate.h"

#include <array>
#include <cmath>

#include "engines.h"
#include "hardware_read.h"
#include "headroom/params.h"
#include "json_read.h"
#include "memory_constants.h"
#include "workload_read.h"

namespace headroom {
namespace {

using detail::json;


bool read_model(const json& s, const Catalog& catalog, Scenario& sc, std::string& err) {
    auto it = s.find("model");
    if (it == s.end()) {
        err = "missing field 'model'";
        return false;
    }
    if (it->is_string()) {
        const std::string& id = it->get_ref<const std::string&>();
        const CatalogModel* m = find_model(catalog, id);
        if (!m) {
            err = "unknown model '" + id.substr(0, 80) + "'";
            return false;
        }
        sc.arch = m->arch;
        sc.model_id = m->id;
        sc.model_name = m->name;
        return true;
    }
    if (!it->is_object()) {
        err = "field 'model' must be a catalog id or an object";
        return false;
    }
    if (!detail::read_string(*it, "name", sc.model_name, err)) return false;
    auto cfg = it->find("config");
    if (cfg == it->end()) {
        err = "model object needs a 'config'";
        return false;
    }
    if (!detail::arch_from_config(*cfg, sc.arch, err)) {
        err = "model config: " + err;
        return false;
    }
    return true;
}

bool read_hardware(const json& s, const Catalog& catalog, Hardware& hw, std::string& err) {
    auto it = s.find("hardware");
    if (it == s.end()) {
        err = "missing field 'hardware'";
        return false;
    }
    if (it->is_string()) {
        const std::string& id = it->get_ref<const std::string&>();
        const Hardware* h = find_hardware(catalog, id);
        if (!h) {
            err = "unknown hardware '" + id.substr(0, 80) + "'";
            return false;
        }
        hw = *h;
        return true;
    }
    if (it->is_object() && it->contains("profile")) {
        if (!detail::hardware_from_profile_json((*it)["profile"], hw, err)) {
            err = "hardware profile: " + err;
            return false;
        }
        return true;
    }
    if (!detail::hardware_from_json(*it, hw, err)) {
        err = "hardware: " + err;
        return false;
    }
    return true;
}

bool read_workload(const json& s, const Catalog& catalog, Workload& w, std::string& err) {
    if (const Workload* chat = find_workload(catalog, "chat")) w = *chat;
    auto it = s.find("workload");
    if (it == s.end() || it->is_null()) return true;
    if (it->is_string()) {
        const Workload* preset = find_workload(catalog, it->get_ref<const std::string&>());
        if (!preset) {
            err = "unknown workload '" + it->get_ref<const std::string&>().substr(0, 40) + "'";
            return false;
        }
        w = *preset;
        return true;
    }
    // A custom workload starts from the preset it names (or chat) and changes what it gives.
    if (it->is_object() && it->contains("preset") && (*it)["preset"].is_string()) {
        if (const Workload* base = find_workload(catalog, (*it)["preset"].get<std::string>())) w = *base;
    }
    if (!detail::workload_from_json(*it, w, err)) {
        err = "workload: " + err;
        return false;
    }
    return true;
}

bool read_scenario(const json& s, const Catalog& catalog, Scenario& sc, std::string& err) {
    if (!s.is_object()) {
        err = "scenario must be an object";
        return false;
    }
    if (auto id = s.find("id"); id != s.end() && id->is_number()) sc.id = id->dump();
    else if (!detail::read_string(s, "id", sc.id, err)) return false;
    if (!read_model(s, catalog, sc, err)) return false;
    Setup& set = sc.setup;
    if (!read_hardware(s, catalog, set.hardware, err)) return false;
    if (!read_workload(s, catalog, sc.workload, err)) return false;

    std::string quant, engine = "llama.cpp", kv = "f16";
    if (!detail::read_string(s, "quant", quant, err, true) ||
        !detail::read_string(s, "engine", engine, err) || !detail::read_string(s, "kv_type", kv, err) ||
        !detail::read_int(s, "weights_bytes", 1000, int64_t(1) << 50, set.weights_file_bytes, err) ||
        !detail::read_int(s, "embedding_bytes", 1, int64_t(1) << 50, set.embedding_file_bytes, err) ||
        !detail::read_int(s, "gpus", 1, 64, set.devices, err) ||
        !detail::read_int(s, "batch", 1, 4096, set.batch, err) ||
        !detail::read_bool(s, "flash_attn", set.flash_attn, err) ||
        !detail::read_bool(s, "experts_on_host", set.experts_on_host, err) ||
        !detail::read_number(s, "gpu_memory_utilization", 0.01, 1, set.gpu_memory_utilization, err) ||
        !detail::read_int(s, "max_num_seqs", 1, 65536, set.max_num_seqs, err) ||
        !detail::read_int(s, "max_num_batched_tokens", 1, int64_t(1) << 24, set.max_num_batched_tokens, err))
        return false;
    double host_gb = 0, memory_option_gb = 0;
    if (!detail::read_number(s, "host_memory_gb", 1, 1e5, host_gb, err) ||
        !detail::read_number(s, "hardware_memory_gb", 0.5, 1e5, memory_option_gb, err))
        return false;
    set.host_memory_bytes = host_gb * detail::kBytesPerMemoryGb;
    // Whether the device drives the displays: "display" switches the hardware's default desktop
    // share on or off, "desktop_reserve_gb" gives the figure itself.
    if (auto it = s.find("display"); it != s.end() && !it->is_null()) {
        bool display = false;
        if (!detail::read_bool(s, "display", display, err)) return false;
        if (!display) set.hardware.desktop_reserve_bytes = 0;
        else if (set.hardware.desktop_reserve_bytes <= 0)
            set.hardware.desktop_reserve_bytes = memory_constants::kDesktopReserveBytes;
    }
    double desktop_gb = -1;
    if (!detail::read_number(s, "desktop_reserve_gb", 0, 64, desktop_gb, err)) return false;
    if (desktop_gb >= 0) set.hardware.desktop_reserve_bytes = desktop_gb * detail::kBytesPerMemoryGb;
    if (memory_option_gb > 0) {
        // A memory configuration of the same chip (Apple sells each in several); Metal's working
        // set follows the memory size.
        set.hardware.memory_bytes = memory_option_gb * detail::kBytesPerMemoryGb;
        if (set.hardware.backend == "metal")
            set.hardware.gpu_memory_share = metal_working_set_share(set.hardware.memory_bytes);
    }
    if (set.embedding_file_bytes > 0 && set.embedding_file_bytes >= set.weights_file_bytes) {
        err = "'embedding_bytes' needs 'weights_bytes' larger than it";
        return false;
    }
    if (!detail::known_engine(engine)) {
        err = "unknown engine '" + engine.substr(0, 40) + "'";
        return false;
    }
    set.engine = engine;
    if (!parse_kv_type(kv, set.kv_type)) {
        err = "unknown kv_type '" + kv.substr(0, 40) + "'";
        return false;
    }
    FormatResult f = find_weight_format(quant);
    if (f.ok()) {
        set.format = f.format;
    } else if (set.weights_file_bytes > 0) {
        // A format the catalog does not know is still answered from the real file size.
        const double params = double(count_params(sc.arch).total);
        set.format = {quant.substr(0, 64), false, 8.0 * double(set.weights_file_bytes) / params};
    } else {
        err = f.error;
        return false;
    }

    const bool has_tokens = s.contains("prompt_tokens") || s.contains("gen_tokens");
    sc.prompt_tokens = has_tokens ? 0 : sc.workload.prompt_tokens;
    sc.gen_tokens = has_tokens ? 0 : sc.workload.gen_tokens;
    if (!detail::read_int(s, "prompt_tokens", 0, kMaxScenarioTokens, sc.prompt_tokens, err) ||
        !detail::read_int(s, "gen_tokens", 0, kMaxScenarioTokens, sc.gen_tokens, err))
        return false;
    // Without a context, allocate what the prompt and generation need (llama-bench's n_ctx), or
    // the workload's context.
    set.context = has_tokens ? std::max<int64_t>(1, sc.prompt_tokens + sc.gen_tokens) : sc.workload.context;
    if (!detail::read_int(s, "context", 1, kMaxScenarioTokens, set.context, err)) return false;
    return true;
}

}  // namespace

ScenarioResult parse_scenario(std::string_view text, const Catalog& catalog) {
    ScenarioResult r;
    json s = detail::parse_json(text, r.error);
    // A calibration row ({"scenario": {...}, "measured": {...}}) is answered for its scenario, so
    // the rows file itself can be fed to `estimate`.
    if (r.error.empty() && s.is_object() && !s.contains("model") && s.contains("scenario") && s["scenario"].is_object()) {
        json inner = std::move(s["scenario"]);
        s = std::move(inner);
    }
    if (r.error.empty() && !read_scenario(s, catalog, r.scenario, r.error)) {
        std::string id = r.scenario.id;
        r.scenario = Scenario{};
        r.scenario.id = id;
    }
    return r;
}

Prediction predict(const Scenario& sc, const Catalog* suggestions_from) {
    Prediction p;
    p.id = sc.id;
    p.memory = estimate_memory(sc.arch, sc.setup);
    if (sc.setup.devices > 1) p.devices = per_device_memory(sc.arch, sc.setup, p.memory);
    p.speed = estimate_speed(sc.arch, sc.setup, p.memory, sc.prompt_tokens, sc.gen_tokens);
    p.assessment = assess(sc.arch, sc.setup, sc.workload);
    if (suggestions_from)
        p.suggestions = suggest(sc.arch, sc.setup, sc.workload, suggestions_from, sc.model_id);
    return p;
}

ScenarioPoint predict_at(const Scenario& sc, int64_t context, int64_t prompt_tokens, int64_t gen_tokens) {
    ScenarioPoint out;
    if (context < 1 || context > kMaxScenarioTokens || prompt_tokens < 0 || prompt_tokens > kMaxScenarioTokens ||
        gen_tokens < 0 || gen_tokens > kMaxScenarioTokens)
        return out;
    Setup at = sc.setup;
    at.context = context;
    out.memory = estimate_memory(sc.arch, at);
    out.speed = estimate_speed(sc.arch, at, out.memory, prompt_tokens, gen_tokens);
    out.ok = true;
    return out;
}

std::string prediction_json(const Prediction& p) {
    json out;
    out["id"] = p.id;
    if (!p.error.empty()) {
        out["error"] = p.error;
        return out.dump(-1, ' ', false, json::error_handler_t::replace);
    }
    auto finite = [](double v) { return std::isfinite(v) ? json(v) : json(nullptr); };
    out["decode_tok_s"] = finite(p.speed.decode_tok_s);
    out["prefill_tok_s"] = finite(p.speed.prefill_tok_s);
    out["ttft_s"] = finite(p.speed.ttft_s);
    const MemoryBreakdown& m = p.memory;
    out["memory"] = {{"weights_bytes", m.weights_bytes},   {"device_weights_bytes", m.device_weights_bytes},
                     {"kv_bytes", m.kv_bytes},             {"compute_bytes", m.compute_bytes},
                     {"overhead_bytes", m.overhead_bytes}, {"total_bytes", m.total_bytes},
                     {"capacity_bytes", m.capacity_bytes}, {"desktop_bytes", m.desktop_bytes},
                     {"kv_pool_bytes", m.kv_pool_bytes},
                     {"kv_pool_tokens", m.kv_pool_tokens}};
    if (!p.devices.empty()) {
        json devices = json::array();
        for (const DeviceMemory& d : p.devices)
            devices.push_back({{"layers", d.layers},           {"weights_bytes", d.weights_bytes},
                               {"kv_bytes", d.kv_bytes},       {"compute_bytes", d.compute_bytes},
                               {"overhead_bytes", d.overhead_bytes}, {"total_bytes", d.total_bytes},
                               {"capacity_bytes", d.capacity_bytes}});
        out["memory"]["devices"] = devices;
    }
    out["fits"] = m.fits;
    out["offloaded_layers"] = m.offloaded_layers;
    if (m.host_expert_bytes > 0) out["host_expert_bytes"] = m.host_expert_bytes;
    const Assessment& a = p.assessment;
    out["verdict"] = std::string(verdict_name(a.verdict));
    out["limiting"] = a.limiting;
    out["reasons"] = a.reasons;
    const WorkloadFigures& f = a.figures;
    out["workload"] = {{"decode_tok_s", finite(f.decode_tok_s)},   {"prefill_tok_s", finite(f.prefill_tok_s)},
                       {"ttft_s", finite(f.ttft_s)},               {"task_s", finite(f.task_s)},
                       {"tokens_per_hour", finite(f.tokens_per_hour)}, {"headroom_bytes", f.headroom_bytes},
                       {"headroom_share", finite(f.headroom_share)}, {"max_context", f.max_context},
                       {"max_users", f.max_users}};
    // The inputs behind the speed figures, for "how it was computed" (constants: speed_constants.h).
    const SpeedEstimate& sp = p.speed;
    out["explain"] = {{"bytes_per_param", finite(sp.bytes_per_param)},
                      {"step_weight_bytes", finite(sp.step_weight_bytes)},
                      {"step_kv_bytes", finite(sp.step_kv_bytes)},
                      {"weight_bandwidth_bytes_s", finite(sp.weight_bandwidth_bytes_s)},
                      {"kv_bandwidth_bytes_s", finite(sp.kv_bandwidth_bytes_s)},
                      {"matrix_flops", finite(sp.matrix_flops)},
                      {"bandwidth_efficiency", finite(sp.bandwidth_efficiency)},
                      {"bandwidth_cap_bytes_s", finite(sp.bandwidth_cap_bytes_s)},
                      {"kv_efficiency", finite(sp.kv_efficiency)},
                      {"matrix_efficiency", finite(sp.matrix_efficiency)},
                      {"layer_seconds", finite(sp.layer_seconds)},
                      {"host_share", finite(sp.host_share)},
                      {"decode_weights_s", finite(sp.decode_weights_s)},
                      {"decode_kv_s", finite(sp.decode_kv_s)},
                      {"decode_compute_s", finite(sp.decode_compute_s)},
                      {"decode_fixed_s", finite(sp.decode_fixed_s)},
                      {"prefill_compute_s", finite(sp.prefill_compute_s)},
                      {"prefill_memory_s", finite(sp.prefill_memory_s)},
                      {"prefill_weights_s", finite(sp.prefill_weights_s)}};
    if (!p.suggestions.empty()) {
        json list = json::array();
        for (const Suggestion& sg : p.suggestions)
            list.push_back({{"change", sg.change},
                            {"verdict", std::string(verdict_name(sg.verdict))},
                            {"decode_tok_s", finite(sg.decode_tok_s)},
                            {"max_context", sg.max_context},
                            {"summary", sg.summary}});
        out["suggestions"] = list;
    }
    out["error"] = nullptr;
    return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string estimate_line(std::string_view text, const Catalog& catalog, bool with_suggestions) {
    ScenarioResult r = parse_scenario(text, catalog);
    if (!r.ok()) {
        Prediction p;
        p.id = r.scenario.id;
        p.error = r.error;
        return prediction_json(p);
    }
    return prediction_json(predict(r.scenario, with_suggestions ? &catalog : nullptr));
}

}  // namespace headroom
