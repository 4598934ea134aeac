// gpu_probe.cu: CUDA measurements of each device: memory bandwidth (read, copy, triad, through
// the shared backend logic), FP16/BF16/INT8 matrix throughput (cuBLAS when it can be opened, a
// built-in tensor-core kernel otherwise), host-device bandwidth and kernel launch latency, timed
// with CUDA events.
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>
#include <mma.h>

#include <algorithm>
#include <cstdio>
#include <vector>

#include "backend.h"
#include "cublas_loader.h"
#include "gpu.h"

namespace headroom::probe {
namespace {

/// One place to check CUDA calls: a failure becomes the probe's message, never an abort.
#define HR_CUDA(call)                                                              \
    do {                                                                           \
        cudaError_t e_ = (call);                                                   \
        if (e_ != cudaSuccess) {                                                   \
            error = std::string(#call) + ": " + cudaGetErrorString(e_);            \
            return false;                                                          \
        }                                                                          \
    } while (0)

/// Read-only: 16-byte loads, four in flight per thread, grid-stride; the sum is stored only if
/// impossible so the loads cannot be optimised away.
__global__ void read_kernel(const int4* __restrict__ in, size_t n, int* out) {
    int acc = 0;
    const size_t stride = size_t(gridDim.x) * blockDim.x;
    size_t i = size_t(blockIdx.x) * blockDim.x + threadIdx.x;
    for (; i + 3 * stride < n; i += 4 * stride) {
        int4 a = in[i], b = in[i + stride], c = in[i + 2 * stride], d = in[i + 3 * stride];
        acc ^= a.x ^ a.y ^ a.z ^ a.w ^ b.x ^ b.y ^ b.z ^ b.w ^ c.x ^ c.y ^ c.z ^ c.w ^ d.x ^ d.y ^ d.z ^ d.w;
    }
    for (; i < n; i += stride) {
        int4 a = in[i];
        acc ^= a.x ^ a.y ^ a.z ^ a.w;
    }
    if (acc == 0x7fffffff) out[0] = acc;
}

__global__ void copy_kernel(const int4* __restrict__ in, int4* __restrict__ out, size_t n) {
    const size_t stride = size_t(gridDim.x) * blockDim.x;
    for (size_t i = size_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) out[i] = in[i];
}

__global__ void triad_kernel(float4* __restrict__ a, const float4* __restrict__ b,
                             const float4* __restrict__ c, float s, size_t n) {
    const size_t stride = size_t(gridDim.x) * blockDim.x;
    for (size_t i = size_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
        float4 x = b[i], y = c[i];
        a[i] = make_float4(x.x + s * y.x, x.y + s * y.y, x.z + s * y.z, x.w + s * y.w);
    }
}

__global__ void empty_kernel() {}

/// FP16 tensor-core GEMM tile loop (WMMA 16x16x16, FP32 accumulate): each warp computes a 32x32
/// tile of C = A x B for square n x n matrices. Built in, so no cuBLAS is needed to measure.
__global__ void wmma_gemm(const half* a, const half* b, float* c, int n) {
    using namespace nvcuda;
    const int warp = (blockIdx.x * blockDim.x + threadIdx.x) / 32;
    const int tiles = n / 32;
    if (warp >= tiles * tiles) return;
    const int row = (warp / tiles) * 32, col = (warp % tiles) * 32;
    wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc[2][2];
    for (auto& r : acc)
        for (auto& f : r) wmma::fill_fragment(f, 0.0f);
    wmma::fragment<wmma::matrix_a, 16, 16, 16, half, wmma::row_major> fa[2];
    wmma::fragment<wmma::matrix_b, 16, 16, 16, half, wmma::col_major> fb[2];
    for (int k = 0; k < n; k += 16) {
        for (int i = 0; i < 2; ++i) wmma::load_matrix_sync(fa[i], a + size_t(row + 16 * i) * n + k, n);
        for (int j = 0; j < 2; ++j) wmma::load_matrix_sync(fb[j], b + size_t(col + 16 * j) * n + k, n);
        for (int i = 0; i < 2; ++i)
            for (int j = 0; j < 2; ++j) wmma::mma_sync(acc[i][j], fa[i], fb[j], acc[i][j]);
    }
    for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 2; ++j)
            wmma::store_matrix_sync(c + size_t(row + 16 * i) * n + col + 16 * j, acc[i][j], n,
                                    wmma::mem_row_major);
}

/// Times `launch` with CUDA events; returns milliseconds.
template <class F>
float time_ms(F launch) {
    cudaEvent_t start, stop;
    cudaEventCreate(&start);
    cudaEventCreate(&stop);
    cudaEventRecord(start);
    launch();
    cudaEventRecord(stop);
    cudaEventSynchronize(stop);
    float ms = 0;
    cudaEventElapsedTime(&ms, start, stop);
    cudaEventDestroy(start);
    cudaEventDestroy(stop);
    return ms;
}

/// Device memory as a bandwidth backend: three buffers, the kernels above, CUDA-event timing.
class CudaBackend : public BandwidthBackend {
public:
    explicit CudaBackend(int sm_count) : blocks_(sm_count * 8) {}
    ~CudaBackend() override {
        for (void* p : {static_cast<void*>(x), static_cast<void*>(y), static_cast<void*>(z), static_cast<void*>(sink)})
            if (p) cudaFree(p);
    }
    bool allocate(size_t array_bytes, std::string& error) override {
        bytes = array_bytes & ~size_t(1023);
        HR_CUDA(cudaMalloc(&x, bytes));
        HR_CUDA(cudaMalloc(&y, bytes));
        HR_CUDA(cudaMalloc(&z, bytes));
        HR_CUDA(cudaMalloc(&sink, sizeof(int)));
        HR_CUDA(cudaMemset(x, 1, bytes));
        HR_CUDA(cudaMemset(y, 0, bytes));
        HR_CUDA(cudaMemset(z, 2, bytes));
        return true;
    }
    double run(Kernel k) override {
        const size_t n16 = bytes / 16;
        const float ms = time_ms([&] {
            switch (k) {
                case Kernel::read: read_kernel<<<blocks_, kThreads>>>(x, n16, sink); break;
                case Kernel::copy: copy_kernel<<<blocks_, kThreads>>>(x, y, n16); break;
                case Kernel::triad:
                    triad_kernel<<<blocks_, kThreads>>>(reinterpret_cast<float4*>(x), reinterpret_cast<float4*>(y),
                                                        reinterpret_cast<float4*>(z), 3.0f, n16);
                    break;
            }
        });
        return ms * 1e-3;
    }
    size_t bytes = 0;
    int4 *x = nullptr, *y = nullptr, *z = nullptr;
    int* sink = nullptr;

private:
    static constexpr int kThreads = 256;
    int blocks_;
};

/// Matrix throughput through cuBLAS: C = A^T B for square n x n matrices (the "TN" layout INT8
/// tensor-core GEMMs ask for), `samples` timed calls after one warm-up; rate in 1e12 ops/s.
/// Zero samples when cuBLAS refuses the types on this device.
RateStats cublas_rate(const CublasLib& lib, int n, cudaDataType ab, cudaDataType c, cublasComputeType_t compute,
                      void* a, void* b, void* out, int samples) {
    const float alpha_f = 1.0f, beta_f = 0.0f;
    const int alpha_i = 1, beta_i = 0;
    const bool integer = compute == CUBLAS_COMPUTE_32I;
    const void* alpha = integer ? static_cast<const void*>(&alpha_i) : &alpha_f;
    const void* beta = integer ? static_cast<const void*>(&beta_i) : &beta_f;
    auto call = [&] {
        return lib.gemm_ex(lib.handle, CUBLAS_OP_T, CUBLAS_OP_N, n, n, n, alpha, a, ab, n, b, ab, n, beta, out, c, n,
                           compute, CUBLAS_GEMM_DEFAULT);
    };
    if (call() != CUBLAS_STATUS_SUCCESS || cudaDeviceSynchronize() != cudaSuccess) return {};
    bool failed = false;
    RateStats r = sample_rates(0, samples, [&] {
        const float ms = time_ms([&] { failed |= call() != CUBLAS_STATUS_SUCCESS; });
        return 2.0 * double(n) * n * n / (ms * 1e-3) / 1e12;
    });
    return failed ? RateStats{} : r;
}

bool measure_device(int dev, bool quick, GpuReport& r, std::string& error, std::ostream& progress) {
    HR_CUDA(cudaSetDevice(dev));
    cudaDeviceProp prop{};
    HR_CUDA(cudaGetDeviceProperties(&prop, dev));
    r.name = prop.name;
    char uuid[64];
    const unsigned char* u = reinterpret_cast<const unsigned char*>(prop.uuid.bytes);
    std::snprintf(uuid, sizeof uuid,
                  "GPU-%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0],
                  u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13],
                  u[14], u[15]);
    r.uuid = uuid;
    char bus[32];
    std::snprintf(bus, sizeof bus, "%04x:%02x:%02x.0", prop.pciDomainID, prop.pciBusID, prop.pciDeviceID);
    r.pci_bus_id = bus;
    r.cc_major = prop.major;
    r.cc_minor = prop.minor;
    r.sm_count = prop.multiProcessorCount;
    int clock_khz = 0, bus_bits = 0, l2_bytes = 0;
    HR_CUDA(cudaDeviceGetAttribute(&clock_khz, cudaDevAttrMemoryClockRate, dev));
    HR_CUDA(cudaDeviceGetAttribute(&bus_bits, cudaDevAttrGlobalMemoryBusWidth, dev));
    HR_CUDA(cudaDeviceGetAttribute(&l2_bytes, cudaDevAttrL2CacheSize, dev));
    r.theoretical_bandwidth_gbs = 2.0 * clock_khz * 1e3 * (bus_bits / 8.0) / 1e9;
    size_t free_b = 0, total_b = 0;
    HR_CUDA(cudaMemGetInfo(&free_b, &total_b));
    r.free_bytes = double(free_b);
    r.total_bytes = double(total_b);

