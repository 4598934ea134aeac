// speed_test.cpp: the speed model: hand-worked cases on a small synthetic model, the physics it
// must respect (no bandwidth sum over a layer split, latency ceiling, MoE reads, sliding windows,
// batching), and its accuracy on the calibration rows and on published runs outside them.
#include "headroom/speed.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <vector>

#include "headroom/estimate.h"
#include "headroom/memory.h"
#include "headroom/weights.h"
#include "speed_constants.h"
#include "test_support.h"

using namespace headroom;
namespace k = headroom::speed_constants;

namespace {

SpeedEstimate speed_of(const std::string& model, const std::string& hw, const std::string& format,
                       int64_t prompt, int64_t gen, int devices = 1) {
    const ModelArch& arch = test::model(model).arch;
    headroom::Setup s;
    s.hardware = *find_hardware(test::catalog(), hw);
    s.format = find_weight_format(format).format;
    s.devices = devices;
    s.context = prompt + gen;
    return estimate_speed(arch, s, estimate_memory(arch, s), prompt, gen);
}
const char* kLlama8B = "meta-llama/Meta-Llama-3-8B";

/// A two-layer dense model small enough to count by hand:
/// embedding 1000 x 1024 = 1,024,000; output head 1,024,000; final norm 1,024;
/// per layer: norms 2,048 + q,k,v,o 4 x 1024 x 1024 = 4,194,304 + FFN 3 x 1024 x 4096 = 12,582,912
///   = 16,779,264; two layers 33,558,528.
/// Multiplied per token (dense): 33,558,528 + 1,024,000 + 1,024 = 34,583,552; file: + 1,024,000.
ModelArch tiny_dense() {
    ModelArch a;
    a.model_type = "llama";
    a.layers = 2;
    a.hidden = 1024;
    a.heads = 8;
    a.kv_heads = 8;
    a.head_dim = 128;
    a.ffn = 4096;
    a.vocab = 1000;
    return a;
}
constexpr double kTinyDense = 34583552;
constexpr double kTinyFile = 35607552;

Setup cuda_setup(double bandwidth_gbs, double tflops, const char* format = "F16") {
    headroom::Setup s;
    s.hardware.backend = "cuda";
    s.hardware.bandwidth_bytes_s = bandwidth_gbs * 1e9;
    s.hardware.fp16_flops = tflops * 1e12;
    s.hardware.memory_bytes = 80e9;
    s.format = find_weight_format(format).format;
    return s;
}

double smooth_min(double x, double cap) {
    return std::pow(std::pow(x, -4.0) + std::pow(cap, -4.0), -0.25);
}

}  // namespace

TEST(SpeedParams, CountsTheTinyModelByHand) {
    const SpeedParams p = speed_params(tiny_dense());
    EXPECT_DOUBLE_EQ(p.dense, kTinyDense);
    EXPECT_DOUBLE_EQ(p.file, kTinyFile);
    EXPECT_DOUBLE_EQ(p.active, kTinyDense);
    EXPECT_DOUBLE_EQ(p.experts, 0);
}

/// A file of `tensor_bytes` of tensor data plus the GGUF metadata core estimates for it.
int64_t tiny_file_of(const ModelArch& a, const headroom::Setup& s, double tensor_bytes) {
    const WeightsBytes w = weights_bytes(a, s.format);
    return int64_t(tensor_bytes) + (w.file_bytes - w.tensor_bytes);
}

TEST(Speed, HandWorkedDecodeOfTheTinyModel) {
    // 16-bit file of exactly 2 bytes per parameter on a 500 GB/s, 100 TFLOP/s CUDA device,
    // generating from an empty context (no KV to read):
    //   bandwidth  = smoothmin(0.9405 x 500 GB/s, 1170 GB/s) = 467.2 GB/s
    //   weights    = 2 x 34,583,552 B / 467.2 GB/s           = 148.0 us
    //   compute    = 2 x 34,583,552 FLOP / 60.03 TFLOP/s     =   1.15 us
    //   fixed      = 2 layers x 81.82 us                      = 163.6 us
    //   step       = 312.8 us  ->  3197 tokens/s
    const ModelArch a = tiny_dense();
    headroom::Setup s = cuda_setup(500, 100);
    s.weights_file_bytes = tiny_file_of(a, s, 2 * kTinyFile);
    const SpeedEstimate e = estimate_speed(a, s, estimate_memory(a, s), 0, 0);
    const double bw = smooth_min(k::kBandwidthEfficiencyCuda * 500e9, k::kBandwidthCapCuda);
    const double flops = smooth_min(k::kMatrixEfficiencyCuda * 100e12, k::kMatrixCapCuda);
    EXPECT_NEAR(bw, 467.2e9, 0.1e9);
    const double step = 2 * kTinyDense / bw + 2 * kTinyDense / flops + 2 * k::kLayerSecondsCuda;
    EXPECT_NEAR(e.decode_tok_s, 1.0 / step, 1e-9 / step);
    EXPECT_NEAR(e.decode_tok_s, 3197, 2);
    EXPECT_NEAR(e.ttft_s, step, 1e-12);  // no prompt: the first token is one decode step
}

