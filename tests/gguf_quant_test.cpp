// gguf_quant_test.cpp: GGUF tensor types, llama.cpp's tensor list and llama-quantize's per-tensor types,
// against hand-worked values and figures llama.cpp printed.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "headroom/config.h"
#include "headroom/gguf_quant.h"

using namespace headroom;

namespace {

ModelArch arch_of(const char* config) {
    ArchResult r = parse_hf_config(config);
    EXPECT_TRUE(r.ok()) << r.error;
    return r.arch;
}

// meta-llama/Llama-3.1-8B: the model of llama.cpp's tools/quantize/README.md table.
const char* kLlama31_8B = R"({"model_type": "llama", "num_hidden_layers": 32, "hidden_size": 4096,
    "num_attention_heads": 32, "num_key_value_heads": 8, "intermediate_size": 14336,
    "vocab_size": 128256, "max_position_embeddings": 131072, "tie_word_embeddings": false})";

std::map<std::string, int> type_counts(const std::vector<GgufPlannedTensor>& tensors) {
    std::map<std::string, int> n;
    for (const auto& t : tensors) ++n[t.type];
    return n;
}

const GgufPlannedTensor* tensor(const std::vector<GgufPlannedTensor>& ts, const std::string& name) {
    for (const auto& t : ts)
        if (t.name == name) return &t;
    return nullptr;
}

std::vector<GgufPlannedTensor> typed(const ModelArch& a, const char* file_type) {
    const GgufFtype* ft = find_file_type(builtin_gguf_tables(), file_type);
    EXPECT_NE(ft, nullptr) << file_type;
    return ft ? gguf_assign_types(a, *ft, builtin_gguf_tables()) : std::vector<GgufPlannedTensor>{};
}

}  // namespace

TEST(Gguf, TensorTypesHaveGgmlBlockSizes) {
    // ggml-common.h: block_q4_K = 2 half + 12 scales + 128 quants per 256; block_q8_0 = half + 32.
    const struct {
        const char* name;
        int block, bytes;
    } kCases[] = {{"F32", 1, 4},      {"F16", 1, 2},       {"BF16", 1, 2},     {"Q4_0", 32, 18},
                  {"Q4_1", 32, 20},   {"Q5_0", 32, 22},    {"Q5_1", 32, 24},   {"Q8_0", 32, 34},
                  {"Q2_K", 256, 84},  {"Q3_K", 256, 110},  {"Q4_K", 256, 144}, {"Q5_K", 256, 176},
                  {"Q6_K", 256, 210}, {"Q8_K", 256, 292},  {"IQ1_S", 256, 50}, {"IQ1_M", 256, 56},
                  {"IQ2_XXS", 256, 66}, {"IQ2_XS", 256, 74}, {"IQ2_S", 256, 82}, {"IQ3_XXS", 256, 98},
                  {"IQ3_S", 256, 110}, {"IQ4_NL", 32, 18}, {"IQ4_XS", 256, 136}, {"TQ1_0", 256, 54},
                  {"TQ2_0", 256, 66}, {"MXFP4", 32, 17}};
    for (const auto& c : kCases) {
        const GgufTensorType* t = find_tensor_type(builtin_gguf_tables(), c.name);
        ASSERT_NE(t, nullptr) << c.name;
        EXPECT_EQ(t->block, c.block) << c.name;
        EXPECT_EQ(t->bytes, c.bytes) << c.name;
    }
    EXPECT_EQ(gguf_tensor_bytes(*find_tensor_type(builtin_gguf_tables(), "Q4_K"), 4096 * 4096),
              4096LL * 4096 / 256 * 144);
}

TEST(Gguf, FileTypeNamesAndAliases) {
    // The catalog's tables parse (builtin_gguf_tables() would be empty otherwise).
    EXPECT_EQ(builtin_gguf_tables().file_types.size(), 33u);
    EXPECT_EQ(builtin_gguf_tables().tensor_types.size(), 27u);
    EXPECT_NE(find_file_type(builtin_gguf_tables(), "q4_k_m"), nullptr);
    EXPECT_EQ(find_file_type(builtin_gguf_tables(), "MXFP4")->name, "MXFP4_MOE");
    EXPECT_EQ(find_file_type(builtin_gguf_tables(), "Q4_K")->name, "Q4_K_M");
    EXPECT_EQ(find_file_type(builtin_gguf_tables(), "IQ2_M")->default_type, "IQ2_S");
    EXPECT_EQ(find_file_type(builtin_gguf_tables(), "Q9_Z"), nullptr);
}

