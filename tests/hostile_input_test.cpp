// hostile_input_test.cpp: the limits every parser of untrusted input enforces: document size, JSON
// depth, string length, and numbers outside physical range (negative, -0, huge, NaN and Infinity,
// which JSON cannot even spell). Each refusal is an error that names what was wrong; none throws.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "headroom/config.h"
#include "headroom/estimate.h"
#include "headroom/profile.h"
#include "json_read.h"
#include "test_support.h"

using namespace headroom;
using nlohmann::json;

namespace {

const json kConfig = {{"model_type", "llama"}, {"num_hidden_layers", 32}, {"hidden_size", 4096},
                      {"num_attention_heads", 32}, {"num_key_value_heads", 8}, {"intermediate_size", 14336},
                      {"vocab_size", 128256}, {"max_position_embeddings", 8192}};
const json kProfile = json::parse(R"({"schema": "headroom-profile/1", "devices": [
    {"kind": "cpu", "backend": "cpu", "name": "c", "memory_bytes": 1e10,
     "measurements": {"read_bandwidth_gbs": {"median": 40}}}]})");
const json kScenario = {{"id", "x"}, {"model", "meta-llama/Meta-Llama-3-8B"}, {"quant", "Q4_K_M"},
                        {"hardware", "nvidia-rtx-4090"}, {"gen_tokens", 128}};

std::string config_error(const char* key, const json& v) {
    json c = kConfig;
    c[key] = v;
    return parse_hf_config(c.dump()).error;
}
std::string scenario_error(const json& s) {
    return json::parse(estimate_line(s.dump(), test::catalog()))["error"].get<std::string>();
}
/// `depth` nested arrays around a value, as text.
std::string nested(int depth, const std::string& inner = "1") {
    return std::string(size_t(depth), '[') + inner + std::string(size_t(depth), ']');
}
std::string with_deep_field(const json& doc, const char* key, int depth) {
    std::string text = doc.dump();
    text.insert(1, "\"" + std::string(key) + "\": " + nested(depth) + ", ");
    return text;
}

}  // namespace

TEST(Limits, DocumentSize) {
    const std::string big = "{\"model_type\": \"llama\", \"pad\": \"" + std::string(detail::kMaxDocumentBytes, 'x') + "\"}";
    EXPECT_NE(parse_hf_config(big).error.find("too large"), std::string::npos);
    EXPECT_NE(hardware_from_profile(big).error.find("too large"), std::string::npos);
    EXPECT_NE(json::parse(estimate_line(big, test::catalog()))["error"].get<std::string>().find("too large"),
              std::string::npos);
}

TEST(Limits, JsonDepthInEveryParser) {
    // Just under the limit parses (and is then refused for what it holds, not for depth).
    EXPECT_EQ(parse_hf_config(with_deep_field(kConfig, "x", detail::kMaxJsonDepth - 2)).error, "");
    for (int depth : {detail::kMaxJsonDepth + 1, 1000, 100000}) {
        EXPECT_NE(parse_hf_config(with_deep_field(kConfig, "x", depth)).error.find("nested deeper"), std::string::npos);
        EXPECT_NE(hardware_from_profile(with_deep_field(kProfile, "x", depth)).error.find("nested deeper"),
                  std::string::npos);
        EXPECT_NE(json::parse(estimate_line(with_deep_field(kScenario, "x", depth), test::catalog()))["error"]
                      .get<std::string>()
                      .find("nested deeper"),
                  std::string::npos);
        EXPECT_NE(parse_hf_config(nested(depth)).error.find("nested deeper"), std::string::npos);
    }
    // Objects nest the same way.
    std::string objects;
    for (int i = 0; i < 5000; ++i) objects += "{\"a\":";
    objects += "1" + std::string(5000, '}');
    EXPECT_NE(hardware_from_profile(objects).error.find("nested deeper"), std::string::npos);
}

TEST(Limits, StringLength) {
    const std::string long_text(detail::kMaxStringBytes + 1, 'a');
    EXPECT_NE(config_error("model_type", long_text).find("'model_type' is too long"), std::string::npos);
    json p = kProfile;
    p["devices"][0]["name"] = long_text;
    EXPECT_NE(hardware_from_profile(p.dump()).error.find("'name' is too long"), std::string::npos);
    json s = kScenario;
    s["quant"] = long_text;
    EXPECT_NE(scenario_error(s).find("'quant' is too long"), std::string::npos);
    s = kScenario;
    s["model"] = long_text;  // an unknown id is quoted back, shortened
    EXPECT_LT(scenario_error(s).size(), 200u);
}

