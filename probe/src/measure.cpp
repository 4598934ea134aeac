// measure.cpp: statistics of timed samples.
#include "measure.h"

#include <algorithm>

namespace headroom::probe {

RateStats summarize_rates(std::vector<double> samples) {
    RateStats s;
    if (samples.empty()) return s;
    std::sort(samples.begin(), samples.end());
    const size_t n = samples.size();
    s.samples = static_cast<int>(n);
    s.median = n % 2 ? samples[n / 2] : 0.5 * (samples[n / 2 - 1] + samples[n / 2]);
    s.best = samples.back();
    return s;
}

RateStats sample_rates(int warmup, int count, const std::function<double()>& sample) {
    for (int i = 0; i < warmup; ++i) sample();
    std::vector<double> rates;
    rates.reserve(static_cast<size_t>(std::max(0, count)));
    for (int i = 0; i < count; ++i) rates.push_back(sample());
    return summarize_rates(std::move(rates));
}

bool is_cache_artefact(double measured, double theoretical) {
    return theoretical > 0 && measured > kCacheArtefactShare * theoretical;
}

}  // namespace headroom::probe
