// gguf_quant.cpp: GGUF tables from the catalog, llama.cpp's tensor list of an architecture, and
// llama-quantize's per-tensor type choice (src/llama-quant.cpp, llama_tensor_get_type).
#include "headroom/gguf_quant.h"

#include <algorithm>
#include <cctype>

#include "headroom/embedded_catalog.h"
#include "json_read.h"
#include "memory_constants.h"

namespace headroom {
namespace {

using detail::json;
namespace mc = memory_constants;

std::string upper(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

bool parse_category(const std::string& s, GgufCategory& out, bool& any) {
    static const std::pair<const char*, GgufCategory> kNames[] = {
        {"output", GgufCategory::output},       {"token_embd", GgufCategory::token_embd},
        {"attn_qkv", GgufCategory::attn_qkv},   {"attn_kv_b", GgufCategory::attn_kv_b},
        {"attn_v", GgufCategory::attn_v},       {"attn_k", GgufCategory::attn_k},
        {"attn_q", GgufCategory::attn_q},       {"attn_output", GgufCategory::attn_output},
        {"ffn_up", GgufCategory::ffn_up},       {"ffn_gate", GgufCategory::ffn_gate},
        {"ffn_down", GgufCategory::ffn_down},   {"other", GgufCategory::other},
    };
    if (s == "any") {
        any = true;
        return true;
    }
    for (const auto& [name, cat] : kNames)
        if (s == name) {
            out = cat;
            return true;
        }
    return false;
}

bool read_strings(const json& v, std::vector<std::string>& out) {
    if (!v.is_array()) return false;
    for (const auto& s : v) {
        if (!s.is_string()) return false;
        out.push_back(s.get<std::string>());
    }
    return true;
}

bool parse_condition(const json& c, GgufRuleCondition& w, std::string& err) {
    if (!c.is_object()) {
        err = "'if' must be an object";
        return false;
    }
    for (auto it = c.begin(); it != c.end(); ++it) {
        const std::string& k = it.key();
        const json& v = it.value();
        auto flag = [&](std::optional<bool>& f) {
            if (!v.is_boolean()) return false;
            f = v.get<bool>();
            return true;
        };
        auto number = [&](std::optional<int>& n) {
            if (!v.is_number_integer()) return false;
            n = v.get<int>();
            return true;
        };
        bool ok;
        if (k == "arch") ok = read_strings(v, w.arch);
        else if (k == "arch_not") ok = read_strings(v, w.arch_not);
        else if (k == "from_types") ok = read_strings(v, w.from_types);
        else if (k == "ncols_not_divisible") ok = flag(w.ncols_not_divisible);
        else if (k == "imatrix") ok = flag(w.imatrix);
        else if (k == "more_bits") ok = flag(w.more_bits);
        else if (k == "layer_below_eighth") ok = flag(w.layer_below_eighth);
        else if (k == "layer_below_sixteenth") ok = flag(w.layer_below_sixteenth);
        else if (k == "layer_middle") ok = flag(w.layer_middle);
        else if (k == "counter_below_eighth") ok = flag(w.counter_below_eighth);
        else if (k == "expert_tensor") ok = flag(w.expert_tensor);
        else if (k == "gqa_min") ok = number(w.gqa_min);
        else if (k == "experts_min") ok = number(w.experts_min);
        else if (k == "experts_eq") ok = number(w.experts_eq);
        else if (k == "index_below") ok = number(w.index_below);
        else if (k == "size_class") {
            ok = v.is_string();
            if (ok) w.size_class = v.get<std::string>();
        } else {
            err = "unknown rule condition '" + k + "'";
            return false;
        }
        if (!ok) {
            err = "rule condition '" + k + "' has the wrong type";
            return false;
        }
    }
    return true;
}

bool parse_rule(const json& r, GgufRule& rule, std::string& err) {
    if (!r.is_object() || !r.contains("cat") || !r.contains("type")) {
        err = "a rule needs 'cat' and 'type'";
        return false;
    }
    std::vector<std::string> cats;
    if (!read_strings(r["cat"], cats)) {
        err = "'cat' must be a list of names";
        return false;
    }
    for (const auto& c : cats) {
        GgufCategory cat{};
        bool any = false;
        if (!parse_category(c, cat, any)) {
            err = "unknown tensor category '" + c + "'";
            return false;
        }
        if (any) rule.any_category = true;
        else rule.categories.push_back(cat);
    }
    if (r["type"].is_string()) rule.type = r["type"].get<std::string>();
    else if (!r["type"].is_null()) {
        err = "rule 'type' must be a type name or null";
        return false;
    }
    if (auto it = r.find("if"); it != r.end() && !parse_condition(*it, rule.when, err)) return false;
    return true;
}

GgufTablesResult parse_tables(const json& g) {
    GgufTablesResult res;
    std::string& err = res.error;
    GgufTables& t = res.tables;
    if (!g.is_object() || !g.contains("tensor_types") || !g.contains("file_types") ||
        !g["tensor_types"].is_object() || !g["file_types"].is_object()) {
        err = "gguf tables need 'tensor_types' and 'file_types'";
        return res;
    }
    for (auto it = g["tensor_types"].begin(); it != g["tensor_types"].end(); ++it) {
        const json& v = it.value();
        GgufTensorType tt;
        tt.name = it.key();
        if (!v.is_object() || !v.value("block", json()).is_number_integer() ||
            !v.value("bytes", json()).is_number_integer()) {
            err = "tensor type '" + tt.name + "' needs integer 'block' and 'bytes'";
            return res;
        }
        if (v.contains("id") && !v["id"].is_number_integer()) {
            err = "tensor type '" + tt.name + "' has a non-integer id";
            return res;
        }
        tt.id = v.contains("id") ? v["id"].get<int>() : 0;
        tt.block = v["block"].get<int>();
        tt.bytes = v["bytes"].get<int>();
        if (tt.block < 1 || tt.bytes < 1) {
            err = "tensor type '" + tt.name + "' has a non-positive block or size";
            return res;
        }
        t.tensor_types.push_back(tt);
    }
    auto type_known = [&](const std::string& name) { return find_tensor_type(t, name) != nullptr; };
    for (auto it = g["file_types"].begin(); it != g["file_types"].end(); ++it) {
        const json& v = it.value();
        GgufFtype ft;
        ft.name = it.key();
        if (!v.is_object() || !v.value("default", json()).is_string() ||
            (v.contains("ftype") && !v["ftype"].is_number_integer()) ||
            (v.contains("stages") && !v["stages"].is_array())) {
            err = "file type '" + ft.name + "' needs a 'default' type name, an integer 'ftype' and a list of 'stages'";
            return res;
        }
        ft.ftype = v.contains("ftype") ? v["ftype"].get<int>() : 0;
        ft.default_type = v["default"].get<std::string>();
        if (!type_known(ft.default_type)) {
            err = "file type '" + ft.name + "' has an unknown default type";
            return res;
        }
        for (const json& stage : v.value("stages", json::array())) {
            if (!stage.is_array()) {
                err = "file type '" + ft.name + "': a stage must be a list of rules";
                return res;
            }
            std::vector<GgufRule> rules;
            for (const json& r : stage) {
                GgufRule rule;
                if (!parse_rule(r, rule, err)) {
                    err = "file type '" + ft.name + "': " + err;
                    return res;
                }
                if (!rule.type.empty() && !type_known(rule.type)) {
                    err = "file type '" + ft.name + "': unknown type '" + rule.type + "'";
                    return res;
                }
                rules.push_back(std::move(rule));
            }
            ft.stages.push_back(std::move(rules));
        }
        t.file_types.push_back(std::move(ft));
    }
    for (const char* key : {"fallback", "aliases"}) {
        auto it = g.find(key);
        if (it == g.end()) continue;
        if (!it->is_object()) {
            err = std::string("'") + key + "' must map names to names";
            return res;
        }
        auto& out = std::string(key) == "fallback" ? t.fallback : t.aliases;
        for (auto f = it->begin(); f != it->end(); ++f) {
            if (!f.value().is_string()) {
                err = std::string("'") + key + "' must map names to names";
                return res;
            }
            out[f.key()] = f.value().get<std::string>();
        }
    }
    if (auto it = g.find("imatrix_required");
        it != g.end() && !read_strings(*it, t.imatrix_required)) {
        err = "'imatrix_required' must be a list of file type names";
        return res;
    }
    return res;
}

// ------------------------------------------------------------------------------------------------
// tensor list
// ------------------------------------------------------------------------------------------------

bool is_family(const ModelArch& a, std::initializer_list<std::string_view> names) {
    for (std::string_view n : names)
        if (a.model_type == n) return true;
    return false;
}

bool has_qk_norm(const ModelArch& a) {
    return is_family(a, {"qwen3", "qwen3_moe", "gemma3", "gemma3_text", "olmo2", "qwen3_next"});
}
bool has_post_norms(const ModelArch& a) { return is_family(a, {"gemma2", "gemma3", "gemma3_text"}); }
bool is_neox(const ModelArch& a) { return is_family(a, {"gpt_neox"}); }
bool is_phi3(const ModelArch& a) { return is_family(a, {"phi3"}); }

bool moe_layer(const ModelArch& a, int i) {
    const MoeSpec& m = a.moe;
    if (m.experts == 0 || i < m.leading_dense_layers) return false;
    return m.moe_layer_step <= 1 || i % m.moe_layer_step == 0;
}

LayerKind kind_of(const ModelArch& a, int i) {
    return a.layer_kinds.empty() ? LayerKind::full_attention : a.layer_kinds[static_cast<size_t>(i)];
}

GgufCategory category_of(const std::string& name, bool tied) {
    if (name == "output.weight" || (tied && name == "token_embd.weight")) return GgufCategory::output;
    if (name == "token_embd.weight") return GgufCategory::token_embd;
    static const std::pair<const char*, GgufCategory> kWeights[] = {
        {"attn_qkv.weight", GgufCategory::attn_qkv}, {"attn_kv_b.weight", GgufCategory::attn_kv_b},
        {"attn_v.weight", GgufCategory::attn_v},     {"attn_k.weight", GgufCategory::attn_k},
        {"attn_q.weight", GgufCategory::attn_q},     {"attn_output.weight", GgufCategory::attn_output},
    };
    for (const auto& [s, c] : kWeights)
        if (name.find(s) != std::string::npos) return c;
    if (name.find("ffn_up") != std::string::npos) return GgufCategory::ffn_up;
    if (name.find("ffn_gate") != std::string::npos && name.find("ffn_gate_inp") == std::string::npos)
        return GgufCategory::ffn_gate;
    if (name.find("ffn_down") != std::string::npos) return GgufCategory::ffn_down;
    return GgufCategory::other;
}

/// tensor_allows_quantization: 2-D/3-D weights, not norms, routers, positional tables, conv1d.
bool allows_quantization(const std::string& name, int dims) {
    if (dims < 2) return false;
    const bool weight = name.size() >= 6 && name.compare(name.size() - 6, 6, "weight") == 0;
    if (!weight) return false;
    for (const char* s : {"_norm.weight", "ffn_gate_inp", "ssm_conv1d", "pos_embd", "token_types",
                          "time_mix_", "attn_rel_b"})
        if (name.find(s) != std::string::npos) return false;
    return true;
}

bool use_more_bits(int i, int n) { return i < n / 8 || i >= 7 * n / 8 || (i - n / 8) % 3 == 2; }

}  // namespace

// ------------------------------------------------------------------------------------------------

GgufTablesResult parse_gguf_tables(std::string_view gguf_json) {
    GgufTablesResult res;
    json g = detail::parse_json(gguf_json, res.error);
    if (!res.error.empty()) return res;
    return parse_tables(g);
}

const GgufTables& builtin_gguf_tables() {
    static const GgufTables tables = [] {
        // Only the "quants" object's "gguf" tables: parsing the whole catalog here doubled the page's
        // start-up, and the rest of "quants" (quality rows, format notes) was most of its first estimate.
        const std::string_view text = detail::member_text(embedded_quants_json(), "gguf");
        json g = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
        if (text.empty() || g.is_discarded()) return GgufTables{};
        GgufTablesResult r = parse_tables(g);
        return r.ok() ? r.tables : GgufTables{};
    }();
    return tables;
}

const GgufTensorType* find_tensor_type(const GgufTables& t, std::string_view name) {
    // A catalog sweep looks up every tensor's type, nearly always spelled as in the table: try that
    // first, then tt.name == upper(name) as before.
    for (const auto& tt : t.tensor_types)
        if (tt.name == name) return &tt;
    const std::string key = upper(name);
    for (const auto& tt : t.tensor_types)
        if (tt.name == key) return &tt;
    return nullptr;
}

const GgufFtype* find_file_type(const GgufTables& t, std::string_view name) {
    std::string key = upper(name);
    std::replace(key.begin(), key.end(), '-', '_');
    if (auto it = t.aliases.find(key); it != t.aliases.end()) key = it->second;
    for (const auto& ft : t.file_types)
        if (ft.name == key) return &ft;
    return nullptr;
}

int64_t gguf_tensor_bytes(const GgufTensorType& type, int64_t elements) {
    return elements / type.block * type.bytes;
}

std::string llama_cpp_arch(const ModelArch& a) {
    // convert_hf_to_gguf.py writes Mistral and Mixtral checkpoints as the llama architecture.
    if (is_family(a, {"llama", "mistral", "mixtral"})) return "llama";
    if (is_family(a, {"gpt_neox"})) return "gptneox";
    if (is_family(a, {"deepseek_v2", "deepseek_v3"})) return "deepseek2";
    if (is_family(a, {"gemma3_text"})) return "gemma3";
    if (is_family(a, {"qwen3_moe"})) return "qwen3moe";
    if (is_family(a, {"qwen2_moe"})) return "qwen2moe";
    if (is_family(a, {"gpt_oss"})) return "gpt-oss";
    return a.model_type;
}

std::vector<GgufPlannedTensor> gguf_tensor_list(const ModelArch& a) {
    std::vector<GgufPlannedTensor> out;
    // A block tensor's category, quantizability and converter type follow from its name after the
    // "blk.N." prefix (no pattern below can match that prefix) and its dimensions: worked out once
    // per name and reused for every block, as the name searches were most of building the list.
    struct Traits {
        std::string suffix;
        int dims;
        GgufCategory category;
        bool quantizable;
        std::string type;
    };
    std::vector<Traits> block_traits;
    auto add = [&](std::string name, std::initializer_list<int64_t> shape, int layer) {
        GgufPlannedTensor t;
        t.name = std::move(name);
        t.dims = static_cast<int>(shape.size());
        t.ne = {1, 1, 1};
        int d = 0;
        for (int64_t v : shape) t.ne[static_cast<size_t>(d++)] = v;
        t.layer = layer;
        if (t.elements() <= 0) return;
        const std::string_view suffix = layer >= 0 ? std::string_view(t.name).substr(t.name.find('.', 4) + 1) : "";
        const Traits* known = nullptr;
        if (layer >= 0)
            for (const Traits& tr : block_traits)
                if (tr.dims == t.dims && tr.suffix == suffix) {
                    known = &tr;
                    break;
                }
        if (known) {
            t.category = known->category;
            t.quantizable = known->quantizable;
            t.type = known->type;
        } else {
            t.category = category_of(t.name, a.tied_embeddings);
            t.quantizable = allows_quantization(t.name, t.dims);
            // convert_hf_to_gguf.py writes 1-D tensors, norms and expert routers as F32.
            const bool f32 = t.dims == 1 || t.name.find("_norm") != std::string::npos ||
                             t.name.find("ffn_gate_inp") != std::string::npos || !t.quantizable;
            t.type = f32 ? "F32" : "F16";
            if (layer >= 0) block_traits.push_back({std::string(suffix), t.dims, t.category, t.quantizable, t.type});
        }
        out.push_back(std::move(t));
    };
    const int64_t E = a.hidden, V = a.vocab, H = a.heads, KV = a.kv_heads, d = a.head_dim;
    const bool neox = is_neox(a);
    const bool bias = a.attention_bias || neox;

    add("token_embd.weight", {E, V}, -1);
    if (!a.tied_embeddings) add("output.weight", {E, V}, -1);
    add("output_norm.weight", {E}, -1);
    if (neox) add("output_norm.bias", {E}, -1);

    for (int i = 0; i < a.layers; ++i) {
        const std::string b = "blk." + std::to_string(i) + ".";
        const LayerKind kind = kind_of(a, i);
        add(b + "attn_norm.weight", {E}, i);
        if (neox) add(b + "attn_norm.bias", {E}, i);
        if (kind == LayerKind::linear_attention || kind == LayerKind::state_space) {
            // Recurrent mixers: their weights as one matrix of hidden-wide rows.
            const int64_t rows = a.recurrent.params_per_layer / std::max<int64_t>(1, E);
            add(b + "ssm_mixer.weight", {E, rows}, i);
        } else if (kind == LayerKind::mla) {
            const MlaSpec& m = a.mla;
            const int64_t qk = m.qk_nope_head_dim + m.qk_rope_head_dim;
            if (m.q_lora_rank > 0) {
                add(b + "attn_q_a.weight", {E, m.q_lora_rank}, i);
                add(b + "attn_q_a_norm.weight", {m.q_lora_rank}, i);
                add(b + "attn_q_b.weight", {m.q_lora_rank, H * qk}, i);
            } else {
                add(b + "attn_q.weight", {E, H * qk}, i);
            }
            add(b + "attn_kv_a_mqa.weight", {E, m.kv_lora_rank + m.qk_rope_head_dim}, i);
            add(b + "attn_kv_a_norm.weight", {m.kv_lora_rank}, i);
            add(b + "attn_kv_b.weight", {m.kv_lora_rank, H * (m.qk_nope_head_dim + m.v_head_dim)}, i);
            add(b + "attn_output.weight", {H * m.v_head_dim, E}, i);
        } else if (neox || is_phi3(a)) {
            add(b + "attn_qkv.weight", {E, H * d + 2 * KV * d}, i);
            if (bias) add(b + "attn_qkv.bias", {H * d + 2 * KV * d}, i);
            add(b + "attn_output.weight", {H * d, E}, i);
            if (bias) add(b + "attn_output.bias", {E}, i);
        } else {
            add(b + "attn_q.weight", {E, H * d}, i);
            add(b + "attn_k.weight", {E, KV * d}, i);
            add(b + "attn_v.weight", {E, KV * d}, i);
            if (bias) {
                add(b + "attn_q.bias", {H * d}, i);
                add(b + "attn_k.bias", {KV * d}, i);
                add(b + "attn_v.bias", {KV * d}, i);
            }
            if (has_qk_norm(a)) {
                add(b + "attn_q_norm.weight", {d}, i);
                add(b + "attn_k_norm.weight", {d}, i);
            }
            add(b + "attn_output.weight", {H * d, E}, i);
            if (is_family(a, {"gpt_oss"})) {
                add(b + "attn_output.bias", {E}, i);
                add(b + "attn_sinks.weight", {H}, i);
            }
        }
        if (has_post_norms(a)) {
            add(b + "post_attention_norm.weight", {E}, i);
            add(b + "post_ffw_norm.weight", {E}, i);
        }
        add(b + "ffn_norm.weight", {E}, i);
        if (neox) add(b + "ffn_norm.bias", {E}, i);
        if (moe_layer(a, i)) {
            const MoeSpec& m = a.moe;
            const int64_t X = m.experts, F = m.expert_ffn;
            add(b + "ffn_gate_inp.weight", {E, X}, i);
            add(b + "ffn_gate_exps.weight", {E, F, X}, i);
            add(b + "ffn_up_exps.weight", {E, F, X}, i);
            add(b + "ffn_down_exps.weight", {F, E, X}, i);
            if (is_family(a, {"gpt_oss"})) {
                add(b + "ffn_gate_inp.bias", {X}, i);
                add(b + "ffn_gate_exps.bias", {F, X}, i);
                add(b + "ffn_up_exps.bias", {F, X}, i);
                add(b + "ffn_down_exps.bias", {E, X}, i);
            }
            if (m.shared_experts > 0) {
                const int64_t S = (m.shared_expert_ffn > 0 ? m.shared_expert_ffn : m.expert_ffn *
                                                                                      m.shared_experts);
                add(b + "ffn_gate_shexp.weight", {E, S}, i);
                add(b + "ffn_up_shexp.weight", {E, S}, i);
                add(b + "ffn_down_shexp.weight", {S, E}, i);
                if (is_family(a, {"qwen2_moe"})) add(b + "ffn_gate_inp_shexp.weight", {E}, i);
            }
        } else {
            const int64_t F = a.ffn;
            if (is_phi3(a)) {
                add(b + "ffn_up.weight", {E, 2 * F}, i);  // phi3 fuses gate and up
            } else {
                if (a.gated_ffn) add(b + "ffn_gate.weight", {E, F}, i);
                add(b + "ffn_up.weight", {E, F}, i);
                if (neox) add(b + "ffn_up.bias", {F}, i);
            }
            add(b + "ffn_down.weight", {F, E}, i);
            if (neox) add(b + "ffn_down.bias", {E}, i);
        }
    }
    // llama-quantize walks llama_model_loader::weights_map: by block number, then name. The list is
    // built block by block in increasing number (the non-block tensors, -1, first), so sorting each
    // block's run by name gives that order with far fewer comparisons than sorting the whole list.
    for (auto first = out.begin(); first != out.end();) {
        auto last = std::find_if(first, out.end(), [&](const GgufPlannedTensor& t) { return t.layer != first->layer; });
        // Names in a block share the "blk.N." prefix: compare what follows it.
        const size_t prefix = first->layer >= 0 ? first->name.find('.', 4) + 1 : 0;
        std::stable_sort(first, last, [prefix](const GgufPlannedTensor& x, const GgufPlannedTensor& y) {
            return x.name.compare(prefix, std::string::npos, y.name, prefix, std::string::npos) < 0;
        });
        first = last;
    }
    return out;
}

namespace {

/// find_tensor_type for a stream of chosen types that are views of the tables' own names (or of a
/// tensor's converter type): one name is one address, so the last lookup is reused while the
/// address stays. String compares against the table were a fifth of a catalog sweep in WASM.
class TypeLookup {
public:
    explicit TypeLookup(const GgufTables& tables) : tables_(tables) {}
    const GgufTensorType* operator()(std::string_view name) {
        if (!looked_up_ || name.data() != last_.data() || name.size() != last_.size()) {
            type_ = find_tensor_type(tables_, name);
            last_ = name;
            looked_up_ = true;
        }
        return type_;
    }

private:
    const GgufTables& tables_;
    std::string_view last_;
    const GgufTensorType* type_ = nullptr;
    bool looked_up_ = false;
};

/// gguf_tensor_list of the last architecture asked for on this thread. A catalog sweep tries the
/// weight formats of one model one after another, and building the list (hundreds of named
/// tensors, sorted by name) was two thirds of each format's weights (perf on bench_recommend).
const std::vector<GgufPlannedTensor>& last_tensor_list(const ModelArch& a) {
    thread_local ModelArch last_arch;
    thread_local std::vector<GgufPlannedTensor> last;
    thread_local bool held = false;
    if (!held || !(last_arch == a)) {
        last = gguf_tensor_list(a);
        last_arch = a;
        held = true;
    }
    return last;
}

/// The type llama-quantize gives each of `tensors` (in order) in file type `ft`: views of names
/// held by `tables` or by the tensors themselves, so nothing is copied per tensor.
std::vector<std::string_view> assigned_type_names(const ModelArch& a, const std::vector<GgufPlannedTensor>& tensors,
                                                  const GgufFtype& ft, const GgufTables& tables,
                                                  const GgufQuantOptions& opt) {
    std::vector<std::string_view> types;
    types.reserve(tensors.size());
    for (const GgufPlannedTensor& t : tensors) types.emplace_back(t.type);
    const GgufTensorType* def = find_tensor_type(tables, ft.default_type);
    if (!def) return types;
    const bool quantized = def->block > 1;
    const bool imatrix = opt.imatrix.value_or(
        std::find(tables.imatrix_required.begin(), tables.imatrix_required.end(), ft.name) !=
        tables.imatrix_required.end());
    const std::string arch = llama_cpp_arch(a);
    const int gqa = a.kv_heads > 0 ? a.heads / a.kv_heads : 1;
    // llama_model's LLM_TYPE_70B: the llama architecture with 80 layers and grouped KV heads.
    const std::string size_class = (arch == "llama" && a.layers == 80 && a.kv_heads < a.heads) ? "70B" : "";
    auto attn_v_like = [](GgufCategory c) {
        return c == GgufCategory::attn_v || c == GgufCategory::attn_qkv || c == GgufCategory::attn_kv_b;
    };
    int n_wv = 0;
    for (const auto& t : tensors)
        if (attn_v_like(t.category) && t.quantizable) ++n_wv;
    int i_wv = 0, counter_down = 0;
    auto in = [](const std::vector<std::string>& v, std::string_view s) {
        return std::find(v.begin(), v.end(), s) != v.end();
    };
    TypeLookup type_of(tables);
    // Each rule's conditions on the model and the run alone (architecture, importance matrix, GQA,
    // experts, size class), decided once instead of for every tensor the rule is tried on.
    std::vector<std::vector<char>> model_holds(ft.stages.size());
    for (size_t s = 0; s < ft.stages.size(); ++s)
        for (const GgufRule& r : ft.stages[s]) {
            const GgufRuleCondition& w = r.when;
            const bool ok = (w.arch.empty() || in(w.arch, arch)) && (w.arch_not.empty() || !in(w.arch_not, arch)) &&
                            (!w.imatrix || imatrix == *w.imatrix) && (!w.gqa_min || gqa >= *w.gqa_min) &&
                            (!w.experts_min || a.moe.experts >= *w.experts_min) &&
                            (!w.experts_eq || a.moe.experts == *w.experts_eq) &&
                            (w.size_class.empty() || w.size_class == size_class);
            model_holds[s].push_back(ok);
        }

    for (size_t k = 0; k < tensors.size(); ++k) {
        const GgufPlannedTensor& t = tensors[k];
        if (!t.quantizable) continue;
        if (!quantized) {
            types[k] = def->name;
            continue;
        }
        const bool v_like = attn_v_like(t.category);
        const int i = v_like ? i_wv : t.layer;
        const int n = v_like ? n_wv : a.layers;
        std::string_view type = def->name;
        // The conditions on the tensor and on the type chosen so far; the rest is in model_holds.
        auto holds = [&](const GgufRuleCondition& w) {
            if (!w.from_types.empty() && !in(w.from_types, type)) return false;
            if (w.ncols_not_divisible && (t.ne[0] % def->block != 0) != *w.ncols_not_divisible) return false;
            if (w.more_bits && use_more_bits(i, n) != *w.more_bits) return false;
            if (w.index_below && !(i < *w.index_below)) return false;
            if (w.layer_below_eighth && (i < n / 8) != *w.layer_below_eighth) return false;
            if (w.layer_below_sixteenth && (i < n / 16) != *w.layer_below_sixteenth) return false;
            if (w.layer_middle && (i >= n / 8 && i < 7 * n / 8) != *w.layer_middle) return false;
            if (w.counter_below_eighth && (counter_down < a.layers / 8) != *w.counter_below_eighth)
                return false;
            if (w.expert_tensor && (t.dims > 2 && t.ne[2] > 1) != *w.expert_tensor) return false;
            return true;
        };
        for (size_t s = 0; s < ft.stages.size(); ++s) {
            if (t.category == GgufCategory::output && s > 0) break;  // output has its own branch
            for (size_t ri = 0; ri < ft.stages[s].size(); ++ri) {
                const GgufRule& r = ft.stages[s][ri];
                const bool cat = (r.any_category && t.category != GgufCategory::output) ||
                                 std::find(r.categories.begin(), r.categories.end(), t.category) !=
                                     r.categories.end();
                if (cat && model_holds[s][ri] && holds(r.when)) {
                    if (!r.type.empty()) type = r.type;
                    break;
                }
            }
        }
        if (v_like) ++i_wv;
        if (t.category == GgufCategory::ffn_down) ++counter_down;
        // tensor_type_fallback: rows that are not a whole number of blocks.
        const GgufTensorType* tt = type_of(type);
        if (tt && t.ne[0] % tt->block != 0) {
            auto fb = tables.fallback.find(std::string(type));
            const GgufTensorType* f = fb != tables.fallback.end() ? find_tensor_type(tables, fb->second) : nullptr;
            type = (f && t.ne[0] % f->block == 0) ? std::string_view(f->name) : std::string_view("F16");
        }
        types[k] = type;
    }
    return types;
}

}  // namespace

std::vector<GgufPlannedTensor> gguf_assign_types(const ModelArch& a, const GgufFtype& ft,
                                          const GgufTables& tables, const GgufQuantOptions& opt) {
    std::vector<GgufPlannedTensor> tensors = last_tensor_list(a);
    const std::vector<std::string_view> types = assigned_type_names(a, tensors, ft, tables, opt);
    for (size_t k = 0; k < tensors.size(); ++k) tensors[k].type = std::string(types[k]);
    return tensors;
}

int64_t gguf_metadata_bytes(const ModelArch& a, const std::vector<GgufPlannedTensor>& tensors) {
    // Tensor infos: name (u64 length + text), n_dims (u32), dims (u64 each), type (u32), offset (u64).
    int64_t info = 0;
    for (const auto& t : tensors) info += 8 + int64_t(t.name.size()) + 4 + 8 * t.dims + 4 + 8;
    const double v = a.vocab;
    // tokenizer.ggml.tokens (u64 length + text per token) and token_type (i32 per token);
    // SentencePiece vocabularies add a f32 score per token, BPE ones a merges list.
    double tokenizer = v * (8 + mc::kGgufMeanTokenBytes) + v * 4;
    const bool sentencepiece = is_family(a, {"gemma", "gemma2", "gemma3", "gemma3_text"}) ||
                               (llama_cpp_arch(a) == "llama" && a.vocab <= 32768);
    if (sentencepiece) tokenizer += v * 4;
    else {
        const double merges = a.vocab == mc::kLlama3Vocab ? double(mc::kLlama3Merges)
                                                          : mc::kGgufMergesPerToken * v;
        tokenizer += merges * (8 + mc::kGgufMeanMergeBytes);
    }
    return static_cast<int64_t>(mc::kGgufHeaderAndKvBytes + double(info) + tokenizer) +
           mc::kGgufAlignment;
}

std::optional<GgufWeights> gguf_weights(const ModelArch& a, std::string_view file_type,
                                        const GgufTables& tables, const GgufQuantOptions& opt) {
    const GgufFtype* ft = find_file_type(tables, file_type);
    if (!ft) return std::nullopt;
    const std::vector<GgufPlannedTensor>& tensors = last_tensor_list(a);
    const std::vector<std::string_view> types = assigned_type_names(a, tensors, *ft, tables, opt);
    GgufWeights w;
    TypeLookup type_of(tables);
    for (size_t k = 0; k < tensors.size(); ++k) {
        const GgufPlannedTensor& t = tensors[k];
        const GgufTensorType* tt = type_of(types[k]);
        if (!tt) return std::nullopt;
        const int64_t bytes = gguf_tensor_bytes(*tt, t.elements());
        w.tensor_bytes += (bytes + mc::kGgufAlignment - 1) / mc::kGgufAlignment * mc::kGgufAlignment;
        w.params += t.elements();
        if (t.name == "token_embd.weight") w.token_embd_bytes = bytes;
        if (t.dims > 2 && t.ne[2] > 1) w.expert_bytes += bytes;
    }
    w.metadata_bytes = gguf_metadata_bytes(a, tensors);
    w.file_bytes = w.tensor_bytes + w.metadata_bytes;
    // llama.cpp assigns the input embedding (a get_rows lookup) to host memory; with tied
    // embeddings the output layer gets its own device copy of the same table.
    w.device_bytes = a.tied_embeddings ? w.tensor_bytes : w.tensor_bytes - w.token_embd_bytes;
    return w;
}

}  // namespace headroom
