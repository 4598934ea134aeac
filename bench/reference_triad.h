// reference_triad.h: the textbook OpenMP STREAM read and triad, the yardstick for the probe's kernel.
#pragma once

#include <cstddef>

namespace headroom::bench {

struct ReferenceResult {
    double read_gbs_best = 0;
    double read_gbs_median = 0;
    double triad_gbs_best = 0;
    double triad_gbs_median = 0;
    int threads = 0;
};

/// Arrays of `array_bytes` each, `samples` timed runs of each kernel after one warm-up, on
/// OpenMP's default thread count (OMP_NUM_THREADS).
ReferenceResult reference_stream(size_t array_bytes, int samples);

}  // namespace headroom::bench