TEST(Gguf, Llama31_8BBitsPerWeightMatchLlamaCppQuantizeTable) {
    // tools/quantize/README.md, meta-llama/Llama-3.1-8B: bits/weight = model size * 8 / params, as
    // llama-bench prints them. params 8030261312 there counts rope_freqs (64), which we leave out.
    const ModelArch a = arch_of(kLlama31_8B);
    const struct {
        const char* type;
        double bpw;
    } kTable[] = {{"IQ1_S", 2.0042},  {"IQ1_M", 2.1460},  {"IQ2_XXS", 2.3824}, {"IQ2_XS", 2.5882},
                  {"IQ2_S", 2.7403},  {"IQ2_M", 2.9294},  {"IQ3_XXS", 3.2548}, {"IQ3_XS", 3.4977},
                  {"IQ3_S", 3.6606},  {"IQ3_M", 3.7628},  {"IQ4_XS", 4.4597},  {"IQ4_NL", 4.6818},
                  {"Q2_K_S", 2.9697}, {"Q2_K", 3.1593},   {"Q3_K_S", 3.6429},  {"Q3_K_L", 4.2979},
                  {"Q4_K_S", 4.6672}, {"Q4_K_M", 4.8944}, {"Q5_K_S", 5.5704},  {"Q5_K_M", 5.7036},
                  {"Q6_K", 6.5633},   {"Q8_0", 8.5008},   {"F16", 16.0005}};
    for (const auto& c : kTable) {
        auto w = gguf_weights(a, c.type);
        ASSERT_TRUE(w) << c.type;
        EXPECT_EQ(w->params, 8030261248LL);
        const double bpw = double(w->tensor_bytes) * 8 / double(w->params);
        EXPECT_NEAR(bpw, c.bpw, 0.00006) << c.type;
    }
}

TEST(Gguf, Llama3_8BQ4KMHandWorked) {
    // Q4_K everywhere; output.weight Q6_K; attn_v and ffn_down Q6_K in the 16 use_more_bits layers
    // (0-3, 6, 9, 12, 15, 18, 21, 24, 27, 28-31); 65 norms of 4096 F32.
    const ModelArch a = arch_of(kLlama31_8B);
    const int64_t embd = 128256LL * 4096, q = 4096LL * 4096, kv = 4096LL * 1024, ff = 4096LL * 14336;
    auto q4k = [](int64_t n) { return n / 256 * 144; };
    auto q6k = [](int64_t n) { return n / 256 * 210; };
    const int64_t per_layer_base = q4k(q) * 2 + q4k(kv) + q4k(ff) * 2;  // q, o, k, gate, up
    const int64_t expected = q4k(embd) + q6k(embd) + 65 * 4096 * 4 + 32 * per_layer_base +
                             16 * (q6k(kv) + q6k(ff)) + 16 * (q4k(kv) + q4k(ff));
    EXPECT_EQ(expected, 4912898048LL);
    EXPECT_EQ(gguf_weights(a, "Q4_K_M")->tensor_bytes, expected);
    // llama.cpp keeps token_embd on the host: 281.81 MiB, the CPU buffer of the Llama-3-8B logs.
    EXPECT_EQ(gguf_weights(a, "Q4_K_M")->token_embd_bytes, 295501824);
    EXPECT_EQ(gguf_weights(a, "Q4_K_M")->device_bytes, expected - 295501824);
}

TEST(Gguf, ImatrixOnlyWhereTheFileTypeNeedsOne) {
    const ModelArch a = arch_of(kLlama31_8B);
    // IQ4_XS without an imatrix: ffn_down of the first n/8 layers goes to Q5_K.
    auto ts = typed(a, "IQ4_XS");
    EXPECT_EQ(tensor(ts, "blk.0.ffn_down.weight")->type, "Q5_K");
    EXPECT_EQ(tensor(ts, "blk.4.ffn_down.weight")->type, "IQ4_XS");
    GgufQuantOptions im;
    im.imatrix = true;
    const GgufFtype* ft = find_file_type(builtin_gguf_tables(), "IQ4_XS");
    auto with = gguf_assign_types(a, *ft, builtin_gguf_tables(), im);
    EXPECT_EQ(tensor(with, "blk.0.ffn_down.weight")->type, "IQ4_XS");
    // IQ3_XXS cannot be made without one: attn_v (GQA 4) Q4_K, attn_q/k IQ2_S, output Q5_K.
    auto iq3 = typed(a, "IQ3_XXS");
    EXPECT_EQ(tensor(iq3, "blk.9.attn_v.weight")->type, "Q4_K");
    EXPECT_EQ(tensor(iq3, "blk.9.attn_q.weight")->type, "IQ2_S");
    EXPECT_EQ(tensor(iq3, "output.weight")->type, "Q5_K");
    EXPECT_EQ(tensor(iq3, "token_embd.weight")->type, "IQ3_S");
}

