// profile_test.cpp: probe profiles read back as measured hardware; bad profiles name the field.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "headroom/profile.h"

using namespace headroom;

namespace {
const char* kCpuProfile = R"({"schema": "headroom-profile/1", "probe_version": "0.1.0", "devices": [
    {"kind": "cpu", "backend": "cpu", "name": "Test CPU", "memory_bytes": 25769803776,
     "free_memory_bytes": 21474836480,
     "measurements": {"read_bandwidth_gbs": {"median": 40.5, "best": 42.0, "samples": 12, "method": "sum"},
                      "triad_bandwidth_gbs": {"median": 30.0, "best": 31.0, "samples": 12, "method": "triad"}}}]})";
}

TEST(Profile, CpuProfileBecomesMeasuredHardware) {
    ProfileResult r = hardware_from_profile(kCpuProfile);
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_TRUE(r.hardware.measured);
    EXPECT_EQ(r.hardware.backend, "cpu");
    EXPECT_DOUBLE_EQ(r.hardware.bandwidth_bytes_s, 40.5e9);
    EXPECT_DOUBLE_EQ(r.hardware.memory_bytes, 21474836480.0);  // free memory, not total
}

TEST(Profile, GpuIsPreferredOverTheCpu) {
    ProfileResult r = hardware_from_profile(R"({"schema": "headroom-profile/1", "devices": [
        {"kind": "cpu", "backend": "cpu", "name": "c", "memory_bytes": 1e10, "measurements": {"triad_bandwidth_gbs": {"median": 20}}},
        {"kind": "gpu", "backend": "cuda", "name": "NVIDIA H100", "memory_bytes": 8.5e10, "free_memory_bytes": 8.4e10,
         "measurements": {"read_bandwidth_gbs": {"median": 3000}, "fp16_tflops": {"median": 600}}}]})");
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.hardware.name, "NVIDIA H100");
    EXPECT_DOUBLE_EQ(r.hardware.fp16_flops, 600e12);
}

TEST(Profile, BadProfilesNameTheField) {
    EXPECT_FALSE(hardware_from_profile("{").ok());
    ProfileResult wrong = hardware_from_profile(R"({"schema": "other/9", "devices": []})");
    EXPECT_NE(wrong.error.find("schema"), std::string::npos);
    ProfileResult nan = hardware_from_profile(R"({"schema": "headroom-profile/1", "devices": [
        {"kind": "cpu", "backend": "cpu", "memory_bytes": 1e10, "measurements": {"read_bandwidth_gbs": {"median": -5}}}]})");
    EXPECT_FALSE(nan.ok());
    EXPECT_NE(nan.error.find("read_bandwidth_gbs"), std::string::npos);
    ProfileResult none = hardware_from_profile(R"({"schema": "headroom-profile/1", "devices": [
        {"kind": "cpu", "backend": "cpu", "memory_bytes": 1e10, "measurements": {}}]})");
    EXPECT_FALSE(none.ok());
}

// A real profile: headroom-probe run on an NVIDIA H200 through the device tool (2026-12-04,
// probe/gpu_check.sh). The page and `estimate` take these measured figures instead of the datasheet.
TEST(Profile, RealH200ProfileReadsAsMeasuredHardware) {
    std::ifstream in(std::string(HEADROOM_TEST_DATA) + "/h200-profile.json");
    ASSERT_TRUE(in) << "tests/data/h200-profile.json";
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ProfileResult r = hardware_from_profile(text);
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_TRUE(r.hardware.measured);
    EXPECT_EQ(r.hardware.name, "NVIDIA H200");
    EXPECT_EQ(r.hardware.backend, "cuda");
    EXPECT_NEAR(r.hardware.bandwidth_bytes_s, 4590.04e9, 0.01e9);  // median of 30 read-kernel samples
    EXPECT_NEAR(r.hardware.fp16_flops, 867.93e12, 0.01e12);        // cuBLAS FP16 GEMM, n = 8192
    EXPECT_DOUBLE_EQ(r.hardware.memory_bytes, 149557477376.0);     // free memory at the run, not total
}
