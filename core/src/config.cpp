// config.cpp: Hugging Face config.json -> ModelArch, family by family.
#include "headroom/config.h"

#include <algorithm>
#include <array>

#include "json_read.h"

namespace headroom {
namespace {

using detail::json;

/// Families core knows how to read, with the defaults their configuration classes use when a key
/// is absent (transformers' *Config constructors).
struct FamilyTraits {
    std::string_view model_type;
    bool tied_default;
    bool gated_ffn;
};

constexpr std::array kFamilies = {
    FamilyTraits{"llama", false, true},      FamilyTraits{"mistral", false, true},
    FamilyTraits{"mixtral", false, true},    FamilyTraits{"qwen2", false, true},
    FamilyTraits{"qwen2_moe", false, true},  FamilyTraits{"qwen3", false, true},
    FamilyTraits{"qwen3_moe", false, true},  FamilyTraits{"gemma", true, true},
    FamilyTraits{"gemma2", true, true},      FamilyTraits{"gemma3_text", true, true},
    FamilyTraits{"gemma3", true, true},      FamilyTraits{"phi3", false, true},
    FamilyTraits{"granite", true, true},     FamilyTraits{"olmo2", false, true},
    FamilyTraits{"cohere", true, true},      FamilyTraits{"cohere2", true, true},
    FamilyTraits{"glm4", false, true},       FamilyTraits{"deepseek_v2", false, true},
    FamilyTraits{"deepseek_v3", false, true}, FamilyTraits{"gpt_oss", false, true},
    FamilyTraits{"smollm3", true, true},     FamilyTraits{"exaone", false, true},
    FamilyTraits{"internlm2", false, true},  FamilyTraits{"starcoder2", false, false},
    FamilyTraits{"gpt_neox", false, false},  FamilyTraits{"falcon", true, false},
    FamilyTraits{"stablelm", false, true},   FamilyTraits{"phimoe", false, true},
};

const FamilyTraits* find_family(std::string_view model_type) {
    for (const auto& f : kFamilies)
        if (f.model_type == model_type) return &f;
    return nullptr;
}

/// The first of several synonymous keys that is present (families name the same thing differently).
const char* first_key(const json& cfg, std::initializer_list<const char*> keys) {
    for (const char* k : keys)
        if (cfg.contains(k) && !cfg[k].is_null()) return k;
    return *keys.begin();
}

constexpr int64_t kMaxDim = 1 << 22;      // no real hidden/FFN size is near 4M
// The deepest published decoders have under 200 layers; past 1024 every per-tensor model (GGUF
// types, memory placement) only grows slower for inputs that describe no real model.
constexpr int64_t kMaxLayers = 1024;
constexpr int64_t kMaxVocab = 1 << 24;
constexpr int64_t kMaxContext = int64_t(1) << 26;
// The largest published models hold about 2e12 weights; 1e14 leaves room for fifty times that and
// keeps every tensor and total count far inside int64.
constexpr double kMaxParams = 1e14;

/// An upper bound on the weights `a` describes, in double so that absurd configs cannot overflow.
double params_upper_bound(const ModelArch& a) {
    const double h = a.hidden, L = a.layers;
    const double attn = h * a.head_dim * (double(a.heads) * 2 + 2.0 * a.kv_heads) + 2 * h;
    const MlaSpec& m = a.mla;
    const double mla = (double(m.q_lora_rank) + m.kv_lora_rank + m.qk_rope_head_dim) * h +
                       double(m.q_lora_rank) * a.heads * (double(m.qk_nope_head_dim) + m.qk_rope_head_dim) +
                       double(m.kv_lora_rank) * a.heads * (double(m.qk_nope_head_dim) + m.v_head_dim) +
                       double(a.heads) * m.v_head_dim * h;
    const MoeSpec& e = a.moe;
    const double ffn = 3 * h * a.ffn;
    const double moe = 3 * h * e.expert_ffn * e.experts + h * e.experts +
                       3 * h * double(e.shared_expert_ffn > 0 ? e.shared_expert_ffn : e.expert_ffn) * e.shared_experts;
    return L * (attn + mla + ffn + moe) + 2 * double(a.vocab) * h;
}

bool read_arch(const json& cfg, ModelArch& a, std::string& err) {
    if (!cfg.is_object()) {
        err = "config must be a JSON object";
        return false;
    }
    // Multimodal configs nest the language model under text_config; read that, keep the outer type.
    const json* text = &cfg;
    if (auto it = cfg.find("text_config"); it != cfg.end() && it->is_object()) text = &*it;
    const json& c = *text;

    std::string outer_type, inner_type;
    if (!detail::read_string(cfg, "model_type", outer_type, err, true)) return false;
    if (!detail::read_string(c, "model_type", inner_type, err)) return false;
    a.model_type = outer_type;
    const FamilyTraits* fam = find_family(inner_type.empty() ? outer_type : inner_type);
    if (!fam) fam = find_family(outer_type);
    if (!fam) {
        err = "unsupported model_type '" + outer_type + "'";
        return false;
    }

    if (!detail::read_int(c, first_key(c, {"num_hidden_layers", "n_layer", "num_layers"}), 1,
                          kMaxLayers, a.layers, err, true))
        return false;
    if (!detail::read_int(c, first_key(c, {"hidden_size", "n_embd", "d_model"}), 1, kMaxDim, a.hidden,
                          err, true))
        return false;
    if (!detail::read_int(c, first_key(c, {"num_attention_heads", "n_head"}), 1, 4096, a.heads, err,
                          true))
        return false;
    a.kv_heads = a.heads;
    if (!detail::read_int(c, first_key(c, {"num_key_value_heads", "num_kv_heads"}), 1, 4096,
                          a.kv_heads, err))
        return false;
    if (a.kv_heads > a.heads) {
        err = "num_key_value_heads is larger than num_attention_heads";
        return false;
    }
    bool multi_query = false;
    if (!detail::read_bool(c, "multi_query", multi_query, err)) return false;
    if (multi_query && !c.contains("num_kv_heads")) a.kv_heads = 1;
    a.head_dim = a.hidden / a.heads;
    if (!detail::read_int(c, "head_dim", 1, 65536, a.head_dim, err)) return false;
    if (a.head_dim < 1) {
        err = "num_attention_heads is larger than hidden_size and no head_dim is given";
        return false;
    }
    a.ffn = fam->gated_ffn ? 0 : 4 * a.hidden;
    if (!detail::read_int(c, first_key(c, {"intermediate_size", "ffn_hidden_size", "n_inner"}), 1,
                          kMaxDim, a.ffn, err, fam->gated_ffn))
        return false;
    if (!detail::read_int(c, first_key(c, {"vocab_size", "padded_vocab_size"}), 1, kMaxVocab,
                          a.vocab, err, true))
        return false;
    a.tied_embeddings = fam->tied_default;
    if (!detail::read_bool(c, "tie_word_embeddings", a.tied_embeddings, err)) return false;
    if (c.contains("tie_word_embeddings") == false && cfg.contains("tie_word_embeddings") &&
        !detail::read_bool(cfg, "tie_word_embeddings", a.tied_embeddings, err))
        return false;
    a.gated_ffn = fam->gated_ffn;
    a.attention_bias = fam->model_type == "qwen2" || fam->model_type == "qwen2_moe";
    if (!detail::read_bool(c, "attention_bias", a.attention_bias, err)) return false;
    a.max_context = 0;
    if (!detail::read_int(c, first_key(c, {"max_position_embeddings", "n_positions", "seq_length"}), 1,
                          kMaxContext, a.max_context, err))
        return false;

    // Mixture of experts: the families spell the same four numbers differently.
    MoeSpec& m = a.moe;
    if (!detail::read_int(c, first_key(c, {"num_local_experts", "num_experts", "n_routed_experts"}), 0,
                          1 << 16, m.experts, err))
        return false;
    if (m.experts > 0) {
        if (!detail::read_int(c, first_key(c, {"num_experts_per_tok", "experts_per_token"}), 1,
                              m.experts, m.active_experts, err, true))
            return false;
        m.expert_ffn = a.ffn;
        if (!detail::read_int(c, "moe_intermediate_size", 1, kMaxDim, m.expert_ffn, err)) return false;
        if (!detail::read_int(c, "n_shared_experts", 0, 1024, m.shared_experts, err)) return false;
        if (!detail::read_int(c, "shared_expert_intermediate_size", 0, kMaxDim, m.shared_expert_ffn, err))
            return false;
        if (m.shared_expert_ffn > 0 && m.shared_experts == 0) m.shared_experts = 1;
        if (!detail::read_int(c, "first_k_dense_replace", 0, a.layers, m.leading_dense_layers, err))
            return false;
        if (!detail::read_int(c, first_key(c, {"decoder_sparse_step", "moe_layer_freq"}), 1, a.layers,
                              m.moe_layer_step, err))
            return false;
    }

    // Multi-head latent attention.
    MlaSpec& mla = a.mla;
    if (c.contains("kv_lora_rank") && !c["kv_lora_rank"].is_null()) {
        if (!detail::read_int(c, "kv_lora_rank", 1, kMaxDim, mla.kv_lora_rank, err, true) ||
            !detail::read_int(c, "q_lora_rank", 0, kMaxDim, mla.q_lora_rank, err) ||
            !detail::read_int(c, "qk_rope_head_dim", 1, 65536, mla.qk_rope_head_dim, err, true) ||
            !detail::read_int(c, "qk_nope_head_dim", 1, 65536, mla.qk_nope_head_dim, err, true) ||
            !detail::read_int(c, "v_head_dim", 1, 65536, mla.v_head_dim, err, true))
            return false;
    }

    // Which layers attend to what.
    LayerKind kind = mla.kv_lora_rank > 0 ? LayerKind::mla : LayerKind::full_attention;
    a.layer_kinds.assign(static_cast<size_t>(a.layers), kind);
    bool windowed = false;
    if (auto it = c.find("sliding_window"); it != c.end() && it->is_number()) {
        if (!detail::read_int(c, "sliding_window", 1, kMaxContext, a.sliding_window, err)) return false;
        windowed = true;
        if (!detail::read_bool(c, "use_sliding_window", windowed, err)) return false;
    }
    if (windowed) {
        if (auto lt = c.find("layer_types"); lt != c.end() && lt->is_array()) {
            if (lt->size() != static_cast<size_t>(a.layers)) {
                err = "layer_types has " + std::to_string(lt->size()) + " entries for " +
                      std::to_string(a.layers) + " layers";
                return false;
            }
            for (size_t i = 0; i < lt->size(); ++i)
                if ((*lt)[i] == "sliding_attention") a.layer_kinds[i] = LayerKind::sliding_attention;
        } else if (fam->model_type == "gemma2") {
            for (size_t i = 0; i < a.layer_kinds.size(); i += 2)
                a.layer_kinds[i] = LayerKind::sliding_attention;
        } else if (fam->model_type == "gemma3_text" || fam->model_type == "gemma3") {
            int pattern = 6;  // Gemma 3: five local layers, then one global
            if (!detail::read_int(c, "sliding_window_pattern", 1, a.layers, pattern, err)) return false;
            for (size_t i = 0; i < a.layer_kinds.size(); ++i)
                if ((i + 1) % static_cast<size_t>(pattern) != 0)
                    a.layer_kinds[i] = LayerKind::sliding_attention;
        } else if (fam->model_type == "mistral" || fam->model_type == "mixtral" ||
                   fam->model_type == "phi3" || fam->model_type == "starcoder2") {
            std::fill(a.layer_kinds.begin(), a.layer_kinds.end(), LayerKind::sliding_attention);
        } else {
            a.sliding_window = 0;  // the key is present but these families do not use it
        }
    } else {
        a.sliding_window = 0;
    }
    if (a.sliding_window >= a.max_context && a.max_context > 0) {
        std::fill(a.layer_kinds.begin(), a.layer_kinds.end(), kind);
        a.sliding_window = 0;
    }
    if (const double bound = params_upper_bound(a); bound > kMaxParams) {
        err = "config describes up to " + std::to_string(static_cast<long long>(bound / 1e12)) +
              "T parameters, beyond any real model (limit 100T)";
        return false;
    }
    return true;
}

}  // namespace

ArchResult parse_hf_config(std::string_view config_json) {
    ArchResult r;
    json cfg = detail::parse_json(config_json, r.error);
    if (!r.error.empty()) return r;
    if (!read_arch(cfg, r.arch, r.error)) r.arch = ModelArch{};
    return r;
}

namespace detail {
bool arch_from_config(const json& cfg, ModelArch& arch, std::string& error) {
    return read_arch(cfg, arch, error);
}
}  // namespace detail

}  // namespace headroom
