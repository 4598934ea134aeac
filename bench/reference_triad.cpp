// reference_triad.cpp: STREAM's loops as STREAM writes them (static OpenMP schedule, first touch
// in parallel, 24 bytes per triad element), compiled with -O3 -march=native -fopenmp. The read
// loop is "parallel for simd": without it the sum is one dependency chain per thread, which measures
// the adder's latency, not memory.
#include "reference_triad.h"

#include <omp.h>

#include <algorithm>
#include <memory>
#include <vector>

namespace headroom::bench {
namespace {

double median_of(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n == 0 ? 0 : n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

}  // namespace

ReferenceResult reference_stream(size_t array_bytes, int samples) {
    const long n = static_cast<long>(std::max<size_t>(1024, array_bytes / sizeof(double)));
    const double bytes = double(n) * sizeof(double);
    std::unique_ptr<double[]> a(new double[size_t(n)]), b(new double[size_t(n)]), c(new double[size_t(n)]);
    double* pa = a.get();
    double* pb = b.get();
    double* pc = c.get();
#pragma omp parallel for schedule(static)
    for (long j = 0; j < n; ++j) {
        pa[j] = 0.0;
        pb[j] = 1.0;
        pc[j] = 2.0;
    }
    ReferenceResult r;
    r.threads = omp_get_max_threads();
    std::vector<double> read, triad;
    volatile double sink = 0;
    for (int k = 0; k <= samples; ++k) {  // k == 0 is the warm-up
        double t = omp_get_wtime();
        double sum = 0;
#pragma omp parallel for simd schedule(static) reduction(+ : sum)
        for (long j = 0; j < n; ++j) sum += pb[j];
        t = omp_get_wtime() - t;
        sink = sink + sum;
        if (k > 0) read.push_back(bytes / t / 1e9);

        const double scalar = 3.0;
        t = omp_get_wtime();
#pragma omp parallel for schedule(static)
        for (long j = 0; j < n; ++j) pa[j] = pb[j] + scalar * pc[j];
        t = omp_get_wtime() - t;
        if (k > 0) triad.push_back(3.0 * bytes / t / 1e9);
    }
    r.read_gbs_median = median_of(read);
    r.read_gbs_best = read.empty() ? 0 : *std::max_element(read.begin(), read.end());
    r.triad_gbs_median = median_of(triad);
    r.triad_gbs_best = triad.empty() ? 0 : *std::max_element(triad.begin(), triad.end());
    return r;
}

}  // namespace headroom::bench
