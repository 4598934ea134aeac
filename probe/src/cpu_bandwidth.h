// cpu_bandwidth.h: STREAM-style multi-threaded read and triad bandwidth of system memory.
#pragma once

#include <cstddef>
#include <memory>

#include "backend.h"
#include "measure.h"
#include "system_info.h"

namespace headroom::probe {

struct CpuBandwidth {
    RateStats read_gbs;   ///< sum over an array, 8 bytes per element
    RateStats triad_gbs;  ///< a[i] = b[i] + s * c[i], 24 bytes per element (STREAM's count)
    size_t array_bytes = 0;
    int threads = 0;
};

/// System memory as a bandwidth backend: three arrays of doubles, each kernel split over
/// `threads` threads in contiguous chunks (first-touched by the thread that later reads them).
class CpuBackend : public BandwidthBackend {
public:
    explicit CpuBackend(int threads);
    ~CpuBackend() override;
    bool allocate(size_t array_bytes, std::string& error) override;
    double run(Kernel kernel) override;
    /// The array copy and triad write (b is 1 and c is 2 throughout), for tests of the kernels' results.
    const double* written() const;
    size_t elements() const;

private:
    struct Arrays;
    int threads_;
    std::unique_ptr<Arrays> arrays_;
};

/// Array size and samples for this machine (cpu_plan_rule on its LLC and available memory).
BandwidthPlan plan_cpu_bandwidth(const SystemInfo& system, bool quick);

/// Measures with arrays of `array_bytes` each (far larger than the last-level cache) on `threads`
/// threads, `samples` timed runs after one warm-up.
CpuBandwidth measure_cpu_bandwidth(size_t array_bytes, int threads, int samples);

}  // namespace headroom::probe
