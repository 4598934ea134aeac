// workload.h: what a person wants to do, and the verdict of a setup against it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "headroom/memory.h"
#include "headroom/speed.h"

namespace headroom {

/// The most tokens a context, prompt or output may hold in a scenario or workload (16M: beyond
/// any real context; it keeps every product of tokens and bytes far inside int64).
inline constexpr int64_t kMaxScenarioTokens = int64_t(1) << 24;

/// A workload preset (catalog/workloads.json) or a custom one. Defaults are the chat preset's.
struct Workload {
    std::string id = "chat";
    std::string name = "Chat";
    int64_t prompt_tokens = 500;
    int64_t gen_tokens = 400;
    int64_t context = 4096;
    int concurrency = 1;
    int steps = 1;                        ///< agent: model calls per task
    int64_t tool_output_tokens_per_step = 0;
    double prefix_reuse = 0;              ///< share of each prompt already in the prompt cache
    double good_decode_tok_s = 20;        ///< per user, for runs-well
    double usable_decode_tok_s = 8;       ///< per user, below this it is sluggish
    double good_ttft_s = 1;               ///< for runs-well
    double usable_ttft_s = 10;
    double good_task_s = 0;               ///< agent: whole task, 0 when not judged
    double usable_task_s = 0;
    double good_tokens_per_hour = 0;      ///< batch: total output, 0 when not judged
    double usable_tokens_per_hour = 0;
};

/// The answer a person wants: one word, what limits it, and why.
enum class Verdict { runs_well, usable, sluggish, too_tight, spills_to_cpu, wont_fit };

/// "runs-well", "usable", ... as the estimate contract spells them.
std::string_view verdict_name(Verdict verdict);

/// Rank for comparing verdicts: 0 is best (runs-well), 5 worst (wont-fit).
int verdict_rank(Verdict verdict);

/// The figures that matter for a workload, computed for the setup run as the workload describes.
struct WorkloadFigures {
    double decode_tok_s = 0;     ///< per user, at the workload's concurrency
    double prefill_tok_s = 0;
    double ttft_s = 0;           ///< the workload's prompt, less the cached prefix
    double task_s = 0;           ///< one answer, or the whole agent task
    double tokens_per_hour = 0;  ///< all users together
    int64_t headroom_bytes = 0;  ///< capacity left (negative: short by)
    double headroom_share = 0;   ///< of capacity
    int64_t max_context = 0;     ///< longest context per user that fits at the workload's concurrency
    int max_users = 0;           ///< most users that fit at the workload's context
};

struct Assessment {
    Verdict verdict = Verdict::wont_fit;
    std::string limiting;              ///< memory, bandwidth, compute, context, concurrency
    std::vector<std::string> reasons;  ///< plain sentences with the figures that decided it
    WorkloadFigures figures;
};

}  // namespace headroom
