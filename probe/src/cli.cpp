// cli.cpp: headroom-probe commands: measure (default), estimate, catalog, inspect, fit.
#include "cli.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "fit.h"
#include "headroom/catalog.h"
#include "headroom/embedded_catalog.h"
#include "headroom/estimate.h"
#include "headroom/params.h"
#include "headroom/profile.h"
#include "inspect.h"
#include "machine.h"
#include "profile_writer.h"

#ifndef HEADROOM_VERSION
#define HEADROOM_VERSION "0.0.0"
#endif

namespace headroom::probe {
namespace {

constexpr const char* kDefaultPageUrl = "http://127.0.0.1:8080/";

constexpr const char* kHelp = R"(headroom-probe: measure this machine, then say what runs well on it.

Usage:
  headroom-probe [--quick] [--out FILE] [--json] [--page-url URL]
      Measure memory bandwidth (CPU always; each CUDA GPU where present), write the profile
      (default headroom-profile.json), print a link that opens the page on these numbers and
      the catalog models that run chat well on the measured device.
  headroom-probe fit [--profile FILE | --hardware ID] [--workload NAME] [--top N] [--engine E] [--json]
      The catalog models that run well for the workload (default chat, top 10, llama.cpp), with
      the page's verdicts and figures, on the profile's device, a catalog hardware entry, or
      (neither given) this machine measured now with a quick run.
  headroom-probe estimate --scenarios FILE|-
      Answer scenario lines (shared/calibration/README.md contract), one JSON line each.
  headroom-probe catalog models|hardware [--json]
      List the embedded catalog (models with published and computed parameter counts).
  headroom-probe inspect FILE.gguf [--json] [--hardware ID] [--context N]
      Read only the GGUF file's header: architecture, file type, exact bytes per tensor type,
      totals, and an estimate for a default setup (nvidia-rtx-4090, llama.cpp, context 4096).
  headroom-probe --help | --version

Options:
  --quick       shorter run (smaller arrays, fewer samples)
  --out FILE    where to write the profile (default headroom-profile.json)
  --json        print machine-readable JSON on stdout instead of the table
  --page-url U  page address for the link (default http://127.0.0.1:8080/)
  --workload N  fit: a preset of catalog/workloads.json (chat, coding, rag, agent, serving, batch)
  --top N       fit: at most N models, 1 to 1000 (default 10)
  --engine E    fit: llama.cpp, ollama, vllm, mlx, exllamav2, mlc, tensorrt-llm, sglang, lmstudio

Exit codes:
  0 success (scenario lines with bad input are answered with an "error" field)
  2 bad command line
  3 a file could not be read or written
  4 the embedded catalog failed to load
  5 a model file is malformed or truncated (inspect), or a profile is invalid (fit)
)";

bool load(Catalog& catalog, std::ostream& err) {
    CatalogResult r = load_catalog(embedded_catalog_json());
    if (!r.ok()) {
        err << "headroom-probe: embedded catalog is invalid: " << r.error << "\n";
        return false;
    }
    catalog = std::move(r.catalog);
    return true;
}

int cmd_estimate(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
                 std::ostream& err) {
    std::string path;
    for (size_t i = 1; i < args.size(); ++i) {
        if (args[i] == "--scenarios" && i + 1 < args.size()) path = args[++i];
        else {
            err << "headroom-probe estimate: unexpected argument '" << args[i] << "'\n";
            return kExitUsage;
        }
    }
    if (path.empty()) {
        err << "headroom-probe estimate: --scenarios FILE|- is required\n";
        return kExitUsage;
    }
    Catalog catalog;
    if (!load(catalog, err)) return kExitCatalog;
    std::ifstream file;
    std::istream* src = &in;
    if (path != "-") {
        file.open(path);
        if (!file) {
            err << "headroom-probe estimate: cannot read '" << path << "'\n";
            return kExitIo;
        }
        src = &file;
    }
    std::string line;
    while (std::getline(*src, line)) {
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        out << estimate_line(line, catalog) << "\n";
    }
    return kExitOk;
}

int cmd_catalog(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    std::string what;
    bool as_json = false;
    for (size_t i = 1; i < args.size(); ++i) {
        if (args[i] == "--json") as_json = true;
        else if (what.empty() && (args[i] == "models" || args[i] == "hardware")) what = args[i];
        else {
            err << "headroom-probe catalog: unexpected argument '" << args[i] << "'\n";
            return kExitUsage;
        }
    }
    if (what.empty()) {
        err << "headroom-probe catalog: say 'models' or 'hardware'\n";
        return kExitUsage;
    }
    Catalog catalog;
    if (!load(catalog, err)) return kExitCatalog;
    nlohmann::json list = nlohmann::json::array();
    if (what == "models") {
        for (const CatalogModel& m : catalog.models) {
            const ParamCount p = count_params(m.arch);
            list.push_back({{"id", m.id},
                            {"name", m.name},
                            {"family", m.family},
                            {"published_params", m.published_params},
                            {"published_active_params", m.published_active_params},
                            {"computed_params", p.total},
                            {"computed_active_params", p.active},
                            {"formats", m.formats}});
            if (!as_json)
                out << std::left << std::setw(48) << m.id << std::right << std::setw(10) << std::fixed
                    << std::setprecision(2) << double(m.published_params) / 1e9 << "B published"
                    << std::setw(10) << double(p.total) / 1e9 << "B computed\n";
        }
    } else {
        for (const Hardware& h : catalog.hardware) {
            list.push_back({{"id", h.id},
                            {"name", h.name},
                            {"backend", h.backend},
                            {"memory_bytes", h.memory_bytes},
                            {"bandwidth_gbs", h.bandwidth_bytes_s / 1e9},
                            {"fp16_tflops", h.fp16_flops / 1e12}});
            if (!as_json)
                out << std::left << std::setw(28) << h.id << std::setw(40) << h.name << std::right
                    << std::fixed << std::setprecision(0) << std::setw(6)
                    << h.memory_bytes / (1024.0 * 1024 * 1024) << " GiB" << std::setw(8)
                    << h.bandwidth_bytes_s / 1e9 << " GB/s\n";
        }
    }
    if (as_json) out << list.dump(2) << "\n";
    return kExitOk;
}

int cmd_measure(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    bool quick = false, as_json = false;
    std::string out_path = "headroom-profile.json", page_url = kDefaultPageUrl;
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--quick") quick = true;
        else if (args[i] == "--json") as_json = true;
        else if (args[i] == "--out" && i + 1 < args.size()) out_path = args[++i];
        else if (args[i] == "--page-url" && i + 1 < args.size()) page_url = args[++i];
        else {
            err << "headroom-probe: unexpected argument '" << args[i] << "' (see --help)\n";
            return kExitUsage;
        }
    }
    const ProbeRun run = measure_machine(quick, err, utc_now());