TEST(Gguf, Qwen3MoeQ4KMTypeCountsMatchLlamaCppLog) {
    // ggml-org/llama.cpp issue #14235: Qwen3-30B-A3B Q4_K_M: f32 241, q4_K 289, q6_K 49 tensors,
    // file size 17.28 GiB.
    const ModelArch a = arch_of(R"({"model_type": "qwen3_moe", "num_hidden_layers": 48,
        "hidden_size": 2048, "num_attention_heads": 32, "num_key_value_heads": 4, "head_dim": 128,
        "intermediate_size": 6144, "moe_intermediate_size": 768, "num_experts": 128,
        "num_experts_per_tok": 8, "vocab_size": 151936, "max_position_embeddings": 40960,
        "tie_word_embeddings": false})");
    auto n = type_counts(typed(a, "Q4_K_M"));
    EXPECT_EQ(n["F32"], 241);
    EXPECT_EQ(n["Q4_K"], 289);
    EXPECT_EQ(n["Q6_K"], 49);
    EXPECT_NEAR(double(gguf_weights(a, "Q4_K_M")->tensor_bytes) / (1 << 30), 17.28, 0.005);
}

TEST(Gguf, DeepSeekV2LiteQ40AndRowSizeFallback) {
    const ModelArch a = arch_of(R"({"model_type": "deepseek_v2", "num_hidden_layers": 27,
        "hidden_size": 2048, "num_attention_heads": 16, "num_key_value_heads": 16,
        "intermediate_size": 10944, "vocab_size": 102400, "kv_lora_rank": 512, "q_lora_rank": null,
        "qk_rope_head_dim": 64, "qk_nope_head_dim": 128, "v_head_dim": 128, "n_routed_experts": 64,
        "num_experts_per_tok": 6, "moe_intermediate_size": 1408, "n_shared_experts": 2,
        "first_k_dense_replace": 1, "max_position_embeddings": 163840})");
    // llama.cpp load log (Q4_0): f32 108, q4_0 268, q6_K 1; file size 8.29 GiB; model buffer
    // 8376.26 MiB + CPU_Mapped 112.50 MiB (token_embd).
    auto n = type_counts(typed(a, "Q4_0"));
    EXPECT_EQ(n["F32"], 108);
    EXPECT_EQ(n["Q4_0"], 268);
    EXPECT_EQ(n["Q6_K"], 1);
    auto w = gguf_weights(a, "Q4_0");
    EXPECT_NEAR(double(w->device_bytes) / (1 << 20), 8376.26, 0.01);
    EXPECT_NEAR(double(w->token_embd_bytes) / (1 << 20), 112.50, 0.01);
    // Expert ffn_down rows are 1408 long, not a multiple of 256: Q4_K -> Q5_0, Q6_K -> Q8_0.
    auto q4km = typed(a, "Q4_K_M");
    EXPECT_EQ(tensor(q4km, "blk.1.ffn_down_exps.weight")->type, "Q8_0");  // use_more_bits layer
    EXPECT_EQ(tensor(q4km, "blk.4.ffn_down_exps.weight")->type, "Q5_0");
    EXPECT_NEAR(double(gguf_weights(a, "Q4_K_M")->tensor_bytes) / (1 << 30), 9.65, 0.01);
}

