// share_state_test.cpp: the share link's state is decoded and checked by core; every bad link is an
// error naming the field or the link part, and leaves the defaults.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "headroom/share_state.h"
#include "test_support.h"

using namespace headroom;
using nlohmann::json;

namespace {

const json kState = {{"model", "meta-llama/Meta-Llama-3-70B"}, {"quant", "Q4_K_M"}, {"hardware", "nvidia-rtx-3090"},
                     {"gpus", 2}, {"engine", "llama.cpp"}, {"context", 8192}, {"kv", "q8_0"}, {"workload", "coding"}};
const json kProfile = json::parse(R"({"schema": "headroom-profile/1", "devices": [
    {"kind": "gpu", "backend": "cuda", "name": "Test GPU", "memory_bytes": 25769803776,
     "free_memory_bytes": 25000000000, "measurements": {"read_bandwidth_gbs": {"median": 900}}}]})");

ShareStateResult link(const json& state) {
    return decode_share_link("s=" + base64url_encode(state.dump()), test::catalog());
}

/// The state with one field replaced: the error must name that field.
std::string error_for(const char* field, const json& value) {
    json s = kState;
    s[field] = value;
    return link(s).error;
}

bool is_default(const ShareState& s) {
    const ShareState d;
    return s.model == d.model && s.quant == d.quant && s.hardware == d.hardware && s.gpus == d.gpus &&
           s.context == d.context && s.profile_json.empty();
}

}  // namespace

TEST(ShareState, EmptyLinkGivesTheDefaults) {
    for (const char* fragment : {"", "#", "&&", "other=1"}) {
        const ShareStateResult r = decode_share_link(fragment, test::catalog());
        ASSERT_TRUE(r.ok()) << fragment << ": " << r.error;
        EXPECT_TRUE(is_default(r.state));
    }
    EXPECT_TRUE(read_share_state("{}", test::catalog()).ok());
}

TEST(ShareState, PageLinkRoundTrips) {
    const ShareStateResult r = link(kState);
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.state.model, "meta-llama/Meta-Llama-3-70B");
    EXPECT_EQ(r.state.gpus, 2);
    EXPECT_EQ(r.state.kv, "q8_0");
    EXPECT_EQ(r.state.workload, "coding");
    const ShareStateResult again = decode_share_link("#" + encode_share_link(r.state), test::catalog());
    ASSERT_TRUE(again.ok()) << again.error;
    EXPECT_EQ(share_state_json(again.state), share_state_json(r.state));
}

TEST(ShareState, DisplaySettingRoundTripsAndIsChecked) {
    EXPECT_EQ(link(kState).state.display, "auto");  // absent: the hardware's default
    // "auto" is not written, so links made before the setting existed decode and re-encode alike.
    EXPECT_EQ(share_state_json(link(kState).state).find("display"), std::string::npos);
    for (const char* value : {"on", "off"}) {
        json s = kState;
        s["display"] = value;
        const ShareStateResult r = link(s);
        ASSERT_TRUE(r.ok()) << r.error;
        EXPECT_EQ(r.state.display, value);
        const ShareStateResult again = decode_share_link("#" + encode_share_link(r.state), test::catalog());
        ASSERT_TRUE(again.ok()) << again.error;
        EXPECT_EQ(again.state.display, value);
    }
    for (const json& v : {json("yes"), json("<b>on</b>"), json(true), json(1), json("")})
        EXPECT_NE(error_for("display", v).find("'display'"), std::string::npos) << v;
}

TEST(ShareState, ProfilePartMakesTheMeasuredDevice) {
    const ShareStateResult r =
        decode_share_link("profile=" + base64url_encode(kProfile.dump()), test::catalog());
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.state.hardware, kMeasuredHardware);
    EXPECT_EQ(r.state.profile_hardware.name, "Test GPU");
    EXPECT_EQ(json::parse(r.state.profile_json), kProfile);
    // The profile may also sit inside the state object.
    json s = kState;
    s["hardware"] = "__measured__";
    s["profile"] = kProfile;
    EXPECT_TRUE(read_share_state(s.dump(), test::catalog()).ok());
    // A measured device without a profile is a broken link, not a silent fallback.
    EXPECT_NE(error_for("hardware", "__measured__").find("'hardware'"), std::string::npos);
}

