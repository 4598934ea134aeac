// share_state.cpp: a share link's fragment -> checked page settings, and back.
#include "headroom/share_state.h"

#include <array>

#include "engines.h"
#include "hardware_read.h"
#include "headroom/kv_cache.h"
#include "headroom/model.h"
#include "headroom/quant.h"
#include "json_read.h"

namespace headroom {
namespace {

using detail::json;

/// At most `n` bytes of `s`, cut at a character boundary, for quoting untrusted text in a message.
std::string clip(const std::string& s, size_t n) {
    if (s.size() <= n) return s;
    size_t end = n;
    while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
    return s.substr(0, end) + "...";
}

/// The optional imported model: its config must be one core can estimate, and small.
bool read_imported_model(const json& o, ShareState& st, std::string& err) {
    if (!detail::read_string(o, "model_name", st.model_name, err) ||
        !detail::read_int(o, "model_weights_bytes", 0, kMaxShareWeightsBytes, st.model_weights_bytes, err))
        return false;
    if (st.model_name.size() > kMaxShareModelNameBytes) {
        err = "field 'model_name' is longer than " + std::to_string(kMaxShareModelNameBytes) + " bytes";
        return false;
    }
    auto cfg = o.find("model_config");
    if (cfg == o.end() || cfg->is_null()) return true;
    if (!cfg->is_object()) {
        err = "field 'model_config' must be a config.json object";
        return false;
    }
    std::string text = cfg->dump(-1, ' ', false, json::error_handler_t::replace);
    if (text.size() > kMaxShareModelConfigBytes) {
        err = "field 'model_config' is too large (" + std::to_string(text.size()) + " bytes, limit " +
              std::to_string(kMaxShareModelConfigBytes) + ")";
        return false;
    }
    ModelArch arch;
    if (!detail::arch_from_config(*cfg, arch, err)) {
        err = "field 'model_config': " + err;
        return false;
    }
    st.model_config_json = std::move(text);
    return true;
}

/// The optional workload knobs, each in the range the scenario and workload readers accept.
bool read_knobs(const json& o, WorkloadKnobs& k, std::string& err) {
    auto it = o.find("knobs");
    if (it == o.end() || it->is_null()) return true;
    if (!it->is_object()) {
        err = "field 'knobs' must be an object";
        return false;
    }
    if (!detail::read_int(*it, "prompt_tokens", 0, kMaxShareContext, k.prompt_tokens, err) ||
        !detail::read_int(*it, "gen_tokens", 0, kMaxShareContext, k.gen_tokens, err) ||
        !detail::read_int(*it, "context", 1, kMaxShareContext, k.context, err) ||
        !detail::read_int(*it, "users", 1, kMaxShareUsers, k.users, err) ||
        !detail::read_int(*it, "steps", 1, kMaxShareSteps, k.steps, err)) {
        err = "field 'knobs': " + err;
        return false;
    }
    return true;
}

bool read_compare(const json& o, const Catalog& catalog, ShareState& st, std::string& err);

bool read_state(const json& o, const Catalog& catalog, ShareState& st, std::string& err,
                bool allow_compare = true) {
    if (!o.is_object()) {
        err = "the link's settings must be a JSON object";
        return false;
    }
    if (!detail::read_string(o, "model", st.model, err) || !detail::read_string(o, "quant", st.quant, err) ||
        !detail::read_string(o, "hardware", st.hardware, err) ||
        !detail::read_int(o, "gpus", 1, kMaxShareGpus, st.gpus, err) ||
        !detail::read_string(o, "engine", st.engine, err) ||
        !detail::read_int(o, "context", 1, kMaxShareContext, st.context, err) ||
        !detail::read_string(o, "kv", st.kv, err) || !detail::read_string(o, "workload", st.workload, err) ||
        !detail::read_string(o, "display", st.display, err))
        return false;
    if (!read_imported_model(o, st, err) || !read_knobs(o, st.knobs, err)) return false;
    if (st.model == kImportedModel) {
        if (st.model_config_json.empty()) {
            err = "field 'model' is the imported model, but the link carries no 'model_config'";
            return false;
        }
    } else if (!find_model(catalog, st.model)) {
        err = "field 'model': unknown model '" + clip(st.model, 80) + "'";
        return false;
    }
    const FormatResult format = find_weight_format(st.quant);
    if (!format.ok()) {
        err = "field 'quant': unknown weight format '" + clip(st.quant, 40) + "'";
        return false;
    }
    st.quant = format.format.name;  // the canonical spelling the page's picker uses
    if (!detail::known_engine(st.engine)) {
        err = "field 'engine': unknown engine '" + clip(st.engine, 40) + "'";
        return false;
    }
    KvType kv{};
    if (!parse_kv_type(st.kv, kv)) {
        err = "field 'kv': unknown KV cache type '" + clip(st.kv, 40) + "'";
        return false;
    }
    if (!find_workload(catalog, st.workload)) {
        err = "field 'workload': unknown workload '" + clip(st.workload, 40) + "'";
        return false;
    }
    if (st.display != "auto" && st.display != "on" && st.display != "off") {
        err = "field 'display': must be \"auto\", \"on\" or \"off\", not '" + clip(st.display, 40) + "'";
        return false;
    }
    if (auto p = o.find("profile"); p != o.end() && !p->is_null()) {
        Hardware hw;
        if (!detail::hardware_from_profile_json(*p, hw, err)) {
            err = "field 'profile': " + err;
            return false;
        }
        st.profile_json = p->dump(-1, ' ', false, json::error_handler_t::replace);
        st.profile_hardware = hw;
    }
    if (st.hardware == kMeasuredHardware) {
        if (st.profile_json.empty()) {
            err = "field 'hardware' is the measured device, but the link carries no profile";
            return false;
        }
    } else if (!find_hardware(catalog, st.hardware)) {
        err = "field 'hardware': unknown hardware '" + clip(st.hardware, 80) + "'";
        return false;
    }
    if (auto c = o.find("compare"); c != o.end() && !c->is_null()) {
        if (!allow_compare) {
            err = "field 'compare': a compared setup cannot hold a comparison of its own";
            return false;
        }
        return read_compare(*c, catalog, st, err);
    }
    return true;
}

/// The pinned setups: an array of at most kMaxShareCompare state objects, each checked alone.
bool read_compare(const json& list, const Catalog& catalog, ShareState& st, std::string& err) {
    if (!list.is_array()) {
        err = "field 'compare' must be an array of settings";
        return false;
    }
    if (list.size() > kMaxShareCompare) {
        err = "field 'compare' holds " + std::to_string(list.size()) + " setups (limit " +
              std::to_string(kMaxShareCompare) + ")";
        return false;
    }
    for (size_t i = 0; i < list.size(); ++i) {
        ShareState entry;
        if (!read_state(list[i], catalog, entry, err, /*allow_compare=*/false)) {
            err = "field 'compare' entry " + std::to_string(i + 1) + ": " + err;
            return false;
        }
        st.compare.push_back(std::move(entry));
    }
    return true;
}

/// Decodes one base64url part of a link into JSON text (valid UTF-8), or says what is wrong.
bool decode_part(std::string_view name, std::string_view value, std::string& text, std::string& err) {
    if (!base64url_decode(value, text)) {
        err = "link part '" + std::string(name) + "' is not valid base64url";
        return false;
    }
    if (!valid_utf8(text)) {
        err = "link part '" + std::string(name) + "' is not valid UTF-8";
        return false;
    }
    return true;
}

int base64_value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-') return 62;
    if (c == '_') return 63;
    return -1;
}

}  // namespace