    const std::string profile = profile_json(run);
    std::ofstream f(out_path);
    if (!(f << profile << "\n")) {
        err << "headroom-probe: cannot write '" << out_path << "'\n";
        return kExitIo;
    }
    f.close();
    const std::string link = profile_link(page_url, profile);
    if (as_json) {
        out << profile << "\n";
        return kExitOk;
    }
    out << std::fixed << std::setprecision(1);
    out << "device                                   read GB/s   triad GB/s   memory GiB\n";
    for (const GpuReport& g : run.gpus.devices)
        out << std::left << std::setw(40) << g.name.substr(0, 39) << std::right << std::setw(10)
            << g.read_gbs.median << std::setw(13) << g.triad_gbs.median << std::setw(13)
            << g.free_bytes / (1024.0 * 1024 * 1024) << (g.cache_artefact ? "  (cache artefact!)" : "")
            << "\n";
    for (const GpuReport& g : run.gpus.devices) {
        if (g.fp16_tflops.samples == 0) continue;
        out << "  " << g.name << ": FP16 " << g.fp16_tflops.median << " TFLOPS";
        if (g.bf16_tflops.samples > 0) out << ", BF16 " << g.bf16_tflops.median << " TFLOPS";
        if (g.int8_tops.samples > 0) out << ", INT8 " << g.int8_tops.median << " TOPS";
        out << " (" << g.gemm_method << "); launch " << g.launch_latency_us << " us\n";
    }
    out << std::left << std::setw(40) << run.system.cpu_model.substr(0, 39) << std::right << std::setw(10)
        << run.cpu.read_gbs.median << std::setw(13) << run.cpu.triad_gbs.median << std::setw(13)
        << run.system.available_memory_bytes / (1024.0 * 1024 * 1024) << "\n";
    out << "profile: " << out_path << "\nopen: " << link << "\n";
    // What runs well on the measured device (a GPU if any, else the CPU), from the same core.
    Catalog catalog;
    const ProfileResult measured = hardware_from_profile(profile);
    if (!measured.ok()) {
        err << "headroom-probe: the profile just written does not read back: " << measured.error << "\n";
        return kExitOk;
    }
    if (!load(catalog, err)) return kExitCatalog;
    const Workload* chat = find_workload(catalog, "chat");
    if (!chat) return kExitOk;
    constexpr size_t kClosingPicks = 5;
    out << "\n";
    print_fit_table(out, measured.hardware, *chat, "llama.cpp",
                    fit_picks(catalog, measured.hardware, *chat, "llama.cpp", kClosingPicks));
    out << "(more: headroom-probe fit --profile " << out_path << " [--workload NAME])\n";
    return kExitOk;
}

}  // namespace

int run_cli(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err) {
    if (!args.empty()) {
        if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
            out << kHelp;
            return kExitOk;
        }
        if (args[0] == "--version") {
            out << "headroom-probe " << HEADROOM_VERSION << "\n";
            return kExitOk;
        }
        if (args[0] == "estimate") return cmd_estimate(args, in, out, err);
        if (args[0] == "catalog") return cmd_catalog(args, out, err);
        if (args[0] == "inspect") return cmd_inspect(args, out, err);
        if (args[0] == "fit") return cmd_fit(args, out, err);
    }
    return cmd_measure(args, out, err);
}

}  // namespace headroom::probe
