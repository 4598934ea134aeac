// inspect.cpp: `headroom-probe inspect FILE.gguf`: reads only a GGUF file's header (bounded,
// growing reads), reports what it holds and estimates a default setup for it.
#include "inspect.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>

#include "cli.h"
#include "headroom/catalog.h"
#include "headroom/embedded_catalog.h"
#include "headroom/estimate.h"
#include "headroom/gguf.h"

namespace headroom::probe {
namespace {

using nlohmann::json;

constexpr uint64_t kFirstRead = uint64_t(8) << 20;  // most headers fit in 8 MiB

struct HeaderRead {
    GgufParseResult parsed;
    uint64_t file_bytes = 0;
    uint64_t bytes_read = 0;
    std::string io_error;  ///< the file could not be opened or read
};

/// Reads the file's beginning, more each round the parser asks for, never past the header limit.
HeaderRead read_header(const std::string& path) {
    HeaderRead h;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
        h.io_error = "cannot read '" + path + "' (no such file, or not a regular file)";
        return h;
    }
    std::ifstream f(path, std::ios::binary);
    if (!f) {
        h.io_error = "cannot open '" + path + "'";
        return h;
    }
    f.seekg(0, std::ios::end);
    const std::streamoff end = f.tellg();
    if (end < 0) {
        h.io_error = "cannot read '" + path + "' (not a regular file?)";
        return h;
    }
    h.file_bytes = uint64_t(end);
    f.seekg(0);
    std::string buf;
    uint64_t want = std::min(h.file_bytes, kFirstRead);
    for (;;) {
        const uint64_t have = buf.size();
        buf.resize(want);
        f.read(&buf[have], std::streamsize(want - have));
        if (uint64_t(f.gcount()) != want - have) {
            h.io_error = "cannot read '" + path + "'";
            return h;
        }
        h.bytes_read = buf.size();
        h.parsed = parse_gguf_header(buf);
        if (h.parsed.need_bytes == 0) return h;
        if (buf.size() >= h.file_bytes) {
            h.parsed.error = "the file ends inside its header (at least " + std::to_string(h.parsed.need_bytes) +
                             " more bytes needed): it is truncated";
            h.parsed.need_bytes = 0;
            return h;
        }
        const uint64_t grown = std::max<uint64_t>(buf.size() * 2, buf.size() + h.parsed.need_bytes);
        want = std::min({grown, h.file_bytes, kGgufMaxHeaderBytes});
    }
}

/// Text from the file, safe to print on a terminal: control bytes become '?'.
std::string printable(const std::string& text) {
    std::string s = text.substr(0, 200);
    for (char& c : s)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    return s;
}

std::string gib(int64_t bytes) {
    std::ostringstream s;
    s << std::fixed << std::setprecision(2) << double(bytes) / (1024.0 * 1024 * 1024) << " GiB";
    return s.str();
}

json arch_json(const ModelArch& a) {
    return {{"model_type", a.model_type},  {"layers", a.layers},
            {"hidden", a.hidden},          {"heads", a.heads},
            {"kv_heads", a.kv_heads},      {"head_dim", a.head_dim},
            {"ffn", a.ffn},                {"vocab", a.vocab},
            {"max_context", a.max_context}, {"sliding_window", a.sliding_window},
            {"tied_embeddings", a.tied_embeddings}, {"experts", a.moe.experts},
            {"active_experts", a.moe.active_experts}, {"expert_ffn", a.moe.expert_ffn},
            {"kv_lora_rank", a.mla.kv_lora_rank}};
}

}  // namespace

