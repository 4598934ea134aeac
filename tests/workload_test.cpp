// workload_test.cpp: verdicts a practitioner knows the answer to, each with its reason.
#include <gtest/gtest.h>

#include "headroom/estimate.h"
#include "test_support.h"

using namespace headroom;

namespace {
struct Case {
    const char* why;
    const char* scenario;
    const char* verdict;
};

const Case kCases[] = {
    {"an 8B model at Q4_K_M on a 24 GB card runs chat well",
     R"({"model": "meta-llama/Meta-Llama-3-8B", "quant": "Q4_K_M", "hardware": "nvidia-rtx-4090", "workload": "chat"})",
     "runs-well"},
    {"a 70B model at Q4_K_M on a 24 GB card spills to the CPU",
     R"({"model": "meta-llama/Meta-Llama-3-70B", "quant": "Q4_K_M", "hardware": "nvidia-rtx-4090", "workload": "chat"})",
     "spills-to-cpu"},
    {"an 8B model at F16 (16 GB of weights) with 128k context on a 12 GB card does not fit on the card",
     R"({"model": "meta-llama/Meta-Llama-3-8B", "quant": "F16", "hardware": "nvidia-rtx-3060", "context": 131072, "workload": "agent"})",
     "spills-to-cpu"},
};
}  // namespace

TEST(Verdict, PractitionerCases) {
    for (const Case& c : kCases) {
        ScenarioResult r = parse_scenario(c.scenario, test::catalog());
        ASSERT_TRUE(r.ok()) << c.why << ": " << r.error;
        const Prediction p = predict(r.scenario);
        EXPECT_EQ(verdict_name(p.assessment.verdict), c.verdict)
            << c.why << " (" << p.assessment.reasons.front() << ")";
        EXPECT_FALSE(p.assessment.reasons.empty()) << c.why;
    }
}

TEST(Verdict, SlowSpeedIsSluggishAndSaysSo) {
    MemoryBreakdown m;
    m.fits = true;
    m.total_bytes = 10;
    m.capacity_bytes = 100;
    SpeedEstimate s;
    s.decode_tok_s = 3;
    s.ttft_s = 1;
    const Assessment a = assess(m, s, Workload{});
    EXPECT_EQ(a.verdict, Verdict::sluggish);
    EXPECT_EQ(a.limiting, "bandwidth");
}

TEST(Verdict, NoHeadroomIsTooTight) {
    MemoryBreakdown m;
    m.fits = true;
    m.total_bytes = 99;
    m.capacity_bytes = 100;
    SpeedEstimate s;
    s.decode_tok_s = 100;
    s.ttft_s = 0.1;
    EXPECT_EQ(assess(m, s, Workload{}).verdict, Verdict::too_tight);
}
