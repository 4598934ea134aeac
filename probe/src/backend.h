// backend.h: the measurement logic's view of a memory system (allocate three arrays, run a kernel
// over them, time it), so buffer sizes, repetitions and statistics are the same code for the CPU,
// each CUDA device and the fake device of the tests.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "measure.h"

namespace headroom::probe {

/// STREAM's kernels over arrays a, b, c of equal size.
enum class Kernel {
    read,   ///< sum of b: the array read once
    copy,   ///< a = b: read + write
    triad,  ///< a = b + s * c: two reads + one write (STREAM counts 3 arrays, no write-allocate)
};

/// Bytes STREAM counts for one run of `kernel` over arrays of `array_bytes`.
double kernel_bytes(Kernel kernel, size_t array_bytes);

/// "read", "copy", "triad".
const char* kernel_name(Kernel kernel);

/// A device whose memory bandwidth is measured.
class BandwidthBackend {
public:
    virtual ~BandwidthBackend() = default;
    /// Allocates and fills three arrays of `array_bytes` each; false (with `error`) when it cannot.
    virtual bool allocate(size_t array_bytes, std::string& error) = 0;
    /// Runs `kernel` once over the arrays and waits for it; returns the elapsed seconds.
    virtual double run(Kernel kernel) = 0;
};

/// How buffers are sized and how often each kernel runs, per kind of device.
struct PlanRule {
    double cache_multiple = 4;  ///< each array at least this many times the last cache level...
    size_t floor_bytes = 0;     ///< ...and at least this...
    size_t cap_bytes = 0;       ///< ...but at most this (0: no cap)...
    double free_share = 0.125;  ///< ...and at most this share of free memory (three arrays live at once)
    int warmup = 1;             ///< unrecorded runs first (page faults, clocks ramping up)
    int samples = 30;           ///< timed runs, reduced to median and best
};

/// The rules (#8): DRAM, not cache, is measured, 30 timed samples after warm-up; quick runs
/// are shorter. CPU: 4x the LLC, 256 MiB to 1 GiB (virtual machines often report the whole host's
/// L3, hence the cap). GPU: 64x the L2 and at least 1 GiB, at most a quarter of free memory.
PlanRule cpu_plan_rule(bool quick);
PlanRule gpu_plan_rule(bool quick);

struct BandwidthPlan {
    size_t array_bytes = 0;
    int warmup = 1;
    int samples = 30;
};

/// Array size for a device with `cache_bytes` of last-level cache and `free_bytes` of free memory,
/// rounded down to 4 KiB (whole pages; 16-byte vector loads never straddle the end).
BandwidthPlan plan_bandwidth(const PlanRule& rule, size_t cache_bytes, double free_bytes);

struct BandwidthResult {
    bool ok = false;
    std::string error;
    size_t array_bytes = 0;
    RateStats read_gbs, copy_gbs, triad_gbs;  ///< samples == 0 for kernels not run
    bool cache_artefact = false;               ///< best read above 105% of `theoretical_gbs`
};

/// Allocates per the plan, then for each kernel: warm-up runs, timed samples, median and best in
/// GB/s (1e9 bytes/s). `theoretical_gbs` (0: unknown) decides the cache-artefact flag.
BandwidthResult measure_bandwidth(BandwidthBackend& backend, const BandwidthPlan& plan,
                                  const std::vector<Kernel>& kernels, double theoretical_gbs);

}  // namespace headroom::probe
