// catalog.h: the catalog's models, hardware and workloads, parsed from its JSON.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "headroom/hardware.h"
#include "headroom/model.h"
#include "headroom/workload.h"

namespace headroom {

struct CatalogModel {
    std::string id;  ///< Hugging Face repo id
    std::string name;
    std::string family;
    std::string released;          ///< YYYY-MM-DD or YYYY-MM
    int64_t published_params = 0;  ///< total, as published
    int64_t published_active_params = 0;
    std::vector<std::string> formats;
    ModelArch arch;
};

/// Published quality loss of a weight format against 16-bit weights (catalog/quants.json).
struct FormatQuality {
    std::string format;    ///< e.g. "Q4_K_M"
    double mean_kld = 0;   ///< mean KL divergence of the token distribution
    double delta_ppl = 0;  ///< perplexity increase
};

struct Catalog {
    std::vector<CatalogModel> models;
    std::vector<Hardware> hardware;
    std::vector<Workload> workloads;
    std::vector<FormatQuality> quality;
};

struct CatalogResult {
    Catalog catalog;
    std::string error;  ///< empty on success; names the entry at fault
    bool ok() const { return error.empty(); }
};

/// Parses the catalog document (see embedded_catalog.h). Any bad entry is an error naming it.
CatalogResult load_catalog(std::string_view catalog_json);

/// Lookups by id (case-sensitive for models, as Hugging Face ids are); nullptr when absent.
const CatalogModel* find_model(const Catalog& catalog, std::string_view id);
const Hardware* find_hardware(const Catalog& catalog, std::string_view id);
const Workload* find_workload(const Catalog& catalog, std::string_view id);
const FormatQuality* find_quality(const Catalog& catalog, std::string_view format);

}  // namespace headroom
