// workload.cpp: verdict names and their order.
#include "headroom/workload.h"

namespace headroom {

std::string_view verdict_name(Verdict v) {
    switch (v) {
        case Verdict::runs_well: return "runs-well";
        case Verdict::usable: return "usable";
        case Verdict::sluggish: return "sluggish";
        case Verdict::too_tight: return "too-tight";
        case Verdict::spills_to_cpu: return "spills-to-cpu";
        case Verdict::wont_fit: return "wont-fit";
    }
    return "wont-fit";
}

int verdict_rank(Verdict v) { return static_cast<int>(v); }

}  // namespace headroom