std::string base64url_encode(std::string_view bytes) {
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const uint32_t v = uint32_t(uint8_t(bytes[i])) << 16 | uint32_t(uint8_t(bytes[i + 1])) << 8 |
                           uint8_t(bytes[i + 2]);
        for (int shift = 18; shift >= 0; shift -= 6) out += kAlphabet[(v >> shift) & 63];
    }
    const size_t rest = bytes.size() - i;
    if (rest > 0) {
        uint32_t v = uint32_t(uint8_t(bytes[i])) << 16;
        if (rest == 2) v |= uint32_t(uint8_t(bytes[i + 1])) << 8;
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        if (rest == 2) out += kAlphabet[(v >> 6) & 63];
    }
    return out;
}

bool base64url_decode(std::string_view text, std::string& out) {
    out.clear();
    // Tolerate the padding other encoders add, nothing else.
    for (int pad = 0; pad < 2 && !text.empty() && text.back() == '='; ++pad) text.remove_suffix(1);
    if (text.size() % 4 == 1) return false;
    out.reserve(text.size() / 4 * 3 + 2);
    uint32_t acc = 0;
    int bits = 0;
    for (char c : text) {
        const int v = base64_value(c);
        if (v < 0) return false;
        acc = (acc << 6 | uint32_t(v)) & 0xFFFFFF;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xFF);
        }
    }
    return true;
}

bool valid_utf8(std::string_view s) {
    size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            ++i;
            continue;
        }
        size_t len = 0;
        uint32_t cp = 0, min = 0;
        if ((c & 0xE0) == 0xC0) len = 2, cp = c & 0x1F, min = 0x80;
        else if ((c & 0xF0) == 0xE0) len = 3, cp = c & 0x0F, min = 0x800;
        else if ((c & 0xF8) == 0xF0) len = 4, cp = c & 0x07, min = 0x10000;
        else return false;
        if (i + len > s.size()) return false;
        for (size_t k = 1; k < len; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xC0) != 0x80) return false;
            cp = cp << 6 | (cc & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += len;
    }
    return true;
}

