// gpu_none.cpp: the GPU probe of a build without CUDA: says so, measures nothing.
#include "gpu.h"

namespace headroom::probe {

GpuProbe probe_gpus(bool, std::ostream&) {
    GpuProbe p;
    p.message = "this headroom-probe was built without CUDA (no nvcc at build time): CPU only";
    return p;
}

}  // namespace headroom::probe
