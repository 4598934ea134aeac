// workload.cpp: the verdict of a setup against a workload.
#include "headroom/workload.h"

#include <cmath>
#include <cstdio>

namespace headroom {
namespace {

/// Headroom below this share of capacity leaves no room for context growth, fragmentation or a
/// second program: the setup is too tight even though it loads.
constexpr double kSafeHeadroomShare = 0.05;

std::string gib(int64_t bytes) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f GiB", double(bytes) / (1024.0 * 1024 * 1024));
    return buf;
}

std::string fixed1(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
}

}  // namespace

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

Assessment assess(const MemoryBreakdown& m, const SpeedEstimate& s, const Workload& w) {
    Assessment a;
    const std::string need = gib(m.total_bytes) + " needed, " + gib(m.capacity_bytes) + " available";
    if (!m.fits) {
        if (m.offloaded_layers >= m.layers) {
            a.verdict = Verdict::wont_fit;
            a.limiting = "memory";
            a.reasons.push_back("Does not fit even with every layer in system RAM: " + need + ".");
        } else {
            a.verdict = Verdict::spills_to_cpu;
            a.limiting = "memory";
            a.reasons.push_back(std::to_string(m.offloaded_layers) + " of " + std::to_string(m.layers) +
                                " layers must run from system RAM: " + need + ".");
        }
        return a;
    }
    const double headroom = double(m.capacity_bytes - m.total_bytes);
    if (m.capacity_bytes > 0 && headroom < kSafeHeadroomShare * double(m.capacity_bytes)) {
        a.verdict = Verdict::too_tight;
        a.limiting = "memory";
        a.reasons.push_back("Fits with only " + gib(static_cast<int64_t>(headroom)) +
                            " to spare: " + need + ".");
        return a;
    }
    const std::string speed = fixed1(s.decode_tok_s) + " tok/s per user";
    if (s.decode_tok_s >= w.good_decode_tok_s && s.ttft_s <= w.good_ttft_s) {
        a.verdict = Verdict::runs_well;
        a.reasons.push_back("Fits (" + need + ") and generates at " + speed + ".");
    } else if (s.decode_tok_s >= w.usable_decode_tok_s && s.ttft_s <= w.usable_ttft_s) {
        a.verdict = Verdict::usable;
        a.limiting = s.decode_tok_s < w.good_decode_tok_s ? "bandwidth" : "compute";
        a.reasons.push_back("Fits, but " + speed + " and " + fixed1(s.ttft_s) +
                            " s to first token are below what " + w.name + " needs to feel fast.");
    } else {
        a.verdict = Verdict::sluggish;
        a.limiting = s.decode_tok_s < w.usable_decode_tok_s ? "bandwidth" : "compute";
        a.reasons.push_back("Fits, but " + speed + " and " + fixed1(s.ttft_s) +
                            " s to first token are too slow for " + w.name + ".");
    }
    return a;
}

}  // namespace headroom