ShareStateResult read_share_state(std::string_view state_json, const Catalog& catalog) {
    ShareStateResult r;
    json o = detail::parse_json(state_json, r.error);
    if (r.error.empty() && !read_state(o, catalog, r.state, r.error)) r.state = ShareState{};
    return r;
}

ShareStateResult decode_share_link(std::string_view fragment, const Catalog& catalog) {
    ShareStateResult r;
    if (fragment.size() > kMaxShareFragmentBytes) {
        r.error = "the link is too long (" + std::to_string(fragment.size()) + " bytes, limit " +
                  std::to_string(kMaxShareFragmentBytes) + ")";
        return r;
    }
    if (!fragment.empty() && fragment.front() == '#') fragment.remove_prefix(1);
    std::string state_text, profile_text;
    bool has_state = false, has_profile = false;
    while (!fragment.empty()) {
        const size_t amp = fragment.find('&');
        const std::string_view piece = fragment.substr(0, amp);
        fragment = amp == std::string_view::npos ? std::string_view() : fragment.substr(amp + 1);
        if (piece.empty()) continue;
        const size_t eq = piece.find('=');
        const std::string_view key = piece.substr(0, eq);
        const std::string_view value = eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1);
        if (key != "s" && key != "profile") continue;  // other parts are not ours
        bool& seen = key == "s" ? has_state : has_profile;
        if (seen) {
            r.error = "link part '" + std::string(key) + "' appears twice";
            return r;
        }
        seen = true;
        if (!decode_part(key, value, key == "s" ? state_text : profile_text, r.error)) return r;
    }
    json state = json::object();
    if (has_state) {
        state = detail::parse_json(state_text, r.error);
        if (!r.error.empty()) {
            r.error = "link part 's': " + r.error;
            return r;
        }
        if (!state.is_object()) {
            r.error = "link part 's': the link's settings must be a JSON object";
            return r;
        }
    }
    if (has_profile) {
        json profile = detail::parse_json(profile_text, r.error);
        if (!r.error.empty()) {
            r.error = "link part 'profile': " + r.error;
            return r;
        }
        state["profile"] = std::move(profile);
        if (!state.contains("hardware")) state["hardware"] = std::string(kMeasuredHardware);
    }
    if (!read_state(state, catalog, r.state, r.error)) r.state = ShareState{};
    return r;
}

namespace {
json state_object(const ShareState& st) {
    json o = {{"model", st.model}, {"quant", st.quant},     {"hardware", st.hardware}, {"gpus", st.gpus},
              {"engine", st.engine}, {"context", st.context}, {"kv", st.kv},           {"workload", st.workload}};
    if (st.display != "auto") o["display"] = st.display;  // old links (and most) stay as they were
    if (!st.profile_json.empty()) {
        json p = json::parse(st.profile_json, nullptr, /*allow_exceptions=*/false);
        if (!p.is_discarded()) o["profile"] = std::move(p);
    }
    if (!st.model_name.empty()) o["model_name"] = st.model_name;
    if (!st.model_config_json.empty()) {
        json c = json::parse(st.model_config_json, nullptr, /*allow_exceptions=*/false);
        if (!c.is_discarded()) o["model_config"] = std::move(c);
    }
    if (st.model_weights_bytes > 0) o["model_weights_bytes"] = st.model_weights_bytes;
    if (st.knobs.any()) {
        json k = json::object();
        const std::pair<const char*, int64_t> fields[] = {{"prompt_tokens", st.knobs.prompt_tokens},
            {"gen_tokens", st.knobs.gen_tokens}, {"context", st.knobs.context}, {"users", st.knobs.users},
            {"steps", st.knobs.steps}};
        for (const auto& [name, value] : fields)
            if (value >= 0) k[name] = value;
        o["knobs"] = std::move(k);
    }
    if (!st.compare.empty()) {
        json list = json::array();
        for (const ShareState& entry : st.compare) {
            ShareState flat = entry;
            flat.compare.clear();  // entries never nest
            list.push_back(state_object(flat));
        }
        o["compare"] = std::move(list);
    }
    return o;
}
}  // namespace

std::string share_state_json(const ShareState& st) {
    return state_object(st).dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string encode_share_link(const ShareState& st) {
    ShareState bare = st;
    bare.profile_json.clear();
    std::string out = "s=" + base64url_encode(share_state_json(bare));
    if (!st.profile_json.empty()) out += "&profile=" + base64url_encode(st.profile_json);
    return out;
}

}  // namespace headroom
