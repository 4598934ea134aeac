// cpu_bandwidth.cpp: the STREAM-like kernels. Built with -O3 in every build type (see CMakeLists).
#include "cpu_bandwidth.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

namespace headroom::probe {
namespace {

using Clock = std::chrono::steady_clock;

/// Runs `body(begin, end)` over [0, n) split into `threads` contiguous chunks; returns seconds.
template <class Body>
double run_parallel(size_t n, int threads, Body body) {
    std::vector<std::thread> pool;
    pool.reserve(static_cast<size_t>(threads));
    const auto start = Clock::now();
    for (int t = 0; t < threads; ++t) {
        const size_t begin = n * static_cast<size_t>(t) / static_cast<size_t>(threads);
        const size_t end = n * static_cast<size_t>(t + 1) / static_cast<size_t>(threads);
        pool.emplace_back([=] { body(begin, end); });
    }
    for (auto& th : pool) th.join();
    return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

CpuBandwidth measure_cpu_bandwidth(size_t array_bytes, int threads, int samples) {
    CpuBandwidth out;
    threads = std::max(1, threads);
    const size_t n = std::max<size_t>(1024, array_bytes / sizeof(double));
    out.array_bytes = n * sizeof(double);
    out.threads = threads;
    std::unique_ptr<double[]> a(new double[n]), b(new double[n]), c(new double[n]);
    // First touch in the same split as the kernels, so each thread's pages sit near it (NUMA).
    run_parallel(n, threads, [&](size_t lo, size_t hi) {
        for (size_t i = lo; i < hi; ++i) {
            a[i] = 0.0;
            b[i] = 1.0;
            c[i] = 2.0;
        }
    });

    std::vector<double> partial(static_cast<size_t>(threads) * 8, 0.0);  // 64-byte spacing: no false sharing
    volatile double sink = 0;
    auto read_once = [&] {
        const double s = run_parallel(n, threads, [&](size_t lo, size_t hi) {
            // Four independent sums let the compiler vectorise without reassociating one sum.
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            size_t i = lo;
            for (; i + 4 <= hi; i += 4) {
                s0 += b[i];
                s1 += b[i + 1];
                s2 += b[i + 2];
                s3 += b[i + 3];
            }
            for (; i < hi; ++i) s0 += b[i];
            partial[(lo * static_cast<size_t>(threads) / n) * 8] = s0 + s1 + s2 + s3;
        });
        sink = sink + partial[0];
        return double(out.array_bytes) / s / 1e9;
    };
    auto triad_once = [&] {
        const double scalar = 3.0;
        const double s = run_parallel(n, threads, [&](size_t lo, size_t hi) {
            for (size_t i = lo; i < hi; ++i) a[i] = b[i] + scalar * c[i];
        });
        return 3.0 * double(out.array_bytes) / s / 1e9;
    };
    out.read_gbs = sample_rates(1, samples, read_once);
    out.triad_gbs = sample_rates(1, samples, triad_once);
    return out;
}

}  // namespace headroom::probe
