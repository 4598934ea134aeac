// json_read.h (private): checked reads of JSON fields, so every bad input becomes an error naming
// the field instead of an exception or a silent default.
#pragma once

#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace headroom::detail {

using json = nlohmann::json;

/// Limits on untrusted documents: a config, profile or scenario larger or deeper is refused.
inline constexpr size_t kMaxDocumentBytes = 4u << 20;
inline constexpr int kMaxJsonDepth = 32;
inline constexpr size_t kMaxStringBytes = 512;

/// Parses without throwing; on failure `error` says why and the result is discarded.
inline json parse_json(std::string_view text, std::string& error) {
    if (text.size() > kMaxDocumentBytes) {
        error = "document too large (" + std::to_string(text.size()) + " bytes, limit " +
                std::to_string(kMaxDocumentBytes) + ")";
        return json();
    }
    int depth = 0;
    bool too_deep = false;
    json::parser_callback_t limit_depth = [&](int d, json::parse_event_t event, json&) {
        if (event == json::parse_event_t::object_start || event == json::parse_event_t::array_start) {
            depth = d;
            if (d >= kMaxJsonDepth) too_deep = true;
        }
        return !too_deep;
    };
    json doc = json::parse(text.begin(), text.end(), limit_depth, /*allow_exceptions=*/false);
    (void)depth;
    if (too_deep) {
        error = "JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels";
        return json();
    }
    if (doc.is_discarded()) {
        error = "malformed JSON";
        return json();
    }
    return doc;
}

/// Reads a finite number in [lo, hi]. Returns false and sets `error` if present but bad, or absent
/// and required; leaves `out` unchanged when absent and optional.
inline bool read_number(const json& obj, const char* key, double lo, double hi, double& out,
                        std::string& error, bool required = false) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) {
        if (required) error = std::string("missing field '") + key + "'";
        return !required;
    }
    if (!it->is_number()) {
        error = std::string("field '") + key + "' must be a number";
        return false;
    }
    double v = it->get<double>();
    if (!std::isfinite(v) || v < lo || v > hi) {
        error = std::string("field '") + key + "' is out of range";
        return false;
    }
    out = v;
    return true;
}

/// Integer variant of read_number; fractional values are refused.
inline bool read_int(const json& obj, const char* key, int64_t lo, int64_t hi, int64_t& out,
                     std::string& error, bool required = false) {
    double v = static_cast<double>(out);
    if (!read_number(obj, key, static_cast<double>(lo), static_cast<double>(hi), v, error, required))
        return false;
    if (v != std::floor(v)) {
        error = std::string("field '") + key + "' must be a whole number";
        return false;
    }
    out = static_cast<int64_t>(v);
    return true;
}

inline bool read_int(const json& obj, const char* key, int64_t lo, int64_t hi, int& out,
                     std::string& error, bool required = false) {
    int64_t wide = out;
    if (!read_int(obj, key, lo, hi, wide, error, required)) return false;
    out = static_cast<int>(wide);
    return true;
}

inline bool read_bool(const json& obj, const char* key, bool& out, std::string& error) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return true;
    if (!it->is_boolean()) {
        error = std::string("field '") + key + "' must be true or false";
        return false;
    }
    out = it->get<bool>();
    return true;
}

/// Reads a short string; longer than kMaxStringBytes is refused.
inline bool read_string(const json& obj, const char* key, std::string& out, std::string& error,
                        bool required = false) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) {
        if (required) error = std::string("missing field '") + key + "'";
        return !required;
    }
    if (!it->is_string()) {
        error = std::string("field '") + key + "' must be a string";
        return false;
    }
    const auto& s = it->get_ref<const std::string&>();
    if (s.size() > kMaxStringBytes) {
        error = std::string("field '") + key + "' is too long";
        return false;
    }
    out = s;
    return true;
}

/// The text of one top-level member's value in a JSON object's text, found by a scan that skips the
/// other members without parsing them (empty if absent or the text is not an object). For large
/// trusted documents of which one part is needed: it checks nothing past the member it returns, and
/// the caller parses what comes back. Keys are compared as written (no escapes decoded).
inline std::string_view member_text(std::string_view t, std::string_view key) {
    size_t i = 0;
    const auto space = [&] {
        while (i < t.size() && (t[i] == ' ' || t[i] == '\n' || t[i] == '\r' || t[i] == '\t')) ++i;
    };
    const auto skip_string = [&] {  // t[i] is the opening quote
        for (++i; i < t.size(); ++i) {
            if (t[i] == '\\') ++i;
            else if (t[i] == '"') return ++i, true;
        }
        return false;
    };
    const auto skip_value = [&] {
        if (i >= t.size()) return false;
        if (t[i] == '"') return skip_string();
        if (t[i] != '{' && t[i] != '[') {  // a number, true, false or null
            while (i < t.size() && t[i] != ',' && t[i] != '}' && t[i] != ']' && t[i] != ' ' && t[i] != '\n') ++i;
            return true;
        }
        int depth = 0;
        while (i < t.size()) {
            const char c = t[i];
            if (c == '"') {
                if (!skip_string()) return false;
                continue;
            }
            ++i;
            if (c == '{' || c == '[') ++depth;
            else if ((c == '}' || c == ']') && --depth == 0) return true;
        }
        return false;
    };
    space();
    if (i >= t.size() || t[i] != '{') return {};
    ++i;
    for (;;) {
        space();
        if (i >= t.size() || t[i] != '"') return {};
        const size_t name_at = i;
        if (!skip_string()) return {};
        const std::string_view name = t.substr(name_at + 1, i - name_at - 2);
        space();
        if (i >= t.size() || t[i] != ':') return {};
        ++i;
        space();
        const size_t value_at = i;
        if (!skip_value()) return {};
        if (name == key) return t.substr(value_at, i - value_at);
        space();
        if (i >= t.size() || t[i] != ',') return {};
        ++i;
    }
}

}  // namespace headroom::detail

namespace headroom {
struct ModelArch;
namespace detail {
/// config.json object -> architecture (config.cpp); false with `error` set when unreadable.
bool arch_from_config(const json& cfg, ModelArch& arch, std::string& error);
}  // namespace detail
}  // namespace headroom