TEST(Speed, HandWorkedKvReadGrowsWithTheContext) {
    // 2 layers x 2 (K,V) x 8 heads x 128 x 2 bytes = 8 KiB per token; 4096 tokens of prompt and
    // 128 generated: mean context 4160 -> 34,078,720 bytes at 0.397 x the weight rate.
    const ModelArch a = tiny_dense();
    headroom::Setup s = cuda_setup(500, 100);
    s.weights_file_bytes = tiny_file_of(a, s, 2 * kTinyFile);
    const SpeedEstimate e0 = estimate_speed(a, s, estimate_memory(a, s), 0, 0);
    const SpeedEstimate e = estimate_speed(a, s, estimate_memory(a, s), 4096, 128);
    const double bw = smooth_min(k::kBandwidthEfficiencyCuda * 500e9, k::kBandwidthCapCuda);
    EXPECT_NEAR(e.decode_kv_s, 8192.0 * 4160 / (bw * k::kKvEfficiencyCuda), 1e-9);
    EXPECT_NEAR(1 / e.decode_tok_s - 1 / e0.decode_tok_s, e.decode_kv_s, 1e-9);
}

TEST(Speed, HandWorkedPrefillOfTheTinyModel) {
    // 1024 prompt tokens of an F16 model: two 512-token micro-batches, no dequantize pass.
    //   matrix FLOPs    = 2 x 34,583,552 x 1024
    //   attention FLOPs = 4 x 8 heads x 128 x 2 layers x (1024 x 1025 / 2)
    //   activations     = 4 B x 7.877 x 2 layers x 1024 x (1024 + 4096 + 8 x 512) elements
    //   weights floor   = 2 x 2 x 34,583,552 B (once per micro-batch), below the compute time
    const ModelArch a = tiny_dense();
    headroom::Setup s = cuda_setup(500, 100);
    s.weights_file_bytes = tiny_file_of(a, s, 2 * kTinyFile);
    const SpeedEstimate e = estimate_speed(a, s, estimate_memory(a, s), 1024, 0);
    const double bw = smooth_min(k::kBandwidthEfficiencyCuda * 500e9, k::kBandwidthCapCuda);
    const double flops = smooth_min(k::kMatrixEfficiencyCuda * 100e12, k::kMatrixCapCuda);
    const double compute =
        (2 * kTinyDense * 1024 + 4.0 * 8 * 128 * 2 * (1024.0 * 1025 / 2)) / flops;
    const double act = 4.0 * k::kActivationElements * 2 * 1024 * (1024 + 4096 + 8 * 512.0) / bw;
    const double floor = 2 * 2 * kTinyDense / bw;
    ASSERT_GT(compute + act, floor);
    const double t = compute + act + 2 * (2 * k::kLayerSecondsCuda);
    EXPECT_NEAR(e.prefill_tok_s, 1024 / t, 1e-9 * 1024 / t);
    EXPECT_NEAR(e.ttft_s, t, 1e-12);
}

TEST(Speed, CudaQuantizedPrefillPaysTheDequantizePass) {
    // Same tiny model, same file size, Q4_K_M instead of F16: CUDA dequantizes every dense matrix
    // (512 tokens >= 64) to f16 once per micro-batch: 2.609 bytes per weight.
    const ModelArch a = tiny_dense();
    headroom::Setup f16 = cuda_setup(500, 100, "F16");
    headroom::Setup q4 = cuda_setup(500, 100, "Q4_K_M");
    f16.weights_file_bytes = q4.weights_file_bytes = int64_t(2 * kTinyFile);
    const double t16 = 1 / estimate_speed(a, f16, estimate_memory(a, f16), 512, 0).prefill_tok_s;
    const double tq = 1 / estimate_speed(a, q4, estimate_memory(a, q4), 512, 0).prefill_tok_s;
    const double bw = smooth_min(k::kBandwidthEfficiencyCuda * 500e9, k::kBandwidthCapCuda);
    EXPECT_NEAR((tq - t16) * 512, kTinyDense * k::kDequantBytesPerWeightCuda / bw, 1e-9);
}

