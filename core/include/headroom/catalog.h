// catalog.h: the catalog's models, hardware and workloads, parsed from its JSON.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "headroom/embedded_catalog.h"
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

namespace detail {
struct CatalogEntries;
}

struct Catalog {
    std::vector<CatalogModel> models;
    std::vector<Hardware> hardware;
    std::vector<Workload> workloads;
    std::vector<FormatQuality> quality;
    /// Only in a catalog from open_catalog(): the document and its index, from which the find_*
    /// lookups parse each model, hardware entry or the quality rows the first time they are named.
    /// Such a catalog's models, hardware and quality stay empty: go through all_models() and
    /// all_hardware() below to list or sweep them (they read the rest on first use).
    std::shared_ptr<detail::CatalogEntries> entries;
};

struct CatalogResult {
    Catalog catalog;
    std::string error;  ///< empty on success; names the entry at fault
    bool ok() const { return error.empty(); }
};

/// Parses the catalog document (see embedded_catalog.h). Any bad entry is an error naming it.
CatalogResult load_catalog(std::string_view catalog_json);

/// A catalog for lookups only, read as it is used: the workloads now, each model or hardware entry
/// and the quality rows when a find_* below first names them (the page's first answer needs two
/// entries of ~270; parsing them all was most of its start-up). Every entry read is the one
/// load_catalog() would give; a bad one is an error of its own lookup (entry_errors), not of the whole.
/// `catalog_json` must outlive the catalog (the embedded document does). Not for concurrent use:
/// lookups on it write what they read.
CatalogResult open_catalog(std::string_view catalog_json, const EmbeddedCatalogIndex& index);

/// Every model / hardware entry in document order: the vectors of a loaded catalog, or for an
/// opened one every entry its index names, read on the first call (a bad one is left out and
/// named in entry_errors).
const std::vector<CatalogModel>& all_models(const Catalog& catalog);
const std::vector<Hardware>& all_hardware(const Catalog& catalog);

/// Errors met so far reading entries of an open_catalog() catalog (empty if none, or loaded whole).
std::string entry_errors(const Catalog& catalog);

/// Lookups by id (case-sensitive for models, as Hugging Face ids are); nullptr when absent.
const CatalogModel* find_model(const Catalog& catalog, std::string_view id);
const Hardware* find_hardware(const Catalog& catalog, std::string_view id);
const Workload* find_workload(const Catalog& catalog, std::string_view id);
const FormatQuality* find_quality(const Catalog& catalog, std::string_view format);

}  // namespace headroom
