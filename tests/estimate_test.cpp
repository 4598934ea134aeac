// estimate_test.cpp: the scenario contract: fields in, fields out, errors per line.
#include <gtest/gtest.h>

#include <fstream>

#include "headroom/estimate.h"
#include "test_support.h"

using namespace headroom;
using nlohmann::json;

namespace {
json run(const std::string& scenario) { return json::parse(estimate_line(scenario, test::catalog())); }
}  // namespace

TEST(Estimate, AnswersEveryContractField) {
    const json p = run(R"({"id": "a", "model": "meta-llama/Meta-Llama-3-8B", "quant": "Q4_K_M",
        "hardware": "nvidia-rtx-4090", "engine": "llama.cpp", "prompt_tokens": 512, "gen_tokens": 128})");
    EXPECT_EQ(p["id"], "a");
    EXPECT_TRUE(p["error"].is_null());
    for (const char* k : {"decode_tok_s", "prefill_tok_s", "ttft_s"}) EXPECT_GT(p[k].get<double>(), 0) << k;
    for (const char* k : {"weights_bytes", "device_weights_bytes", "kv_bytes", "compute_bytes",
                          "overhead_bytes", "total_bytes", "capacity_bytes"})
        EXPECT_GT(p["memory"][k].get<double>(), 0) << k;
    EXPECT_TRUE(p["fits"].get<bool>());
    EXPECT_EQ(p["offloaded_layers"], 0);
    EXPECT_EQ(p["verdict"], "runs-well");
}

TEST(Estimate, InlineModelAndHardwareAsInTheCalibrationRows) {
    const json p = run(R"({"id": "speed-0", "model": {"name": "Meta-Llama-3-8B", "params": 8030000000.0,
        "config": {"model_type": "llama", "num_hidden_layers": 32, "hidden_size": 4096, "num_attention_heads": 32,
        "num_key_value_heads": 8, "intermediate_size": 14336, "vocab_size": 128256,
        "max_position_embeddings": 8192, "tie_word_embeddings": false}}, "quant": "Q4_K_M",
        "hardware": {"name": "NVIDIA RTX 3070", "memory_gb": 8.0, "bandwidth_gbs": 448.0, "backend": "cuda",
        "fp16_tflops": 81.3}, "gpus": 1, "engine": "llama.cpp", "prompt_tokens": 0, "gen_tokens": 512,
        "batch": 1, "kv_type": "f16", "weights_bytes": 4917737554})");
    EXPECT_TRUE(p["error"].is_null()) << p.dump();
    EXPECT_EQ(p["memory"]["weights_bytes"], 4917737554LL);
}

TEST(Estimate, UnknownFormatIsAnsweredFromTheFileSize) {
    const json p = run(R"({"model": "meta-llama/Meta-Llama-3-8B", "quant": "MY_CUSTOM_Q3",
        "weights_bytes": 3500000000, "hardware": "nvidia-rtx-4090", "gen_tokens": 128})");
    EXPECT_TRUE(p["error"].is_null()) << p.dump();
    EXPECT_EQ(p["memory"]["weights_bytes"], 3500000000LL);
}

