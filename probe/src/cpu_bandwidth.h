// cpu_bandwidth.h: STREAM-style multi-threaded read and triad bandwidth of system memory.
#pragma once

#include <cstddef>

#include "measure.h"

namespace headroom::probe {

struct CpuBandwidth {
    RateStats read_gbs;   ///< sum over an array, 8 bytes per element
    RateStats triad_gbs;  ///< a[i] = b[i] + s * c[i], 24 bytes per element (STREAM's count)
    size_t array_bytes = 0;
    int threads = 0;
};

/// Measures with arrays of `array_bytes` each (far larger than the last-level cache) on `threads`
/// threads, `samples` timed runs after one warm-up.
CpuBandwidth measure_cpu_bandwidth(size_t array_bytes, int threads, int samples);

}  // namespace headroom::probe
