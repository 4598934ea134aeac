// advice.h: a setup judged against a workload, and the changes that would make it run well.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "headroom/catalog.h"
#include "headroom/model.h"
#include "headroom/setup.h"
#include "headroom/workload.h"

namespace headroom {

/// `setup` as the workload runs it: the workload's context and users (a larger context the setup
/// asks for is kept).
Setup workload_setup(const Setup& setup, const Workload& workload);

/// How much of an assessment to work out.
enum class AssessDepth {
    full,     ///< verdict, limiting factor, figures, longest context, most users and reasons
    verdict,  ///< verdict, limiting factor and speed and headroom figures: what a catalog sweep ranks
              ///< by (no capacity search; no reasons text, whose number formatting was ~10% of a sweep)
};

/// Runs memory and speed for the workload and judges them: verdict, limiting factor, reasons and
/// the workload's figures. Headroom under kSafeHeadroomShare of capacity counts as too tight.
Assessment assess(const ModelArch& arch, const Setup& setup, const Workload& workload,
                  AssessDepth depth = AssessDepth::full);

/// Share of capacity below which a setup is too tight: context growth, fragmentation and other
/// programs need room (llama.cpp's --fit keeps 1 GiB per device for the same reason).
inline constexpr double kSafeHeadroomShare = 0.05;

/// One change to the setup, re-evaluated by core.
struct Suggestion {
    std::string change;   ///< e.g. "Q4_K_M", "KV cache q8_0", "2x this GPU", "Qwen3-14B instead"
    Verdict verdict = Verdict::wont_fit;
    double decode_tok_s = 0;
    int64_t max_context = 0;
    std::string summary;  ///< "Q4_K_M: runs well, 41 tok/s"
};

/// Changes that improve the verdict, best first (at most `limit`): other weight formats, a
/// quantised KV cache, a shorter context, more devices, smaller models of the same family from
/// `catalog` (may be null).
std::vector<Suggestion> suggest(const ModelArch& arch, const Setup& setup, const Workload& workload,
                                const Catalog* catalog, std::string_view model_id, size_t limit = 5);

}  // namespace headroom