TEST(Gguf, EightExpertsAnd70BRules) {
    const ModelArch mixtral = arch_of(R"({"model_type": "mixtral", "num_hidden_layers": 32,
        "hidden_size": 4096, "num_attention_heads": 32, "num_key_value_heads": 8,
        "intermediate_size": 14336, "num_local_experts": 8, "num_experts_per_tok": 2,
        "vocab_size": 32000, "max_position_embeddings": 32768})");
    auto m = typed(mixtral, "Q4_K_M");
    EXPECT_EQ(tensor(m, "blk.5.attn_v.weight")->type, "Q8_0");
    EXPECT_EQ(tensor(m, "blk.5.attn_k.weight")->type, "Q8_0");
    EXPECT_EQ(tensor(m, "blk.5.attn_output.weight")->type, "Q5_K");
    EXPECT_EQ(tensor(m, "blk.0.ffn_down_exps.weight")->type, "Q6_K");
    // llama-bench: llama 8x7B Q4_K - Medium 26.49 GiB.
    EXPECT_NEAR(double(gguf_weights(mixtral, "Q4_K_M")->tensor_bytes) / (1 << 30), 26.49, 0.005);

    // Llama 2 70B (80 layers, GQA): LLM_TYPE_70B lifts attn_v from Q4_K to Q5_K.
    const ModelArch l70 = arch_of(R"({"model_type": "llama", "num_hidden_layers": 80,
        "hidden_size": 8192, "num_attention_heads": 64, "num_key_value_heads": 8,
        "intermediate_size": 28672, "vocab_size": 32000, "max_position_embeddings": 4096})");
    auto q3 = typed(l70, "Q3_K_M");
    EXPECT_EQ(tensor(q3, "blk.0.attn_v.weight")->type, "Q5_K");
    EXPECT_EQ(tensor(q3, "blk.40.attn_v.weight")->type, "Q5_K");
    EXPECT_EQ(tensor(q3, "blk.40.attn_output.weight")->type, "Q4_K");
}

TEST(Gguf, TiedEmbeddingsTakeTheOutputRuleAndStayOnTheDevice) {
    const ModelArch a = arch_of(R"({"model_type": "qwen2", "num_hidden_layers": 24,
        "hidden_size": 896, "num_attention_heads": 14, "num_key_value_heads": 2,
        "intermediate_size": 4864, "vocab_size": 151936, "tie_word_embeddings": true,
        "max_position_embeddings": 32768})");
    auto ts = typed(a, "Q4_K_M");
    EXPECT_EQ(tensor(ts, "output.weight"), nullptr);
    // The output rule: hidden 896 is not a multiple of Q4_K's 256, so the tied table goes to Q8_0.
    EXPECT_EQ(tensor(ts, "token_embd.weight")->type, "Q8_0");
    EXPECT_EQ(tensor(ts, "blk.0.attn_q.bias")->type, "F32");
    auto w = gguf_weights(a, "Q4_K_M");
    EXPECT_EQ(w->device_bytes, w->tensor_bytes);
    // Every K-quant row of 896 falls back: Q4_K -> Q5_0, and Q6_K (attn_v, use_more_bits) -> Q8_0.
    EXPECT_EQ(tensor(ts, "blk.3.attn_q.weight")->type, "Q5_0");
    EXPECT_EQ(tensor(ts, "blk.0.attn_v.weight")->type, "Q8_0");
}

TEST(Gguf, Mxfp4MoePutsExpertsInMxfp4) {
    const ModelArch a = arch_of(R"({"model_type": "qwen3_moe", "num_hidden_layers": 4,
        "hidden_size": 2048, "num_attention_heads": 32, "num_key_value_heads": 4, "head_dim": 128,
        "intermediate_size": 6144, "moe_intermediate_size": 768, "num_experts": 128,
        "num_experts_per_tok": 8, "vocab_size": 151936, "max_position_embeddings": 40960})");
    auto ts = typed(a, "MXFP4");
    EXPECT_EQ(tensor(ts, "blk.0.ffn_up_exps.weight")->type, "MXFP4");
    EXPECT_EQ(tensor(ts, "blk.0.attn_q.weight")->type, "Q8_0");
    EXPECT_EQ(tensor(ts, "output.weight")->type, "Q8_0");
    EXPECT_EQ(tensor(ts, "token_embd.weight")->type, "Q8_0");
}

TEST(Gguf, MetadataIsSmallAndCounted) {
    const ModelArch a = arch_of(kLlama31_8B);
    auto w = gguf_weights(a, "Q4_K_M");
    EXPECT_EQ(w->file_bytes, w->tensor_bytes + w->metadata_bytes);
    // Llama 3 tokenizer: 128256 tokens, 280147 merges: several MB, well under 0.5 % of the file.
    EXPECT_GT(w->metadata_bytes, 4'000'000);
    EXPECT_LT(w->metadata_bytes, 12'000'000);
}

