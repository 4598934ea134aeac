// catalog_test.cpp: every catalog file loads, validates and is unique; bad catalogs name the entry.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "headroom/catalog.h"
#include "headroom/embedded_catalog.h"
#include "headroom/estimate.h"
#include "headroom/recommend.h"
#include "json_read.h"
#include "test_support.h"

using namespace headroom;
namespace fs = std::filesystem;

namespace {
const fs::path kCatalogDir = fs::path(HEADROOM_TEST_DATA).parent_path().parent_path() / "catalog";

std::vector<fs::path> json_files(const fs::path& dir) {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().extension() == ".json") out.push_back(e.path());
    return out;
}
}  // namespace

// The quants view is exactly the document's "quants" object (the format tables are read from it alone).
TEST(Catalog, EmbeddedQuantsIsTheCatalogsQuantsObject) {
    const auto whole = nlohmann::json::parse(embedded_catalog_json());
    const auto quants = nlohmann::json::parse(embedded_quants_json());
    EXPECT_EQ(quants, whole.at("quants"));
    EXPECT_TRUE(quants.contains("gguf"));
}

TEST(Catalog, EmbeddedCatalogLoads) {
    CatalogResult r = load_catalog(embedded_catalog_json());
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_FALSE(r.catalog.models.empty());
    EXPECT_FALSE(r.catalog.hardware.empty());
    EXPECT_NE(find_workload(r.catalog, "chat"), nullptr);
}

TEST(Catalog, EveryModelFileHasItsSourcesAndAUniqueId) {
    std::set<std::string> ids;
    for (const fs::path& p : json_files(kCatalogDir / "models")) {
        const auto j = nlohmann::json::parse(test::read_text(p.string()));
        const std::string id = j.at("id");
        EXPECT_TRUE(ids.insert(id).second) << "duplicate model id " << id;
        std::string expected_name = id;
        if (auto slash = expected_name.find('/'); slash != std::string::npos)
            expected_name.replace(slash, 1, "__");
        EXPECT_EQ(p.filename().string(), expected_name + ".json");
        for (const char* key : {"config", "params"})
            EXPECT_TRUE(j["sources"].contains(key) && j["sources"][key].is_string()) << id << " lacks sources." << key;
    }
    EXPECT_EQ(ids.size(), test::catalog().models.size());
}

TEST(Catalog, CoversAtLeastWhatTheIssueAsksFor) {
    // Issue 3: at least 150 models and 100 hardware entries.
    EXPECT_GE(test::catalog().models.size(), 150u);
    EXPECT_GE(test::catalog().hardware.size(), 100u);
}

TEST(Catalog, EveryHardwareFigureHasASource) {
    std::set<std::string> ids;
    for (const fs::path& p : json_files(kCatalogDir / "hardware")) {
        const auto j = nlohmann::json::parse(test::read_text(p.string()));
        const std::string id = j.at("id");
        EXPECT_TRUE(ids.insert(id).second) << "duplicate hardware id " << id;
        EXPECT_EQ(p.filename().string(), id + ".json");
        for (const char* key : {"memory_gb", "bandwidth_gbs", "fp16_tflops"}) {
            if (j.contains(key) && !j[key].is_null()) {
                EXPECT_TRUE(j["sources"].contains(key)) << id << " has no source for " << key;
            }
        }
    }
}

TEST(Catalog, BadEntriesAreNamed) {
    CatalogResult r = load_catalog(R"({"models": [{"id": "x/y", "name": "Y", "params": {"total": 5},
        "config": {"model_type": "nope"}}]})");
    EXPECT_FALSE(r.ok());
    EXPECT_NE(r.error.find("x/y"), std::string::npos);
    EXPECT_NE(r.error.find("nope"), std::string::npos);
    CatalogResult h = load_catalog(R"({"hardware": [{"id": "gpu", "memory_gb": -1, "bandwidth_gbs": 100, "backend": "cuda"}]})");
    EXPECT_FALSE(h.ok());
    EXPECT_NE(h.error.find("memory_gb"), std::string::npos);
    EXPECT_FALSE(load_catalog("not json").ok());
}

// The build-time index points at every entry of the embedded document, by its own id.
TEST(Catalog, EmbeddedIndexPointsAtEveryEntry) {
    const std::string_view text = embedded_catalog_json();
    const auto whole = nlohmann::json::parse(text);
    const EmbeddedCatalogIndex& index = embedded_catalog_index();
    const auto part = [&](const EmbeddedSpan& s) { return nlohmann::json::parse(text.substr(s.offset, s.length)); };
    ASSERT_EQ(index.models.size(), whole.at("models").size());
    ASSERT_EQ(index.hardware.size(), whole.at("hardware").size());
    for (size_t i = 0; i < index.models.size(); ++i) EXPECT_EQ(part(index.models[i]), whole["models"][i]);
    for (size_t i = 0; i < index.hardware.size(); ++i) EXPECT_EQ(part(index.hardware[i]), whole["hardware"][i]);
    for (const auto* list : {&index.models, &index.hardware})
        for (const EmbeddedSpan& s : *list) EXPECT_EQ(part(s).at("id"), std::string(s.id));
    EXPECT_EQ(part(index.quants), whole.at("quants"));
    EXPECT_EQ(part(index.workloads), whole.at("workloads"));
}