int cmd_inspect(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    std::string path, hardware = "nvidia-rtx-4090";
    int64_t context = 4096;
    bool as_json = false;
    for (size_t i = 1; i < args.size(); ++i) {
        if (args[i] == "--json") as_json = true;
        else if (args[i] == "--hardware" && i + 1 < args.size()) hardware = args[++i];
        else if (args[i] == "--context" && i + 1 < args.size()) {
            try {
                context = std::stoll(args[++i]);
            } catch (...) {
                context = 0;
            }
            if (context < 1 || context > (int64_t(1) << 24)) {
                err << "headroom-probe inspect: --context must be a whole number from 1 to 16777216\n";
                return kExitUsage;
            }
        } else if (path.empty() && !args[i].empty() && args[i][0] != '-') path = args[i];
        else {
            err << "headroom-probe inspect: unexpected argument '" << args[i] << "'\n";
            return kExitUsage;
        }
    }
    if (path.empty()) {
        err << "headroom-probe inspect: give a .gguf file\n";
        return kExitUsage;
    }
    const HeaderRead h = read_header(path);
    if (!h.io_error.empty()) {
        err << "headroom-probe inspect: " << h.io_error << "\n";
        return kExitIo;
    }
    if (!h.parsed.ok()) {
        err << "headroom-probe inspect: '" << path << "' is not a usable GGUF file: " << printable(h.parsed.error)
            << "\n";
        return kExitBadFile;
    }
    const GgufHeader& hd = h.parsed.header;
    const GgufModel m = describe_gguf(hd);

    // The estimate for a default setup: the file's architecture and exact bytes.
    json prediction;
    std::string estimate_note;
    if (!m.arch_error.empty()) {
        estimate_note = "no estimate: " + m.arch_error;
    } else if (m.split_count > 1) {
        estimate_note = "no estimate: this file is one of " + std::to_string(m.split_count) +
                        " parts; inspect the whole model's parts together is not supported";
    } else {
        CatalogResult catalog = load_catalog(embedded_catalog_json());
        if (!catalog.ok()) {
            err << "headroom-probe: embedded catalog is invalid: " << catalog.error << "\n";
            return kExitCatalog;
        }
        json s = {{"id", "inspect"},
                  {"model", {{"name", (m.name.empty() ? path : m.name).substr(0, 200)}, {"config", json::parse(m.config_json)}}},
                  {"quant", !m.file_type.empty() ? m.file_type : !m.dominant_type.empty() ? m.dominant_type : "GGUF"},
                  {"hardware", hardware},
                  {"context", context},
                  {"weights_bytes", m.tensor_bytes}};
        if (m.embedding_bytes > 0 && m.embedding_bytes < m.tensor_bytes) s["embedding_bytes"] = m.embedding_bytes;
        prediction = json::parse(estimate_line(s.dump(-1, ' ', false, json::error_handler_t::replace), catalog.catalog));
        if (!prediction["error"].is_null()) estimate_note = "no estimate: " + prediction["error"].get<std::string>();
    }

    if (as_json) {
        json o = {{"file", path},
                  {"file_bytes", h.file_bytes},
                  {"header_bytes_read", h.bytes_read},
                  {"version", hd.version},
                  {"tensor_count", hd.tensor_count},
                  {"metadata_count", hd.kv_count},
                  {"header_bytes", hd.header_bytes},
                  {"expected_file_bytes", hd.expected_file_bytes},
                  {"architecture", m.architecture},
                  {"name", m.name},
                  {"file_type", m.file_type},
                  {"dominant_type", m.dominant_type},
                  {"split_count", m.split_count},
                  {"tensor_bytes", m.tensor_bytes},
                  {"embedding_bytes", m.embedding_bytes},
                  {"device_bytes", m.device_bytes}};
        json types = json::array();
        for (const GgufTypeBytes& t : m.by_type)
            types.push_back({{"type", t.type}, {"tensors", t.tensors}, {"elements", t.elements}, {"bytes", t.bytes}});
        o["by_type"] = types;
        if (m.arch_error.empty()) {
            o["arch"] = arch_json(m.arch);
            o["config"] = json::parse(m.config_json);
            o["arch_error"] = nullptr;
        } else {
            o["arch_error"] = m.arch_error;
        }
        o["estimate_setup"] = {{"hardware", hardware}, {"context", context}, {"engine", "llama.cpp"}, {"kv_type", "f16"}};
        o["estimate"] = prediction.is_null() ? json(nullptr) : prediction;
        o["estimate_note"] = estimate_note;
        out << o.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
        return kExitOk;
    }

    out << "file           " << path << " (" << h.file_bytes << " bytes, read " << h.bytes_read << ")\n";
    out << "GGUF           version " << hd.version << ", " << hd.tensor_count << " tensors, " << hd.kv_count
        << " metadata entries, header " << hd.header_bytes << " bytes\n";
    out << "architecture   " << (m.architecture.empty() ? "(none)" : printable(m.architecture))
        << (m.name.empty() ? "" : " (" + printable(m.name) + ")") << "\n";
    out << "file type      " << (m.file_type.empty() ? "(not stated)" : m.file_type)
        << (m.dominant_type.empty() ? "" : ", mostly " + m.dominant_type) << "\n";
    if (m.split_count > 1) out << "split          part of " << m.split_count << " files: figures are this part's\n";
    if (m.arch_error.empty()) {
        const ModelArch& a = m.arch;
        out << "model          " << a.layers << " layers, hidden " << a.hidden << ", " << a.heads << " heads ("
            << a.kv_heads << " KV) of " << a.head_dim << ", FFN " << a.ffn << ", vocab " << a.vocab
            << ", context " << a.max_context;
        if (a.moe.experts > 0) out << ", " << a.moe.active_experts << " of " << a.moe.experts << " experts";
        if (a.sliding_window > 0) out << ", sliding window " << a.sliding_window;
        if (a.mla.kv_lora_rank > 0) out << ", MLA latent " << a.mla.kv_lora_rank;
        out << "\n";
    } else {
        out << "model          " << printable(m.arch_error) << "\n";
    }
    out << "tensor bytes by type\n";
    for (const GgufTypeBytes& t : m.by_type)
        out << "  " << std::left << std::setw(10) << t.type << std::right << std::setw(6) << t.tensors
            << " tensors " << std::setw(16) << t.bytes << " bytes  " << gib(t.bytes) << "\n";
    out << "total          " << m.tensor_bytes << " bytes (" << gib(m.tensor_bytes) << "); token embedding "
        << m.embedding_bytes << ", on device " << m.device_bytes << " (" << gib(m.device_bytes) << ")\n";
    if (hd.expected_file_bytes > h.file_bytes)
        out << "warning        the tensor table needs " << hd.expected_file_bytes << " bytes but the file has "
            << h.file_bytes << ": it is truncated\n";
    if (!prediction.is_null() && prediction["error"].is_null()) {
        const json& mem = prediction["memory"];
        out << "estimate       " << hardware << ", llama.cpp, context " << context << ", f16 KV cache: "
            << prediction["verdict"].get<std::string>() << "\n";
        out << std::fixed << std::setprecision(1);
        if (prediction["decode_tok_s"].is_number())
            out << "               decode " << prediction["decode_tok_s"].get<double>() << " tok/s, prefill "
                << prediction["prefill_tok_s"].get<double>() << " tok/s\n";
        out << "               memory " << gib(mem["total_bytes"].get<int64_t>()) << " of "
            << gib(mem["capacity_bytes"].get<int64_t>()) << " (weights " << gib(mem["device_weights_bytes"].get<int64_t>())
            << ", KV " << gib(mem["kv_bytes"].get<int64_t>()) << ")\n";
    } else if (!estimate_note.empty()) {
        out << "estimate       " << printable(estimate_note) << "\n";
    }
    return kExitOk;
}

}  // namespace headroom::probe
