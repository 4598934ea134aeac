// probe_test.cpp: headroom-probe's statistics, profile link and commands, run in-process.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli.h"
#include "gguf_writer.h"
#include "headroom/profile.h"
#include "headroom/recommend.h"
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
    EXPECT_NE(cli({"--help"}).out.find("headroom-probe fit"), std::string::npos);
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
    // The run closes with what runs chat well on the measured device (possibly nothing on a CPU).
    EXPECT_TRUE(r.out.find("Runs well on") != std::string::npos ||
                r.out.find("Nothing in the catalog runs well") != std::string::npos)
        << r.out;
    // fit reads the same profile back and gives core's picks for it.
    const CliRun f = cli({"fit", "--profile", path, "--json", "--top", "3"});
    ASSERT_EQ(f.code, kExitOk) << f.err;
    const json doc = json::parse(f.out);
    EXPECT_EQ(doc["hardware"]["measured"], true);
    EXPECT_EQ(doc["workload"], "chat");
    headroom::Setup s;
    s.hardware = p.hardware;
    EXPECT_EQ(doc["picks"].size(), recommend_models(test::catalog(), s, *find_workload(test::catalog(), "chat"), 3).size());
    std::remove(path.c_str());
}

TEST(Fit, CatalogHardwareGivesCoresPicksAsTableAndJson) {
    const CliRun t = cli({"fit", "--hardware", "nvidia-rtx-4090"});
    ASSERT_EQ(t.code, kExitOk) << t.err;
    headroom::Setup s;
    s.hardware = *find_hardware(test::catalog(), "nvidia-rtx-4090");
    const auto picks = recommend_models(test::catalog(), s, *find_workload(test::catalog(), "chat"), 10);
    ASSERT_GE(picks.size(), 3u);
    EXPECT_NE(t.out.find("Runs well on NVIDIA GeForce RTX 4090"), std::string::npos) << t.out;
    for (const ModelPick& p : picks) EXPECT_NE(t.out.find(p.model_id), std::string::npos) << p.model_id;

    const CliRun j = cli({"fit", "--hardware", "nvidia-rtx-3060", "--workload", "agent", "--top", "4",
                          "--engine", "ollama", "--json"});
    ASSERT_EQ(j.code, kExitOk) << j.err;
    const json doc = json::parse(j.out);
    EXPECT_EQ(doc["workload"], "agent");
    EXPECT_EQ(doc["engine"], "ollama");
    EXPECT_EQ(doc["hardware"]["id"], "nvidia-rtx-3060");
    s.hardware = *find_hardware(test::catalog(), "nvidia-rtx-3060");
    s.engine = "ollama";
    const auto agent = recommend_models(test::catalog(), s, *find_workload(test::catalog(), "agent"), 4);
    ASSERT_EQ(doc["picks"].size(), agent.size());
    for (size_t i = 0; i < agent.size(); ++i) {
        EXPECT_EQ(doc["picks"][i]["model_id"], agent[i].model_id);
        EXPECT_EQ(doc["picks"][i]["format"], agent[i].format);
        EXPECT_EQ(doc["picks"][i]["verdict"], "runs-well");
        EXPECT_DOUBLE_EQ(doc["picks"][i]["decode_tok_s"].get<double>(), agent[i].decode_tok_s);
        EXPECT_DOUBLE_EQ(doc["picks"][i]["ttft_s"].get<double>(), agent[i].ttft_s);
        EXPECT_EQ(doc["picks"][i]["headroom_bytes"].get<int64_t>(), agent[i].headroom_bytes);
    }
}

TEST(Fit, BadArgumentsAndProfilesGiveTheDocumentedExitCodes) {
    CliRun r = cli({"fit", "--hardware", "nvidia-rtx-4090", "--workload", "nope"});
    EXPECT_EQ(r.code, kExitUsage);
    EXPECT_NE(r.err.find("chat, coding, rag, agent, serving, batch"), std::string::npos) << r.err;
    r = cli({"fit", "--hardware", "no-such-card"});
    EXPECT_EQ(r.code, kExitUsage);
    EXPECT_NE(r.err.find("no-such-card"), std::string::npos);
    r = cli({"fit", "--hardware", "nvidia-rtx-4090", "--engine", "nope"});
    EXPECT_EQ(r.code, kExitUsage);
    EXPECT_NE(r.err.find("llama.cpp"), std::string::npos);
    for (const char* top : {"0", "-1", "x", "10x", "1001"})
        EXPECT_EQ(cli({"fit", "--hardware", "nvidia-rtx-4090", "--top", top}).code, kExitUsage) << top;
    EXPECT_EQ(cli({"fit", "--hardware", "nvidia-rtx-4090", "--profile", "x.json"}).code, kExitUsage);
    EXPECT_EQ(cli({"fit", "--bogus"}).code, kExitUsage);
    EXPECT_EQ(cli({"fit", "--profile", "/no/such/profile.json"}).code, kExitIo);
    // A profile without a device's backend: exit 5, and the message names the field.
    const std::string bad = (std::filesystem::temp_directory_path() / "headroom-bad-profile.json").string();
    std::ofstream(bad) << R"({"schema": "headroom-profile/1", "devices": [{"kind": "gpu", "memory_bytes": 1e10}]})";
    r = cli({"fit", "--profile", bad});
    EXPECT_EQ(r.code, kExitBadFile);
    EXPECT_NE(r.err.find("backend"), std::string::npos) << r.err;
    std::ofstream(bad) << "not json";
    EXPECT_EQ(cli({"fit", "--profile", bad}).code, kExitBadFile);
    std::remove(bad.c_str());
}

