// bench_recommend.cpp: time of recommend_models over the whole catalog (issue #6: fast enough to
// recompute on every input change in the browser), first call and repeated calls, per setup.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include "headroom/catalog.h"
#include "headroom/embedded_catalog.h"
#include "headroom/recommend.h"

namespace {

using Clock = std::chrono::steady_clock;

/// Repeated calls timed per setup; the median is reported.
constexpr int kRepeats = 30;

struct Case {
    const char* hardware;
    const char* engine;
    const char* workload;
    int devices;
};

/// A spread of memory sizes and engines: most formats fit on the big ones, few on the small ones.
constexpr Case kCases[] = {
    {"nvidia-rtx-4090", "llama.cpp", "chat", 1},   {"nvidia-rtx-3060", "llama.cpp", "agent", 1},
    {"apple-m4-max-40c", "mlx", "coding", 1},      {"nvidia-h100-sxm", "vllm", "serving", 1},
    {"nvidia-h100-sxm", "llama.cpp", "rag", 8},    {"cpu-desktop-ddr5-6000-2ch", "llama.cpp", "chat", 1},
};

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

/// This thread's CPU time in ms: on a shared machine wall-clock time says more about the neighbours.
double cpu_ms() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

}  // namespace

int main() {
    const headroom::CatalogResult cat = headroom::load_catalog(headroom::embedded_catalog_json());
    if (!cat.ok()) {
        std::fprintf(stderr, "bench_recommend: catalog: %s\n", cat.error.c_str());
        return 1;
    }
    const headroom::Catalog& c = cat.catalog;
    std::printf("recommend_models over %zu catalog models (median of %d repeated calls)\n", c.models.size(), kRepeats);
    bool first_call = true;
    for (const Case& k : kCases) {
        const headroom::Hardware* hw = headroom::find_hardware(c, k.hardware);
        const headroom::Workload* w = headroom::find_workload(c, k.workload);
        if (!hw || !w) {
            std::fprintf(stderr, "bench_recommend: %s or %s is not in the catalog\n", k.hardware, k.workload);
            return 1;
        }
        headroom::Setup s;
        s.hardware = *hw;
        s.devices = k.devices;
        s.engine = k.engine;
        s.flash_attn = true;
        auto t = Clock::now();
        double c0 = cpu_ms();
        size_t picks = headroom::recommend_models(c, s, *w, 10).size();
        const double first = ms_since(t), first_cpu = cpu_ms() - c0;
        std::vector<double> times, cpu_times;
        for (int i = 0; i < kRepeats; ++i) {
            t = Clock::now();
            c0 = cpu_ms();
            picks = headroom::recommend_models(c, s, *w, 10).size();
            times.push_back(ms_since(t));
            cpu_times.push_back(cpu_ms() - c0);
        }
        std::sort(times.begin(), times.end());
        std::sort(cpu_times.begin(), cpu_times.end());
        std::printf("  %dx %-26s %-10s %-8s first %7.2f ms (CPU %7.2f)%s  repeat %6.2f ms (CPU %6.2f)  %zu picks\n",
                    k.devices, k.hardware, k.engine, k.workload, first, first_cpu,
                    first_call ? " process's first" : "                ", times[times.size() / 2],
                    cpu_times[cpu_times.size() / 2], picks);
        first_call = false;
    }
    return 0;
}