TEST(ShareState, EachBadFieldIsNamed) {
    EXPECT_NE(error_for("model", "<img src=x onerror=alert(1)>").find("'model'"), std::string::npos);
    EXPECT_NE(error_for("quant", "Q9_Z").find("'quant'"), std::string::npos);
    EXPECT_NE(error_for("hardware", "nvidia-rtx-9999").find("'hardware'"), std::string::npos);
    EXPECT_NE(error_for("engine", "rm -rf").find("'engine'"), std::string::npos);
    EXPECT_NE(error_for("kv", "f64").find("'kv'"), std::string::npos);
    EXPECT_NE(error_for("workload", "mining").find("'workload'"), std::string::npos);
    EXPECT_NE(error_for("model", 7).find("'model'"), std::string::npos);
    EXPECT_NE(error_for("model", json::array()).find("'model'"), std::string::npos);
    EXPECT_NE(error_for("model", std::string(600, 'a')).find("too long"), std::string::npos);
    json bad_profile = kProfile;
    bad_profile["devices"][0]["measurements"]["read_bandwidth_gbs"]["median"] = -5;
    const std::string e = error_for("profile", bad_profile);
    EXPECT_NE(e.find("'profile'"), std::string::npos) << e;
    EXPECT_NE(e.find("read_bandwidth_gbs"), std::string::npos) << e;
}

TEST(ShareState, NumbersOutOfRangeAreRefused) {
    for (const json& v : {json(0), json(65), json(-1), json(1.5), json(1e308), json(-0.0), json("2"), json(true),
                          json(nullptr)}) {
        if (v.is_null()) continue;  // null means absent: the default
        EXPECT_NE(error_for("gpus", v).find("'gpus'"), std::string::npos) << v;
    }
    for (const json& v : {json(0), json(-5), json((int64_t(1) << 24) + 1), json(1e308), json(-1e308), json(4096.5),
                          json("NaN"), json("Infinity")}) {
        EXPECT_NE(error_for("context", v).find("'context'"), std::string::npos) << v;
    }
    json top = kState;
    top["context"] = int64_t(1) << 24;
    top["gpus"] = 64;
    EXPECT_TRUE(link(top).ok()) << link(top).error;
}

TEST(ShareState, NanAndInfinityAreNotJson) {
    for (const char* text : {R"({"gpus": NaN})", R"({"gpus": Infinity})", R"({"gpus": -Infinity})",
                             R"({"context": 1e400})"}) {
        const ShareStateResult r = read_share_state(text, test::catalog());
        EXPECT_NE(r.error.find("malformed JSON"), std::string::npos) << text << ": " << r.error;
        EXPECT_TRUE(is_default(r.state));
    }
}

TEST(ShareState, BrokenLinksNameThePart) {
    const auto err = [](const std::string& fragment) { return decode_share_link(fragment, test::catalog()).error; };
    EXPECT_NE(err("s=%%%not-base64").find("'s' is not valid base64url"), std::string::npos);
    EXPECT_NE(err("s=a").find("base64url"), std::string::npos);  // impossible length
    EXPECT_NE(err("s=" + base64url_encode("\xff\xfe")).find("UTF-8"), std::string::npos);
    EXPECT_NE(err("s=" + base64url_encode("\xed\xa0\x80")).find("UTF-8"), std::string::npos);  // surrogate
    EXPECT_NE(err("s=" + base64url_encode("[1,2]")).find("JSON object"), std::string::npos);
    EXPECT_NE(err("s=" + base64url_encode("{")).find("malformed"), std::string::npos);
    EXPECT_NE(err("s=e30&s=e30").find("twice"), std::string::npos);
    EXPECT_NE(err("profile=" + base64url_encode("{}")).find("'profile'"), std::string::npos);
    // A huge fragment is refused before anything is decoded.
    const std::string huge = "s=" + std::string(kMaxShareFragmentBytes, 'A');
    EXPECT_NE(err(huge).find("too long"), std::string::npos);
    // JSON bombs: deep nesting is refused by depth, not by running out of stack.
    const std::string deep = std::string(20000, '[') + std::string(20000, ']');
    EXPECT_NE(err("s=" + base64url_encode(deep)).find("nested deeper"), std::string::npos);
    const std::string deep_obj = R"({"model": )" + std::string(5000, '[') + std::string(5000, ']') + "}";
    EXPECT_NE(err("s=" + base64url_encode(deep_obj)).find("nested deeper"), std::string::npos);
}

