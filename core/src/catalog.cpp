// catalog.cpp: parsing the catalog document; every entry is checked, a bad one names itself.
#include "headroom/catalog.h"

#include <algorithm>
#include <deque>

#include "hardware_read.h"
#include "json_read.h"
#include "workload_read.h"

namespace headroom {
namespace {

using detail::json;

bool read_model(const json& e, CatalogModel& m, std::string& err) {
    if (!e.is_object()) {
        err = "model entry must be an object";
        return false;
    }
    if (!detail::read_string(e, "id", m.id, err, true) || !detail::read_string(e, "name", m.name, err, true) ||
        !detail::read_string(e, "family", m.family, err) ||
        !detail::read_string(e, "released", m.released, err))
        return false;
    auto params = e.find("params");
    if (params == e.end() || !params->is_object()) {
        err = "missing field 'params'";
        return false;
    }
    if (!detail::read_int(*params, "total", 1, int64_t(1) << 50, m.published_params, err, true)) return false;
    m.published_active_params = m.published_params;
    if (!detail::read_int(*params, "active", 1, m.published_params, m.published_active_params, err))
        return false;
    if (auto f = e.find("formats"); f != e.end() && f->is_array()) {
        for (const json& name : *f)
            if (name.is_string()) m.formats.push_back(name.get<std::string>());
    }
    auto cfg = e.find("config");
    if (cfg == e.end()) {
        err = "missing field 'config'";
        return false;
    }
    return detail::arch_from_config(*cfg, m.arch, err);
}


/// The "workloads" object's presets.
bool read_workloads(const json& wl, std::vector<Workload>& out, std::string& err) {
    auto list = wl.find("workloads");
    if (list == wl.end() || !list->is_array()) return true;
    for (const json& e : *list) {
        Workload w;
        if (!detail::workload_from_json(e, w, err)) {
            err = "workload '" + w.id + "': " + err;
            return false;
        }
        out.push_back(std::move(w));
    }
    return true;
}

/// Quality loss per format from the "quants" object: rows measured without an importance matrix
/// first, so formats are compared on the same footing; IQ formats exist only with one, so their rows
/// come second.
bool read_quality(const json& q, std::vector<FormatQuality>& out, std::string& err) {
    auto rows = q.find("quality");
    if (rows == q.end() || !rows->is_array()) return true;
    for (bool with_imatrix : {false, true}) {
        for (const json& row : *rows) {
            if (!row.is_object() || !row.contains("mean_kld") || row["mean_kld"].is_null()) continue;
            const bool has_imatrix = row.contains("imatrix") && !row["imatrix"].is_null();
            if (has_imatrix != with_imatrix) continue;
            FormatQuality fq;
            if (!detail::read_string(row, "format", fq.format, err) ||
                !detail::read_number(row, "mean_kld", 0, 100, fq.mean_kld, err) ||
                !detail::read_number(row, "delta_ppl", -10, 1e6, fq.delta_ppl, err)) {
                err = "quality row '" + fq.format + "': " + err;
                return false;
            }
            bool seen = false;
            for (const auto& have : out) seen = seen || have.format == fq.format;
            if (!fq.format.empty() && !seen) out.push_back(fq);
        }
    }
    return true;
}

bool read_hardware_entry(const json& e, Hardware& h, std::string& err) {
    if (detail::hardware_from_json(e, h, err) && h.id.empty()) err = "missing field 'id'";
    if (err.empty()) return true;
    err = "hardware '" + h.id + "': " + err;
    return false;
}

bool read_model_entry(const json& e, CatalogModel& m, std::string& err) {
    if (read_model(e, m, err)) return true;
    err = "model '" + m.id + "': " + err;
    return false;
}

}  // namespace

namespace detail {

/// The document behind an open_catalog() catalog and the entries read from it so far. A deque, so
/// that the pointers find_* handed out stay valid as more entries are read.
struct CatalogEntries {
    std::string_view text;
    EmbeddedCatalogIndex index;
    std::deque<CatalogModel> models;
    std::deque<Hardware> hardware;
    std::vector<FormatQuality> quality;
    bool quality_read = false;
    std::vector<CatalogModel> all_models;  ///< every entry, once something listed them
    std::vector<Hardware> all_hardware;
    bool all_models_read = false;
    bool all_hardware_read = false;
    std::string errors;  ///< entries that could not be read, each named once

    void note(const std::string& err) {
        if (errors.find(err) != std::string::npos) return;  // a bad entry asked for again
        errors += (errors.empty() ? "" : "; ") + err;
    }

    /// Parses the entry at `s` as `T` by `read` into `out`; false (the error noted) if it is bad.
    template <class T, class Read>
    bool parse(const EmbeddedSpan& s, T& out, Read read) {
        std::string err;
        json e = detail::parse_json(text.substr(s.offset, s.length), err);
        if (err.empty() && read(e, out, err) && out.id == s.id) return true;
        note(err.empty() ? "entry '" + std::string(s.id) + "' does not hold its id" : err);
        return false;
    }

    /// The index entry named `id`, parsed (once) as `T` by `read`; nullptr if absent or bad.
    template <class T, class Read>
    const T* entry(std::span<const EmbeddedSpan> spans, std::deque<T>& parsed, std::string_view id, Read read) {
        for (const T& x : parsed)
            if (x.id == id) return &x;
        for (const EmbeddedSpan& s : spans) {
            if (s.id != id) continue;
            T x;
            if (!parse(s, x, read)) return nullptr;
            parsed.push_back(std::move(x));
            return &parsed.back();
        }
        return nullptr;
    }

