// workload_read.h (private): a workload preset or custom workload from JSON.
#pragma once

#include <string>

#include "headroom/workload.h"
#include "json_read.h"

namespace headroom::detail {

/// {"id", "name", "prompt_tokens", "gen_tokens", "context", "concurrency", "steps", "targets":
///  {"runs_well": {"min_decode_tok_s": {"value": N}, ...}, "usable": {...}}} ->
/// Workload; fields absent keep the values already in `w` (so a preset can be adjusted).
bool workload_from_json(const json& obj, Workload& w, std::string& error);

}  // namespace headroom::detail
