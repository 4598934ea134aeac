// memory_test.cpp: device memory breakdown, fit and offload.
#include <gtest/gtest.h>
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "headroom/memory.h"
#include "test_support.h"

using namespace headroom;

namespace {
Setup setup_on(const std::string& hardware, const std::string& format, int64_t context) {
    Setup s;
    s.hardware = *find_hardware(test::catalog(), hardware);
    s.format = find_weight_format(format).format;
    s.context = context;
    return s;
}
}  // namespace

TEST(Memory, PartsAddUpToTotal) {
    const ModelArch& arch = test::model("meta-llama/Meta-Llama-3-8B").arch;
    const MemoryBreakdown m = estimate_memory(arch, setup_on("nvidia-rtx-4090", "Q4_K_M", 8192));
    EXPECT_EQ(m.total_bytes, m.device_weights_bytes + m.kv_bytes + m.compute_bytes + m.overhead_bytes);
    EXPECT_LT(m.device_weights_bytes, m.weights_bytes);  // llama.cpp keeps token_embd on the host
    EXPECT_EQ(m.kv_bytes, 1073741824);
    EXPECT_TRUE(m.fits);
    EXPECT_EQ(m.offloaded_layers, 0);
}

TEST(Memory, LlamaCppPadsTheContext) {
    const ModelArch& arch = test::model("meta-llama/Meta-Llama-3-8B").arch;
    const MemoryBreakdown m = estimate_memory(arch, setup_on("nvidia-rtx-4090", "Q4_K_M", 1000));
    EXPECT_EQ(m.kv_bytes, int64_t(2) * 32 * 1024 * 1024 * 2);  // 1000 -> 1024 cells
}

TEST(Memory, RealFileSizeReplacesTheComputedOne) {
    const ModelArch& arch = test::model("meta-llama/Meta-Llama-3-8B").arch;
    headroom::Setup s = setup_on("nvidia-rtx-4090", "Q4_K_M", 512);
    s.weights_file_bytes = 4917737554;
    EXPECT_EQ(estimate_memory(arch, s).weights_bytes, 4917737554);
}

TEST(Memory, TooBigModelOffloadsLayersOrDoesNotFit) {
    const ModelArch& arch = test::model("meta-llama/Meta-Llama-3-70B").arch;
    const MemoryBreakdown q4 = estimate_memory(arch, setup_on("nvidia-rtx-4090", "Q4_K_M", 4096));
    EXPECT_FALSE(q4.fits);
    EXPECT_GT(q4.offloaded_layers, 0);
    EXPECT_LT(q4.offloaded_layers, q4.layers);
    // F16 70B: ~141 GB; four 24 GB cards hold 96 GB.
    headroom::Setup f16 = setup_on("nvidia-rtx-4090", "F16", 4096);
    f16.devices = 4;
    EXPECT_FALSE(estimate_memory(arch, f16).fits);
    f16.devices = 8;
    EXPECT_TRUE(estimate_memory(arch, f16).fits);
}

TEST(Memory, AppleWorkingSetLimitCapsCapacity) {
    const ModelArch& arch = test::model("meta-llama/Meta-Llama-3-8B").arch;
    const MemoryBreakdown m = estimate_memory(arch, setup_on("apple-m2-ultra", "Q4_K_M", 4096));
    const Hardware& hw = *find_hardware(test::catalog(), "apple-m2-ultra");
    EXPECT_EQ(m.capacity_bytes, int64_t(hw.memory_bytes * hw.gpu_memory_share));
}

// vLLM hands what is left of gpu_memory_utilization x memory to a paged KV cache; the capacities it
// logged on two GPUs (tests/data/vllm_kv_capacity.json, with its source) check that budget.
TEST(Memory, VllmKvPoolMatchesTheCapacitiesVllmReported) {
    const auto data = nlohmann::json::parse(test::read_text(std::string(HEADROOM_TEST_DATA) + "/vllm_kv_capacity.json"));
    double worst_fitted = 0, worst_other = 0;
    for (const auto& row : data.at("rows")) {
        headroom::Setup s = setup_on(row.at("hardware"), "BF16", 4096);
        s.engine = "vllm";
        s.max_num_seqs = row.at("max_num_seqs");
        s.max_num_batched_tokens = row.at("max_num_batched_tokens");
        const MemoryBreakdown m = estimate_memory(test::model(row.at("model")).arch, s);
        const double measured = row.at("kv_tokens");
        const double err = std::abs(double(m.kv_pool_tokens) - measured) / measured;
        EXPECT_EQ(m.kv_pool_tokens % 16, 0);
        (row.at("fitted").get<bool>() ? worst_fitted : worst_other) =
            std::max(row.at("fitted").get<bool>() ? worst_fitted : worst_other, err);
        EXPECT_LT(err, row.at("fitted").get<bool>() ? 0.01 : 0.06) << row.dump();
    }
    std::printf("vLLM KV capacity: worst error %.2f%% on fitted rows, %.2f%% on the others\n", 100 * worst_fitted,
                100 * worst_other);
}