TEST(Gguf, TensorListIsInQuantizeOrder) {
    // llama-quantize's order: the non-block tensors first, then by block number, then by name.
    const auto ts = gguf_tensor_list(arch_of(kLlama31_8B));
    ASSERT_GT(ts.size(), 32u * 9);
    EXPECT_EQ(ts.front().name, "output.weight");
    for (size_t i = 1; i < ts.size(); ++i) {
        const auto& x = ts[i - 1];
        const auto& y = ts[i];
        EXPECT_TRUE(x.layer < y.layer || (x.layer == y.layer && x.name < y.name)) << x.name << " then " << y.name;
    }
    // Block tensors share their traits across blocks (one name, one category and type).
    EXPECT_EQ(tensor(ts, "blk.0.attn_v.weight")->category, GgufCategory::attn_v);
    EXPECT_EQ(tensor(ts, "blk.31.attn_v.weight")->category, GgufCategory::attn_v);
    EXPECT_EQ(tensor(ts, "blk.31.ffn_norm.weight")->type, "F32");
    EXPECT_FALSE(tensor(ts, "blk.31.ffn_norm.weight")->quantizable);
    EXPECT_EQ(tensor(ts, "blk.31.ffn_down.weight")->type, "F16");
}

TEST(Gguf, WeightsDoNotDependOnWhatWasAskedBefore) {
    // A sweep asks for one model's formats in a row and core keeps the last model's tensor list:
    // alternating models and formats must give the answers each gives on its own.
    const ModelArch llama = arch_of(kLlama31_8B);
    const ModelArch qwen = arch_of(R"({"model_type": "qwen3_moe", "num_hidden_layers": 48,
        "hidden_size": 2048, "num_attention_heads": 32, "num_key_value_heads": 4, "head_dim": 128,
        "intermediate_size": 6144, "moe_intermediate_size": 768, "num_experts": 128,
        "num_experts_per_tok": 8, "vocab_size": 151936, "max_position_embeddings": 40960,
        "tie_word_embeddings": false})");
    const int64_t llama_q4 = gguf_weights(llama, "Q4_K_M")->file_bytes;
    const int64_t qwen_q8 = gguf_weights(qwen, "Q8_0")->file_bytes;
    const int64_t llama_q8 = gguf_weights(llama, "Q8_0")->file_bytes;
    EXPECT_EQ(gguf_weights(qwen, "Q8_0")->file_bytes, qwen_q8);
    EXPECT_EQ(gguf_weights(llama, "Q4_K_M")->file_bytes, llama_q4);
    EXPECT_NE(llama_q4, llama_q8);
    EXPECT_EQ(type_counts(typed(qwen, "Q4_K_M"))["Q4_K"], 289);
    EXPECT_EQ(typed(llama, "Q4_K_M").size(), gguf_tensor_list(llama).size());
    // Lookups take any case, as before.
    EXPECT_EQ(find_tensor_type(builtin_gguf_tables(), "q4_k"), find_tensor_type(builtin_gguf_tables(), "Q4_K"));
    EXPECT_EQ(find_tensor_type(builtin_gguf_tables(), "Q4_Q"), nullptr);
}

TEST(Gguf, ParseErrorsNameTheProblem) {
    GgufTablesResult bad = parse_gguf_tables(R"({"tensor_types": {"F16": {"block": 1, "bytes": 2}},
        "file_types": {"X": {"default": "F16", "stages": [[{"cat": ["attn_v"], "type": "F16",
        "if": {"phase_of_moon": 3}}]]}}})");
    EXPECT_FALSE(bad.ok());
    EXPECT_NE(bad.error.find("phase_of_moon"), std::string::npos);
    GgufTablesResult unknown = parse_gguf_tables(R"({"tensor_types": {},
        "file_types": {"X": {"default": "Q9"}}})");
    EXPECT_FALSE(unknown.ok());
    EXPECT_FALSE(parse_gguf_tables("[1, 2").ok());
    // Wrong JSON types are errors, not exceptions.
    EXPECT_FALSE(parse_gguf_tables(R"({"tensor_types": {"F16": {"block": 1, "bytes": 2, "id": "x"}},
        "file_types": {}})").ok());
    EXPECT_FALSE(parse_gguf_tables(R"({"tensor_types": {"F16": {"block": 1, "bytes": 2}},
        "file_types": {"X": {"default": 7}}})").ok());
    EXPECT_FALSE(parse_gguf_tables(R"({"tensor_types": {"F16": {"block": 1, "bytes": 2}},
        "file_types": {"X": {"default": "F16", "stages": [3]}}})").ok());
    EXPECT_FALSE(parse_gguf_tables(R"({"tensor_types": {"F16": {"block": 1, "bytes": 2}},
        "file_types": {}, "fallback": {"F16": 3}})").ok());
    EXPECT_TRUE(parse_gguf_tables(R"({"tensor_types": {"F16": {"block": 1, "bytes": 2}},
        "file_types": {"X": {"default": "F16", "stages": []}}})").ok());
}
