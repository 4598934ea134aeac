// catalog.cpp: parsing the catalog document; every entry is checked, a bad one names itself.
#include "headroom/catalog.h"

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

}  // namespace

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
            if (detail::hardware_from_json(e, h, r.error) && h.id.empty()) r.error = "missing field 'id'";
            if (!r.error.empty()) {
                r.error = "hardware '" + h.id + "': " + r.error;
                return r;
            }
            c.hardware.push_back(std::move(h));
        }
    }
    if (auto wl = doc.find("workloads"); wl != doc.end() && wl->is_object()) {
        auto list = wl->find("workloads");
        if (list != wl->end() && list->is_array()) {
            for (const json& e : *list) {
                Workload w;
                if (!detail::workload_from_json(e, w, r.error)) {
                    r.error = "workload '" + w.id + "': " + r.error;
                    return r;
                }
                c.workloads.push_back(std::move(w));
            }
        }
    }
    // Quality loss per format: rows measured without an importance matrix first, so formats are
    // compared on the same footing; IQ formats exist only with one, so their rows come second.
    if (auto q = doc.find("quants"); q != doc.end() && q->is_object()) {
        if (auto rows = q->find("quality"); rows != q->end() && rows->is_array()) {
            for (bool with_imatrix : {false, true}) {
                for (const json& row : *rows) {
                    if (!row.is_object() || !row.contains("mean_kld") || row["mean_kld"].is_null()) continue;
                    const bool has_imatrix = row.contains("imatrix") && !row["imatrix"].is_null();
                    if (has_imatrix != with_imatrix) continue;
                    FormatQuality fq;
                    if (!detail::read_string(row, "format", fq.format, r.error) ||
                        !detail::read_number(row, "mean_kld", 0, 100, fq.mean_kld, r.error) ||
                        !detail::read_number(row, "delta_ppl", -10, 1e6, fq.delta_ppl, r.error)) {
                        r.error = "quality row '" + fq.format + "': " + r.error;
                        return r;
                    }
                    if (!fq.format.empty() && !find_quality(c, fq.format)) c.quality.push_back(fq);
                }
            }
        }
    }
    return r;
}

const FormatQuality* find_quality(const Catalog& c, std::string_view format) {
    for (const auto& q : c.quality)
        if (q.format == format) return &q;
    return nullptr;
}

const CatalogModel* find_model(const Catalog& c, std::string_view id) {
    for (const auto& m : c.models)
        if (m.id == id) return &m;
    return nullptr;
}

const Hardware* find_hardware(const Catalog& c, std::string_view id) {
    for (const auto& h : c.hardware)
        if (h.id == id) return &h;
    return nullptr;
}

const Workload* find_workload(const Catalog& c, std::string_view id) {
    for (const auto& w : c.workloads)
        if (w.id == id) return &w;
    return nullptr;
}

}  // namespace headroom