TEST(Limits, ConfigNumbersOutOfPhysicalRange) {
    for (const json& v : {json(-1), json(0), json(-0.0), json(1e308), json(-1e308), json(2.5), json(int64_t(1) << 40),
                          json("32"), json::array()}) {
        const std::string e = config_error("num_hidden_layers", v);
        EXPECT_NE(e.find("num_hidden_layers"), std::string::npos) << v << ": " << e;
    }
    EXPECT_NE(config_error("num_hidden_layers", 1025).find("num_hidden_layers"), std::string::npos);
    EXPECT_NE(config_error("vocab_size", 1e308).find("vocab_size"), std::string::npos);
    EXPECT_NE(config_error("num_key_value_heads", 64).find("num_key_value_heads"), std::string::npos);
    json narrow = kConfig;
    narrow.update({{"hidden_size", 64}, {"num_attention_heads", 128}});  // no head_dim left
    EXPECT_NE(parse_hf_config(narrow.dump()).error.find("head_dim"), std::string::npos);
    // Every field in range, but together a model no one could build: refused, not overflowed.
    json huge = kConfig;
    huge.update({{"model_type", "mixtral"}, {"num_hidden_layers", 1024}, {"hidden_size", 1 << 22},
                 {"intermediate_size", 1 << 22}, {"num_local_experts", 1 << 16}, {"num_experts_per_tok", 2},
                 {"num_attention_heads", 4096}, {"num_key_value_heads", 4096}});
    EXPECT_NE(parse_hf_config(huge.dump()).error.find("beyond any real model"), std::string::npos);
    // -0 is zero: fine where zero is allowed.
    EXPECT_TRUE(parse_hf_config(json(kConfig).dump()).ok());
}

TEST(Limits, NanAndInfinityAreMalformedJson) {
    for (const char* v : {"NaN", "nan", "Infinity", "-Infinity", "inf", "1e400", "-1e400"}) {
        std::string text = kConfig.dump();
        text.insert(1, std::string("\"vocab_size\": ") + v + ", ");
        EXPECT_EQ(parse_hf_config(text).error, "malformed JSON") << v;
        std::string prof = kProfile.dump();
        prof.replace(prof.find("40"), 2, v);
        EXPECT_EQ(hardware_from_profile(prof).error, "malformed JSON") << v;
    }
}

TEST(Limits, ProfileNumbersOutOfPhysicalRange) {
    for (const json& v : {json(-1), json(0), json(1e308), json(-0.0), json("1e10")}) {
        json p = kProfile;
        p["devices"][0]["memory_bytes"] = v;
        EXPECT_NE(hardware_from_profile(p.dump()).error.find("memory_bytes"), std::string::npos) << v;
        p = kProfile;
        p["devices"][0]["measurements"]["read_bandwidth_gbs"]["median"] = v;
        EXPECT_NE(hardware_from_profile(p.dump()).error.find("read_bandwidth_gbs"), std::string::npos) << v;
    }
    json many = kProfile;
    for (int i = 0; i < 70; ++i) many["devices"].push_back(kProfile["devices"][0]);
    EXPECT_FALSE(hardware_from_profile(many.dump()).ok());
}

TEST(Limits, ScenarioNumbersOutOfPhysicalRange) {
    for (const char* key : {"gpus", "batch", "context", "prompt_tokens", "gen_tokens", "weights_bytes"}) {
        for (const json& v : {json(-1), json(1e308), json(-1e308), json(0.5)}) {
            json s = kScenario;
            s[key] = v;
            EXPECT_NE(scenario_error(s).find(key), std::string::npos) << key << " = " << v;
        }
    }
    json s = kScenario;
    s["prompt_tokens"] = -0.0;  // negative zero is zero tokens
    EXPECT_TRUE(json::parse(estimate_line(s.dump(), test::catalog()))["error"].is_null());
    s = kScenario;
    s["hardware"] = {{"name", "x"}, {"memory_gb", 1e308}, {"bandwidth_gbs", 100}};
    EXPECT_NE(scenario_error(s).find("memory_gb"), std::string::npos);
    s["hardware"] = {{"name", "x"}, {"memory_gb", 24}, {"bandwidth_gbs", -100}};
    EXPECT_NE(scenario_error(s).find("bandwidth_gbs"), std::string::npos);
    s = kScenario;
    s["workload"] = {{"concurrency", 1e308}};
    EXPECT_NE(scenario_error(s).find("concurrency"), std::string::npos);
}

TEST(Limits, InvalidUtf8IsRefusedNotEchoed) {
    const std::string bad = "{\"model_type\": \"ll\xff\xfe\"}";
    EXPECT_EQ(parse_hf_config(bad).error, "malformed JSON");
    const std::string line = estimate_line("{\"id\": \"\xc0\x80\"}", test::catalog());
    EXPECT_FALSE(json::parse(line)["error"].get<std::string>().empty());  // the answer itself is valid JSON
}
