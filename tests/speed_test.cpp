// speed_test.cpp: the speed model's behaviour: bandwidth-bound decode, compute-bound prefill.
#include <gtest/gtest.h>

#include "headroom/memory.h"
#include "headroom/speed.h"
#include "headroom/weights.h"
#include "test_support.h"

using namespace headroom;

namespace {
SpeedEstimate speed_of(const std::string& model, const std::string& hw, const std::string& format,
                       int64_t prompt, int64_t gen, int devices = 1) {
    const ModelArch& arch = test::model(model).arch;
    Setup s;
    s.hardware = *find_hardware(test::catalog(), hw);
    s.format = find_weight_format(format).format;
    s.devices = devices;
    s.context = prompt + gen;
    return estimate_speed(arch, s, estimate_memory(arch, s), prompt, gen);
}
const char* kLlama8B = "meta-llama/Meta-Llama-3-8B";
}  // namespace

TEST(Speed, DecodeIsBoundedByBandwidthOverBytes) {
    const SpeedEstimate s = speed_of(kLlama8B, "nvidia-rtx-4090", "Q4_K_M", 0, 128);
    const ModelArch& arch = test::model(kLlama8B).arch;
    const double bytes = double(weights_bytes(arch, find_weight_format("Q4_K_M").format).active_bytes);
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
    EXPECT_GT(s.prefill_tok_s, 10 * speed_of(kLlama8B, "nvidia-rtx-4090", "Q4_K_M", 0, 128).decode_tok_s);
    EXPECT_GT(s.ttft_s, 0);
}

TEST(Speed, OffloadedLayersSlowDecodeDown) {
    // 70B Q4_K_M on one 24 GB card spills layers to system RAM.
    const SpeedEstimate spilled = speed_of("meta-llama/Meta-Llama-3-70B", "nvidia-rtx-4090", "Q4_K_M", 0, 128);
    const SpeedEstimate split = speed_of("meta-llama/Meta-Llama-3-70B", "nvidia-rtx-4090", "Q4_K_M", 0, 128, 2);
    EXPECT_LT(spilled.decode_tok_s, split.decode_tok_s / 2);
}