TEST(ShareState, Base64urlAndUtf8) {
    EXPECT_EQ(base64url_encode(""), "");
    EXPECT_EQ(base64url_encode("f"), "Zg");
    EXPECT_EQ(base64url_encode("fo"), "Zm8");
    EXPECT_EQ(base64url_encode("foo"), "Zm9v");
    EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
    std::string out;
    EXPECT_TRUE(base64url_decode("-_8", out));
    EXPECT_EQ(out, "\xfb\xff");
    EXPECT_TRUE(base64url_decode("Zg==", out));  // other encoders' padding is fine
    EXPECT_EQ(out, "f");
    EXPECT_FALSE(base64url_decode("Zm9v+", out));
    EXPECT_FALSE(base64url_decode("Zm9/", out));  // standard base64, not base64url
    EXPECT_FALSE(base64url_decode("Z", out));
    EXPECT_TRUE(valid_utf8("plain ascii"));
    EXPECT_TRUE(valid_utf8("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"));  // é € 😀
    EXPECT_FALSE(valid_utf8("\xc0\x80"));                              // overlong NUL
    EXPECT_FALSE(valid_utf8("\xe0\x80\xaf"));                          // overlong '/'
    EXPECT_FALSE(valid_utf8("\xf4\x90\x80\x80"));                      // past U+10FFFF
    EXPECT_FALSE(valid_utf8("\xe2\x82"));                              // truncated
    EXPECT_FALSE(valid_utf8("\x80"));                                  // lone continuation
}

namespace {

/// Meta-Llama-3-8B-Instruct's config.json (as in catalog/models, which names its source).
const json kLlama3Config = json::parse(R"({"architectures": ["LlamaForCausalLM"], "hidden_size": 4096,
    "intermediate_size": 14336, "max_position_embeddings": 8192, "model_type": "llama", "num_attention_heads": 32,
    "num_hidden_layers": 32, "num_key_value_heads": 8, "rms_norm_eps": 1e-05, "rope_theta": 500000.0,
    "tie_word_embeddings": false, "torch_dtype": "bfloat16", "vocab_size": 128256})");

json imported_state() {
    json s = kState;
    s["model"] = "__imported__";
    s["model_name"] = "someone/Llama-3-8B-finetune";
    s["model_config"] = kLlama3Config;
    s["model_weights_bytes"] = 16060522496;
    return s;
}

}  // namespace

TEST(ShareState, ImportedModelRoundTrips) {
    const ShareStateResult r = link(imported_state());
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.state.model, kImportedModel);
    EXPECT_EQ(r.state.model_name, "someone/Llama-3-8B-finetune");
    EXPECT_EQ(json::parse(r.state.model_config_json), kLlama3Config);
    EXPECT_EQ(r.state.model_weights_bytes, 16060522496);
    const ShareStateResult again = decode_share_link(encode_share_link(r.state), test::catalog());
    ASSERT_TRUE(again.ok()) << again.error;
    EXPECT_EQ(share_state_json(again.state), share_state_json(r.state));
    EXPECT_EQ(again.state.model_config_json, r.state.model_config_json);
    // A link may carry an imported model while a catalog model is selected: it stays in the picker.
    json other = imported_state();
    other["model"] = "meta-llama/Meta-Llama-3-8B";
    ASSERT_TRUE(link(other).ok()) << link(other).error;
    EXPECT_FALSE(link(other).state.model_config_json.empty());
}

