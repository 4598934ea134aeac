// machine.cpp: the measurement run: system facts, the GPUs, then the CPU's memory bandwidth.
#include "machine.h"

#include <algorithm>
#include <ctime>

#include "cpu_bandwidth.h"
#include "gpu.h"
#include "system_info.h"

#ifndef HEADROOM_VERSION
#define HEADROOM_VERSION "0.0.0"
#endif

namespace headroom::probe {

std::string utc_now() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

ProbeRun measure_machine(bool quick, std::ostream& err, const std::string& created_utc) {
    ProbeRun run;
    run.created_utc = created_utc;
    run.quick = quick;
    run.system = read_system_info();
    err << "headroom-probe " << HEADROOM_VERSION << ": measuring " << run.system.cpu_model << "\n";
    run.gpus = probe_gpus(quick, err);
    err << "  GPU: " << run.gpus.message << "\n";
    const BandwidthPlan plan = plan_cpu_bandwidth(run.system, quick);
    err << "  CPU: read and triad bandwidth, " << run.system.cpu_threads << " threads, "
        << (plan.array_bytes >> 20) << " MiB arrays\n";
    run.cpu = measure_cpu_bandwidth(plan.array_bytes, run.system.cpu_threads, plan.samples);
    return run;
}

}  // namespace headroom::probe