namespace {
void expect_same_model(const CatalogModel& a, const CatalogModel& b) {
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.family, b.family);
    EXPECT_EQ(a.released, b.released);
    EXPECT_EQ(a.published_params, b.published_params);
    EXPECT_EQ(a.published_active_params, b.published_active_params);
    EXPECT_EQ(a.formats, b.formats);
    EXPECT_TRUE(a.arch == b.arch) << a.id;
}
void expect_same_hardware(const Hardware& a, const Hardware& b) {
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.backend, b.backend);
    EXPECT_EQ(a.memory_bytes, b.memory_bytes);
    EXPECT_EQ(a.bandwidth_bytes_s, b.bandwidth_bytes_s);
    EXPECT_EQ(a.fp16_flops, b.fp16_flops);
    EXPECT_EQ(a.unified_memory, b.unified_memory);
    EXPECT_EQ(a.gpu_memory_share, b.gpu_memory_share);
    EXPECT_EQ(a.desktop_reserve_bytes, b.desktop_reserve_bytes);
    EXPECT_EQ(a.measured, b.measured);
    EXPECT_EQ(a.price_usd, b.price_usd);
}
}  // namespace

// Opened entry by entry, the catalog gives what loading it whole gives: every model, hardware entry,
// workload and quality row, and so every prediction, byte for byte.
TEST(Catalog, OpenedCatalogReadsWhatLoadingItWholeReads) {
    const Catalog& whole = test::catalog();
    CatalogResult r = open_catalog(embedded_catalog_json(), embedded_catalog_index());
    ASSERT_TRUE(r.ok()) << r.error;
    const Catalog& opened = r.catalog;
    EXPECT_TRUE(opened.models.empty());
    EXPECT_TRUE(opened.hardware.empty());
    for (const CatalogModel& m : whole.models) {
        const CatalogModel* o = find_model(opened, m.id);
        ASSERT_NE(o, nullptr) << m.id;
        expect_same_model(*o, m);
        EXPECT_EQ(find_model(opened, m.id), o) << "read once, same address after";
    }
    for (const Hardware& h : whole.hardware) {
        const Hardware* o = find_hardware(opened, h.id);
        ASSERT_NE(o, nullptr) << h.id;
        expect_same_hardware(*o, h);
    }
    ASSERT_EQ(opened.workloads.size(), whole.workloads.size());
    for (size_t i = 0; i < whole.workloads.size(); ++i) EXPECT_EQ(opened.workloads[i].id, whole.workloads[i].id);
    for (const FormatQuality& q : whole.quality) {
        const FormatQuality* o = find_quality(opened, q.format);
        ASSERT_NE(o, nullptr) << q.format;
        EXPECT_EQ(o->mean_kld, q.mean_kld);
        EXPECT_EQ(o->delta_ppl, q.delta_ppl);
    }
    ASSERT_EQ(all_models(opened).size(), whole.models.size());
    for (size_t i = 0; i < whole.models.size(); ++i) expect_same_model(all_models(opened)[i], whole.models[i]);
    ASSERT_EQ(all_hardware(opened).size(), whole.hardware.size());
    for (size_t i = 0; i < whole.hardware.size(); ++i) expect_same_hardware(all_hardware(opened)[i], whole.hardware[i]);
    // Once listed, lookups find the listed entries instead of reading them again.
    EXPECT_EQ(find_model(opened, whole.models.back().id), &all_models(opened).back());
    EXPECT_EQ(find_hardware(opened, whole.hardware.back().id), &all_hardware(opened).back());
    EXPECT_EQ(find_model(opened, "nobody/none"), nullptr);
    EXPECT_EQ(find_model(opened, "meta-llama/meta-llama-3-8b"), nullptr) << "ids stay case-sensitive";
    EXPECT_EQ(find_hardware(opened, "no-such-gpu"), nullptr);
    EXPECT_EQ(find_quality(opened, "NOPE"), nullptr);
    EXPECT_EQ(entry_errors(opened), "");
}

