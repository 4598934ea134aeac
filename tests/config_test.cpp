// config_test.cpp: reading Hugging Face configs, family quirks and bad input.
#include <gtest/gtest.h>

#include "headroom/config.h"

using namespace headroom;

TEST(Config, ReadsLlamaStyleConfig) {
    ArchResult r = parse_hf_config(R"({"model_type": "llama", "num_hidden_layers": 32, "hidden_size": 4096,
        "num_attention_heads": 32, "num_key_value_heads": 8, "intermediate_size": 14336,
        "vocab_size": 128256, "max_position_embeddings": 8192, "tie_word_embeddings": false})");
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.arch.layers, 32);
    EXPECT_EQ(r.arch.kv_heads, 8);
    EXPECT_EQ(r.arch.head_dim, 128);  // hidden / heads when head_dim is absent
    EXPECT_FALSE(r.arch.tied_embeddings);
    ASSERT_EQ(r.arch.layer_kinds.size(), 32u);
    EXPECT_EQ(r.arch.layer_kinds[0], LayerKind::full_attention);
}

TEST(Config, KvHeadsDefaultToAttentionHeads) {
    ArchResult r = parse_hf_config(R"({"model_type": "llama", "num_hidden_layers": 2, "hidden_size": 64,
        "num_attention_heads": 4, "intermediate_size": 128, "vocab_size": 100})");
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.arch.kv_heads, 4);
}

TEST(Config, NestedTextConfigOfMultimodalModels) {
    ArchResult r = parse_hf_config(R"({"model_type": "gemma3", "text_config": {"model_type": "gemma3_text",
        "num_hidden_layers": 12, "hidden_size": 1152, "num_attention_heads": 4, "num_key_value_heads": 1,
        "head_dim": 256, "intermediate_size": 6912, "vocab_size": 262144, "sliding_window": 512,
        "max_position_embeddings": 32768}})");
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.arch.layers, 12);
    EXPECT_EQ(r.arch.head_dim, 256);
    EXPECT_TRUE(r.arch.tied_embeddings);  // Gemma ties by default
    // Gemma 3: five sliding-window layers, then one global.
    EXPECT_EQ(r.arch.layer_kinds[4], LayerKind::sliding_attention);
    EXPECT_EQ(r.arch.layer_kinds[5], LayerKind::full_attention);
}

TEST(Config, SlidingWindowDisabledByFlag) {
    ArchResult r = parse_hf_config(R"({"model_type": "qwen2", "num_hidden_layers": 2, "hidden_size": 64,
        "num_attention_heads": 4, "intermediate_size": 128, "vocab_size": 100,
        "sliding_window": 32, "use_sliding_window": false, "max_position_embeddings": 4096})");
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.arch.sliding_window, 0);
    EXPECT_EQ(r.arch.layer_kinds[1], LayerKind::full_attention);
    EXPECT_TRUE(r.arch.attention_bias);  // Qwen2 has q/k/v biases
}

TEST(Config, MixtureOfExperts) {
    ArchResult r = parse_hf_config(R"({"model_type": "mixtral", "num_hidden_layers": 32, "hidden_size": 4096,
        "num_attention_heads": 32, "num_key_value_heads": 8, "intermediate_size": 14336, "vocab_size": 32000,
        "num_local_experts": 8, "num_experts_per_tok": 2, "max_position_embeddings": 32768})");
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.arch.moe.experts, 8);
    EXPECT_EQ(r.arch.moe.active_experts, 2);
    EXPECT_EQ(r.arch.moe.expert_ffn, 14336);
}

TEST(Config, UnknownModelTypeIsNamed) {
    ArchResult r = parse_hf_config(R"({"model_type": "frobnicator", "num_hidden_layers": 2})");
    EXPECT_FALSE(r.ok());
    EXPECT_NE(r.error.find("frobnicator"), std::string::npos);
}

TEST(Config, BadInputGivesErrorsNotCrashes) {
    EXPECT_FALSE(parse_hf_config("").ok());
    EXPECT_FALSE(parse_hf_config("{").ok());
    EXPECT_FALSE(parse_hf_config("[1,2,3]").ok());
    EXPECT_FALSE(parse_hf_config(std::string(100, '[') + std::string(100, ']')).ok());
    ArchResult neg = parse_hf_config(R"({"model_type": "llama", "num_hidden_layers": -3, "hidden_size": 64,
        "num_attention_heads": 4, "intermediate_size": 128, "vocab_size": 100})");
    EXPECT_FALSE(neg.ok());
    EXPECT_NE(neg.error.find("num_hidden_layers"), std::string::npos);
    ArchResult str = parse_hf_config(R"({"model_type": "llama", "num_hidden_layers": "32", "hidden_size": 64,
        "num_attention_heads": 4, "intermediate_size": 128, "vocab_size": 100})");
    EXPECT_FALSE(str.ok());
    ArchResult huge = parse_hf_config(R"({"model_type": "llama", "num_hidden_layers": 2, "hidden_size": 1e300,
        "num_attention_heads": 4, "intermediate_size": 128, "vocab_size": 100})");
    EXPECT_FALSE(huge.ok());
    ArchResult flag = parse_hf_config(R"({"model_type": "falcon", "num_hidden_layers": 2, "hidden_size": 64,
        "num_attention_heads": 4, "vocab_size": 100, "multi_query": "yes"})");
    EXPECT_FALSE(flag.ok());
}
