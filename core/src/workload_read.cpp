// workload_read.cpp: reading workloads with their targets, every figure range-checked.
#include "workload_read.h"

namespace headroom::detail {

bool workload_from_json(const json& o, Workload& w, std::string& err) {
    if (!o.is_object()) {
        err = "workload must be an object";
        return false;
    }
    if (!read_string(o, "id", w.id, err) || !read_string(o, "name", w.name, err) ||
        !read_int(o, "prompt_tokens", 0, int64_t(1) << 24, w.prompt_tokens, err) ||
        !read_int(o, "gen_tokens", 0, int64_t(1) << 24, w.gen_tokens, err) ||
        !read_int(o, "context", 1, int64_t(1) << 24, w.context, err) ||
        !read_int(o, "concurrency", 1, 100000, w.concurrency, err))
        return false;
    if (auto t = o.find("targets"); t != o.end()) {
        if (!t->is_object()) {
            err = "field 'targets' must be an object";
            return false;
        }
        if (!read_number(*t, "good_decode_tok_s", 0, 1e6, w.good_decode_tok_s, err) ||
            !read_number(*t, "usable_decode_tok_s", 0, 1e6, w.usable_decode_tok_s, err) ||
            !read_number(*t, "good_ttft_s", 0, 1e6, w.good_ttft_s, err) ||
            !read_number(*t, "usable_ttft_s", 0, 1e6, w.usable_ttft_s, err))
            return false;
    }
    if (w.name.empty()) w.name = w.id;
    return true;
}

}  // namespace headroom::detail