TEST(ShareState, HostileImportedModelsAreRefused) {
    const auto error_with = [](const char* field, const json& value) {
        json s = imported_state();
        if (value.is_null()) s.erase(field);
        else s[field] = value;
        return link(s).error;
    };
    // The imported model selected without its config is a broken link.
    EXPECT_NE(error_with("model_config", nullptr).find("'model_config'"), std::string::npos);
    EXPECT_NE(error_with("model_config", "llama").find("'model_config'"), std::string::npos);
    EXPECT_NE(error_with("model_config", json::array()).find("'model_config'"), std::string::npos);
    json unknown = kLlama3Config;
    unknown["model_type"] = "<script>alert(1)</script>";
    const std::string e = error_with("model_config", unknown);
    EXPECT_NE(e.find("'model_config'"), std::string::npos) << e;
    EXPECT_NE(e.find("model_type"), std::string::npos) << e;
    json absurd = kLlama3Config;
    absurd["num_hidden_layers"] = -3;
    EXPECT_NE(error_with("model_config", absurd).find("'model_config'"), std::string::npos);
    absurd["num_hidden_layers"] = 1e300;
    EXPECT_NE(error_with("model_config", absurd).find("'model_config'"), std::string::npos);
    // Padding a config to make the link huge is refused by size, before the fragment limit.
    json padded = kLlama3Config;
    padded["padding"] = std::string(400, 'x');
    for (int i = 0; i < 100; ++i) padded["pad" + std::to_string(i)] = std::string(400, 'y');
    EXPECT_NE(read_share_state(json({{"model_config", padded}}).dump(), test::catalog()).error.find("too large"),
              std::string::npos);
    EXPECT_NE(error_with("model_name", std::string(300, 'n')).find("'model_name'"), std::string::npos);
    EXPECT_NE(error_with("model_name", 5).find("'model_name'"), std::string::npos);
    for (const json& v : {json(-1), json(1.5), json(1e300), json("16 GB")})
        EXPECT_NE(error_with("model_weights_bytes", v).find("'model_weights_bytes'"), std::string::npos) << v;
    const ShareStateResult bad = link([] { json s = imported_state(); s["model_config"] = "x"; return s; }());
    EXPECT_TRUE(is_default(bad.state));
    EXPECT_TRUE(bad.state.model_config_json.empty());
}

TEST(ShareState, WorkloadKnobsRoundTripAndAreRangeChecked) {
    json s = kState;
    s["knobs"] = {{"prompt_tokens", 2000}, {"gen_tokens", 0}, {"users", 8}};
    const ShareStateResult r = link(s);
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.state.knobs.prompt_tokens, 2000);
    EXPECT_EQ(r.state.knobs.gen_tokens, 0);  // zero output tokens is a real choice, not "unset"
    EXPECT_EQ(r.state.knobs.users, 8);
    EXPECT_EQ(r.state.knobs.context, -1);  // absent: the preset's
    EXPECT_EQ(r.state.knobs.steps, -1);
    const ShareStateResult again = decode_share_link(encode_share_link(r.state), test::catalog());
    ASSERT_TRUE(again.ok()) << again.error;
    EXPECT_EQ(json::parse(share_state_json(again.state))["knobs"], s["knobs"]);
    EXPECT_FALSE(json::parse(share_state_json(ShareState{})).contains("knobs"));  // untouched presets stay short

    const auto knob_error = [](const char* knob, const json& v) {
        json st = kState;
        st["knobs"] = {{knob, v}};
        return link(st).error;
    };
    for (const char* knob : {"prompt_tokens", "gen_tokens", "context", "users", "steps"}) {
        for (const json& v : {json(-1), json(1e308), json(2.5), json("10"), json(true)})
            EXPECT_NE(knob_error(knob, v).find("'knobs'"), std::string::npos) << knob << " " << v;
    }
    EXPECT_NE(knob_error("users", 5000).find("'users'"), std::string::npos);
    EXPECT_NE(knob_error("steps", 0).find("'steps'"), std::string::npos);
    EXPECT_NE(knob_error("context", 0).find("'context'"), std::string::npos);
    json not_object = kState;
    not_object["knobs"] = json::array({1, 2});
    EXPECT_NE(link(not_object).error.find("'knobs'"), std::string::npos);
}

