// measure.h: repeated timed samples reduced to the statistics the profile reports.
#pragma once

#include <functional>
#include <vector>

namespace headroom::probe {

/// Summary of rate samples (higher is better): median and best.
struct RateStats {
    double median = 0;
    double best = 0;
    int samples = 0;
};

/// Median and maximum of `samples`; zeros when empty.
RateStats summarize_rates(std::vector<double> samples);

/// Runs `sample` `warmup` times unrecorded, then `count` times, and summarises the rates it returns.
RateStats sample_rates(int warmup, int count, const std::function<double()>& sample);

/// A measured rate above this share of the theoretical peak cannot come from memory: the data was
/// served from a cache and the figure must be flagged.
inline constexpr double kCacheArtefactShare = 1.05;

/// True when `measured` exceeds what the memory can deliver (`theoretical` > 0 is known).
bool is_cache_artefact(double measured, double theoretical);

}  // namespace headroom::probe
