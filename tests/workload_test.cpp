// workload_test.cpp: verdicts a practitioner knows the answer to, each with its reason, and the
// suggestions that fix a setup.
#include <gtest/gtest.h>

#include "headroom/advice.h"
#include "headroom/estimate.h"
#include "test_support.h"

using namespace headroom;

namespace {

struct Case {
    const char* why;
    const char* scenario;
    const char* verdict;
    const char* limiting;  ///< nullptr: not checked
};

// An Apple laptop with 64 GB, as the scenario contract describes inline hardware.
#define M4_MAX_64 \
    R"("hardware": "apple-m4-max-40c", "hardware_memory_gb": 64)"

const Case kCases[] = {
    {"an 8B model at Q4_K_M on a 24 GB card runs chat well",
     R"({"model": "meta-llama/Meta-Llama-3-8B", "quant": "Q4_K_M", "hardware": "nvidia-rtx-4090", "workload": "chat"})",
     "runs-well", nullptr},
    {"an 8B model at F16 (16 GB of weights) still runs chat well on a 24 GB card",
     R"({"model": "meta-llama/Meta-Llama-3-8B", "quant": "F16", "hardware": "nvidia-rtx-4090", "workload": "chat"})",
     "runs-well", nullptr},
    {"a 70B model at F16 (141 GB) won't fit on one 80 GB card: 60 GB would have to live in system RAM",
     R"({"model": "meta-llama/Meta-Llama-3-70B", "quant": "F16", "hardware": "nvidia-a100-sxm4-80gb", "workload": "chat"})",
     "wont-fit", "memory"},
    {"a 70B model at Q4_K_M (42 GB) on a 24 GB card runs only with layers in system RAM",
     R"({"model": "meta-llama/Meta-Llama-3-70B", "quant": "Q4_K_M", "hardware": "nvidia-rtx-4090", "workload": "chat"})",
     "spills-to-cpu", "memory"},
    {"the same 70B Q4_K_M on two 24 GB cards fits",
     R"({"model": "meta-llama/Meta-Llama-3-70B", "quant": "Q4_K_M", "hardware": "nvidia-rtx-3090", "gpus": 2, "workload": "chat"})",
     "usable", nullptr},
    {"a 30B-A3B MoE on a 64 GB Apple laptop runs well: only 3B parameters are read per token",
     R"({"model": "Qwen/Qwen3-30B-A3B", "quant": "Q4_K_M", )" M4_MAX_64 R"(, "engine": "llama.cpp", "workload": "chat"})",
     "runs-well", nullptr},
    {"a dense 70B at Q4_K_M on a 64 GB Apple laptop fits but generates slower than reading pace",
     R"({"model": "meta-llama/Meta-Llama-3-70B", "quant": "Q4_K_M", )" M4_MAX_64 R"(, "workload": "chat"})",
     "usable", "bandwidth"},
    {"a 128k-context agent loop with an 8B model on a 12 GB card is too tight: 16 GiB of KV cache",
     R"({"model": "meta-llama/Llama-3.1-8B-Instruct", "quant": "Q4_K_M", "hardware": "nvidia-rtx-3060", "context": 131072, "flash_attn": true, "workload": "agent"})",
     "too-tight", "context"},
    {"20 users on one small GPU do not run well",
     R"({"model": "meta-llama/Llama-3.1-8B-Instruct", "quant": "Q4_K_M", "hardware": "nvidia-rtx-3060", "workload": {"preset": "serving", "concurrency": 20}})",
     "too-tight", "concurrency"},
    {"a model that does not fit unified memory has nowhere to spill",
     R"({"model": "meta-llama/Meta-Llama-3-70B", "quant": "Q8_0", "hardware": "apple-m4-max-40c", "workload": "chat"})",
     "wont-fit", "memory"},
    {"offline batch of an 8B model on a 4090 moves millions of tokens an hour",
     R"({"model": "meta-llama/Llama-3.1-8B-Instruct", "quant": "Q4_K_M", "hardware": "nvidia-rtx-4090", "workload": "batch"})",
     "runs-well", nullptr},
    {"vLLM does not run layers from system RAM: a 70B in BF16 on one 80 GB card won't start",
     R"({"model": "meta-llama/Meta-Llama-3-70B", "quant": "BF16", "engine": "vllm", "hardware": "nvidia-h100-sxm", "workload": "chat"})",
     "wont-fit", "memory"},
    {"the same 70B in BF16 under vLLM with tensor parallelism over four 80 GB cards runs well: each reads a quarter",
     R"({"model": "meta-llama/Meta-Llama-3-70B", "quant": "BF16", "engine": "vllm", "hardware": "nvidia-h100-sxm", "gpus": 4, "workload": "chat"})",
     "runs-well", nullptr},
    {"gpt-oss-120b with its experts in 128 GB of system RAM (--cpu-moe) runs chat on a 24 GB card",
     R"({"model": "openai/gpt-oss-120b", "quant": "MXFP4", "hardware": "nvidia-rtx-4090", "experts_on_host": true, "host_memory_gb": 128, "workload": "chat"})",
     "runs-well", nullptr},
    {"but not with 32 GB of system RAM: 58 GiB of experts have nowhere to go",
     R"({"model": "openai/gpt-oss-120b", "quant": "MXFP4", "hardware": "nvidia-rtx-4090", "experts_on_host": true, "host_memory_gb": 32, "workload": "chat"})",
     "wont-fit", "memory"},
};

Prediction run(const std::string& scenario, bool with_suggestions = false) {
    ScenarioResult r = parse_scenario(scenario, test::catalog());
    EXPECT_TRUE(r.ok()) << r.error << " in " << scenario;
    return predict(r.scenario, with_suggestions ? &test::catalog() : nullptr);
}

}  // namespace

