// kv_cache_test.cpp: KV bytes per layer kind and element type.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

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

namespace {

/// The cache summed layer by layer, as llama.cpp walks its layers: the reference the closed form
/// in llama_cpp_kv_cache (one multiplication per layer kind) must match bit for bit.
int64_t layer_by_layer(const ModelArch& a, int64_t context, int sequences, KvType type, const KvOptions& opt) {
    const int64_t seqs = std::max(1, sequences);
    auto pad = [&](int64_t x) { return opt.pad > 1 ? (x + opt.pad - 1) / opt.pad * opt.pad : x; };
    const int64_t cells_seq = pad(std::max<int64_t>(1, context));
    const int64_t swa_seq = opt.swa_full ? cells_seq : std::min(cells_seq, pad(int64_t(a.sliding_window) + opt.ubatch));
    const int64_t cells = cells_seq * seqs;
    const bool latent = mla_caches_latent(a, opt);
    const bool slides = !(a.model_type == "mistral" || a.model_type == "mixtral" || a.model_type == "starcoder2") &&
                        a.sliding_window > 0;
    const double b = kv_element_bytes(type);
    double k = 0, v = 0, swa = 0, rec = 0;
    for (int i = 0; i < a.layers; ++i) {
        LayerKind kind = a.layer_kinds.empty() ? LayerKind::full_attention : a.layer_kinds[size_t(i)];
        if (kind == LayerKind::linear_attention || kind == LayerKind::state_space) {
            rec += 4.0 * double(a.recurrent.state_elements + a.recurrent.conv_elements) * seqs;
            continue;
        }
        if (kind == LayerKind::sliding_attention && !slides) kind = LayerKind::full_attention;
        double ke = double(a.kv_heads) * a.head_dim, ve = ke;
        if (kind == LayerKind::mla) {
            ke = latent ? double(a.mla.kv_lora_rank) + a.mla.qk_rope_head_dim
                        : double(a.heads) * (a.mla.qk_nope_head_dim + a.mla.qk_rope_head_dim);
            ve = latent ? double(a.mla.kv_lora_rank) : double(a.heads) * a.mla.v_head_dim;
        }
        if (kind == LayerKind::sliding_attention) {
            const double s = opt.swa_f16 ? 2.0 : b;
            swa += double(swa_seq * seqs) * (ke * s + ve * s);
        } else {
            k += double(cells) * ke * b;
            v += double(cells) * ve * b;
        }
    }
    auto bytes = [](double x) { return static_cast<int64_t>(std::llround(std::min(x, double(int64_t(1) << 60)))); };
    return bytes(k) + bytes(v) + bytes(swa) + bytes(rec);
}

}  // namespace

TEST(KvCache, EqualsTheLayerByLayerSumForEveryCatalogModel) {
    // Contexts of every size a capacity search visits, odd ones included, up to the cap.
    const int64_t contexts[] = {1, 255, 256, 1000, 4096, 12345, 131072, 1048575, int64_t(1) << 24};
    for (const CatalogModel& m : test::catalog().models) {
        for (int64_t ctx : contexts) {
            for (int seqs : {1, 3, 64, 4096}) {
                for (KvType t : {KvType::f16, KvType::q8_0, KvType::q4_0, KvType::f32}) {
                    for (bool swa_f16 : {true, false}) {
                        KvOptions opt;
                        opt.swa_f16 = swa_f16;
                        EXPECT_EQ(llama_cpp_kv_cache(m.arch, ctx, seqs, t, t, opt).total(),
                                  layer_by_layer(m.arch, ctx, seqs, t, opt))
                            << m.id << " context " << ctx << " x" << seqs;
                    }
                }
            }
        }
    }
    // A model with both MLA and full-attention layers adds two different terms to one sum.
    ModelArch mixed = test::model("meta-llama/Meta-Llama-3-8B").arch;
    mixed.mla = {0, 512, 64, 128, 128};
    mixed.layer_kinds.assign(size_t(mixed.layers), LayerKind::full_attention);
    for (size_t i = 0; i < mixed.layer_kinds.size(); i += 3) mixed.layer_kinds[i] = LayerKind::mla;
    for (int64_t ctx : contexts)
        EXPECT_EQ(kv_cache_bytes(mixed, ctx, 7, KvType::q8_0), layer_by_layer(mixed, ctx, 7, KvType::q8_0, KvOptions{}));
    // Unpadded odd sizes whose per-layer term has more significant bits than a sum of 61 of them
    // can keep: the additions round, and the result must still be the layer-by-layer one.
    ModelArch odd = test::model("meta-llama/Meta-Llama-3-8B").arch;
    odd.layers = 61;
    odd.layer_kinds.assign(61, LayerKind::full_attention);
    odd.kv_heads = 7;
    odd.head_dim = 4681;
    KvOptions unpadded;
    unpadded.pad = 1;
    for (int64_t ctx : {int64_t(16777215), int64_t(9999991), int64_t(123457)})
        for (int seqs : {4095, 4093, 1})
            EXPECT_EQ(llama_cpp_kv_cache(odd, ctx, seqs, KvType::q8_0, KvType::q8_0, unpadded).total(),
                      layer_by_layer(odd, ctx, seqs, KvType::q8_0, unpadded))
                << ctx << " x" << seqs;
}