TEST(Speed, FlashAttentionDropsTheScoreRowTraffic) {
    // The tiny model's 1024-token prompt with -fa: the activations lose the attention-score row
    // (8 heads x 512 mean context per token and layer); FLOPs and decode do not change.
    const ModelArch a = tiny_dense();
    headroom::Setup plain = cuda_setup(500, 100), fa = plain;
    fa.flash_attn = true;
    const SpeedEstimate e0 = estimate_speed(a, plain, estimate_memory(a, plain), 1024, 64);
    const SpeedEstimate e1 = estimate_speed(a, fa, estimate_memory(a, fa), 1024, 64);
    const double bw = smooth_min(k::kBandwidthEfficiencyCuda * 500e9, k::kBandwidthCapCuda);
    EXPECT_NEAR(e0.prefill_memory_s - e1.prefill_memory_s,
                4.0 * k::kActivationElements * 2 * 1024 * (8 * 512.0) / bw, 1e-12);
    EXPECT_DOUBLE_EQ(e0.prefill_compute_s, e1.prefill_compute_s);
    EXPECT_GT(e1.prefill_tok_s, e0.prefill_tok_s);
    EXPECT_DOUBLE_EQ(e0.decode_tok_s, e1.decode_tok_s);
}

TEST(Speed, DecodeIsBoundedByBandwidthOverBytes) {
    const SpeedEstimate s = speed_of(kLlama8B, "nvidia-rtx-4090", "Q4_K_M", 0, 128);
    const ModelArch& arch = test::model(kLlama8B).arch;
    const double bytes =
        double(weights_bytes(arch, find_weight_format("Q4_K_M").format).active_bytes);
    const double roofline = 1008e9 / bytes;
    EXPECT_GT(s.decode_tok_s, 0.3 * roofline);
    EXPECT_LT(s.decode_tok_s, roofline);  // never faster than reading the weights once per token
}

TEST(Speed, SmallerFormatDecodesFaster) {
    EXPECT_GT(speed_of(kLlama8B, "nvidia-rtx-4090", "Q4_K_M", 0, 128).decode_tok_s,
              1.5 * speed_of(kLlama8B, "nvidia-rtx-4090", "F16", 0, 128).decode_tok_s);
}

TEST(Speed, LongerContextDecodesSlower) {
    EXPECT_GT(speed_of(kLlama8B, "nvidia-rtx-4090", "Q4_K_M", 0, 128).decode_tok_s,
              speed_of(kLlama8B, "nvidia-rtx-4090", "Q4_K_M", 7000, 128).decode_tok_s);
}

TEST(Speed, PrefillIsMuchFasterThanDecodeOnAGpu) {
    const SpeedEstimate s = speed_of(kLlama8B, "nvidia-rtx-4090", "Q4_K_M", 512, 0);
    EXPECT_GT(s.prefill_tok_s,
              10 * speed_of(kLlama8B, "nvidia-rtx-4090", "Q4_K_M", 0, 128).decode_tok_s);
    EXPECT_GT(s.ttft_s, 0);
}

TEST(Speed, OffloadedLayersSlowDecodeDown) {
    // 70B Q4_K_M on one 24 GB card spills layers to system RAM.
    const SpeedEstimate spilled =
        speed_of("meta-llama/Meta-Llama-3-70B", "nvidia-rtx-4090", "Q4_K_M", 0, 128);
    const SpeedEstimate split =
        speed_of("meta-llama/Meta-Llama-3-70B", "nvidia-rtx-4090", "Q4_K_M", 0, 128, 2);
    EXPECT_LT(spilled.decode_tok_s, split.decode_tok_s / 2);
}

TEST(Speed, LayerSplitDoesNotAddBandwidth) {
    // llama.cpp's default split runs the devices one after another: two or eight cards decode a
    // model that fits at the speed of one.
    const ModelArch a = tiny_dense();
    headroom::Setup one = cuda_setup(900, 150), eight = one;
    eight.devices = 8;
    const double v1 = estimate_speed(a, one, estimate_memory(a, one), 0, 128).decode_tok_s;
    const double v8 = estimate_speed(a, eight, estimate_memory(a, eight), 0, 128).decode_tok_s;
    EXPECT_NEAR(v8, v1, 0.01 * v1);
}

