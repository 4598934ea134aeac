// memory_test.cpp: device memory breakdown, fit and offload.
#include <gtest/gtest.h>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <tuple>

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

// The desktop's share of a display GPU is not the engine's: a run that needs 23.5 GiB fits a
// headless 24 GiB card and not the same card driving a desktop.
TEST(Memory, DesktopShareOfADisplayGpuIsNotTheEngines) {
    const ModelArch& arch = test::model("meta-llama/Meta-Llama-3-8B").arch;
    headroom::Setup s = setup_on("nvidia-rtx-4090", "Q4_K_M", 4096);
    const double gib = 1024.0 * 1024 * 1024;
    EXPECT_EQ(s.hardware.desktop_reserve_bytes, gib);
    const MemoryBreakdown plain = estimate_memory(arch, s);
    s.weights_file_bytes = plain.weights_bytes + static_cast<int64_t>(23.5 * gib) - plain.total_bytes;
    const MemoryBreakdown desk = estimate_memory(arch, s);
    EXPECT_NEAR(double(desk.total_bytes), 23.5 * gib, 1e6);
    EXPECT_EQ(desk.desktop_bytes, int64_t(gib));
    EXPECT_EQ(desk.capacity_bytes, int64_t(23 * gib));
    EXPECT_FALSE(desk.fits);
    EXPECT_GT(desk.offloaded_layers, 0);
    s.hardware.desktop_reserve_bytes = 0;  // headless
    const MemoryBreakdown headless = estimate_memory(arch, s);
    EXPECT_TRUE(headless.fits);
    EXPECT_EQ(headless.total_bytes, desk.total_bytes);  // the engine's own memory is the same
    // Datacenter cards, laptops' discrete GPUs and unified memory keep none by default.
    for (const char* id : {"nvidia-h100-sxm", "nvidia-rtx-4090-laptop", "apple-m2-ultra", "amd-instinct-mi300x"})
        EXPECT_EQ(find_hardware(test::catalog(), id)->desktop_reserve_bytes, 0) << id;
    for (const char* id : {"nvidia-rtx-6000-ada", "amd-radeon-rx-7900-xtx", "intel-arc-b580"})
        EXPECT_EQ(find_hardware(test::catalog(), id)->desktop_reserve_bytes, gib) << id;
}

TEST(Memory, DesktopSitsOnTheFirstDeviceOfALayerSplitAndBoundsTensorParallelism) {
    const ModelArch& arch = test::model("meta-llama/Meta-Llama-3-8B").arch;
    headroom::Setup s = setup_on("nvidia-rtx-4090", "Q4_K_M", 4096);
    s.devices = 2;
    const double gib = 1024.0 * 1024 * 1024;
    const MemoryBreakdown m = estimate_memory(arch, s);
    EXPECT_EQ(m.capacity_bytes, int64_t(47 * gib));
    const std::vector<DeviceMemory> d = per_device_memory(arch, s, m);
    EXPECT_EQ(d[0].capacity_bytes, int64_t(23 * gib));
    EXPECT_EQ(d[1].capacity_bytes, int64_t(24 * gib));
    // vLLM asks every device for the same share; 0.9 x 24 GiB is below the 23 GiB left, 0.98 is not.
    s.engine = "vllm";
    s.format = find_weight_format("BF16").format;
    EXPECT_EQ(estimate_memory(arch, s).capacity_bytes, int64_t(2 * 0.9 * 24 * gib));
    s.gpu_memory_utilization = 0.98;
    EXPECT_EQ(estimate_memory(arch, s).capacity_bytes, int64_t(2 * 23 * gib));
    const std::vector<DeviceMemory> tp = per_device_memory(arch, s, estimate_memory(arch, s));
    EXPECT_EQ(tp[0].capacity_bytes, tp[1].capacity_bytes);
}

