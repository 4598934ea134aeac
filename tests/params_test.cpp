// params_test.cpp: parameter counts from the architecture, against hand-worked and published counts.
#include <gtest/gtest.h>

#include <cmath>

#include "headroom/config.h"
#include "headroom/params.h"
#include "test_support.h"

using namespace headroom;

TEST(Params, Llama3_8BMatchesHandWorkedCount) {
    const auto g = test::golden();
    const ParamCount p = count_params(test::model(g["model"]).arch);
    EXPECT_EQ(p.total, g["params_total"].get<int64_t>());
    EXPECT_EQ(p.active, p.total);
    EXPECT_EQ(p.embedding, 128256LL * 4096);
    EXPECT_EQ(p.output_head, 128256LL * 4096);
}

TEST(Params, TiedEmbeddingsHaveNoSeparateHead) {
    ArchResult r = parse_hf_config(R"({"model_type": "llama", "num_hidden_layers": 1, "hidden_size": 8,
        "num_attention_heads": 2, "intermediate_size": 16, "vocab_size": 10, "tie_word_embeddings": true})");
    ASSERT_TRUE(r.ok());
    const ParamCount p = count_params(r.arch);
    // embed 80 + final norm 8 + layer: 2 norms 16, q 64, k 64, v 64, o 64, ffn 3*128
    EXPECT_EQ(p.total, 80 + 8 + 16 + 4 * 64 + 3 * 128);
    EXPECT_EQ(p.output_head, 0);
}

TEST(Params, MoeActiveCountsOnlyRoutedExpertsInUse) {
    ArchResult r = parse_hf_config(R"({"model_type": "mixtral", "num_hidden_layers": 32, "hidden_size": 4096,
        "num_attention_heads": 32, "num_key_value_heads": 8, "intermediate_size": 14336, "vocab_size": 32000,
        "num_local_experts": 8, "num_experts_per_tok": 2})");
    ASSERT_TRUE(r.ok());
    const ParamCount p = count_params(r.arch);
    // Mixtral 8x7B: 46.7B total, 12.9B active (Mistral AI's announcement).
    EXPECT_NEAR(double(p.total) / 1e9, 46.7, 0.1);
    EXPECT_NEAR(double(p.active) / 1e9, 12.9, 0.1);
}

TEST(Params, EveryCatalogModelMatchesItsPublishedCountWithin3Percent) {
    ASSERT_FALSE(test::catalog().models.empty());
    for (const CatalogModel& m : test::catalog().models) {
        const double computed = double(count_params(m.arch).total);
        const double published = double(m.published_params);
        EXPECT_LE(std::abs(computed - published) / published, 0.03)
            << m.id << ": computed " << computed / 1e9 << "B, published " << published / 1e9 << "B";
    }
}
