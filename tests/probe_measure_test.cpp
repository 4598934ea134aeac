// probe_measure_test.cpp: the probe's measurement logic through its backend interface: buffer
// sizes, warm-up and timed samples, statistics, the cache-artefact flag and the profile written
// from the results, with a fake device whose rates are scripted; and the real CPU backend, small.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "backend.h"
#include "cpu_bandwidth.h"
#include "headroom/profile.h"
#include "profile_writer.h"

using namespace headroom;
using namespace headroom::probe;
using nlohmann::json;

namespace {

constexpr size_t kMiB = size_t(1) << 20;

/// A device that moves bytes at scripted rates (GB/s): the i-th run of a kernel goes at rates[i]
/// (the last one repeated), so the statistics the logic reports are known in advance.
class FakeDevice : public BandwidthBackend {
public:
    explicit FakeDevice(std::vector<double> rates_gbs, bool can_allocate = true)
        : rates_(std::move(rates_gbs)), can_allocate_(can_allocate) {}
    bool allocate(size_t array_bytes, std::string& error) override {
        ++allocations;
        if (!can_allocate_) {
            error = "out of memory";
            return false;
        }
        allocated = array_bytes;
        return true;
    }
    double run(Kernel k) override {
        const int i = runs[k]++;
        const double rate = rates_[std::min<size_t>(size_t(i), rates_.size() - 1)];
        return kernel_bytes(k, allocated) / (rate * 1e9);
    }
    size_t allocated = 0;
    int allocations = 0;
    std::map<Kernel, int> runs;

private:
    std::vector<double> rates_;
    bool can_allocate_;
};

}  // namespace

TEST(Plan, CpuArraysAreSeveralTimesTheLastLevelCache) {
    const PlanRule full = cpu_plan_rule(false);
    // 96 MiB of L3 and plenty of memory: 4x the cache, so DRAM is measured.
    const BandwidthPlan p = plan_bandwidth(full, 96 * kMiB, 64.0 * 1024 * kMiB);
    EXPECT_GE(p.array_bytes, 4 * 96 * kMiB);
    EXPECT_EQ(p.array_bytes % 4096, 0u);
    EXPECT_EQ(p.samples, 30);
    EXPECT_GE(p.warmup, 1);
    // A small cache still gets the floor; a huge reported cache (a VM's host L3) the cap.
    EXPECT_EQ(plan_bandwidth(full, 8 * kMiB, 64.0 * 1024 * kMiB).array_bytes, 256 * kMiB);
    EXPECT_EQ(plan_bandwidth(full, 2048 * kMiB, 64.0 * 1024 * kMiB).array_bytes, 1024 * kMiB);
    // Little free memory: the three arrays stay within a share of it.
    EXPECT_LE(3 * plan_bandwidth(full, 96 * kMiB, 1024.0 * kMiB).array_bytes, 512 * kMiB);
    // Quick runs are shorter but still past the cache.
    const BandwidthPlan q = plan_bandwidth(cpu_plan_rule(true), 32 * kMiB, 64.0 * 1024 * kMiB);
    EXPECT_LT(q.samples, 30);
    EXPECT_GE(q.array_bytes, 2 * 32 * kMiB);
}

TEST(Plan, GpuBuffersAreManyTimesTheL2AndFitInFreeMemory) {
    // An H100: 50 MiB of L2, 79 GiB free.
    const BandwidthPlan p = plan_bandwidth(gpu_plan_rule(false), 50 * kMiB, 79.0 * 1024 * kMiB);
    EXPECT_GE(p.array_bytes, 64 * 50 * kMiB);
    EXPECT_LE(3.0 * double(p.array_bytes), 79.0 * 1024 * kMiB);
    EXPECT_EQ(p.samples, 30);
    // A 4 GiB card: a quarter of free memory per array, whatever the L2 asks for.
    EXPECT_LE(plan_bandwidth(gpu_plan_rule(false), 32 * kMiB, 4096.0 * kMiB).array_bytes, 1024 * kMiB);
}

