// recommend_test.cpp: what runs well on some hardware, and what hardware runs a model well.
#include <gtest/gtest.h>

#include "headroom/advice.h"
#include "headroom/recommend.h"
#include "test_support.h"

using namespace headroom;

namespace {
headroom::Setup on(const std::string& hardware, int devices = 1) {
    headroom::Setup s;
    s.hardware = *find_hardware(test::catalog(), hardware);
    s.devices = devices;
    s.flash_attn = true;
    return s;
}
}  // namespace

TEST(Recommend, ModelsThatRunChatWellOnA24GbCard) {
    const auto picks = recommend_models(test::catalog(), on("nvidia-rtx-4090"), *find_workload(test::catalog(), "chat"), 15);
    ASSERT_GE(picks.size(), 5u);
    for (size_t i = 0; i < picks.size(); ++i) {
        EXPECT_EQ(picks[i].verdict, Verdict::runs_well) << picks[i].model_id;
        EXPECT_GT(picks[i].decode_tok_s, 20) << picks[i].model_id;
        if (i > 0) {
            EXPECT_GE(picks[i - 1].quality, picks[i].quality);
        }
        // Nothing of 70B dense fits 24 GB at a quality format and runs well.
        EXPECT_EQ(picks[i].model_id.find("70B"), std::string::npos) << picks[i].model_id;
    }
}

TEST(Recommend, QualityProxyPrefersBiggerNewerAndLessQuantised) {
    const Catalog& c = test::catalog();
    const CatalogModel& small = test::model("meta-llama/Meta-Llama-3-8B");
    const CatalogModel& big = test::model("meta-llama/Meta-Llama-3-70B");
    EXPECT_GT(quality_proxy(big, c, "Q4_K_M"), quality_proxy(small, c, "Q4_K_M"));
    EXPECT_GT(quality_proxy(small, c, "Q8_0"), quality_proxy(small, c, "Q4_K_M"));
    EXPECT_GT(quality_proxy(small, c, "Q4_K_M"), quality_proxy(small, c, "IQ2_M"));
}

TEST(Recommend, SmallestAndCheapestHardwareForA70B) {
    headroom::Setup s;
    s.format = find_weight_format("Q4_K_M").format;
    s.flash_attn = true;
    const HardwareChoice h = recommend_hardware(test::catalog(), test::model("meta-llama/Meta-Llama-3-70B").arch, s,
                                                *find_workload(test::catalog(), "chat"));
    ASSERT_TRUE(h.found);
    EXPECT_GE(h.smallest.memory_bytes, 40.0 * (1 << 30));  // 42 GB of weights must fit somewhere
    EXPECT_EQ(h.smallest.verdict, Verdict::runs_well);
    ASSERT_TRUE(h.found_cheapest);
    EXPECT_GT(h.cheapest.price_usd, 0);
}

namespace {

/// The sweep without shortcuts: every model in every format of the engine, fully assessed, ranked
/// by the documented rule. recommend_models must give exactly this, however it saves time.
std::vector<ModelPick> straightforward_picks(const Catalog& c, const headroom::Setup& setup, const Workload& w) {
    const bool mlx = setup.engine == "mlx";
    const bool server = setup.engine == "vllm" || setup.engine == "sglang" || setup.engine == "tensorrt-llm";
    const std::vector<std::string> formats =
        mlx ? std::vector<std::string>{"MLX 8-bit", "MLX 4-bit"}
            : server ? std::vector<std::string>{"FP16", "FP8", "AWQ 4-bit"}
                     : std::vector<std::string>{"Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M", "IQ4_XS", "Q3_K_M", "IQ2_M"};
    std::vector<ModelPick> picks;
    for (const CatalogModel& m : c.models)
        for (const std::string& f : formats) {
            headroom::Setup s = setup;
            s.format = find_weight_format(f).format;
            const Assessment a = assess(m.arch, s, w, headroom::AssessDepth::verdict);
            if (a.verdict != Verdict::runs_well) continue;
            picks.push_back({m.id, m.name, f, a.verdict, a.figures.decode_tok_s, a.figures.ttft_s,
                             a.figures.headroom_bytes, quality_proxy(m, c, f)});
            break;
        }
    std::stable_sort(picks.begin(), picks.end(), [](const ModelPick& x, const ModelPick& y) {
        if (x.quality != y.quality) return x.quality > y.quality;
        if (x.decode_tok_s != y.decode_tok_s) return x.decode_tok_s > y.decode_tok_s;
        return x.headroom_bytes > y.headroom_bytes;
    });
    return picks;
}

}  // namespace

TEST(Recommend, FastSweepGivesExactlyTheStraightforwardPicks) {
    const Catalog& c = test::catalog();
    struct Case {
        const char* hardware;
        const char* engine;
        const char* workload;
        int devices;
    };
    // Small, mid and large memory, unified and discrete, each engine family, every workload kind.
    for (const Case& k : {Case{"nvidia-rtx-4090", "llama.cpp", "chat", 1}, Case{"nvidia-rtx-3060", "ollama", "agent", 1},
                          Case{"apple-m4-max-40c", "mlx", "coding", 1}, Case{"nvidia-h100-sxm", "vllm", "serving", 1},
                          Case{"nvidia-h100-sxm", "llama.cpp", "rag", 8}, Case{"cpu-desktop-ddr5-6000-2ch", "llama.cpp", "batch", 1},
                          Case{"apple-m1-8c", "llama.cpp", "chat", 1}}) {
        headroom::Setup s = on(k.hardware, k.devices);
        s.engine = k.engine;
        const Workload& w = *find_workload(c, k.workload);
        const auto fast = recommend_models(c, s, w, 1000);
        const auto slow = straightforward_picks(c, s, w);
        ASSERT_EQ(fast.size(), slow.size()) << k.hardware << " " << k.engine << " " << k.workload;
        for (size_t i = 0; i < fast.size(); ++i) {
            EXPECT_EQ(fast[i].model_id, slow[i].model_id) << k.hardware << " #" << i;
            EXPECT_EQ(fast[i].format, slow[i].format) << fast[i].model_id;
            EXPECT_EQ(fast[i].decode_tok_s, slow[i].decode_tok_s) << fast[i].model_id;
            EXPECT_EQ(fast[i].ttft_s, slow[i].ttft_s) << fast[i].model_id;
            EXPECT_EQ(fast[i].headroom_bytes, slow[i].headroom_bytes) << fast[i].model_id;
            EXPECT_EQ(fast[i].quality, slow[i].quality) << fast[i].model_id;
        }
        // The cut to `top` keeps the ranking's head.
        const auto top3 = recommend_models(c, s, w, 3);
        ASSERT_EQ(top3.size(), std::min<size_t>(3, slow.size()));
        for (size_t i = 0; i < top3.size(); ++i) EXPECT_EQ(top3[i].model_id, slow[i].model_id);
    }
}
