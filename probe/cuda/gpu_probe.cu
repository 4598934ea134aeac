// gpu_probe.cu: CUDA measurements of each device: memory bandwidth (read, copy, triad), FP16
// tensor-core throughput, host-device bandwidth and kernel launch latency, timed with CUDA events.
#include <cuda_fp16.h>
#include <cuda_runtime.h>
#include <mma.h>

#include <algorithm>
#include <cstdio>
#include <vector>

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

    // Buffers many times the L2 so every sample comes from DRAM/HBM.
    size_t bytes = std::max<size_t>(size_t(64) * l2_bytes, size_t(1) << 30);
    bytes = std::min(bytes, free_b / 4);
    bytes &= ~size_t(1023);
    const size_t n16 = bytes / 16;
    int4 *x = nullptr, *y = nullptr, *z = nullptr;
    int* sink = nullptr;
    HR_CUDA(cudaMalloc(&x, bytes));
    HR_CUDA(cudaMalloc(&y, bytes));
    HR_CUDA(cudaMalloc(&z, bytes));
    HR_CUDA(cudaMalloc(&sink, sizeof(int)));
    HR_CUDA(cudaMemset(x, 1, bytes));
    HR_CUDA(cudaMemset(y, 0, bytes));
    HR_CUDA(cudaMemset(z, 2, bytes));
    const int threads = 256, blocks = prop.multiProcessorCount * 8;
    const int samples = quick ? 8 : 30;

    progress << "  " << r.name << ": memory bandwidth (" << bytes / (1 << 20) << " MiB buffers)\n";
    r.read_gbs = sample_rates(2, samples, [&] {
        float ms = time_ms([&] { read_kernel<<<blocks, threads>>>(x, n16, sink); });
        return double(bytes) / (ms * 1e-3) / 1e9;
    });
    r.copy_gbs = sample_rates(2, samples, [&] {
        float ms = time_ms([&] { copy_kernel<<<blocks, threads>>>(x, y, n16); });
        return 2.0 * double(bytes) / (ms * 1e-3) / 1e9;
    });
    r.triad_gbs = sample_rates(2, samples, [&] {
        float ms = time_ms([&] {
            triad_kernel<<<blocks, threads>>>(reinterpret_cast<float4*>(x), reinterpret_cast<float4*>(y),
                                              reinterpret_cast<float4*>(z), 3.0f, n16);
        });
        return 3.0 * double(bytes) / (ms * 1e-3) / 1e9;
    });
    HR_CUDA(cudaGetLastError());
    r.cache_artefact = is_cache_artefact(r.read_gbs.best, r.theoretical_bandwidth_gbs);

    progress << "  " << r.name << ": FP16 tensor-core throughput\n";
    const int n = 4096;
    half *a = reinterpret_cast<half*>(x), *b = reinterpret_cast<half*>(y);
    float* c = reinterpret_cast<float*>(z);
    if (bytes >= size_t(n) * n * 4) {
        const int warps = (n / 32) * (n / 32);
        r.fp16_tflops = sample_rates(1, quick ? 3 : 10, [&] {
            float ms = time_ms([&] { wmma_gemm<<<(warps * 32 + 255) / 256, 256>>>(a, b, c, n); });
            return 2.0 * double(n) * n * n / (ms * 1e-3) / 1e12;
        });
        HR_CUDA(cudaGetLastError());
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
    cudaFree(x);
    cudaFree(y);
    cudaFree(z);
    cudaFree(sink);
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
