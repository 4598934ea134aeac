// cpu_bandwidth.cpp: the STREAM-like kernels. Built with -O3 in every build type (see CMakeLists).
#include "cpu_bandwidth.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <new>
#include <thread>
#include <vector>

#if defined(__x86_64__)
#include <emmintrin.h>
#endif

namespace headroom::probe {
namespace {

/// a[i] = b[i] + s * c[i] over [lo, hi). On x86-64 the stores are non-temporal (SSE2 streaming
/// stores, in every x86-64 CPU): the written line is not read into the cache first, so memory moves
/// the 24 bytes per element that STREAM counts instead of 32, which is what memory can deliver to
/// a kernel that writes (an engine's KV-cache and activation writes do the same).
inline void triad_range(double* a, const double* b, const double* c, double s, size_t lo, size_t hi) {
    size_t i = lo;
#if defined(__x86_64__)
    for (; i < hi && (reinterpret_cast<uintptr_t>(a + i) & 15) != 0; ++i) a[i] = b[i] + s * c[i];
    const __m128d vs = _mm_set1_pd(s);
    for (; i + 8 <= hi; i += 8) {
        for (size_t k = 0; k < 8; k += 2) {
            const __m128d v = _mm_add_pd(_mm_loadu_pd(b + i + k), _mm_mul_pd(vs, _mm_loadu_pd(c + i + k)));
            _mm_stream_pd(a + i + k, v);
        }
    }
    _mm_sfence();
#endif
    for (; i < hi; ++i) a[i] = b[i] + s * c[i];
}

/// a[i] = b[i] over [lo, hi), with streaming stores on x86-64 for the same reason as the triad.
inline void copy_range(double* a, const double* b, size_t lo, size_t hi) {
    size_t i = lo;
#if defined(__x86_64__)
    for (; i < hi && (reinterpret_cast<uintptr_t>(a + i) & 15) != 0; ++i) a[i] = b[i];
    for (; i + 8 <= hi; i += 8)
        for (size_t k = 0; k < 8; k += 2) _mm_stream_pd(a + i + k, _mm_loadu_pd(b + i + k));
    _mm_sfence();
#endif
    for (; i < hi; ++i) a[i] = b[i];
}

using Clock = std::chrono::steady_clock;

/// Runs `body(begin, end, t)` over [0, n) split into `threads` contiguous chunks; returns seconds.
template <class Body>
double run_parallel(size_t n, int threads, Body body) {
    std::vector<std::thread> pool;
    pool.reserve(static_cast<size_t>(threads));
    const auto start = Clock::now();
    for (int t = 0; t < threads; ++t) {
        const size_t begin = n * static_cast<size_t>(t) / static_cast<size_t>(threads);
        const size_t end = n * static_cast<size_t>(t + 1) / static_cast<size_t>(threads);
        pool.emplace_back([=] { body(begin, end, static_cast<size_t>(t)); });
    }
    for (auto& th : pool) th.join();
    return std::chrono::duration<double>(Clock::now() - start).count();
}

/// Arrays start on a page boundary so every thread's chunk vectorises alike.
constexpr std::align_val_t kAlign{4096};

struct AlignedDeleter {
    void operator()(double* p) const { ::operator delete[](p, kAlign); }
};
using Array = std::unique_ptr<double[], AlignedDeleter>;

}  // namespace

struct CpuBackend::Arrays {
    size_t n = 0;
    Array a, b, c;
    std::vector<double> partial;  // 64-byte spacing: no false sharing between threads' sums
    volatile double sink = 0;
};

CpuBackend::CpuBackend(int threads) : threads_(std::max(1, threads)) {}
CpuBackend::~CpuBackend() = default;

bool CpuBackend::allocate(size_t array_bytes, std::string& error) {
    auto arr = std::make_unique<Arrays>();
    arr->n = std::max<size_t>(1024, array_bytes / sizeof(double));
    const size_t n = arr->n;
    arr->a.reset(static_cast<double*>(::operator new[](n * sizeof(double), kAlign, std::nothrow)));
    arr->b.reset(static_cast<double*>(::operator new[](n * sizeof(double), kAlign, std::nothrow)));
    arr->c.reset(static_cast<double*>(::operator new[](n * sizeof(double), kAlign, std::nothrow)));
    if (!arr->a || !arr->b || !arr->c) {
        error = "cannot allocate 3 x " + std::to_string((n * sizeof(double)) >> 20) + " MiB";
        return false;
    }
    arr->partial.assign(static_cast<size_t>(threads_) * 8, 0.0);
    double* a = arr->a.get();
    double* b = arr->b.get();
    double* c = arr->c.get();
    // First touch in the same split as the kernels, so each thread's pages sit near it (NUMA).
    run_parallel(n, threads_, [=](size_t lo, size_t hi, size_t) {
        for (size_t i = lo; i < hi; ++i) {
            a[i] = 0.0;
            b[i] = 1.0;
            c[i] = 2.0;
        }
    });
    arrays_ = std::move(arr);
    return true;
}

double CpuBackend::run(Kernel kernel) {
    if (!arrays_) return 0;
    Arrays& arr = *arrays_;
    double* a = arr.a.get();
    const double* b = arr.b.get();
    const double* c = arr.c.get();
    double* partial = arr.partial.data();
    switch (kernel) {
        case Kernel::read: {
            const double s = run_parallel(arr.n, threads_, [=](size_t lo, size_t hi, size_t t) {
                // Eight independent sums let the compiler vectorise without reassociating one sum.
                double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
                size_t i = lo;
                for (; i + 8 <= hi; i += 8) {
                    s0 += b[i];
                    s1 += b[i + 1];
                    s2 += b[i + 2];
                    s3 += b[i + 3];
                    s4 += b[i + 4];
                    s5 += b[i + 5];
                    s6 += b[i + 6];
                    s7 += b[i + 7];
                }
                for (; i < hi; ++i) s0 += b[i];
                partial[t * 8] = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
            });
            arr.sink = arr.sink + partial[0];
            return s;
        }
        case Kernel::copy:
            return run_parallel(arr.n, threads_, [=](size_t lo, size_t hi, size_t) { copy_range(a, b, lo, hi); });
        case Kernel::triad:
            return run_parallel(arr.n, threads_, [=](size_t lo, size_t hi, size_t) {
                triad_range(a, b, c, 3.0, lo, hi);
            });
    }
    return 0;
}

const double* CpuBackend::written() const { return arrays_ ? arrays_->a.get() : nullptr; }
size_t CpuBackend::elements() const { return arrays_ ? arrays_->n : 0; }

BandwidthPlan plan_cpu_bandwidth(const SystemInfo& system, bool quick) {
    return plan_bandwidth(cpu_plan_rule(quick), system.last_level_cache_bytes, system.available_memory_bytes);
}

CpuBandwidth measure_cpu_bandwidth(size_t array_bytes, int threads, int samples) {
    CpuBackend backend(threads);
    BandwidthPlan plan;
    plan.array_bytes = array_bytes;
    plan.warmup = 1;
    plan.samples = samples;
    const BandwidthResult r = measure_bandwidth(backend, plan, {Kernel::read, Kernel::triad}, 0);
    CpuBandwidth out;
    out.read_gbs = r.read_gbs;
    out.triad_gbs = r.triad_gbs;
    out.array_bytes = std::max<size_t>(1024, array_bytes / sizeof(double)) * sizeof(double);
    out.threads = std::max(1, threads);
    return out;
}

}  // namespace headroom::probe