    // Buffers many times the L2 so every sample comes from DRAM/HBM (gpu_plan_rule).
    CudaBackend backend(prop.multiProcessorCount);
    const BandwidthPlan plan = plan_bandwidth(gpu_plan_rule(quick), size_t(l2_bytes), double(free_b));
    progress << "  " << r.name << ": memory bandwidth (" << plan.array_bytes / (1 << 20) << " MiB buffers, "
             << plan.samples << " samples)\n";
    const BandwidthResult bw = measure_bandwidth(backend, plan, {Kernel::read, Kernel::copy, Kernel::triad},
                                                 r.theoretical_bandwidth_gbs);
    if (!bw.ok) {
        error = bw.error;
        return false;
    }
    HR_CUDA(cudaGetLastError());
    r.read_gbs = bw.read_gbs;
    r.copy_gbs = bw.copy_gbs;
    r.triad_gbs = bw.triad_gbs;
    r.cache_artefact = bw.cache_artefact;
    const size_t bytes = backend.bytes;
    int4* x = backend.x;
    int4* y = backend.y;
    int4* z = backend.z;

    // Matrix throughput: cuBLAS when it opens (what engines use), else the built-in WMMA kernel.
    const CublasLib cublas;
    const int gemm_samples = quick ? 3 : 10;
    if (cublas.ok()) {
        // n = 8192: about a teraflop per call, long enough for event timing, small enough (C in
        // FP32 or INT32: 256 MiB) for the bandwidth buffers to hold A, B and C.
        const int n = 8192;
        if (bytes >= size_t(n) * n * 4) {
            progress << "  " << r.name << ": FP16, BF16 and INT8 GEMM throughput (" << cublas.name() << ")\n";
            r.gemm_method = "cuBLAS cublasGemmEx (" + cublas.name() + "), n=" + std::to_string(n) + ", TN";
            r.fp16_tflops = cublas_rate(cublas, n, CUDA_R_16F, CUDA_R_16F, CUBLAS_COMPUTE_32F, x, y, z, gemm_samples);
            if (prop.major >= 8)  // BF16 tensor cores arrived with Ampere
                r.bf16_tflops = cublas_rate(cublas, n, CUDA_R_16BF, CUDA_R_16BF, CUBLAS_COMPUTE_32F, x, y, z, gemm_samples);
            if (prop.major * 10 + prop.minor >= 75)  // INT8 tensor cores from Turing on
                r.int8_tops = cublas_rate(cublas, n, CUDA_R_8I, CUDA_R_32I, CUBLAS_COMPUTE_32I, x, y, z, gemm_samples);
            cudaGetLastError();  // a refused type is not the probe's failure
        }
    }
    if (r.fp16_tflops.samples == 0) {
        progress << "  " << r.name << ": FP16 tensor-core throughput (built-in kernel"
                 << (cublas.ok() ? "" : "; no cuBLAS found") << ")\n";
        const int n = 4096;
        half *a = reinterpret_cast<half*>(x), *b = reinterpret_cast<half*>(y);
        float* c = reinterpret_cast<float*>(z);
        if (bytes >= size_t(n) * n * 4) {
            const int warps = (n / 32) * (n / 32);
            r.gemm_method = "built-in WMMA 16x16x16 GEMM, n=" + std::to_string(n);
            r.fp16_tflops = sample_rates(1, gemm_samples, [&] {
                float ms = time_ms([&] { wmma_gemm<<<(warps * 32 + 255) / 256, 256>>>(a, b, c, n); });
                return 2.0 * double(n) * n * n / (ms * 1e-3) / 1e12;
            });
            HR_CUDA(cudaGetLastError());
        }
    }