TEST(Memory, VllmDefaultsFollowTheDevice) {
    const ModelArch& arch = test::model("Qwen/Qwen3-8B").arch;
    headroom::Setup big = setup_on("nvidia-h100-sxm", "BF16", 8192);
    big.engine = "vllm";
    headroom::Setup small = setup_on("nvidia-rtx-4090", "BF16", 8192);
    small.engine = "vllm";
    // 1024 sequences and 8192 tokens on an 80 GB H100, 256 and 2048 on a 24 GB card.
    EXPECT_GT(estimate_memory(arch, big).compute_bytes, 3 * estimate_memory(arch, small).compute_bytes);
    const MemoryBreakdown m = estimate_memory(arch, big);
    EXPECT_EQ(m.capacity_bytes, int64_t(0.9 * big.hardware.memory_bytes));
    EXPECT_GE(m.kv_pool_bytes, m.kv_bytes);  // the pool holds at least the requested context
    big.gpu_memory_utilization = 0.5;
    EXPECT_LT(estimate_memory(arch, big).kv_pool_tokens, m.kv_pool_tokens);
}

TEST(Memory, PerDeviceFiguresAddUpAndSplitLayers) {
    const ModelArch& arch = test::model("meta-llama/Meta-Llama-3-70B").arch;
    headroom::Setup s = setup_on("nvidia-rtx-4090", "Q4_K_M", 8192);
    s.devices = 3;
    const MemoryBreakdown m = estimate_memory(arch, s);
    const std::vector<DeviceMemory> d = per_device_memory(arch, s, m);
    ASSERT_EQ(d.size(), 3u);
    int layers = 0;
    int64_t weights = 0, kv = 0;
    for (const DeviceMemory& x : d) {
        layers += x.layers;
        weights += x.weights_bytes;
        kv += x.kv_bytes;
    }
    EXPECT_EQ(layers, arch.layers);
    EXPECT_NEAR(double(weights), double(m.device_weights_bytes), 4.0);
    EXPECT_NEAR(double(kv), double(m.kv_bytes), 4.0);
    EXPECT_GT(d[2].weights_bytes, d[0].weights_bytes);  // the output head sits on the last device
    // Tensor parallel: every device holds the same share.
    s.engine = "vllm";
    s.format = find_weight_format("BF16").format;
    s.devices = 4;
    const std::vector<DeviceMemory> tp = per_device_memory(arch, s, estimate_memory(arch, s));
    EXPECT_EQ(tp[0].weights_bytes, tp[3].weights_bytes);
    EXPECT_EQ(tp[0].layers, arch.layers);
}

// llama.cpp --cpu-moe: gpt-oss-120b's routed experts (about 58 GiB of MXFP4) stay in system RAM,
// so the rest fits a 24 GB card instead of spilling whole layers.
TEST(Memory, ExpertsInSystemRamLeaveTheRestOnTheGpu) {
    const ModelArch& arch = test::model("openai/gpt-oss-120b").arch;
    headroom::Setup s = setup_on("nvidia-rtx-4090", "MXFP4", 8192);
    const MemoryBreakdown all = estimate_memory(arch, s);
    EXPECT_FALSE(all.fits);
    s.experts_on_host = true;
    const MemoryBreakdown split = estimate_memory(arch, s);
    EXPECT_TRUE(split.fits);
    EXPECT_GT(split.host_expert_bytes, int64_t(50) << 30);
    EXPECT_EQ(split.device_weights_bytes, all.device_weights_bytes - split.host_expert_bytes);
    // A dense model has no experts to move, and vLLM cannot run them from the host.
    headroom::Setup dense = setup_on("nvidia-rtx-4090", "Q4_K_M", 8192);
    dense.experts_on_host = true;
    EXPECT_EQ(estimate_memory(test::model("meta-llama/Meta-Llama-3-8B").arch, dense).host_expert_bytes, 0);
    s.engine = "vllm";
    EXPECT_EQ(estimate_memory(arch, s).host_expert_bytes, 0);
}