TEST(Catalog, OpenedCatalogGivesTheSamePredictions) {
    const Catalog& whole = test::catalog();
    CatalogResult r = open_catalog(embedded_catalog_json(), embedded_catalog_index());
    ASSERT_TRUE(r.ok()) << r.error;
    const auto scenario = [](const std::string& model, const std::string& quant, const std::string& hw) {
        return nlohmann::json{{"id", "s"},       {"model", model},      {"quant", quant},
                              {"hardware", hw},  {"engine", "llama.cpp"}, {"context", 8192},
                              {"workload", "chat"}}.dump();
    };
    for (const CatalogModel& m : whole.models) {
        const std::string quant = m.formats.empty() ? "Q4_K_M" : m.formats.front();
        const std::string s = scenario(m.id, quant, "nvidia-rtx-4090");
        EXPECT_EQ(estimate_line(s, r.catalog, true), estimate_line(s, whole, true)) << m.id;
    }
    for (const Hardware& h : whole.hardware) {
        const std::string s = scenario("meta-llama/Meta-Llama-3-8B", "Q4_K_M", h.id);
        EXPECT_EQ(estimate_line(s, r.catalog, true), estimate_line(s, whole, true)) << h.id;
    }
    // The sweeps over the whole catalog too.
    const ScenarioResult sc = parse_scenario(scenario("meta-llama/Meta-Llama-3-8B", "Q4_K_M", "nvidia-rtx-4090"), whole);
    ASSERT_TRUE(sc.ok()) << sc.error;
    const auto a = recommend_models(r.catalog, sc.scenario.setup, sc.scenario.workload, 1000);
    const auto b = recommend_models(whole, sc.scenario.setup, sc.scenario.workload, 1000);
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(a[i].model_id, b[i].model_id);
        EXPECT_EQ(a[i].format, b[i].format);
        EXPECT_EQ(a[i].decode_tok_s, b[i].decode_tok_s);
    }
    const HardwareChoice ha = recommend_hardware(r.catalog, sc.scenario.arch, sc.scenario.setup, sc.scenario.workload);
    const HardwareChoice hb = recommend_hardware(whole, sc.scenario.arch, sc.scenario.setup, sc.scenario.workload);
    EXPECT_EQ(ha.smallest.hardware_id, hb.smallest.hardware_id);
    EXPECT_EQ(ha.cheapest.hardware_id, hb.cheapest.hardware_id);
}

// A bad entry fails its own lookup and is named; a bad index is refused when opening.
TEST(Catalog, OpenedCatalogNamesABadEntry) {
    const std::string text = R"({"models": [{"id": "x/y", "name": "Y", "params": {"total": 5}, "config": {"model_type": "nope"}}], "workloads": {}})";
    const size_t start = text.find("{\"id\"");
    const size_t end = text.find("}}]") + 2;
    const EmbeddedSpan models[] = {{"x/y", start, end - start}};
    const size_t wl = text.rfind("{}");
    const EmbeddedCatalogIndex index{models, {}, {"quants", wl, 2}, {"workloads", wl, 2}};
    CatalogResult r = open_catalog(text, index);
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(find_model(r.catalog, "x/y"), nullptr);
    EXPECT_NE(entry_errors(r.catalog).find("x/y"), std::string::npos) << entry_errors(r.catalog);
    EXPECT_NE(entry_errors(r.catalog).find("nope"), std::string::npos) << entry_errors(r.catalog);

    const EmbeddedSpan outside[] = {{"x/y", text.size() - 1, 10}};
    EXPECT_FALSE(open_catalog(text, {outside, {}, {"quants", wl, 2}, {"workloads", wl, 2}}).ok());
}

// The format tables are read from the "gguf" member's text alone, found by a scan (json_read.h).
TEST(Catalog, MemberTextIsTheMembersValue) {
    const auto quants = nlohmann::json::parse(embedded_quants_json());
    for (const auto& [key, value] : quants.items())
        EXPECT_EQ(nlohmann::json::parse(detail::member_text(embedded_quants_json(), key)), value) << key;
    const std::string_view t = R"( {"a\"b": "x}\"", "n": -1.5e3 , "o": {"gguf": [1, {"]": "["}]}, "gguf": {"k": [true, null]}} )";
    EXPECT_EQ(detail::member_text(t, "gguf"), R"({"k": [true, null]})");
    EXPECT_EQ(detail::member_text(t, "n"), "-1.5e3");
    EXPECT_EQ(detail::member_text(t, "o"), R"({"gguf": [1, {"]": "["}]})");
    EXPECT_EQ(detail::member_text(t, "a\\\"b"), R"("x}\"")");
    EXPECT_EQ(detail::member_text(t, "none"), "");
    for (std::string_view bad : {"", "[1]", "{", R"({"a": )", R"({"a": "x)", R"({"a" 1})"})
        EXPECT_EQ(detail::member_text(bad, "a"), "") << bad;
    // A scan, not a check: what follows the member is not read.
    EXPECT_EQ(detail::member_text(R"({"a": {"b": 1})", "a"), R"({"b": 1})");
}
