// fuzz_entries.h: one entry per parser that takes untrusted input. The libFuzzer targets
// (<target>_fuzz.cpp) call them on generated inputs; fuzz_regression_test.cpp calls them on every
// seed and every input that once crashed, so each finding stays a test in the GoogleTest suite.
// Each entry also checks what must hold for any input: a result is either an error that says
// something or a value core can compute with, and computing with it stays finite.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "headroom/catalog.h"
#include "headroom/config.h"
#include "headroom/embedded_catalog.h"
#include "headroom/estimate.h"
#ifdef HEADROOM_GGUF_READER
#include "headroom/gguf.h"
#endif
#include "headroom/kv_cache.h"
#include "headroom/memory.h"
#include "headroom/params.h"
#include "headroom/profile.h"
#include "headroom/share_state.h"
#include "headroom/speed.h"
#include "headroom/weights.h"

namespace headroom::fuzz {

/// An invariant that failed: print it and abort, which libFuzzer reports as a crash.
[[noreturn]] inline void fail(const char* what, std::string_view detail = {}) {
    std::fprintf(stderr, "fuzz invariant failed: %s %.*s\n", what, int(detail.size()), detail.data());
    std::abort();
}
#define HEADROOM_FUZZ_CHECK(cond, detail) \
    do {                                  \
        if (!(cond)) ::headroom::fuzz::fail(#cond, detail); \
    } while (0)

inline const Catalog& catalog() {
    static const Catalog c = [] {
        CatalogResult r = load_catalog(embedded_catalog_json());
        if (!r.ok()) fail("embedded catalog invalid", r.error);
        return r.catalog;
    }();
    return c;
}

/// Runs every model on an architecture and a setup that parsed; the figures must be sane.
inline void compute_with(const ModelArch& arch, const Setup& setup) {
    const ParamCount p = count_params(arch);
    HEADROOM_FUZZ_CHECK(p.total > 0 && p.active > 0 && p.active <= p.total, arch.model_type);
    const WeightsBytes w = weights_bytes(arch, setup.format);
    HEADROOM_FUZZ_CHECK(w.file_bytes > 0, arch.model_type);
    HEADROOM_FUZZ_CHECK(kv_cache_bytes(arch, setup.context, setup.batch, setup.kv_type) >= 0, arch.model_type);
    const MemoryBreakdown m = estimate_memory(arch, setup);
    HEADROOM_FUZZ_CHECK(m.total_bytes >= 0 && m.kv_bytes >= 0 && m.offloaded_layers >= 0 &&
                            m.offloaded_layers <= arch.layers,
                        arch.model_type);
    const SpeedEstimate s = estimate_speed(arch, setup, m, 512, 128);
    HEADROOM_FUZZ_CHECK(!std::isnan(s.decode_tok_s) && !std::isnan(s.prefill_tok_s) && !std::isnan(s.ttft_s),
                        arch.model_type);
}

inline Setup default_setup() {
    Setup s;
    s.format = find_weight_format("Q4_K_M").format;
    if (const Hardware* h = find_hardware(catalog(), "nvidia-rtx-4090")) s.hardware = *h;
    return s;
}

/// config.json text -> architecture.
inline void config_entry(std::string_view text) {
    const ArchResult r = parse_hf_config(text);
    if (!r.ok()) return;
    const ModelArch& a = r.arch;
    HEADROOM_FUZZ_CHECK(a.layers >= 1 && a.hidden >= 1 && a.heads >= 1 && a.kv_heads >= 1 && a.head_dim >= 1 &&
                            a.vocab >= 1,
                        a.model_type);
    HEADROOM_FUZZ_CHECK(a.layer_kinds.size() == size_t(a.layers), a.model_type);
    Setup s = default_setup();
    compute_with(a, s);
    s.context = int64_t(1) << 24;
    s.batch = 4096;
    compute_with(a, s);
}

/// probe profile text -> measured hardware.
inline void profile_entry(std::string_view text) {
    const ProfileResult r = hardware_from_profile(text);
    if (!r.ok()) return;
    const Hardware& h = r.hardware;
    HEADROOM_FUZZ_CHECK(h.measured && std::isfinite(h.memory_bytes) && h.memory_bytes > 0, h.name);
    HEADROOM_FUZZ_CHECK(std::isfinite(h.bandwidth_bytes_s) && h.bandwidth_bytes_s > 0, h.name);
    HEADROOM_FUZZ_CHECK(std::isfinite(h.fp16_flops) && h.fp16_flops >= 0, h.name);
    Setup s = default_setup();
    s.hardware = h;
    compute_with(find_model(catalog(), "meta-llama/Meta-Llama-3-8B")->arch, s);
}

/// one scenario line -> one prediction line, which must be a JSON object with an id.
inline void scenario_entry(std::string_view text) {
    const std::string out = estimate_line(text, catalog());
    const nlohmann::json j = nlohmann::json::parse(out, nullptr, /*allow_exceptions=*/false);
    HEADROOM_FUZZ_CHECK(j.is_object() && j.contains("id") && j.contains("error"), out);
    if (j["error"].is_string()) {
        HEADROOM_FUZZ_CHECK(!j["error"].get<std::string>().empty(), out);
    } else {
        HEADROOM_FUZZ_CHECK(j["verdict"].is_string() && j["memory"].is_object(), out);
    }
}

inline bool same_state(const ShareState& a, const ShareState& b) {
    return a.model == b.model && a.quant == b.quant && a.hardware == b.hardware && a.gpus == b.gpus &&
           a.engine == b.engine && a.context == b.context && a.kv == b.kv && a.workload == b.workload &&
           a.profile_json == b.profile_json;
}

/// a share link's fragment, and the same bytes as a bare state object -> checked settings.
/// A state that passed must survive encode -> decode unchanged.
inline void share_state_entry(std::string_view text) {
    for (const ShareStateResult& r : {decode_share_link(text, catalog()), read_share_state(text, catalog())}) {
        if (!r.ok()) {
            HEADROOM_FUZZ_CHECK(same_state(r.state, ShareState{}), r.error);
            continue;
        }
        const ShareState& st = r.state;
        HEADROOM_FUZZ_CHECK(st.gpus >= 1 && st.gpus <= kMaxShareGpus && st.context >= 1 &&
                                st.context <= kMaxShareContext,
                            st.model);
        HEADROOM_FUZZ_CHECK(find_model(catalog(), st.model) != nullptr, st.model);
        const ShareStateResult again = decode_share_link(encode_share_link(st), catalog());
        HEADROOM_FUZZ_CHECK(again.ok(), again.error);
        HEADROOM_FUZZ_CHECK(same_state(again.state, st), share_state_json(st));
        const ShareStateResult as_json = read_share_state(share_state_json(st), catalog());
        HEADROOM_FUZZ_CHECK(as_json.ok() && same_state(as_json.state, st), as_json.error);
    }
}

#ifdef HEADROOM_GGUF_READER
/// the first bytes of a GGUF file -> header -> model. A header that parsed must describe itself
/// consistently, and an architecture read from it must be computable.
inline void gguf_entry(std::string_view bytes) {
    const GgufParseResult r = parse_gguf_header(bytes);
    HEADROOM_FUZZ_CHECK(r.error.empty() || r.need_bytes == 0, r.error);
    if (!r.ok()) return;
    const GgufHeader& h = r.header;
    HEADROOM_FUZZ_CHECK(h.tensors.size() == h.tensor_count && h.tensor_bytes >= 0, "tensor table");
    HEADROOM_FUZZ_CHECK(h.header_bytes <= bytes.size(), "header past the bytes given");
    const GgufModel m = describe_gguf(h);
    HEADROOM_FUZZ_CHECK(m.tensor_bytes >= 0 && m.embedding_bytes >= 0, m.architecture);
    if (m.arch_error.empty()) {
        HEADROOM_FUZZ_CHECK(m.arch.layers >= 1 && m.arch.layer_kinds.size() == size_t(m.arch.layers), m.architecture);
        compute_with(m.arch, default_setup());
    }
}
#endif

}  // namespace headroom::fuzz
