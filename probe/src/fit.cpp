// fit.cpp: `headroom-probe fit`: hardware from a profile, a catalog entry or a quick measurement,
// then core's recommendations for the workload, as a table or JSON.
#include "fit.h"

#include <charconv>
#include <fstream>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli.h"
#include "engines.h"
#include "headroom/embedded_catalog.h"
#include "headroom/profile.h"
#include "machine.h"

namespace headroom::probe {
namespace {

/// More picks than any catalog holds models is a typo, not a request.
constexpr long kMaxTop = 1000;

constexpr double kGiB = 1024.0 * 1024 * 1024;

std::string preset_names(const Catalog& c) {
    std::string s;
    for (const Workload& w : c.workloads) s += (s.empty() ? "" : ", ") + w.id;
    return s;
}

std::string engine_names() {
    std::string s;
    for (std::string_view e : detail::kEngines) s += (s.empty() ? "" : ", ") + std::string(e);
    return s;
}

}  // namespace

std::vector<ModelPick> fit_picks(const Catalog& catalog, const Hardware& hardware, const Workload& workload,
                                 const std::string& engine, size_t top) {
    Setup s;
    s.hardware = hardware;
    s.engine = engine;
    return recommend_models(catalog, s, workload, top);
}

void print_fit_table(std::ostream& out, const Hardware& hw, const Workload& w, const std::string& engine,
                     const std::vector<ModelPick>& picks) {
    std::ostringstream head;
    head << std::fixed << std::setprecision(1) << hw.name << " (" << hw.memory_bytes / kGiB << " GiB"
         << (hw.measured ? " free" : "") << ", " << std::setprecision(0) << hw.bandwidth_bytes_s / 1e9 << " GB/s"
         << (hw.measured ? " measured" : "") << ")";
    if (picks.empty()) {
        out << "Nothing in the catalog runs well on " << head.str() << " for " << w.name << " with " << engine
            << ".\n";
        return;
    }
    out << "Runs well on " << head.str() << " for " << w.name << " with " << engine << ":\n";
    out << std::left << std::setw(48) << "model" << std::setw(11) << "format" << std::setw(11) << "verdict"
        << std::right << std::setw(10) << "tok/s" << std::setw(10) << "TTFT s" << std::setw(14) << "headroom GiB"
        << "\n";
    for (const ModelPick& p : picks)
        out << std::left << std::setw(48) << p.model_id.substr(0, 47) << std::setw(11) << p.format << std::setw(11)
            << verdict_name(p.verdict) << std::right << std::fixed << std::setprecision(1) << std::setw(10)
            << p.decode_tok_s << std::setprecision(2) << std::setw(10) << p.ttft_s << std::setprecision(1)
            << std::setw(14) << double(p.headroom_bytes) / kGiB << "\n";
}

int cmd_fit(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    std::string profile_path, hardware_id, workload_id = "chat", engine = "llama.cpp";
    long top = 10;
    bool as_json = false;
    for (size_t i = 1; i < args.size(); ++i) {
        const std::string& a = args[i];
        const bool has_value = i + 1 < args.size();
        if (a == "--json") as_json = true;
        else if (a == "--profile" && has_value) profile_path = args[++i];
        else if (a == "--hardware" && has_value) hardware_id = args[++i];
        else if (a == "--workload" && has_value) workload_id = args[++i];
        else if (a == "--engine" && has_value) engine = args[++i];
        else if (a == "--top" && has_value) {
            const std::string& v = args[++i];
            const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), top);
            if (ec != std::errc() || end != v.data() + v.size() || top < 1 || top > kMaxTop) {
                err << "headroom-probe fit: --top must be a whole number from 1 to " << kMaxTop << ", not '"
                    << v.substr(0, 40) << "'\n";
                return kExitUsage;
            }
        } else {
            err << "headroom-probe fit: unexpected argument '" << a.substr(0, 80) << "' (see --help)\n";
            return kExitUsage;
        }
    }
    if (!profile_path.empty() && !hardware_id.empty()) {
        err << "headroom-probe fit: give --profile or --hardware, not both\n";
        return kExitUsage;
    }
    CatalogResult cat = load_catalog(embedded_catalog_json());
    if (!cat.ok()) {
        err << "headroom-probe: embedded catalog is invalid: " << cat.error << "\n";
        return kExitCatalog;
    }
    const Catalog& catalog = cat.catalog;
    const Workload* workload = find_workload(catalog, workload_id);
    if (!workload) {
        err << "headroom-probe fit: unknown workload '" << workload_id.substr(0, 40)
            << "' (presets: " << preset_names(catalog) << ")\n";
        return kExitUsage;
    }
    if (!detail::known_engine(engine)) {
        err << "headroom-probe fit: unknown engine '" << engine.substr(0, 40) << "' (engines: " << engine_names()
            << ")\n";
        return kExitUsage;
    }

    Hardware hardware;
    if (!hardware_id.empty()) {
        const Hardware* h = find_hardware(catalog, hardware_id);
        if (!h) {
            err << "headroom-probe fit: unknown hardware '" << hardware_id.substr(0, 60)
                << "' (see headroom-probe catalog hardware)\n";
            return kExitUsage;
        }
        hardware = *h;
    } else {
        std::string profile;
        if (!profile_path.empty()) {
            std::ifstream f(profile_path, std::ios::binary);
            std::ostringstream text;
            if (!f || !(text << f.rdbuf())) {
                err << "headroom-probe fit: cannot read '" << profile_path << "'\n";
                return kExitIo;
            }
            profile = text.str();
        } else {
            err << "headroom-probe fit: no --profile or --hardware: measuring this machine (quick run)\n";
            profile = profile_json(measure_machine(/*quick=*/true, err, utc_now()));
        }
        const ProfileResult p = hardware_from_profile(profile);
        if (!p.ok()) {
            err << "headroom-probe fit: bad profile" << (profile_path.empty() ? "" : " '" + profile_path + "'")
                << ": " << p.error << "\n";
            return kExitBadFile;
        }
        hardware = p.hardware;
    }

    const std::vector<ModelPick> picks = fit_picks(catalog, hardware, *workload, engine, size_t(top));
    if (!as_json) {
        print_fit_table(out, hardware, *workload, engine, picks);
        return kExitOk;
    }
    nlohmann::json list = nlohmann::json::array();
    for (const ModelPick& p : picks)
        list.push_back({{"model_id", p.model_id},
                        {"model_name", p.model_name},
                        {"format", p.format},
                        {"verdict", std::string(verdict_name(p.verdict))},
                        {"decode_tok_s", p.decode_tok_s},
                        {"ttft_s", p.ttft_s},
                        {"headroom_bytes", p.headroom_bytes},
                        {"quality", p.quality}});
    const nlohmann::json doc = {{"hardware",
                                 {{"id", hardware.id},
                                  {"name", hardware.name},
                                  {"backend", hardware.backend},
                                  {"memory_bytes", hardware.memory_bytes},
                                  {"bandwidth_gbs", hardware.bandwidth_bytes_s / 1e9},
                                  {"measured", hardware.measured}}},
                                {"workload", workload->id},
                                {"engine", engine},
                                {"picks", list}};
    out << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return kExitOk;
}

}  // namespace headroom::probe
