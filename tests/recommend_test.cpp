// recommend_test.cpp: what runs well on some hardware, and what hardware runs a model well.
#include <gtest/gtest.h>

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