TEST(Estimate, BadLinesGetAnErrorNamingTheProblem) {
    const std::pair<const char*, const char*> bad[] = {
        {"not json", "malformed"},
        {R"({"id": "x", "quant": "Q4_K_M", "hardware": "nvidia-rtx-4090"})", "model"},
        {R"({"model": "no/such-model", "quant": "Q4_K_M", "hardware": "nvidia-rtx-4090"})", "no/such-model"},
        {R"({"model": "meta-llama/Meta-Llama-3-8B", "quant": "Q4_K_M", "hardware": "nvidia-rtx-4090", "gpus": -2})", "gpus"},
        {R"({"model": "meta-llama/Meta-Llama-3-8B", "quant": "Q4_K_M", "hardware": "nvidia-rtx-4090", "context": 1e30})", "context"},
        {R"({"model": "meta-llama/Meta-Llama-3-8B", "quant": "Q4_K_M", "hardware": "nvidia-rtx-4090", "engine": "<script>"})", "engine"},
        {R"({"model": "meta-llama/Meta-Llama-3-8B", "quant": "Q4_K_M", "hardware": {"name": "x", "memory_gb": 8, "bandwidth_gbs": -1, "backend": "cuda"}})", "bandwidth_gbs"},
        {R"({"model": "meta-llama/Meta-Llama-3-8B", "quant": "Q4_K_M", "hardware": "nvidia-rtx-4090", "kv_type": "q9"})", "kv_type"},
        {R"({"model": "meta-llama/Meta-Llama-3-8B", "quant": "Q4_K_M", "hardware": "nvidia-rtx-4090", "workload": "nap"})", "workload"},
    };
    for (const auto& [line, what] : bad) {
        const json p = run(line);
        ASSERT_TRUE(p["error"].is_string()) << line;
        EXPECT_NE(p["error"].get<std::string>().find(what), std::string::npos) << p["error"] << " for " << line;
        EXPECT_FALSE(p.contains("decode_tok_s")) << line;
    }
}

TEST(Estimate, AnswersEveryCalibrationLine) {
    for (const char* file : {"speed.jsonl", "memory.jsonl"}) {
        std::ifstream in(std::string(HEADROOM_CALIBRATION_DIR) + "/" + file);
        if (!in) GTEST_SKIP() << "calibration data not found at " << HEADROOM_CALIBRATION_DIR;
        std::string line;
        int lines = 0;
        while (std::getline(in, line)) {
            const json row = json::parse(line);
            const json p = run(row["scenario"].dump());
            EXPECT_TRUE(p["error"].is_null()) << row["scenario"]["id"] << ": " << p["error"];
            EXPECT_EQ(p["id"], row["scenario"]["id"]);
            ++lines;
        }
        EXPECT_GT(lines, 50) << file;
    }
}

TEST(Estimate, CalibrationRowsAreAnsweredForTheirScenario) {
    const json p = run(R"({"scenario": {"id": "row-1", "model": "meta-llama/Meta-Llama-3-8B", "quant": "Q4_K_M",
        "hardware": "nvidia-rtx-4090", "gen_tokens": 128}, "measured": {"decode_tok_s": 120}})");
    EXPECT_EQ(p["id"], "row-1");
    EXPECT_TRUE(p["error"].is_null()) << p.dump();
    EXPECT_GT(p["decode_tok_s"].get<double>(), 0);
}

