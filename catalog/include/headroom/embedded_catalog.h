// embedded_catalog.h: the catalog JSON compiled into the binary, so nothing is fetched at run time.
#pragma once

#include <string_view>

namespace headroom {

/// The whole catalog as one JSON document: {"models": [...], "hardware": [...], "quants": {...},
/// "engines": {...}, "workloads": {...}}. Parse it with load_catalog() (catalog.h).
std::string_view embedded_catalog_json();

/// The document's "quants" object alone (a view into the same text): what needs only the format
/// tables reads this small part instead of the whole catalog.
std::string_view embedded_quants_json();

}  // namespace headroom
