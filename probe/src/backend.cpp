// backend.cpp: sizing, repetition and statistics of bandwidth measurements, whatever the device.
#include "backend.h"

#include <algorithm>

namespace headroom::probe {

double kernel_bytes(Kernel kernel, size_t array_bytes) {
    switch (kernel) {
        case Kernel::read: return double(array_bytes);
        case Kernel::copy: return 2.0 * double(array_bytes);
        case Kernel::triad: return 3.0 * double(array_bytes);
    }
    return 0;
}

const char* kernel_name(Kernel kernel) {
    switch (kernel) {
        case Kernel::read: return "read";
        case Kernel::copy: return "copy";
        case Kernel::triad: return "triad";
    }
    return "?";
}

PlanRule cpu_plan_rule(bool quick) {
    PlanRule r;
    r.cache_multiple = quick ? 2 : 4;
    r.floor_bytes = (quick ? size_t(64) : size_t(256)) << 20;
    r.cap_bytes = (quick ? size_t(256) : size_t(1024)) << 20;
    r.free_share = 0.125;
    r.warmup = 1;
    r.samples = quick ? 5 : 30;
    return r;
}

PlanRule gpu_plan_rule(bool quick) {
    PlanRule r;
    r.cache_multiple = 64;
    r.floor_bytes = size_t(1) << 30;
    r.cap_bytes = 0;
    r.free_share = 0.25;
    r.warmup = 2;
    r.samples = quick ? 8 : 30;
    return r;
}

BandwidthPlan plan_bandwidth(const PlanRule& rule, size_t cache_bytes, double free_bytes) {
    constexpr size_t kPage = 4096;
    double bytes = std::max(rule.cache_multiple * double(cache_bytes), double(rule.floor_bytes));
    if (rule.cap_bytes > 0) bytes = std::min(bytes, double(rule.cap_bytes));
    if (free_bytes > 0) bytes = std::min(bytes, rule.free_share * free_bytes);
    BandwidthPlan p;
    p.array_bytes = std::max(kPage, static_cast<size_t>(bytes) / kPage * kPage);
    p.warmup = std::max(0, rule.warmup);
    p.samples = std::max(1, rule.samples);
    return p;
}

BandwidthResult measure_bandwidth(BandwidthBackend& backend, const BandwidthPlan& plan,
                                  const std::vector<Kernel>& kernels, double theoretical_gbs) {
    BandwidthResult r;
    r.array_bytes = plan.array_bytes;
    if (!backend.allocate(plan.array_bytes, r.error)) return r;
    for (Kernel k : kernels) {
        const double bytes = kernel_bytes(k, plan.array_bytes);
        const RateStats s = sample_rates(plan.warmup, plan.samples, [&] {
            const double seconds = backend.run(k);
            return seconds > 0 ? bytes / seconds / 1e9 : 0.0;
        });
        switch (k) {
            case Kernel::read: r.read_gbs = s; break;
            case Kernel::copy: r.copy_gbs = s; break;
            case Kernel::triad: r.triad_gbs = s; break;
        }
    }
    r.cache_artefact = is_cache_artefact(r.read_gbs.best, theoretical_gbs);
    r.ok = true;
    return r;
}

}  // namespace headroom::probe
