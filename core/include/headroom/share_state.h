// share_state.h: the page's settings as a share link carries them, decoded and checked by core
// before the page uses any of it. Links come from strangers: every field is checked against the
// catalog and physical ranges, and a bad link is an error naming what was wrong.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "headroom/catalog.h"
#include "headroom/hardware.h"

namespace headroom {

/// `hardware` value meaning "the measured device of the profile the state carries".
inline constexpr std::string_view kMeasuredHardware = "__measured__";

/// `model` value meaning "the model whose config.json the state carries" (imported or pasted).
inline constexpr std::string_view kImportedModel = "__imported__";

/// Limits on what a link may carry.
inline constexpr size_t kMaxShareFragmentBytes = 64 * 1024;  ///< the whole '#...' part
inline constexpr int kMaxShareGpus = 64;
inline constexpr int64_t kMaxShareContext = int64_t(1) << 24;
/// A config.json re-serialised compactly: the largest real ones (multimodal, with nested
/// text_config and vision_config) are under 10 KB; the whole link is limited to 64 KiB anyway.
inline constexpr size_t kMaxShareModelConfigBytes = 32 * 1024;
inline constexpr size_t kMaxShareModelNameBytes = 200;  ///< a Hub id is at most 96 characters
inline constexpr int64_t kMaxShareWeightsBytes = int64_t(1) << 50;
inline constexpr int64_t kMaxShareUsers = 4096;    ///< the scenario's batch limit
inline constexpr int64_t kMaxShareSteps = 10000;   ///< the workload reader's step limit

/// The workload preset's figures a person changed on the page; -1 keeps the preset's value.
struct WorkloadKnobs {
    int64_t prompt_tokens = -1;
    int64_t gen_tokens = -1;
    int64_t context = -1;  ///< the workload's context per user
    int64_t users = -1;    ///< concurrency
    int64_t steps = -1;
    bool any() const { return prompt_tokens >= 0 || gen_tokens >= 0 || context >= 0 || users >= 0 || steps >= 0; }
};
inline constexpr size_t kMaxShareCompare = 4;  ///< setups pinned side by side

/// The page's settings. Defaults are the page's first view.
struct ShareState {
    std::string model = "meta-llama/Meta-Llama-3-8B";
    std::string quant = "Q4_K_M";
    std::string hardware = "nvidia-rtx-4090";  ///< catalog id, or kMeasuredHardware with a profile
    int gpus = 1;
    std::string engine = "llama.cpp";
    int64_t context = 8192;
    std::string kv = "f16";
    std::string workload = "chat";
    /// Whether the GPU drives the displays (the desktop then keeps a share of its memory):
    /// "auto" follows the hardware's kind (consumer cards yes, datacenter no), "on" or "off".
    std::string display = "auto";
    std::string profile_json;  ///< the probe profile, re-serialised; empty when none
    Hardware profile_hardware; ///< what the profile describes, when profile_json is set
    std::string model_name;         ///< the imported model's name (its Hub id), with model_config_json
    std::string model_config_json;  ///< an imported or pasted config.json, re-serialised; empty when none
    int64_t model_weights_bytes = 0;  ///< the published checkpoint's size (safetensors index), 0: unknown
    WorkloadKnobs knobs;
    /// Setups pinned for comparison (at most kMaxShareCompare), each checked like the main state;
    /// an entry never has a compare list of its own.
    std::vector<ShareState> compare;
};

struct ShareStateResult {
    ShareState state;   ///< defaults when !ok()
    std::string error;  ///< empty on success; names the field or link part at fault
    bool ok() const { return error.empty(); }
};

/// Checks a state object (JSON text): {"model", "quant", "hardware", "gpus", "engine", "context",
/// "kv", "workload", "display" ("auto", "on" or "off"), "profile" (optional probe profile object), "model_name", "model_config" (an
/// optional config.json object core can read; then "model" may be kImportedModel),
/// "model_weights_bytes", "knobs": {"prompt_tokens", "gen_tokens", "context", "users", "steps"},
/// "compare" (optional array of up to kMaxShareCompare state objects without "compare")}.
/// Absent fields keep their defaults; unknown fields are ignored. Names must be in the catalog,
/// numbers whole and in range.
ShareStateResult read_share_state(std::string_view state_json, const Catalog& catalog);

/// Decodes a share link's fragment (the part after '#', the '#' itself optional):
/// `s=<base64url state JSON>` and/or `profile=<base64url probe profile JSON>`, joined by '&'.
/// Both parts must be valid base64url of valid UTF-8 JSON; a profile part makes the hardware the
/// measured device unless the state names another. An empty fragment gives the defaults.
ShareStateResult decode_share_link(std::string_view fragment, const Catalog& catalog);

/// The state as the JSON object read_share_state accepts (profile included when set).
std::string share_state_json(const ShareState& state);

/// The fragment (without '#') that decode_share_link reads back to `state`.
std::string encode_share_link(const ShareState& state);

/// base64url without padding, and its strict inverse (false on any character outside the alphabet
/// or an impossible length).
std::string base64url_encode(std::string_view bytes);
bool base64url_decode(std::string_view text, std::string& out);

/// True when `text` is well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
bool valid_utf8(std::string_view text);

}  // namespace headroom