// SGLang: weights and KV pool get mem_fraction_static of each device; its default reservation
// (server_args.py) is 2.8 + p/10 GiB under 35 GiB and 9.5 + p/2 GiB under 90 GiB.
TEST(Memory, SglangReservesItsDefaultShareAndPoolsTheRest) {
    const ModelArch& arch = test::model("meta-llama/Meta-Llama-3-8B").arch;
    const double gib = 1024.0 * 1024 * 1024;
    for (const auto& [hw, devices, reserved_gib] :
         {std::tuple<const char*, int, double>{"nvidia-h100-sxm", 1, 10.0}, {"nvidia-h100-sxm", 4, 11.5},
          {"nvidia-l4", 1, 2.9}}) {
        headroom::Setup s = setup_on(hw, "BF16", 8192);
        s.engine = "sglang";
        s.devices = devices;
        s.hardware.desktop_reserve_bytes = 0;
        const MemoryBreakdown m = estimate_memory(arch, s);
        EXPECT_NEAR(double(m.compute_bytes + m.overhead_bytes), reserved_gib * gib * devices, 1e3) << hw;
        EXPECT_EQ(m.capacity_bytes, int64_t(s.hardware.memory_bytes * devices));
        const double pool = double(m.capacity_bytes - m.device_weights_bytes - m.compute_bytes - m.overhead_bytes);
        EXPECT_NEAR(double(m.kv_pool_bytes), pool, kv_bytes_per_token(arch, KvType::f16)) << hw;
        EXPECT_EQ(m.kv_pool_tokens, int64_t(pool / kv_bytes_per_token(arch, KvType::f16))) << hw;
    }
    // A desktop on the card comes out of SGLang's pool (it sizes the pool from free memory).
    headroom::Setup s = setup_on("nvidia-rtx-4090", "BF16", 8192);
    s.engine = "sglang";
    const int64_t with_desktop = estimate_memory(arch, s).kv_pool_bytes;
    s.hardware.desktop_reserve_bytes = 0;
    EXPECT_NEAR(double(estimate_memory(arch, s).kv_pool_bytes - with_desktop), gib, 1e6);
}

// TensorRT-LLM gives the KV cache 90 % of what is free after the weights and its buffers.
TEST(Memory, TensorRtLlmCacheTakesNinetyPercentOfTheFreeMemory) {
    const ModelArch& arch = test::model("meta-llama/Meta-Llama-3-8B").arch;
    headroom::Setup s = setup_on("nvidia-h100-sxm", "BF16", 8192);
    s.engine = "tensorrt-llm";
    const MemoryBreakdown m = estimate_memory(arch, s);
    const double free = s.hardware.memory_bytes - double(m.device_weights_bytes + m.compute_bytes + m.overhead_bytes);
    EXPECT_NEAR(double(m.kv_pool_bytes), 0.9 * free, 32 * kv_bytes_per_token(arch, KvType::f16) + 1);
    EXPECT_EQ(m.kv_pool_tokens % 32, 0);  // tokens_per_block
    EXPECT_EQ(m.kv_bytes, int64_t(8192 * kv_bytes_per_token(arch, KvType::f16)));
    EXPECT_NEAR(double(m.capacity_bytes), s.hardware.memory_bytes - 0.1 * free, 2);
    EXPECT_GT(m.compute_bytes, 0);
    EXPECT_TRUE(m.fits);
}

// MLX grows its cache in 256-token steps and prefills 2048 tokens at a time; ExLlamaV2 allocates
// exactly max_seq_len and sizes its scratch for 2048 input tokens. LM Studio runs llama.cpp.
TEST(Memory, MlxExllamaAndLmStudioFollowTheirEngines) {
    const ModelArch& arch = test::model("meta-llama/Meta-Llama-3-8B").arch;
    const double per_token = kv_bytes_per_token(arch, KvType::f16);
    headroom::Setup s = setup_on("apple-m2-ultra", "BF16", 1000);
    s.engine = "mlx";
    EXPECT_EQ(estimate_memory(arch, s).kv_bytes, int64_t(1024 * per_token));
    const int64_t short_compute = estimate_memory(arch, s).compute_bytes;
    s.context = 4096;
    const int64_t chunk = estimate_memory(arch, s).compute_bytes;
    s.context = 32768;
    EXPECT_EQ(estimate_memory(arch, s).compute_bytes, chunk);  // one 2048-token chunk at a time
    EXPECT_LT(short_compute, chunk);
    // No score matrix and no chunk logits: well under llama.cpp's 512-token f32 logits.
    EXPECT_LT(double(chunk), 4.0 * 512 * double(arch.vocab));

    headroom::Setup e = setup_on("nvidia-rtx-4090", "Q4_K_M", 1000);
    e.engine = "exllamav2";
    EXPECT_EQ(estimate_memory(arch, e).kv_bytes, int64_t(1000 * per_token));
    e.context = 4096;
    const int64_t ex = estimate_memory(arch, e).compute_bytes;
    e.context = 65536;
    EXPECT_EQ(estimate_memory(arch, e).compute_bytes, ex);

    headroom::Setup l = setup_on("nvidia-rtx-4090", "Q4_K_M", 1000);
    const MemoryBreakdown llama = estimate_memory(arch, l);
    l.engine = "lmstudio";
    const MemoryBreakdown lms = estimate_memory(arch, l);
    EXPECT_EQ(lms.kv_bytes, llama.kv_bytes);  // 1000 -> 1024 cells, as llama.cpp pads
    EXPECT_EQ(lms.compute_bytes, llama.compute_bytes);
    EXPECT_EQ(lms.device_weights_bytes, llama.device_weights_bytes);  // token_embd stays on the host
}