// --- compared setups ------------------------------------------------------------------------------

TEST(ShareState, CompareListRoundTrips) {
    json s = kState;
    json other = kState;
    other["quant"] = "q8_0";  // a spelling core canonicalises
    other["engine"] = "vllm";
    other["gpus"] = 4;
    json measured = kState;
    measured["hardware"] = "__measured__";
    measured["profile"] = kProfile;
    s["compare"] = json::array({kState, other, measured});
    const ShareStateResult r = link(s);
    ASSERT_TRUE(r.ok()) << r.error;
    ASSERT_EQ(r.state.compare.size(), 3u);
    EXPECT_EQ(r.state.compare[1].quant, "Q8_0");
    EXPECT_EQ(r.state.compare[1].engine, "vllm");
    EXPECT_EQ(r.state.compare[1].gpus, 4);
    EXPECT_EQ(r.state.compare[2].profile_hardware.name, "Test GPU");
    const ShareStateResult again = decode_share_link(encode_share_link(r.state), test::catalog());
    ASSERT_TRUE(again.ok()) << again.error;
    EXPECT_EQ(share_state_json(again.state), share_state_json(r.state));
    EXPECT_EQ(again.state.compare[2].hardware, kMeasuredHardware);
    // No list, an empty list and null all mean "nothing pinned".
    EXPECT_TRUE(link(kState).state.compare.empty());
    s["compare"] = json::array();
    EXPECT_TRUE(link(s).ok());
    s["compare"] = nullptr;
    EXPECT_TRUE(link(s).ok());
}

TEST(ShareState, CompareListOfFiveIsRefused) {
    json s = kState;
    s["compare"] = json::array();
    for (int i = 0; i < 4; ++i) s["compare"].push_back(kState);
    EXPECT_TRUE(link(s).ok());
    s["compare"].push_back(kState);
    const ShareStateResult r = link(s);
    EXPECT_FALSE(r.ok());
    EXPECT_NE(r.error.find("'compare'"), std::string::npos) << r.error;
    EXPECT_NE(r.error.find("limit 4"), std::string::npos) << r.error;
    EXPECT_TRUE(is_default(r.state));
    EXPECT_TRUE(r.state.compare.empty());
}

TEST(ShareState, HostileCompareEntriesAreNamed) {
    auto with_entry = [](const json& entry) {
        json s = kState;
        s["compare"] = json::array({kState, entry});
        return link(s);
    };
    json bad_model = kState;
    bad_model["model"] = "<script>alert(1)</script>";
    json bad_gpus = kState;
    bad_gpus["gpus"] = -3;
    json huge_context = kState;
    huge_context["context"] = 1e300;
    json nested = kState;
    nested["compare"] = json::array({kState});
    json measured_without_profile = kState;
    measured_without_profile["hardware"] = "__measured__";
    const std::pair<json, const char*> cases[] = {
        {bad_model, "'model'"},  {bad_gpus, "'gpus'"},          {huge_context, "'context'"},
        {nested, "'compare'"},   {measured_without_profile, "'hardware'"}, {json(42), "JSON object"},
        {json("x"), "JSON object"}, {json::array(), "JSON object"},
    };
    for (const auto& [entry, field] : cases) {
        const ShareStateResult r = with_entry(entry);
        EXPECT_FALSE(r.ok()) << entry.dump();
        EXPECT_NE(r.error.find("'compare' entry 2"), std::string::npos) << r.error;
        EXPECT_NE(r.error.find(field), std::string::npos) << r.error;
        EXPECT_TRUE(is_default(r.state));
        EXPECT_TRUE(r.state.compare.empty());
    }
    // Not an array at all.
    for (const json& v : {json(1), json("a"), json::object()}) {
        json s = kState;
        s["compare"] = v;
        EXPECT_NE(link(s).error.find("'compare' must be an array"), std::string::npos) << v.dump();
    }
}