TEST(Speed, BatchOneDecodeSaturatesOnHbm) {
    // Past ~1.2 TB/s a batch-1 matrix-vector kernel is latency bound: doubling the peak from 2 to
    // 4 TB/s buys far less than 2x.
    const ModelArch& a = test::model(kLlama8B).arch;
    headroom::Setup s2 = cuda_setup(2000, 400, "Q4_K_M"), s4 = cuda_setup(4000, 400, "Q4_K_M");
    const double v2 = estimate_speed(a, s2, estimate_memory(a, s2), 0, 128).decode_tok_s;
    const double v4 = estimate_speed(a, s4, estimate_memory(a, s4), 0, 128).decode_tok_s;
    EXPECT_GT(v4, v2);
    EXPECT_LT(v4, 1.1 * v2);
}

TEST(Speed, MoeDecodeReadsOnlyTheExpertsInUse) {
    // 8 experts, 2 per token: a step reads the dense part and a quarter of the experts.
    ModelArch a = tiny_dense();
    a.moe.experts = 8;
    a.moe.active_experts = 2;
    a.moe.expert_ffn = 4096;
    const SpeedParams p = speed_params(a);
    EXPECT_DOUBLE_EQ(p.expert_share, 0.25);
    EXPECT_DOUBLE_EQ(p.experts, 2 * 8 * 3 * 1024.0 * 4096);
    EXPECT_DOUBLE_EQ(touched_expert_share(p, 1), 0.25);
    EXPECT_NEAR(touched_expert_share(p, 4), 1 - std::pow(0.75, 4), 1e-12);
    headroom::Setup s = cuda_setup(500, 100);
    s.weights_file_bytes = tiny_file_of(a, s, 2 * p.file);
    const SpeedEstimate e = estimate_speed(a, s, estimate_memory(a, s), 0, 0);
    EXPECT_NEAR(e.decode_weights_s * e.weight_bandwidth_bytes_s, 2 * (p.dense + 0.25 * p.experts),
                1.0);
}

TEST(Speed, ExpertsOverAThresholdFollowTheBinomialCount) {
    SpeedParams p;
    p.experts = 1;
    p.expert_share = 0.5;
    // 4 tokens, each picks an expert with probability 1/2: P(count >= 2) = 1 - (1 + 4) / 16.
    EXPECT_NEAR(experts_with_at_least(p, 4, 2), 11.0 / 16.0, 1e-12);
    EXPECT_DOUBLE_EQ(experts_with_at_least(p, 1, 2), 0.0);
    // A 512-token micro-batch against the 64-token limit: about half the experts when 64 is the
    // mean count, none at a mean of 16, all at a mean of 256; dense models have no experts.
    p.expert_share = 4.0 / 32;
    EXPECT_NEAR(experts_with_at_least(p, 512, 64), 0.52, 0.02);
    p.expert_share = 4.0 / 128;
    EXPECT_LT(experts_with_at_least(p, 512, 64), 1e-9);
    p.expert_share = 0.5;
    EXPECT_NEAR(experts_with_at_least(p, 512, 64), 1.0, 1e-12);
    EXPECT_DOUBLE_EQ(experts_with_at_least(SpeedParams{}, 512, 64), 0.0);
    p.expert_share = 0;  // experts no token is routed to
    EXPECT_DOUBLE_EQ(experts_with_at_least(p, 512, 64), 0.0);
}

TEST(Speed, MoePrefillHasNoCliffWhereExpertsReachTheDequantizeLimit) {
    // 512 tokens x 2 of E experts: 64 tokens per expert on average at E = 16. Prefill must change
    // by small steps of E there, not jump from dequantizing every expert (E <= 16) to none.
    const auto prefill = [](int experts) {
        ModelArch a = tiny_dense();
        a.moe.experts = experts;
        a.moe.active_experts = 2;
        a.moe.expert_ffn = 4096;
        headroom::Setup s = cuda_setup(500, 100, "Q4_K_M");
        return estimate_speed(a, s, estimate_memory(a, s), 512, 0).prefill_tok_s;
    };
    const double below = prefill(15), at = prefill(16), above = prefill(17);
    EXPECT_GT(below, 0);
    EXPECT_LT(std::abs(at / below - 1), 0.2);
    EXPECT_LT(std::abs(above / at - 1), 0.2);
}

