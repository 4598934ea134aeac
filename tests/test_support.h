// test_support.h: what several tests share: the embedded catalog, test data and tolerances.
#pragma once

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "headroom/catalog.h"
#include "headroom/embedded_catalog.h"

namespace headroom::test {

/// Relative tolerance for values that must match exactly up to floating-point rounding.
inline constexpr double kExactRel = 1e-9;

inline std::string read_text(const std::string& path) {
    std::ifstream f(path);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

inline nlohmann::json golden() {
    return nlohmann::json::parse(read_text(std::string(HEADROOM_TEST_DATA) + "/golden.json"));
}

inline const Catalog& catalog() {
    static const Catalog c = load_catalog(embedded_catalog_json()).catalog;
    return c;
}

inline const CatalogModel& model(const std::string& id) {
    const CatalogModel* m = find_model(catalog(), id);
    if (!m) throw std::runtime_error("test model missing from catalog: " + id);
    return *m;
}

}  // namespace headroom::test
