// arch_memo_test.cpp: the per-shape memos (parameter counts, speed parameters, weight bytes) give
// exactly what the uncached computations give, for every catalog model, and stay bounded.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "arch_memo.h"
#include "headroom/params.h"
#include "headroom/speed.h"
#include "headroom/weights.h"
#include "test_support.h"

using namespace headroom;

namespace {

/// GGUF file types (llama-quantize's per-tensor rules) and other engines' formats.
const std::vector<std::string> kFormats = {"Q8_0", "Q4_K_M", "IQ2_M", "FP16", "AWQ 4-bit", "MLX 4-bit"};

struct Results {
    ParamCount params;
    SpeedParams speed;
    std::vector<WeightsBytes> weights;  ///< one per kFormats entry
};

Results memoised(const ModelArch& a) {
    Results r{count_params(a), speed_params(a), {}};
    for (const std::string& name : kFormats) r.weights.push_back(weights_bytes(a, find_weight_format(name).format));
    return r;
}

Results uncached(const ModelArch& a) {
    Results r{detail::count_params_uncached(a), detail::speed_params_uncached(a), {}};
    for (const std::string& name : kFormats)
        r.weights.push_back(detail::weights_bytes_uncached(a, find_weight_format(name).format));
    return r;
}

void expect_equal(const Results& got, const Results& want, const std::string& what) {
    EXPECT_EQ(got.params, want.params) << what;
    EXPECT_EQ(got.speed, want.speed) << what;
    ASSERT_EQ(got.weights.size(), want.weights.size());
    for (size_t i = 0; i < kFormats.size(); ++i) EXPECT_EQ(got.weights[i], want.weights[i]) << what << " " << kFormats[i];
}

void expect_memo_equals_uncached(const ModelArch& a, const std::string& what) { expect_equal(memoised(a), uncached(a), what); }

}  // namespace

TEST(ArchMemo, EveryCatalogModelGivesTheUncachedResult) {
    for (const std::string& name : kFormats) ASSERT_TRUE(find_weight_format(name).ok()) << name;
    const auto& models = test::catalog().models;
    std::vector<Results> want;
    for (const CatalogModel& m : models) want.push_back(uncached(m.arch));
    // Twice over the catalog: the first pass fills the memos, the second reads them back after
    // every other model went in between.
    for (int pass = 0; pass < 2; ++pass)
        for (size_t i = 0; i < models.size(); ++i) expect_equal(memoised(models[i].arch), want[i], models[i].id);
}

TEST(ArchMemo, AChangedFieldIsANewShape) {
    const ModelArch base = test::model("Qwen/Qwen3-30B-A3B").arch;
    expect_memo_equals_uncached(base, "base");
    std::vector<ModelArch> variants(8, base);
    variants[0].hidden += 128;
    variants[1].layers -= 1;
    if (!variants[1].layer_kinds.empty()) variants[1].layer_kinds.pop_back();
    variants[2].moe.active_experts += 2;
    variants[3].tied_embeddings = !base.tied_embeddings;
    variants[4].vocab += 1;
    variants[5].extra_params += 1000000;
    variants[6].layer_kinds.assign(size_t(base.layers), LayerKind::full_attention);
    variants[6].layer_kinds[3] = LayerKind::sliding_attention;
    variants[6].sliding_window = 4096;
    variants[7].model_type += "x";
    for (size_t i = 0; i < variants.size(); ++i) {
        expect_memo_equals_uncached(variants[i], "variant " + std::to_string(i));
        expect_memo_equals_uncached(base, "base after variant " + std::to_string(i));
    }
}

TEST(ArchMemo, FormatsThatDifferOnlyInBitsAreDifferentKeys) {
    const ModelArch& a = test::model("meta-llama/Meta-Llama-3-8B").arch;
    // Unknown formats are answered from the file size: same name, bits from each file.
    const WeightFormat x{"custom", false, 4.5}, y{"custom", false, 4.5 + 1e-9};
    EXPECT_EQ(weights_bytes(a, x), detail::weights_bytes_uncached(a, x));
    EXPECT_EQ(weights_bytes(a, y), detail::weights_bytes_uncached(a, y));
    EXPECT_EQ(weights_bytes(a, x), detail::weights_bytes_uncached(a, x));
}

TEST(ArchMemo, StaysBoundedAndRightWhenFull) {
    using Memo = detail::ArchMemo<int, int64_t>;
    Memo memo;
    ModelArch a = test::model("meta-llama/Meta-Llama-3-8B").arch;
    int computed = 0;
    const int shapes = int(3 * Memo::kCapacity);
    for (int round = 0; round < 2; ++round) {
        for (int i = 0; i < shapes; ++i) {
            a.hidden = 1000 + i;
            const int64_t v = memo.get(a, 7, 7, [&] {
                ++computed;
                return int64_t(a.hidden) * 3;
            });
            EXPECT_EQ(v, int64_t(1000 + i) * 3);
            EXPECT_LE(memo.size(), Memo::kCapacity);
        }
    }
    EXPECT_GT(computed, shapes);  // entries were dropped when it filled up, and computed again
}

TEST(ArchMemo, KeysThatShareAHashDoNotMixUp) {
    // Two keys with one key hash land on one entry: each lookup must still answer for its own key.
    detail::ArchMemo<int, int> memo;
    const ModelArch& a = test::model("meta-llama/Meta-Llama-3-8B").arch;
    int computed = 0;
    for (int round = 0; round < 3; ++round) {
        for (int key : {1, 2}) {
            EXPECT_EQ(memo.get(a, key, 0, [&] {
                ++computed;
                return key * 10;
            }), key * 10);
        }
    }
    EXPECT_EQ(computed, 6);  // they evict each other: recomputed every time, never a wrong value
    EXPECT_EQ(memo.get(a, 2, 0, [] { return -1; }), 20);  // the last one stays
}
