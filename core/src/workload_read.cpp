// workload_read.cpp: reading workloads with their targets, every figure range-checked.
#include "workload_read.h"

namespace headroom::detail {
namespace {

/// targets.<level>.<key> is {"value": N, "why": ..., "source": ...}; absent keeps `out`.
bool read_target(const json& targets, const char* level, const char* key, double& out, std::string& err) {
    auto lv = targets.find(level);
    if (lv == targets.end() || !lv->is_object()) return true;
    auto t = lv->find(key);
    if (t == lv->end() || t->is_null()) return true;
    if (!t->is_object()) {
        err = std::string("target ") + level + "." + key + " must be an object with a value";
        return false;
    }
    if (!read_number(*t, "value", 0, 1e12, out, err, true)) {
        err = std::string("target ") + level + "." + key + ": " + err;
        return false;
    }
    return true;
}

}  // namespace

bool workload_from_json(const json& o, Workload& w, std::string& err) {
    if (!o.is_object()) {
        err = "workload must be an object";
        return false;
    }
    if (!read_string(o, "id", w.id, err) || !read_string(o, "name", w.name, err) ||
        !read_int(o, "prompt_tokens", 0, kMaxScenarioTokens, w.prompt_tokens, err) ||
        !read_int(o, "gen_tokens", 0, kMaxScenarioTokens, w.gen_tokens, err) ||
        !read_int(o, "context", 1, kMaxScenarioTokens, w.context, err) ||
        !read_int(o, "concurrency", 1, 100000, w.concurrency, err) ||
        !read_int(o, "steps", 1, 10000, w.steps, err) ||
        !read_int(o, "tool_output_tokens_per_step", 0, kMaxScenarioTokens, w.tool_output_tokens_per_step, err) ||
        !read_number(o, "prefix_reuse", 0, 1, w.prefix_reuse, err))
        return false;
    if (auto t = o.find("targets"); t != o.end()) {
        if (!t->is_object()) {
            err = "field 'targets' must be an object";
            return false;
        }
        if (!read_target(*t, "runs_well", "min_decode_tok_s", w.good_decode_tok_s, err) ||
            !read_target(*t, "usable", "min_decode_tok_s", w.usable_decode_tok_s, err) ||
            !read_target(*t, "runs_well", "max_ttft_s", w.good_ttft_s, err) ||
            !read_target(*t, "usable", "max_ttft_s", w.usable_ttft_s, err) ||
            !read_target(*t, "runs_well", "max_task_s", w.good_task_s, err) ||
            !read_target(*t, "usable", "max_task_s", w.usable_task_s, err) ||
            !read_target(*t, "runs_well", "min_output_tokens_per_hour", w.good_tokens_per_hour, err) ||
            !read_target(*t, "usable", "min_output_tokens_per_hour", w.usable_tokens_per_hour, err))
            return false;
    }
    if (w.name.empty()) w.name = w.id;
    return true;
}

}  // namespace headroom::detail