TEST(MeasureBandwidth, WarmupRunsThenThirtyTimedSamplesPerKernel) {
    // Two slow warm-up runs, then 30 samples: 10..39 GB/s.
    std::vector<double> rates = {1, 1};
    for (int i = 0; i < 30; ++i) rates.push_back(10 + i);
    FakeDevice dev(rates);
    BandwidthPlan plan;
    plan.array_bytes = 512 * kMiB;
    plan.warmup = 2;
    plan.samples = 30;
    const BandwidthResult r = measure_bandwidth(dev, plan, {Kernel::read, Kernel::copy, Kernel::triad}, 0);
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(dev.allocations, 1);
    EXPECT_EQ(dev.allocated, 512 * kMiB);
    EXPECT_EQ(r.array_bytes, 512 * kMiB);
    for (Kernel k : {Kernel::read, Kernel::copy, Kernel::triad}) EXPECT_EQ(dev.runs[k], 32) << kernel_name(k);
    for (const RateStats* s : {&r.read_gbs, &r.copy_gbs, &r.triad_gbs}) {
        EXPECT_EQ(s->samples, 30);
        EXPECT_NEAR(s->median, 24.5, 1e-9);  // between the 15th and 16th of 10..39
        EXPECT_NEAR(s->best, 39, 1e-9);      // the warm-up's 1 GB/s is never reported
    }
}

TEST(MeasureBandwidth, RatesCountStreamBytesPerKernel) {
    FakeDevice dev({100});
    BandwidthPlan plan;
    plan.array_bytes = 64 * kMiB;
    plan.warmup = 0;
    plan.samples = 3;
    const BandwidthResult r = measure_bandwidth(dev, plan, {Kernel::read, Kernel::triad}, 0);
    // The fake moves STREAM's byte count at 100 GB/s, so each kernel reports 100.
    EXPECT_NEAR(r.read_gbs.median, 100, 1e-6);
    EXPECT_NEAR(r.triad_gbs.median, 100, 1e-6);
    EXPECT_EQ(r.copy_gbs.samples, 0);  // not asked for
    EXPECT_DOUBLE_EQ(kernel_bytes(Kernel::triad, 1000), 3000);
    EXPECT_DOUBLE_EQ(kernel_bytes(Kernel::copy, 1000), 2000);
}

TEST(MeasureBandwidth, FlagsACacheArtefactAbove105PercentOfTheoretical) {
    BandwidthPlan plan;
    plan.array_bytes = kMiB;
    plan.samples = 5;
    FakeDevice fast({3700});  // an H100 SXM's HBM3 peaks at 3352 GB/s: 3700 is the L2 talking
    EXPECT_TRUE(measure_bandwidth(fast, plan, {Kernel::read}, 3352).cache_artefact);
    FakeDevice honest({3000});
    EXPECT_FALSE(measure_bandwidth(honest, plan, {Kernel::read}, 3352).cache_artefact);
    FakeDevice unknown({3700});
    EXPECT_FALSE(measure_bandwidth(unknown, plan, {Kernel::read}, 0).cache_artefact);
}

TEST(MeasureBandwidth, AllocationFailureIsReportedAndNothingRuns) {
    FakeDevice dev({10}, /*can_allocate=*/false);
    BandwidthPlan plan;
    plan.array_bytes = kMiB;
    const BandwidthResult r = measure_bandwidth(dev, plan, {Kernel::read}, 0);
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.error, "out of memory");
    EXPECT_EQ(dev.runs[Kernel::read], 0);
}