    progress << "  " << r.name << ": host-device bandwidth (pinned)\n";
    const size_t host_bytes = std::min<size_t>(bytes, size_t(256) << 20);
    void* pinned = nullptr;
    HR_CUDA(cudaMallocHost(&pinned, host_bytes));
    r.h2d_gbs = sample_rates(1, quick ? 4 : 10, [&] {
        float ms = time_ms([&] { cudaMemcpy(x, pinned, host_bytes, cudaMemcpyHostToDevice); });
        return double(host_bytes) / (ms * 1e-3) / 1e9;
    });
    r.d2h_gbs = sample_rates(1, quick ? 4 : 10, [&] {
        float ms = time_ms([&] { cudaMemcpy(pinned, x, host_bytes, cudaMemcpyDeviceToHost); });
        return double(host_bytes) / (ms * 1e-3) / 1e9;
    });
    cudaFreeHost(pinned);

    const int launches = 1000;
    empty_kernel<<<1, 1>>>();
    cudaDeviceSynchronize();
    float ms = time_ms([&] {
        for (int i = 0; i < launches; ++i) empty_kernel<<<1, 1>>>();
    });
    r.launch_latency_us = ms * 1e3 / launches;
    HR_CUDA(cudaGetLastError());
    return true;
}

}  // namespace

GpuProbe probe_gpus(bool quick, std::ostream& progress) {
    GpuProbe p;
    int count = 0;
    cudaError_t e = cudaGetDeviceCount(&count);
    if (e == cudaErrorInsufficientDriver) {
        p.message = "no usable CUDA driver (this build needs an R580 or newer driver): CPU only";
        return p;
    }
    if (e != cudaSuccess || count == 0) {
        p.message = std::string("no CUDA device found (") + cudaGetErrorString(e) + "): CPU only";
        return p;
    }
    for (int d = 0; d < count; ++d) {
        GpuReport r;
        std::string error;
        if (!measure_device(d, quick, r, error, progress)) {
            if (error.find("no kernel image") != std::string::npos)
                error = "device " + std::to_string(d) + " (sm_" + std::to_string(r.cc_major) +
                        std::to_string(r.cc_minor) + ") is an architecture this build does not support";
            p.message += (p.message.empty() ? "" : "; ") + error;
            continue;
        }
        p.devices.push_back(r);
    }
    p.available = !p.devices.empty();
    if (p.available && p.message.empty())
        p.message = std::to_string(p.devices.size()) + " CUDA device(s) measured";
    return p;
}

}  // namespace headroom::probe
