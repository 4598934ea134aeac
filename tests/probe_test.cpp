// probe_test.cpp: headroom-probe's statistics, profile link and commands, run in-process.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli.h"
#include "headroom/profile.h"
#include "measure.h"
#include "profile_writer.h"
#include "test_support.h"

using namespace headroom;
using namespace headroom::probe;
using nlohmann::json;

namespace {
struct CliRun {
    int code;
    std::string out, err;
};
CliRun cli(std::vector<std::string> args, const std::string& input = "") {
    std::istringstream in(input);
    std::ostringstream out, err;
    const int code = run_cli(args, in, out, err);
    return {code, out.str(), err.str()};
}
}  // namespace

TEST(Measure, MedianAndBest) {
    RateStats s = summarize_rates({5, 1, 3, 4, 2});
    EXPECT_DOUBLE_EQ(s.median, 3);
    EXPECT_DOUBLE_EQ(s.best, 5);
    EXPECT_EQ(s.samples, 5);
    EXPECT_DOUBLE_EQ(summarize_rates({1, 2, 3, 4}).median, 2.5);
    EXPECT_EQ(summarize_rates({}).samples, 0);
}

TEST(Measure, SampleRatesSkipsWarmupRuns) {
    int calls = 0;
    RateStats s = sample_rates(2, 5, [&] { return double(++calls); });
    EXPECT_EQ(calls, 7);
    EXPECT_EQ(s.samples, 5);
    EXPECT_DOUBLE_EQ(s.median, 5);  // samples 3..7
}

TEST(Measure, CacheArtefactAbove105PercentOfTheoretical) {
    EXPECT_FALSE(is_cache_artefact(3300, 3352));
    EXPECT_TRUE(is_cache_artefact(3600, 3352));
    EXPECT_FALSE(is_cache_artefact(3600, 0));  // unknown theoretical: nothing to compare
}

TEST(ProfileLink, Base64UrlRoundsOffWithoutPadding) {
    EXPECT_EQ(base64url(""), "");
    EXPECT_EQ(base64url("f"), "Zg");
    EXPECT_EQ(base64url("fo"), "Zm8");
    EXPECT_EQ(base64url("foo"), "Zm9v");
    EXPECT_EQ(base64url("\xfb\xff"), "-_8");
    EXPECT_EQ(profile_link("http://127.0.0.1:8080/", "{ \"a\": 1 }"), "http://127.0.0.1:8080/#profile=eyJhIjoxfQ");
}

TEST(Cli, HelpAndBadArguments) {
    EXPECT_EQ(cli({"--help"}).code, kExitOk);
    EXPECT_NE(cli({"--help"}).out.find("Exit codes"), std::string::npos);
    EXPECT_EQ(cli({"--bogus"}).code, kExitUsage);
    EXPECT_EQ(cli({"estimate"}).code, kExitUsage);
    EXPECT_EQ(cli({"estimate", "--scenarios", "/no/such/file"}).code, kExitIo);
}

TEST(Cli, EstimateAnswersEachLineInOrder) {
    const CliRun r = cli({"estimate", "--scenarios", "-"},
                         "{\"id\": \"one\", \"model\": \"meta-llama/Meta-Llama-3-8B\", \"quant\": \"Q4_K_M\", "
                         "\"hardware\": \"nvidia-rtx-4090\", \"gen_tokens\": 128}\n\n"
                         "garbage\n"
                         "{\"id\": \"three\", \"model\": \"meta-llama/Meta-Llama-3-8B\", \"quant\": \"F16\", "
                         "\"hardware\": \"nvidia-rtx-3090\", \"prompt_tokens\": 512}\n");
    ASSERT_EQ(r.code, kExitOk) << r.err;
    std::istringstream lines(r.out);
    std::string a, b, c;
    std::getline(lines, a);
    std::getline(lines, b);
    std::getline(lines, c);
    EXPECT_EQ(json::parse(a)["id"], "one");
    EXPECT_TRUE(json::parse(b)["error"].is_string());
    EXPECT_EQ(json::parse(c)["id"], "three");
    EXPECT_GT(json::parse(c)["prefill_tok_s"].get<double>(), 0);
}

TEST(Cli, EstimateOnAMalformedFileNamesTheField) {
    const std::string path = (std::filesystem::temp_directory_path() / "headroom-probe-test-bad.jsonl").string();
    {
        std::ofstream f(path);
        f << R"({"id": "a", "model": "meta-llama/Meta-Llama-3-8B", "quant": "Q4_K_M", "hardware": "nvidia-rtx-4090", "gpus": -2})" "\n"
          << R"({"id": "b", "model": "meta-llama/Meta-Llama-3-8B", "quant": "Q4_K_M", "hardware": {"profile": {"schema": "headroom-profile/1", "devices": [{"kind": "cpu", "backend": "cpu", "memory_bytes": 1e10, "measurements": {"read_bandwidth_gbs": {"median": "fast"}}}]}}})" "\n"
          << R"({"id": "c", "model": {"name": "m", "config": {"model_type": "llama", "num_hidden_layers": 1e308}}, "quant": "Q4_K_M", "hardware": "nvidia-rtx-4090"})" "\n"
          << std::string(100, '[') << "\n"
          << "\xff\xfe{\n";
    }
    const CliRun r = cli({"estimate", "--scenarios", path});
    std::remove(path.c_str());
    ASSERT_EQ(r.code, kExitOk) << r.err;
    std::istringstream lines(r.out);
    std::vector<std::string> errors;
    for (std::string line; std::getline(lines, line);) errors.push_back(json::parse(line)["error"].get<std::string>());
    ASSERT_EQ(errors.size(), 5u) << r.out;
    EXPECT_NE(errors[0].find("'gpus'"), std::string::npos) << errors[0];
    EXPECT_NE(errors[1].find("read_bandwidth_gbs"), std::string::npos) << errors[1];
    EXPECT_NE(errors[2].find("num_hidden_layers"), std::string::npos) << errors[2];
    EXPECT_NE(errors[3].find("nested deeper"), std::string::npos) << errors[3];
    EXPECT_EQ(errors[4], "malformed JSON");
}

TEST(Cli, CatalogModelsListsPublishedAndComputedCounts) {
    const CliRun r = cli({"catalog", "models", "--json"});
    ASSERT_EQ(r.code, kExitOk) << r.err;
    const json list = json::parse(r.out);
    ASSERT_EQ(list.size(), test::catalog().models.size());
    EXPECT_GT(list[0]["computed_params"].get<double>(), 0);
    EXPECT_GT(list[0]["published_params"].get<double>(), 0);
    EXPECT_EQ(cli({"catalog", "hardware"}).code, kExitOk);
}

TEST(Cli, QuickCpuMeasurementWritesAProfileThePageCanRead) {
    const std::string path = (std::filesystem::temp_directory_path() / "headroom-probe-test-profile.json").string();
    const CliRun r = cli({"--quick", "--out", path});
    ASSERT_EQ(r.code, kExitOk) << r.err;
    EXPECT_NE(r.out.find("#profile="), std::string::npos);
    ProfileResult p = hardware_from_profile(test::read_text(path));
    ASSERT_TRUE(p.ok()) << p.error;
    EXPECT_TRUE(p.hardware.measured);
    EXPECT_GT(p.hardware.bandwidth_bytes_s, 1e8);  // any real machine moves more than 0.1 GB/s
    std::remove(path.c_str());
}
