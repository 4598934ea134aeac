// catalog_schema_test.cpp: every catalog file against its kind's JSON schema (catalog/schema/), unique ids,
// and proof that the validator catches each kind of defect the schemas exist to stop.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "json_schema.h"
#include "test_support.h"

using namespace headroom;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {
const fs::path kCatalogDir = fs::path(HEADROOM_TEST_DATA).parent_path().parent_path() / "catalog";

json load(const fs::path& p) { return json::parse(test::read_text(p.string())); }
json schema(const std::string& kind) { return load(kCatalogDir / "schema" / (kind + ".schema.json")); }

std::vector<fs::path> json_files(const fs::path& dir) {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().extension() == ".json") out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

std::string joined(const std::vector<std::string>& errs) {
    std::string s;
    for (const std::string& e : errs) s += "\n  " + e;
    return s;
}

testing::AssertionResult conforms(const json& s, const json& doc, const std::string& what) {
    const auto errs = test::validate_schema(s, doc);
    if (errs.empty()) return testing::AssertionSuccess();
    return testing::AssertionFailure() << what << ":" << joined(errs);
}

/// Ids of the entries of `list` (objects with an "id").
std::vector<std::string> ids_of(const json& list) {
    std::vector<std::string> ids;
    for (const json& e : list)
        if (e.contains("id") && e["id"].is_string()) ids.push_back(e["id"]);
    return ids;
}

/// Validates every file of a directory kind and checks its ids are unique; returns the file count.
size_t check_dir(const std::string& dir, const std::string& kind) {
    const json s = schema(kind);
    json docs = json::array();
    for (const fs::path& p : json_files(kCatalogDir / dir)) {
        docs.push_back(load(p));
        EXPECT_TRUE(conforms(s, docs.back(), p.filename().string()));
    }
    const auto dups = test::duplicate_ids(ids_of(docs));
    EXPECT_TRUE(dups.empty()) << dir << " has duplicate ids:" << joined(dups);
    return docs.size();
}

/// Validates a single-file kind and the ids of its list of entries.
void check_file(const std::string& file, const std::string& kind, const std::string& list) {
    const json doc = load(kCatalogDir / file);
    EXPECT_TRUE(conforms(schema(kind), doc, file));
    const auto dups = test::duplicate_ids(ids_of(doc.value(list, json::array())));
    EXPECT_TRUE(dups.empty()) << file << " has duplicate ids:" << joined(dups);
    EXPECT_EQ(doc.value("schema", ""), "schema/" + kind + ".schema.json");
}

/// A small model document that conforms to model.schema.json; tests break one thing at a time.
json good_model() {
    return json::parse(R"({"id": "org/Model-7B", "name": "Model 7B", "family": "Model", "released": "2025-01",
        "license": "apache-2.0", "params": {"total": 7000000000}, "formats": ["Q4_K_M"],
        "sources": {"config": "c", "params": "p", "released": "r", "license": "l", "formats": "f"},
        "config": {"model_type": "llama", "any_key_of_the_config": 1}})");
}

bool mentions(const std::vector<std::string>& errs, const std::string& what) {
    return std::any_of(errs.begin(), errs.end(),
                       [&](const std::string& e) { return e.find(what) != std::string::npos; });
}
}  // namespace

TEST(CatalogSchema, EveryModelFileConforms) { EXPECT_GT(check_dir("models", "model"), 0u); }

TEST(CatalogSchema, EveryHardwareFileConforms) { EXPECT_GT(check_dir("hardware", "hardware"), 0u); }

TEST(CatalogSchema, QuantsEnginesAndWorkloadsConform) {
    check_file("quants.json", "quants", "formats");
    check_file("engines.json", "engines", "engines");
    check_file("workloads.json", "workloads", "workloads");
}

TEST(CatalogSchema, SchemasUseOnlyTheSupportedSubset) {
    // A keyword the validator does not know would silently accept anything; none may appear.
    size_t n = 0;
    for (const fs::path& p : json_files(kCatalogDir / "schema")) {
        EXPECT_TRUE(test::unsupported_keywords(load(p)).empty())
            << p.filename().string() << ":" << joined(test::unsupported_keywords(load(p)));
        ++n;
    }
    EXPECT_EQ(n, 5u);
    const json typo = json::parse(R"({"type": "object", "properties": {"a": {"type": "string", "patern": "x"}}})");
    EXPECT_EQ(test::unsupported_keywords(typo), std::vector<std::string>{"/properties/a/patern"});
    EXPECT_TRUE(mentions(test::validate_schema(typo, json::parse(R"({"a": "y"})")), "'patern' is not supported"));
}

TEST(CatalogSchema, TheGoodExampleConforms) {
    EXPECT_TRUE(conforms(schema("model"), good_model(), "good_model"));
}

TEST(CatalogSchema, CatchesAnUnknownKey) {
    json m = good_model();
    m["parms"] = 1;  // a typo of a key of ours
    EXPECT_TRUE(mentions(test::validate_schema(schema("model"), m), "unknown key 'parms'"));
    json s = good_model();
    s["sources"]["paper"] = "x";  // sources are closed too
    EXPECT_TRUE(mentions(test::validate_schema(schema("model"), s), "unknown key 'paper'"));
}

TEST(CatalogSchema, CatchesAMissingSource) {
    json m = good_model();
    m["sources"].erase("params");
    EXPECT_TRUE(mentions(test::validate_schema(schema("model"), m), "missing required key 'params'"));
    // Hardware: a figure that is given needs a source of the same name; a null figure does not.
    const json hw = load(kCatalogDir / "hardware" / "nvidia-h100-sxm.json");
    ASSERT_TRUE(conforms(schema("hardware"), hw, "nvidia-h100-sxm.json"));
    json no_source = hw;
    no_source["sources"].erase("fp16_tflops");
    EXPECT_TRUE(mentions(test::validate_schema(schema("hardware"), no_source), "'fp16_tflops' has no entry"));
    no_source["fp16_tflops"] = nullptr;
    EXPECT_FALSE(mentions(test::validate_schema(schema("hardware"), no_source), "'fp16_tflops' has no entry"));
}

TEST(CatalogSchema, CatchesAWrongType) {
    json m = good_model();
    m["params"]["total"] = "7B";
    EXPECT_TRUE(mentions(test::validate_schema(schema("model"), m), "/params/total: expected type"));
    json neg = good_model();
    neg["params"]["total"] = 0;
    EXPECT_TRUE(mentions(test::validate_schema(schema("model"), neg), "/params/total"));
    json date = good_model();
    date["released"] = "January 2025";
    EXPECT_TRUE(mentions(test::validate_schema(schema("model"), date), "/released"));
    json kind = load(kCatalogDir / "hardware" / "nvidia-h100-sxm.json");
    kind["backends"] = json::array({"cuda", "directx"});
    EXPECT_TRUE(mentions(test::validate_schema(schema("hardware"), kind), "/backends/1"));
}

TEST(CatalogSchema, CatchesADuplicateId) {
    const json list = json::parse(R"([{"id": "a"}, {"id": "b"}, {"id": "a"}, {"id": "a"}])");
    const auto dups = test::duplicate_ids(ids_of(list));
    ASSERT_EQ(dups.size(), 1u);
    EXPECT_EQ(dups[0], "a");
    EXPECT_TRUE(test::duplicate_ids(ids_of(json::parse(R"([{"id": "a"}, {"id": "b"}])"))).empty());
}
