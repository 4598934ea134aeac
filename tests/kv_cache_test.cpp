// kv_cache_test.cpp: KV bytes per layer kind and element type.
#include <gtest/gtest.h>

#include "headroom/config.h"
#include "headroom/kv_cache.h"
#include "test_support.h"

using namespace headroom;

TEST(KvCache, Llama3_8BMatchesHandWorkedValue) {
    const auto g = test::golden();
    const ModelArch& arch = test::model(g["model"]).arch;
    EXPECT_EQ(kv_cache_bytes(arch, g["kv"]["context"], 1, KvType::f16), g["kv"]["bytes"].get<int64_t>());
}

TEST(KvCache, ScalesWithSequencesAndElementType) {
    const ModelArch& arch = test::model("meta-llama/Meta-Llama-3-8B").arch;
    const int64_t one = kv_cache_bytes(arch, 4096, 1, KvType::f16);
    EXPECT_EQ(kv_cache_bytes(arch, 4096, 4, KvType::f16), 4 * one);
    EXPECT_EQ(kv_cache_bytes(arch, 4096, 1, KvType::q8_0), one * 34 / 64);  // 34 bytes per 32 vs 64
    EXPECT_EQ(kv_cache_bytes(arch, 4096, 1, KvType::q4_0), one * 18 / 64);
}

TEST(KvCache, SlidingWindowLayersStopAtTheWindow) {
    ArchResult r = parse_hf_config(R"({"model_type": "gemma2", "num_hidden_layers": 4, "hidden_size": 256,
        "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 64, "intermediate_size": 512,
        "vocab_size": 1000, "sliding_window": 1024, "max_position_embeddings": 8192})");
    ASSERT_TRUE(r.ok()) << r.error;
    // Gemma 2 alternates: layers 0 and 2 slide, 1 and 3 are global. Per token per layer: 2*2*64 = 256.
    // llama.cpp's sliding-window cache holds window + one micro-batch: PAD(1024 + 512, 256) = 1536.
    const int64_t ctx = 8192;
    const int64_t expected = 2 * 256 * 1536 * 2 + 2 * 256 * ctx * 2;
    EXPECT_EQ(kv_cache_bytes(r.arch, ctx, 1, KvType::f16), expected);
    EXPECT_DOUBLE_EQ(kv_bytes_per_token(r.arch, KvType::f16), 2 * 256 * 2.0);
}

TEST(KvCache, MlaLayoutFollowsTheGguf) {
    ArchResult r = parse_hf_config(R"({"model_type": "deepseek_v2", "num_hidden_layers": 27, "hidden_size": 2048,
        "num_attention_heads": 16, "num_key_value_heads": 16, "intermediate_size": 10944, "vocab_size": 102400,
        "kv_lora_rank": 512, "q_lora_rank": null, "qk_rope_head_dim": 64, "qk_nope_head_dim": 128,
        "v_head_dim": 128, "n_routed_experts": 64, "num_experts_per_tok": 6, "moe_intermediate_size": 1408,
        "n_shared_experts": 2, "first_k_dense_replace": 1, "max_position_embeddings": 163840})");
    ASSERT_TRUE(r.ok()) << r.error;
    // V2-Lite (q_lora_rank null): its GGUFs have no split attn_k_b/attn_v_b, so llama.cpp caches
    // per-head K (16 x 192) and V (16 x 128) (K 648 + V 432 MiB at 4096 cells in a llama.cpp log).
    EXPECT_EQ(kv_cache_bytes(r.arch, 4096, 1, KvType::f16), int64_t(1080) << 20);
    EXPECT_EQ(kv_cache_bytes(r.arch, 1000, 1, KvType::f16), int64_t(27) * (3072 + 2048) * 1024 * 2);
    // With the latent layout: one row of kv_lora_rank + rope for K and kv_lora_rank for V.
    KvOptions latent;
    latent.mla_latent = 1;
    EXPECT_EQ(llama_cpp_kv_cache(r.arch, 1024, 1, KvType::f16, KvType::f16, latent).total(),
              int64_t(27) * (576 + 512) * 1024 * 2);
}

TEST(KvCache, ParsesTypeNames) {
    KvType t;
    EXPECT_TRUE(parse_kv_type("q8_0", t));
    EXPECT_EQ(t, KvType::q8_0);
    EXPECT_FALSE(parse_kv_type("q3_x", t));
}
