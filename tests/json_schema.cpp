// json_schema.cpp (test-only): the JSON Schema subset validator the catalog schema test uses.
#include "json_schema.h"

#include <map>
#include <regex>
#include <set>

namespace headroom::test {
namespace {

using nlohmann::json;

const std::set<std::string> kAnnotations = {"$schema", "$id", "title", "description", "$comment"};
const std::set<std::string> kKeywords = {"type",    "required", "properties", "additionalProperties",
                                         "items",   "enum",     "minimum",    "exclusiveMinimum",
                                         "maximum", "pattern",  "minItems",   "x-sourced"};

bool has_type(const json& v, const std::string& t) {
    if (t == "object") return v.is_object();
    if (t == "array") return v.is_array();
    if (t == "string") return v.is_string();
    if (t == "integer") return v.is_number_integer();
    if (t == "number") return v.is_number();
    if (t == "boolean") return v.is_boolean();
    if (t == "null") return v.is_null();
    return false;
}

std::string escape(const std::string& key) {  // JSON pointer escaping of one reference token
    std::string out;
    for (char c : key) {
        if (c == '~') out += "~0";
        else if (c == '/') out += "~1";
        else out += c;
    }
    return out;
}

void check(const json& s, const json& v, const std::string& at, std::vector<std::string>& errs) {
    const std::string where = at.empty() ? "/" : at;
    if (!s.is_object()) {
        errs.push_back(where + ": schema is not an object");
        return;
    }
    for (auto it = s.begin(); it != s.end(); ++it)
        if (!kKeywords.count(it.key()) && !kAnnotations.count(it.key()))
            errs.push_back(where + ": schema keyword '" + it.key() + "' is not supported");

    if (auto t = s.find("type"); t != s.end()) {
        bool ok = false;
        if (t->is_string()) ok = has_type(v, t->get<std::string>());
        for (const json& one : t->is_array() ? *t : json::array())
            ok = ok || (one.is_string() && has_type(v, one.get<std::string>()));
        if (!ok) {
            errs.push_back(where + ": expected type " + t->dump() + ", found " + v.type_name());
            return;  // the other keywords would only repeat the mismatch
        }
    }
    if (auto e = s.find("enum"); e != s.end()) {
        bool found = false;
        for (const json& x : *e) found = found || x == v;
        if (!found) errs.push_back(where + ": " + v.dump() + " is not one of " + e->dump());
    }
    if (v.is_number()) {
        const double x = v.get<double>();
        if (auto m = s.find("minimum"); m != s.end() && x < m->get<double>())
            errs.push_back(where + ": " + v.dump() + " is below the minimum " + m->dump());
        if (auto m = s.find("exclusiveMinimum"); m != s.end() && x <= m->get<double>())
            errs.push_back(where + ": " + v.dump() + " must be above " + m->dump());
        if (auto m = s.find("maximum"); m != s.end() && x > m->get<double>())
            errs.push_back(where + ": " + v.dump() + " is above the maximum " + m->dump());
    }
    if (auto p = s.find("pattern"); p != s.end() && v.is_string()) {
        // JSON Schema patterns are ECMA-262 regular expressions, matched anywhere unless anchored.
        if (!std::regex_search(v.get<std::string>(), std::regex(p->get<std::string>(), std::regex::ECMAScript)))
            errs.push_back(where + ": \"" + v.get<std::string>() + "\" does not match " + p->dump());
    }
    if (v.is_array()) {
        if (auto m = s.find("minItems"); m != s.end() && v.size() < m->get<size_t>())
            errs.push_back(where + ": fewer than " + m->dump() + " items");
        if (auto items = s.find("items"); items != s.end())
            for (size_t i = 0; i < v.size(); ++i) check(*items, v[i], at + "/" + std::to_string(i), errs);
    }
    if (!v.is_object()) return;
    if (auto r = s.find("required"); r != s.end())
        for (const json& key : *r)
            if (!v.contains(key.get<std::string>()))
                errs.push_back(where + ": missing required key '" + key.get<std::string>() + "'");
    const json props = s.value("properties", json::object());
    for (auto it = v.begin(); it != v.end(); ++it) {
        const std::string child = at + "/" + escape(it.key());
        if (props.contains(it.key())) {
            check(props[it.key()], it.value(), child, errs);
        } else if (auto extra = s.find("additionalProperties"); extra != s.end()) {
            if (extra->is_boolean()) {
                if (!extra->get<bool>()) errs.push_back(where + ": unknown key '" + it.key() + "'");
            } else {
                check(*extra, it.value(), child, errs);
            }
        }
    }
    if (auto sourced = s.find("x-sourced"); sourced != s.end()) {
        const json sources = v.value("sources", json::object());
        for (const json& key : *sourced) {
            const std::string k = key.get<std::string>();
            if (v.contains(k) && !v[k].is_null() && !(sources.is_object() && sources.contains(k)))
                errs.push_back(where + ": '" + k + "' has no entry in sources");
        }
    }
}

}  // namespace

std::vector<std::string> validate_schema(const json& schema, const json& doc) {
    std::vector<std::string> errs;
    check(schema, doc, "", errs);
    return errs;
}

std::vector<std::string> unsupported_keywords(const json& schema) {
    std::vector<std::string> out;
    std::vector<std::pair<const json*, std::string>> todo = {{&schema, ""}};
    while (!todo.empty()) {
        auto [s, at] = todo.back();
        todo.pop_back();
        if (!s->is_object()) continue;
        for (auto it = s->begin(); it != s->end(); ++it)
            if (!kKeywords.count(it.key()) && !kAnnotations.count(it.key())) out.push_back(at + "/" + it.key());
        if (auto p = s->find("properties"); p != s->end() && p->is_object())
            for (auto it = p->begin(); it != p->end(); ++it)
                todo.push_back({&it.value(), at + "/properties/" + escape(it.key())});
        if (auto a = s->find("additionalProperties"); a != s->end() && a->is_object())
            todo.push_back({&*a, at + "/additionalProperties"});
        if (auto i = s->find("items"); i != s->end()) todo.push_back({&*i, at + "/items"});
    }
    return out;
}

std::vector<std::string> duplicate_ids(const std::vector<std::string>& ids) {
    std::map<std::string, int> seen;
    std::vector<std::string> out;
    for (const std::string& id : ids)
        if (++seen[id] == 2) out.push_back(id);
    return out;
}

}  // namespace headroom::test
