// embedded_catalog.h: the catalog JSON compiled into the binary, so nothing is fetched at run time.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace headroom {

/// The whole catalog as one JSON document: {"models": [...], "hardware": [...], "quants": {...},
/// "engines": {...}, "workloads": {...}}. Parse it with load_catalog() (catalog.h).
std::string_view embedded_catalog_json();

/// The document's "quants" object alone (a view into the same text): what needs only the format
/// tables reads this small part instead of the whole catalog.
std::string_view embedded_quants_json();

/// One part of the document: an entry's id (or the object's name) and where its text lies.
struct EmbeddedSpan {
    std::string_view id;
    size_t offset = 0;  ///< bytes from the start of embedded_catalog_json()
    size_t length = 0;
};

/// Where each model and hardware entry and the "quants" and "workloads" objects lie in the
/// document, found when it was built: open_catalog() (catalog.h) parses an entry only when a lookup
/// names it, so the page's first answer reads two entries instead of the whole catalog.
struct EmbeddedCatalogIndex {
    std::span<const EmbeddedSpan> models;  ///< in document order
    std::span<const EmbeddedSpan> hardware;
    EmbeddedSpan quants;
    EmbeddedSpan workloads;
};
const EmbeddedCatalogIndex& embedded_catalog_index();

}  // namespace headroom
