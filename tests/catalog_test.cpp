// catalog_test.cpp: every catalog file loads, validates and is unique; bad catalogs name the entry.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "headroom/catalog.h"
#include "headroom/embedded_catalog.h"
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
