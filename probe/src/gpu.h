// gpu.h: what the CUDA part of the probe measures per device; gpu_none.cpp answers where the
// build has no CUDA.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "measure.h"

namespace headroom::probe {

struct GpuReport {
    std::string name;
    std::string uuid;
    std::string pci_bus_id;
    int cc_major = 0;
    int cc_minor = 0;
    int sm_count = 0;
    double total_bytes = 0;
    double free_bytes = 0;
    double theoretical_bandwidth_gbs = 0;  ///< bus width x memory clock x 2 (DDR)
    RateStats read_gbs;
    RateStats copy_gbs;
    RateStats triad_gbs;
    RateStats fp16_tflops;         ///< dense FP16 GEMM, FP32 accumulate
    RateStats bf16_tflops;         ///< dense BF16 GEMM, FP32 accumulate (cuBLAS only; sm_80 and newer)
    RateStats int8_tops;           ///< dense INT8 GEMM, INT32 accumulate (cuBLAS only; sm_75 and newer)
    std::string gemm_method;       ///< how the matrix figures were measured (cuBLAS or the built-in kernel)
    RateStats h2d_gbs;
    RateStats d2h_gbs;
    double launch_latency_us = 0;
    bool cache_artefact = false;
};

struct GpuProbe {
    bool available = false;
    std::string message;  ///< one line: why no GPU was measured, or which devices were
    std::vector<GpuReport> devices;
};

/// Measures every CUDA device; progress lines go to `progress`.
GpuProbe probe_gpus(bool quick, std::ostream& progress);

}  // namespace headroom::probe
