// weights_test.cpp: weight bytes per format, against hand-worked values and GGUF's per-tensor rules.
#include <gtest/gtest.h>

#include "headroom/quant.h"
#include "headroom/weights.h"
#include "test_support.h"

using namespace headroom;

TEST(Weights, MatchHandWorkedGoldenValues) {
    const auto g = test::golden();
    const ModelArch& arch = test::model(g["model"]).arch;
    for (const auto& c : g["cases"]) {
        FormatResult f = find_weight_format(c["quant"].get<std::string>());
        ASSERT_TRUE(f.ok()) << f.error;
        // The hand-worked values are tensor data; the file adds GGUF metadata (a few MB).
        const WeightsBytes w = weights_bytes(arch, f.format);
        EXPECT_EQ(w.tensor_bytes, c["tensor_bytes"].get<int64_t>())
            << c["quant"] << ": " << c["derivation"];
        EXPECT_EQ(w.file_bytes, c["weights_bytes"].get<int64_t>()) << g["metadata_derivation"];
    }
}

TEST(Weights, DeviceBytesLeaveOutTheTokenEmbedding) {
    const ModelArch& arch = test::model("meta-llama/Meta-Llama-3-8B").arch;
    const WeightsBytes w = weights_bytes(arch, find_weight_format("Q8_0").format);
    EXPECT_EQ(w.embedding_bytes, 525336576LL * 34 / 32);
    EXPECT_EQ(w.device_bytes, w.tensor_bytes - w.embedding_bytes);
}

TEST(Weights, UseMoreBitsLayersGetTheHigherType) {
    WeightFormat q4km = find_weight_format("q4_k_m").format;  // names are case-insensitive
    EXPECT_EQ(q4km.name, "Q4_K_M");
    EXPECT_DOUBLE_EQ(tensor_bits_per_weight(q4km, TensorRole::attn_v, 0, 32), 6.5625);
    EXPECT_DOUBLE_EQ(tensor_bits_per_weight(q4km, TensorRole::attn_v, 4, 32), 4.5);
    EXPECT_DOUBLE_EQ(tensor_bits_per_weight(q4km, TensorRole::attn_v, 6, 32), 6.5625);
    EXPECT_DOUBLE_EQ(tensor_bits_per_weight(q4km, TensorRole::ffn_down, 31, 32), 6.5625);
    EXPECT_DOUBLE_EQ(tensor_bits_per_weight(q4km, TensorRole::ffn_up, 0, 32), 4.5);
    EXPECT_DOUBLE_EQ(tensor_bits_per_weight(q4km, TensorRole::output_head, -1, 32), 6.5625);
}

TEST(Weights, OtherFormatsAndUnknownNames) {
    EXPECT_TRUE(find_weight_format("AWQ 4-bit").ok());
    FormatResult exl2 = find_weight_format("EXL2 4.65 bpw");
    ASSERT_TRUE(exl2.ok());
    EXPECT_DOUBLE_EQ(exl2.format.bits_per_weight, 4.65);
    EXPECT_FALSE(find_weight_format("EXL2 99 bpw").ok());
    FormatResult bad = find_weight_format("Q9_Z");
    EXPECT_FALSE(bad.ok());
    EXPECT_NE(bad.error.find("Q9_Z"), std::string::npos);
}