namespace {
std::string temp_file(const std::string& name, const std::string& bytes) {
    const std::string path = (std::filesystem::temp_directory_path() / name).string();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
}
}  // namespace

TEST(Inspect, TinyLlamaFixtureAsJson) {
    const CliRun r = cli({"inspect", std::string(HEADROOM_TEST_DATA) + "/tiny-llama.gguf", "--json"});
    ASSERT_EQ(r.code, kExitOk) << r.err;
    const json o = json::parse(r.out);
    EXPECT_EQ(o["architecture"], "llama");
    EXPECT_EQ(o["file_type"], "Q4_K_M");
    EXPECT_EQ(o["tensor_count"], 12);
    EXPECT_EQ(o["tensor_bytes"], 61536);
    EXPECT_EQ(o["embedding_bytes"], 4608);
    EXPECT_EQ(o["device_bytes"], 61536 - 4608);
    EXPECT_EQ(o["by_type"][0]["type"], "Q4_K");
    EXPECT_EQ(o["by_type"][0]["bytes"], 27648);
    EXPECT_EQ(o["arch"]["layers"], 1);
    EXPECT_EQ(o["arch"]["vocab"], 32);
    EXPECT_EQ(o["expected_file_bytes"], o["file_bytes"]);
    ASSERT_TRUE(o["estimate"].is_object()) << o["estimate_note"];
    EXPECT_EQ(o["estimate"]["memory"]["weights_bytes"], 61536);
    EXPECT_EQ(o["estimate"]["memory"]["device_weights_bytes"], 61536 - 4608);
    EXPECT_EQ(o["estimate"]["verdict"], "runs-well");
}

TEST(Inspect, TextReportAndHelp) {
    const CliRun r = cli({"inspect", std::string(HEADROOM_TEST_DATA) + "/tiny-llama.gguf", "--hardware",
                          "nvidia-rtx-3090", "--context", "1024"});
    ASSERT_EQ(r.code, kExitOk) << r.err;
    EXPECT_NE(r.out.find("llama (Tiny Llama)"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Q4_K_M"), std::string::npos);
    EXPECT_NE(r.out.find("61536 bytes"), std::string::npos);
    EXPECT_NE(r.out.find("nvidia-rtx-3090"), std::string::npos);
    const std::string help = cli({"--help"}).out;
    EXPECT_NE(help.find("inspect FILE.gguf"), std::string::npos);
    EXPECT_NE(help.find("5 a model file is malformed or truncated"), std::string::npos);
}

TEST(Inspect, ExitCodesForUnreadableMalformedAndTruncatedFiles) {
    EXPECT_EQ(cli({"inspect"}).code, kExitUsage);
    EXPECT_EQ(cli({"inspect", "a.gguf", "--context", "zero"}).code, kExitUsage);
    EXPECT_EQ(cli({"inspect", "a.gguf", "--bogus"}).code, kExitUsage);
    EXPECT_EQ(cli({"inspect", "/no/such/file.gguf"}).code, kExitIo);
    EXPECT_EQ(cli({"inspect", std::filesystem::temp_directory_path().string()}).code, kExitIo);
    const std::string good = test::tiny_llama_gguf();
    const std::string truncated = temp_file("headroom-truncated.gguf", good.substr(0, 1000));
    CliRun r = cli({"inspect", truncated});
    EXPECT_EQ(r.code, kExitBadFile);
    EXPECT_NE(r.err.find("truncated"), std::string::npos) << r.err;
    const std::string text = temp_file("headroom-not.gguf", "{\"model_type\": \"llama\"}");
    r = cli({"inspect", text});
    EXPECT_EQ(r.code, kExitBadFile);
    EXPECT_NE(r.err.find("not a GGUF file"), std::string::npos) << r.err;
    std::string corrupt = good;
    corrupt[4] = 9;  // version 9
    EXPECT_EQ(cli({"inspect", temp_file("headroom-corrupt.gguf", corrupt)}).code, kExitBadFile);
    // Header intact, tensor data cut short: readable, with a warning.
    r = cli({"inspect", temp_file("headroom-short-data.gguf", good.substr(0, good.size() - 100))});
    EXPECT_EQ(r.code, kExitOk) << r.err;
    EXPECT_NE(r.out.find("it is truncated"), std::string::npos) << r.out;
    for (const char* f : {"headroom-truncated.gguf", "headroom-not.gguf", "headroom-corrupt.gguf", "headroom-short-data.gguf"})
        std::remove((std::filesystem::temp_directory_path() / f).string().c_str());
}

TEST(Inspect, HeadersLargerThanTheFirstReadGrowTheRead) {
    // A 600k-token vocabulary makes a header of about 10 MiB, past the first 8 MiB read.
    test::GgufWriter w;
    std::vector<std::string> tokens(600000, "token-xx");
    w.str("general.architecture", "llama").u32("llama.block_count", 2).u32("llama.embedding_length", 64)
        .u32("llama.feed_forward_length", 128).u32("llama.attention.head_count", 4)
        .str_array("tokenizer.ggml.tokens", tokens);
    w.tensor("token_embd.weight", {64, 600000}, test::kQ8_0);
    const std::string bytes = w.bytes(false);
    ASSERT_GT(bytes.size(), size_t(8) << 20);
    const std::string path = temp_file("headroom-big-header.gguf", bytes);
    const CliRun r = cli({"inspect", path, "--json"});
    ASSERT_EQ(r.code, kExitOk) << r.err;
    const json o = json::parse(r.out);
    EXPECT_EQ(o["header_bytes_read"], bytes.size());
    EXPECT_EQ(o["arch"]["vocab"], 600000);
    EXPECT_EQ(o["tensor_bytes"], 2 * 34 * 600000);
    std::remove(path.c_str());
}