    /// Every index entry, in document order, into `all`: the ones a lookup already parsed are
    /// copied from `parsed`, the rest parsed now.
    template <class T, class Read>
    const std::vector<T>& every(std::span<const EmbeddedSpan> spans, const std::deque<T>& parsed, std::vector<T>& all,
                                bool& done, Read read) {
        if (done) return all;
        done = true;
        for (const EmbeddedSpan& s : spans) {
            auto seen = std::find_if(parsed.begin(), parsed.end(), [&](const T& x) { return x.id == s.id; });
            T x;
            if (seen != parsed.end()) all.push_back(*seen);
            else if (parse(s, x, read)) all.push_back(std::move(x));
        }
        return all;
    }
};

}  // namespace detail

CatalogResult load_catalog(std::string_view text) {
    CatalogResult r;
    json doc = detail::parse_json(text, r.error);
    if (!r.error.empty()) return r;
    if (!doc.is_object()) {
        r.error = "catalog must be an object";
        return r;
    }
    Catalog& c = r.catalog;
    if (auto models = doc.find("models"); models != doc.end() && models->is_array()) {
        for (const json& e : *models) {
            CatalogModel m;
            if (!read_model(e, m, r.error)) {
                r.error = "model '" + m.id + "': " + r.error;
                return r;
            }
            c.models.push_back(std::move(m));
        }
    }
    if (auto hw = doc.find("hardware"); hw != doc.end() && hw->is_array()) {
        for (const json& e : *hw) {
            Hardware h;
            if (!read_hardware_entry(e, h, r.error)) return r;
            c.hardware.push_back(std::move(h));
        }
    }
    if (auto wl = doc.find("workloads"); wl != doc.end() && wl->is_object() && !read_workloads(*wl, c.workloads, r.error))
        return r;
    if (auto q = doc.find("quants"); q != doc.end() && q->is_object() && !read_quality(*q, c.quality, r.error))
        return r;
    return r;
}

CatalogResult open_catalog(std::string_view text, const EmbeddedCatalogIndex& index) {
    CatalogResult r;
    auto entries = std::make_shared<detail::CatalogEntries>();
    entries->text = text;
    entries->index = index;
    const auto in_text = [&](const EmbeddedSpan& s) { return s.offset <= text.size() && s.length <= text.size() - s.offset; };
    bool spans_ok = in_text(index.quants) && in_text(index.workloads);
    for (const auto* list : {&index.models, &index.hardware})
        for (const EmbeddedSpan& s : *list) spans_ok = spans_ok && in_text(s);
    if (!spans_ok) {
        r.error = "catalog index points outside the document";
        return r;
    }
    // The workloads are few and every answer names one: read them now.
    json wl = detail::parse_json(text.substr(index.workloads.offset, index.workloads.length), r.error);
    if (!r.error.empty()) {
        r.error = "workloads: " + r.error;
        return r;
    }
    if (wl.is_object() && !read_workloads(wl, r.catalog.workloads, r.error)) return r;
    r.catalog.entries = std::move(entries);
    return r;
}

std::string entry_errors(const Catalog& c) { return c.entries ? c.entries->errors : std::string(); }

const FormatQuality* find_quality(const Catalog& c, std::string_view format) {
    const std::vector<FormatQuality>* rows = &c.quality;
    if (c.entries) {
        detail::CatalogEntries& e = *c.entries;
        if (!e.quality_read) {
            e.quality_read = true;
            std::string err;
            json q = detail::parse_json(e.text.substr(e.index.quants.offset, e.index.quants.length), err);
            if (err.empty() && q.is_object()) read_quality(q, e.quality, err);
            if (!err.empty()) e.note("quants: " + err);
        }
        rows = &e.quality;
    }
    for (const auto& q : *rows)
        if (q.format == format) return &q;
    return nullptr;
}

// Once everything was listed (all_models / all_hardware), lookups search that list rather than
// parse an entry a second time.
const CatalogModel* find_model(const Catalog& c, std::string_view id) {
    const std::vector<CatalogModel>& read = c.entries && c.entries->all_models_read ? c.entries->all_models : c.models;
    for (const auto& m : read)
        if (m.id == id) return &m;
    if (!c.entries || c.entries->all_models_read) return nullptr;
    return c.entries->entry(c.entries->index.models, c.entries->models, id, read_model_entry);
}

const Hardware* find_hardware(const Catalog& c, std::string_view id) {
    const std::vector<Hardware>& read = c.entries && c.entries->all_hardware_read ? c.entries->all_hardware : c.hardware;
    for (const auto& h : read)
        if (h.id == id) return &h;
    if (!c.entries || c.entries->all_hardware_read) return nullptr;
    return c.entries->entry(c.entries->index.hardware, c.entries->hardware, id, read_hardware_entry);
}

const std::vector<CatalogModel>& all_models(const Catalog& c) {
    if (!c.entries) return c.models;
    detail::CatalogEntries& e = *c.entries;
    return e.every(e.index.models, e.models, e.all_models, e.all_models_read, read_model_entry);
}

const std::vector<Hardware>& all_hardware(const Catalog& c) {
    if (!c.entries) return c.hardware;
    detail::CatalogEntries& e = *c.entries;
    return e.every(e.index.hardware, e.hardware, e.all_hardware, e.all_hardware_read, read_hardware_entry);
}

const Workload* find_workload(const Catalog& c, std::string_view id) {
    for (const auto& w : c.workloads)
        if (w.id == id) return &w;
    return nullptr;
}

}  // namespace headroom