// A consumer card is taken to drive the displays; a scenario can say it does not, or how much the
// desktop keeps; an inline device without a kind or segment is headless.
TEST(Estimate, DisplayAndDesktopReserveOptions) {
    const std::string base = R"("model": "meta-llama/Meta-Llama-3-8B", "quant": "Q4_K_M", "gen_tokens": 128)";
    const double gib = 1024.0 * 1024 * 1024;
    const json card = run("{" + base + R"(, "hardware": "nvidia-rtx-4090"})");
    EXPECT_EQ(card["memory"]["desktop_bytes"].get<double>(), gib);
    EXPECT_EQ(card["memory"]["capacity_bytes"].get<double>(), 23 * gib);
    const json headless = run("{" + base + R"(, "hardware": "nvidia-rtx-4090", "display": false})");
    EXPECT_EQ(headless["memory"]["desktop_bytes"], 0);
    EXPECT_EQ(headless["memory"]["capacity_bytes"].get<double>(), 24 * gib);
    const json own = run("{" + base + R"(, "hardware": "nvidia-rtx-4090", "desktop_reserve_gb": 2.5})");
    EXPECT_EQ(own["memory"]["capacity_bytes"].get<double>(), 21.5 * gib);
    // A datacenter card has no desktop unless the scenario says it drives one.
    EXPECT_EQ(run("{" + base + R"(, "hardware": "nvidia-h100-sxm"})")["memory"]["desktop_bytes"], 0);
    EXPECT_EQ(run("{" + base + R"(, "hardware": "nvidia-h100-sxm", "display": true})")["memory"]["desktop_bytes"].get<double>(),
              gib);
    const std::string inline_hw = R"("hardware": {"name": "x", "memory_gb": 16, "bandwidth_gbs": 500, "backend": "cuda")";
    EXPECT_EQ(run("{" + base + ", " + inline_hw + "}}")["memory"]["desktop_bytes"], 0);
    EXPECT_EQ(run("{" + base + ", " + inline_hw + R"(, "kind": "gpu", "segment": "consumer"}})")["memory"]["desktop_bytes"].get<double>(),
              gib);
    EXPECT_EQ(run("{" + base + ", " + inline_hw + R"(, "desktop_reserve_gb": 0.5}})")["memory"]["desktop_bytes"].get<double>(),
              0.5 * gib);
    // A setup that does not fit says the desktop took part of the card.
    const json tight = run(R"({"model": "meta-llama/Meta-Llama-3-8B", "quant": "F16", "hardware": "nvidia-rtx-4090",
        "context": 48000})");
    EXPECT_EQ(tight["verdict"], "too-tight");
    EXPECT_NE(tight["reasons"][0].get<std::string>().find("23.0 GiB available after the 1.0 GiB the desktop keeps"),
              std::string::npos)
        << tight["reasons"];
    for (const char* bad : {R"("display": "yes")", R"("desktop_reserve_gb": -1)", R"("desktop_reserve_gb": 1e9)"}) {
        const json p = run("{" + base + R"(, "hardware": "nvidia-rtx-4090", )" + bad + "}");
        ASSERT_TRUE(p["error"].is_string()) << bad;
        EXPECT_NE(p["error"].get<std::string>().find(std::string(bad).substr(1, 7)), std::string::npos) << p["error"];
    }
}

TEST(Estimate, PredictAtIsPredictAtThatContext) {
    // A chart point must show what the page's main answer shows for that context.
    for (const char* engine : {"llama.cpp", "vllm", "mlx"}) {
        const std::string line = std::string(R"({"model": "Qwen/Qwen3-8B", "quant": "Q4_K_M", "hardware": "nvidia-rtx-4090", "engine": ")") +
                                 engine + R"(", "context": 8192, "prompt_tokens": 2000, "gen_tokens": 128})";
        const ScenarioResult base = parse_scenario(line, test::catalog());
        ASSERT_TRUE(base.ok()) << base.error;
        for (int64_t context : {int64_t(1024), int64_t(32768), int64_t(131072)}) {
            Scenario at = base.scenario;
            at.setup.context = context;
            const Prediction want = predict(at);
            const ScenarioPoint got = predict_at(base.scenario, context, 2000, 128);
            ASSERT_TRUE(got.ok);
            EXPECT_EQ(got.memory.total_bytes, want.memory.total_bytes) << engine << " " << context;
            EXPECT_EQ(got.memory.capacity_bytes, want.memory.capacity_bytes);
            EXPECT_EQ(got.memory.fits, want.memory.fits);
            EXPECT_EQ(got.speed.decode_tok_s, want.speed.decode_tok_s) << engine << " " << context;
        }
    }
    const Scenario sc = parse_scenario(R"({"model": "Qwen/Qwen3-8B", "hardware": "nvidia-rtx-4090"})", test::catalog()).scenario;
    EXPECT_FALSE(predict_at(sc, 0, 10, 10).ok);
    EXPECT_FALSE(predict_at(sc, kMaxScenarioTokens + 1, 10, 10).ok);
    EXPECT_FALSE(predict_at(sc, 4096, -1, 10).ok);
    EXPECT_FALSE(predict_at(sc, 4096, 10, kMaxScenarioTokens + 1).ok);
    EXPECT_TRUE(predict_at(sc, kMaxScenarioTokens, 0, 0).ok);
}