TEST(ProfileWriter, ProfileFromFakeMeasurementsHasSchemaDevicesAndMethods) {
    BandwidthPlan plan;
    plan.array_bytes = 256 * kMiB;
    plan.warmup = 2;
    plan.samples = 30;
    FakeDevice gpu_dev({2900});
    const BandwidthResult g = measure_bandwidth(gpu_dev, plan, {Kernel::read, Kernel::copy, Kernel::triad}, 3352);
    FakeDevice cpu_dev({40});
    const BandwidthResult c = measure_bandwidth(cpu_dev, plan, {Kernel::read, Kernel::triad}, 0);

    ProbeRun run;
    run.created_utc = "2026-01-01T00:00:00Z";
    run.system.cpu_model = "Fake CPU";
    run.system.cpu_threads = 8;
    run.system.memory_bytes = 64.0 * 1024 * kMiB;
    run.system.available_memory_bytes = 60.0 * 1024 * kMiB;
    run.cpu.read_gbs = c.read_gbs;
    run.cpu.triad_gbs = c.triad_gbs;
    run.cpu.array_bytes = c.array_bytes;
    run.cpu.threads = 8;
    GpuReport rep;
    rep.name = "Fake H100";
    rep.total_bytes = 80.0 * 1024 * kMiB;
    rep.free_bytes = 79.0 * 1024 * kMiB;
    rep.theoretical_bandwidth_gbs = 3352;
    rep.read_gbs = g.read_gbs;
    rep.copy_gbs = g.copy_gbs;
    rep.triad_gbs = g.triad_gbs;
    rep.cache_artefact = g.cache_artefact;
    run.gpus.devices.push_back(rep);
    run.gpus.available = true;

    const json doc = json::parse(profile_json(run));
    EXPECT_EQ(doc["schema"], std::string(kProfileSchema));
    EXPECT_TRUE(doc["probe_version"].is_string());
    EXPECT_EQ(doc["created"], "2026-01-01T00:00:00Z");
    ASSERT_EQ(doc["devices"].size(), 2u);
    EXPECT_EQ(doc["devices"][0]["kind"], "gpu");
    EXPECT_EQ(doc["devices"][1]["kind"], "cpu");
    for (const json& d : doc["devices"])
        for (const auto& [name, m] : d["measurements"].items()) {
            EXPECT_TRUE(m.contains("method") && m["method"].is_string()) << name;
            EXPECT_FALSE(m["method"].get<std::string>().empty()) << name;
        }
    const json& read = doc["devices"][0]["measurements"]["read_bandwidth_gbs"];
    EXPECT_NEAR(read["median"].get<double>(), 2900, 1e-6);
    EXPECT_EQ(read["samples"], 30);
    EXPECT_EQ(doc["devices"][0]["cache_artefact"], false);
    EXPECT_EQ(doc["devices"][1]["measurements"]["triad_bandwidth_gbs"]["samples"], 30);

    // Core reads it back as measured hardware: the GPU's free memory and read bandwidth.
    const ProfileResult p = hardware_from_profile(doc.dump());
    ASSERT_TRUE(p.ok()) << p.error;
    EXPECT_TRUE(p.hardware.measured);
    EXPECT_NEAR(p.hardware.bandwidth_bytes_s, 2900e9, 1e3);
    EXPECT_DOUBLE_EQ(p.hardware.memory_bytes, 79.0 * 1024 * kMiB);
}

TEST(CpuBackendReal, MeasuresThisMachineWithSmallArrays) {
    CpuBackend cpu(2);
    BandwidthPlan plan;
    plan.array_bytes = 8 * kMiB;
    plan.warmup = 1;
    plan.samples = 3;
    const BandwidthResult r = measure_bandwidth(cpu, plan, {Kernel::read, Kernel::copy, Kernel::triad}, 0);
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_GT(r.read_gbs.median, 0.1);  // any machine moves more than 0.1 GB/s
    EXPECT_GT(r.copy_gbs.median, 0.1);
    EXPECT_GT(r.triad_gbs.median, 0.1);
    EXPECT_GE(r.read_gbs.best, r.read_gbs.median);
}

TEST(CpuBackendReal, KernelsWriteTheRightValuesWhateverTheSplit) {
    // An odd element count over three threads: chunks start unaligned and end in scalar tails,
    // every path of the streaming-store loops runs.
    CpuBackend cpu(3);
    std::string error;
    ASSERT_TRUE(cpu.allocate(8 * 100003, error)) << error;
    ASSERT_EQ(cpu.elements(), 100003u);
    EXPECT_GT(cpu.run(Kernel::triad), 0);
    const double* a = cpu.written();
    size_t wrong = 0;
    for (size_t i = 0; i < cpu.elements(); ++i) wrong += a[i] != 1.0 + 3.0 * 2.0;  // a = b + 3c
    EXPECT_EQ(wrong, 0u);
    cpu.run(Kernel::copy);
    wrong = 0;
    for (size_t i = 0; i < cpu.elements(); ++i) wrong += a[i] != 1.0;  // a = b
    EXPECT_EQ(wrong, 0u);
}