TEST(Verdict, PractitionerCases) {
    for (const Case& c : kCases) {
        const Prediction p = run(c.scenario);
        ASSERT_FALSE(p.assessment.reasons.empty()) << c.why;
        EXPECT_EQ(verdict_name(p.assessment.verdict), c.verdict) << c.why << " (" << p.assessment.reasons.front() << ")";
        if (c.limiting) {
            EXPECT_EQ(p.assessment.limiting, c.limiting) << c.why;
        }
    }
}

TEST(Verdict, TooTightAgentIsFixedByAQuantisedKvCacheOrAShorterContext) {
    const Prediction p = run(kCases[7].scenario, true);
    ASSERT_EQ(p.assessment.verdict, Verdict::too_tight);
    EXPECT_LT(p.assessment.figures.max_context, 131072);
    EXPECT_GT(p.assessment.figures.max_context, 16384);
    bool kv = false, context = false;
    for (const Suggestion& s : p.suggestions) {
        EXPECT_LT(verdict_rank(s.verdict), verdict_rank(Verdict::too_tight)) << s.summary;
        kv = kv || s.change.rfind("KV cache", 0) == 0;
        context = context || s.change.rfind("context", 0) == 0;
    }
    EXPECT_TRUE(kv);
    EXPECT_TRUE(context);
}

TEST(Verdict, SpillingModelIsFixedByMoreGpusOrAFewerBitsFormat) {
    const Prediction p = run(kCases[3].scenario, true);
    ASSERT_FALSE(p.suggestions.empty());
    bool more_gpus = false;
    for (const Suggestion& s : p.suggestions) more_gpus = more_gpus || s.change == "2x this GPU";
    EXPECT_TRUE(more_gpus);
    EXPECT_NE(p.suggestions.front().summary.find("tok/s"), std::string::npos);
}

TEST(Verdict, WithoutFlashAttentionTheScoresMatrixIsTheFirstFix) {
    // At 128k tokens llama.cpp's attention scores (heads x context x ubatch, f32) take 8 GiB.
    const Prediction p = run(R"({"model": "meta-llama/Llama-3.1-8B-Instruct", "quant": "Q4_K_M", "hardware": "nvidia-rtx-4090", "context": 131072, "workload": "agent"})", true);
    ASSERT_EQ(p.assessment.verdict, Verdict::too_tight);
    ASSERT_FALSE(p.suggestions.empty());
    bool fa = false;
    for (const Suggestion& s : p.suggestions) fa = fa || s.change == "flash attention on";
    EXPECT_TRUE(fa);
}

TEST(Verdict, FiguresForTheWorkload) {
    const Prediction p = run(kCases[0].scenario);
    const WorkloadFigures& f = p.assessment.figures;
    EXPECT_GT(f.headroom_bytes, 0);
    EXPECT_GT(f.headroom_share, 0.5);  // 6 GiB of 24
    EXPECT_GE(f.max_context, 8192);    // Llama 3's own limit caps it
    EXPECT_GT(f.max_users, 10);
    EXPECT_GT(f.task_s, 0);
    const Prediction agent = run(R"({"model": "meta-llama/Llama-3.1-8B-Instruct", "quant": "Q4_K_M", "hardware": "nvidia-rtx-4090", "workload": "agent"})");
    EXPECT_GT(agent.assessment.figures.task_s, 10 * agent.assessment.figures.ttft_s);  // many steps
}

TEST(Verdict, VerdictOrder) {
    EXPECT_LT(verdict_rank(Verdict::runs_well), verdict_rank(Verdict::usable));
    EXPECT_LT(verdict_rank(Verdict::too_tight), verdict_rank(Verdict::wont_fit));
    EXPECT_EQ(verdict_name(Verdict::spills_to_cpu), "spills-to-cpu");
}

TEST(Verdict, ASpillingMoeModelIsOfferedItsExpertsInSystemRam) {
    const Prediction p = run(R"({"model": "openai/gpt-oss-120b", "quant": "MXFP4", "hardware": "nvidia-rtx-4090", "host_memory_gb": 128, "workload": "chat"})", true);
    ASSERT_EQ(p.assessment.verdict, Verdict::spills_to_cpu);
    bool cpu_moe = false;
    for (const Suggestion& s : p.suggestions) cpu_moe = cpu_moe || s.change == "experts in system RAM (--cpu-moe)";
    EXPECT_TRUE(cpu_moe);
}