TEST(Speed, SlidingWindowLayersStopReadingAtTheWindow) {
    ModelArch full = tiny_dense(), sliding = tiny_dense();
    sliding.sliding_window = 1024;
    sliding.layer_kinds = {LayerKind::sliding_attention, LayerKind::sliding_attention};
    headroom::Setup s = cuda_setup(500, 100);
    const auto at = [&](const ModelArch& a, int64_t prompt) {
        return estimate_speed(a, s, estimate_memory(a, s), prompt, 0).decode_kv_s;
    };
    EXPECT_NEAR(at(sliding, 8192), at(sliding, 1024), 1e-12);
    EXPECT_NEAR(at(full, 8192), 8 * at(full, 1024), 1e-9);
}

TEST(Speed, BatchingRaisesThroughputButSlowsEachSequence) {
    const ModelArch& a = test::model(kLlama8B).arch;
    headroom::Setup one = cuda_setup(1008, 330.3, "Q4_K_M"), many = one;
    many.batch = 16;
    const double v1 = estimate_speed(a, one, estimate_memory(a, one), 512, 128).decode_tok_s;
    const double v16 = estimate_speed(a, many, estimate_memory(a, many), 512, 128).decode_tok_s;
    EXPECT_LT(v16, v1);
    EXPECT_GT(16 * v16, 4 * v1);
}

TEST(Speed, UnknownMatrixRateIsTakenAsComputePoor) {
    const ModelArch a = tiny_dense();
    headroom::Setup known = cuda_setup(100, 0), rich = cuda_setup(100, 1000);
    const double unknown =
        estimate_speed(a, known, estimate_memory(a, known), 2048, 0).prefill_tok_s;
    EXPECT_LT(unknown, estimate_speed(a, rich, estimate_memory(a, rich), 2048, 0).prefill_tok_s);
    EXPECT_GT(unknown, 0);
}

// ---- accuracy on measured runs -----------------------------------------------------------------

namespace {

struct Errors {
    std::vector<double> decode, prefill;
};

/// Absolute percentage errors of `estimate_line` on every row of a speed file, as score.py
/// computes them (a missing answer counts 1000%).
Errors errors_of(const std::string& path) {
    Errors e;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        const nlohmann::json row = nlohmann::json::parse(line);
        const nlohmann::json p =
            nlohmann::json::parse(estimate_line(row["scenario"].dump(), test::catalog()));
        for (const auto& [key, measured] : row["measured"].items()) {
            const double got = p.contains(key) && p[key].is_number() ? p[key].get<double>() : 0.0;
            const double err =
                got > 0 ? std::abs(got - measured.get<double>()) / measured.get<double>() * 100
                        : 1000;
            (key == "decode_tok_s" ? e.decode : e.prefill).push_back(err);
        }
    }
    return e;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double p90(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(0.9 * double(v.size())))];
}

}  // namespace

TEST(SpeedAccuracy, MeetsTheTargetsOnTheCalibrationRows) {
    const std::string path = std::string(HEADROOM_CALIBRATION_DIR) + "/speed.jsonl";
    if (!std::ifstream(path)) GTEST_SKIP() << "calibration data not found at " << path;
    const Errors e = errors_of(path);
    ASSERT_GT(e.decode.size(), 100u);
    ASSERT_GT(e.prefill.size(), 50u);
    // Targets of the speed model (fitted values: 5.3 / 13.3 / 9.1 / 33.6).
    EXPECT_LE(median(e.decode), 8.0);
    EXPECT_LE(p90(e.decode), 25.0);
    EXPECT_LE(median(e.prefill), 20.0);
    EXPECT_LE(p90(e.prefill), 40.0);
}

TEST(SpeedAccuracy, GeneralisesToPublishedRunsOutsideTheCalibration) {
    // tests/data/extra_speed.jsonl: 58 published runs (other models incl. MoE, ROCm, Vulkan, MLX,
    // MLC, newer llama.cpp builds), never fitted on; sources in each row. Guard rails a little
    // above today's errors (decode 14.5 / 27.6, prefill 14.5 / 28.0) so that a change that breaks
    // generalisation shows.
    const Errors e = errors_of(std::string(HEADROOM_TEST_DATA) + "/extra_speed.jsonl");
    ASSERT_GT(e.decode.size(), 25u);
    ASSERT_GT(e.prefill.size(), 10u);
    EXPECT_LE(median(e.decode), 18.0);
    EXPECT_LE(p90(e.decode), 35.0);
    EXPECT_LE(median(e.prefill), 20.0);
    EXPECT_LE(p90(e.prefill), 35.0);
}
