// memory_test.cpp: device memory breakdown, fit and offload.
#include <gtest/gtest.h>

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
