// config.cpp: Hugging Face config.json -> ModelArch, family by family.
//
// Reading happens in three steps: the defaults of the family's configuration class fill keys a
// config.json leaves out, the fields every decoder shares are read (with the synonyms families use),
// then the family's own reader adds what only it has: hybrid layer layouts and their recurrent
// mixers, MoE placement, vision towers and multi-token-prediction layers.
#include "headroom/config.h"

#include <algorithm>
#include <array>

#include "arch_tensors.h"
#include "json_read.h"

namespace headroom {
namespace {

using detail::json;

/// Family-specific part of reading: `outer` is the whole config, `c` the language model's part.
using FamilyReader = bool (*)(const json& outer, const json& c, ModelArch& a, std::string& err);

/// Families core knows how to read, with the defaults their configuration classes use when a key
/// is absent (transformers' *Config constructors).
struct FamilyTraits {
    std::string_view model_type;
    bool tied_default;
    bool gated_ffn;
    bool qkv_bias_default = false;
    FamilyReader reader = nullptr;
    /// Keys the configuration class defaults, as JSON; used only where config.json omits them.
    const char* defaults = nullptr;
};

// ---------------------------------------------------------------------------------------------
// Small readers shared by several families.

constexpr int64_t kMaxDim = 1 << 22;      // no real hidden/FFN size is near 4M
// The deepest published decoders have under 200 layers; past 1024 every per-tensor model (GGUF
// types, memory placement) only grows slower for inputs that describe no real model.
constexpr int64_t kMaxLayers = 1024;
constexpr int64_t kMaxVocab = 1 << 24;
constexpr int64_t kMaxContext = int64_t(1) << 26;
// The largest published models hold about 2e12 weights; 1e14 leaves room for fifty times that and
// keeps every tensor and total count far inside int64.
constexpr double kMaxParams = 1e14;

/// The first of several synonymous keys that is present (families name the same thing differently).
const char* first_key(const json& cfg, std::initializer_list<const char*> keys) {
    for (const char* k : keys)
        if (cfg.contains(k) && !cfg[k].is_null()) return k;
    return *keys.begin();
}

bool has(const json& c, const char* key) { return c.contains(key) && !c[key].is_null(); }

/// A per-layer list of strings (layer_types and the like), checked against the layer count.
bool read_layer_list(const json& c, const char* key, int layers, std::vector<std::string>& out,
                     std::string& err) {
    auto it = c.find(key);
    if (it == c.end() || !it->is_array()) {
        err = std::string("missing field '") + key + "'";
        return false;
    }
    if (it->size() != static_cast<size_t>(layers)) {
        err = std::string(key) + " has " + std::to_string(it->size()) + " entries for " +
              std::to_string(layers) + " layers";
        return false;
    }
    for (const json& v : *it) {
        if (!v.is_string()) {
            err = std::string("field '") + key + "' must list strings";
            return false;
        }
        out.push_back(v.get<std::string>());
    }
    return true;
}

/// Layer indices listed in an integer array (LFM2's full_attn_idxs, Mllama's cross_attention_layers).
bool read_index_list(const json& c, const char* key, int layers, std::vector<int>& out, std::string& err) {
    auto it = c.find(key);
    if (it == c.end() || !it->is_array()) {
        err = std::string("missing field '") + key + "'";
        return false;
    }
    for (const json& v : *it) {
        if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() >= layers) {
            err = std::string("field '") + key + "' must list layer indices";
            return false;
        }
        out.push_back(static_cast<int>(v.get<int64_t>()));
    }
    return true;
}

/// Mamba (v1, Jamba) mixer: in_proj to 2*d_inner, depthwise conv, x_proj to dt rank + B + C,
/// dt_proj, A_log and D, out_proj; optional layernorms on dt, B and C.
struct Mamba1 {
    int64_t d_inner, d_state, d_conv, dt_rank;
    bool conv_bias, proj_bias, inner_norms;
};
RecurrentSpec mamba1_spec(int64_t h, const Mamba1& m) {
    RecurrentSpec r;
    r.state_elements = m.d_inner * m.d_state;
    r.conv_elements = m.d_inner * (m.d_conv - 1);
    r.params_per_layer = h * 2 * m.d_inner + (m.proj_bias ? 2 * m.d_inner : 0)  // in_proj
                         + m.d_inner * m.d_conv + (m.conv_bias ? m.d_inner : 0)  // conv1d
                         + m.d_inner * (m.dt_rank + 2 * m.d_state)               // x_proj
                         + m.dt_rank * m.d_inner + m.d_inner                     // dt_proj
                         + m.d_inner * m.d_state + m.d_inner                     // A_log, D
                         + m.d_inner * h + (m.proj_bias ? h : 0)                 // out_proj
                         + (m.inner_norms ? m.dt_rank + 2 * m.d_state : 0);
    return r;
}

/// Mamba-2 mixer (Granite 4.0 H, Nemotron-H, Falcon-H1): in_proj to z, x, B, C and dt, depthwise
/// conv over x, B, C, per-head dt_bias, A_log and D, optional gated RMSNorm, out_proj.
struct Mamba2 {
    int64_t d_inner, heads, groups, d_state, d_conv;
    bool conv_bias, proj_bias, norm;
};
RecurrentSpec mamba2_spec(int64_t h, const Mamba2& m) {
    const int64_t conv_dim = m.d_inner + 2 * m.groups * m.d_state;
    const int64_t in_width = m.d_inner + conv_dim + m.heads;
    RecurrentSpec r;
    r.state_elements = m.d_inner * m.d_state;  // heads x head_dim x d_state
    r.conv_elements = conv_dim * (m.d_conv - 1);
    r.params_per_layer = h * in_width + (m.proj_bias ? in_width : 0) + conv_dim * m.d_conv +
                         (m.conv_bias ? conv_dim : 0) + 3 * m.heads + (m.norm ? m.d_inner : 0) +
                         m.d_inner * h + (m.proj_bias ? h : 0);
    return r;
}

/// Reads a Mamba-2 block from the keys a family uses; d_inner from heads x head dim, or expand x hidden.
struct Mamba2Keys {
    const char* heads;
    const char* head_dim;
    const char* groups;
    const char* d_state;
    const char* d_conv;
    const char* conv_bias;
    const char* proj_bias;
    const char* d_inner;  ///< explicit inner width key, or nullptr
    bool norm_default;
    const char* norm;     ///< key that switches the gated norm, or nullptr (always norm_default)
};
bool read_mamba2(const json& c, const ModelArch& a, const Mamba2Keys& k, RecurrentSpec& out,
                 std::string& err) {
    Mamba2 m{0, 0, 1, 0, 4, true, false, k.norm_default};
    int64_t head_dim = 0, expand = 2;
    if (!detail::read_int(c, k.heads, 1, 1 << 16, m.heads, err, true) ||
        !detail::read_int(c, k.head_dim, 1, 1 << 16, head_dim, err) ||
        !detail::read_int(c, k.groups, 1, 1 << 16, m.groups, err) ||
        !detail::read_int(c, k.d_state, 1, 1 << 16, m.d_state, err, true) ||
        !detail::read_int(c, k.d_conv, 1, 1024, m.d_conv, err) ||
        !detail::read_bool(c, k.conv_bias, m.conv_bias, err) ||
        !detail::read_bool(c, k.proj_bias, m.proj_bias, err) ||
        !detail::read_int(c, "mamba_expand", 1, 64, expand, err))
        return false;
    if (k.norm && !detail::read_bool(c, k.norm, m.norm, err)) return false;
    m.d_inner = head_dim > 0 ? m.heads * head_dim : expand * a.hidden;
    if (k.d_inner && !detail::read_int(c, k.d_inner, 1, kMaxDim, m.d_inner, err)) return false;
    out = mamba2_spec(a.hidden, m);
    return true;
}

/// Parameters of a ViT encoder layer stack with biased q/k/v/o, a two-matrix GELU MLP with biases and
/// two LayerNorms per layer (SigLIP, Llama 4's vision encoder).
int64_t vit_layers(int64_t layers, int64_t width, int64_t mlp) {
    return layers * (4 * (width * width + width) + width * mlp + mlp + mlp * width + width + 4 * width);
}

bool read_vision_dims(const json& v, int64_t& layers, int64_t& width, int64_t& mlp, int64_t& patch,
                      int64_t& image, int64_t& channels, std::string& err) {
    // Absent keys keep the caller's defaults; a family without defaults starts from zero and is refused.
    if (!(detail::read_int(v, "num_hidden_layers", 1, kMaxLayers, layers, err) &&
          detail::read_int(v, "hidden_size", 1, kMaxDim, width, err) &&
          detail::read_int(v, "intermediate_size", 1, kMaxDim, mlp, err) &&
          detail::read_int(v, "patch_size", 1, 4096, patch, err) &&
          detail::read_int(v, "image_size", 1, 1 << 16, image, err) &&
          detail::read_int(v, "num_channels", 1, 16, channels, err)))
        return false;
    if (layers == 0 || width == 0 || mlp == 0 || patch == 0 || image == 0) {
        err = "vision_config lacks its layer count, widths, patch or image size";
        return false;
    }
    return true;
}

/// Multi-token-prediction layers (DeepSeek V3, GLM-4.5, Qwen3.5): each is one more decoder layer like
/// the last of the main stack plus two input norms, the projection of [embedding; hidden] back to
/// hidden and its own output norm; DeepSeek-style checkpoints also store their own copies of the
/// embedding table and output head (`own_embeddings`), Qwen3.5 shares the main ones.
int64_t mtp_params(const ModelArch& a, int64_t mtp_layers, bool own_embeddings = true);

/// Qwen3-VL / Qwen3.5 vision tower: a Conv3d patch embedding (temporal x spatial patch, with bias),
/// learned position embeddings, ViT layers, the 2x2 patch merger into the text width, and one more
/// merger (with its norm after the shuffle) per deepstack layer. Checked against the safetensors
/// census of Qwen3-VL-8B-Instruct (8,767,123,696), which it reproduces to the unit.
bool qwen3_vl_vision(const json& outer, int64_t& out, std::string& err);

// ---------------------------------------------------------------------------------------------
// Family readers.

/// Sliding-window layout of the families that have one (layer_types when present, else the family rule).
bool read_sliding(const json& c, std::string_view family, ModelArch& a, std::string& err) {
    const LayerKind kind = a.mla.kv_lora_rank > 0 ? LayerKind::mla : LayerKind::full_attention;
    bool windowed = false;
    if (auto it = c.find("sliding_window"); it != c.end() && it->is_number()) {
        if (!detail::read_int(c, "sliding_window", 1, kMaxContext, a.sliding_window, err)) return false;
        windowed = true;
        if (!detail::read_bool(c, "use_sliding_window", windowed, err)) return false;
    }
    if (windowed) {
        if (auto lt = c.find("layer_types"); lt != c.end() && lt->is_array()) {
            std::vector<std::string> types;
            if (!read_layer_list(c, "layer_types", a.layers, types, err)) return false;
            for (size_t i = 0; i < types.size(); ++i)
                if (types[i] == "sliding_attention") a.layer_kinds[i] = LayerKind::sliding_attention;
        } else if (family == "gemma2") {
            for (size_t i = 0; i < a.layer_kinds.size(); i += 2)
                a.layer_kinds[i] = LayerKind::sliding_attention;
        } else if (family == "gemma3_text" || family == "gemma3") {
            int pattern = 6;  // Gemma 3: five local layers, then one global
            if (!detail::read_int(c, "sliding_window_pattern", 1, a.layers, pattern, err)) return false;
            for (size_t i = 0; i < a.layer_kinds.size(); ++i)
                if ((i + 1) % static_cast<size_t>(pattern) != 0)
                    a.layer_kinds[i] = LayerKind::sliding_attention;
        } else if (family == "mistral" || family == "mixtral" || family == "phi3" ||
                   family == "starcoder2") {
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
    return true;
}

/// Gemma 3: q/k norms, and the SigLIP vision tower plus its projector when vision_config is there.
bool read_gemma3(const json& outer, const json& c, ModelArch& a, std::string& err) {
    a.qk_norm = true;
    if (!read_sliding(c, "gemma3", a, err)) return false;
    auto v = outer.find("vision_config");
    if (v == outer.end() || !v->is_object()) return true;
    // SiglipVisionConfig defaults: 12 layers, 768 wide, MLP 3072, 224 px images, 16 px patches, RGB.
    int64_t layers = 12, width = 768, mlp = 3072, patch = 16, image = 224, channels = 3;
    if (!read_vision_dims(*v, layers, width, mlp, patch, image, channels, err)) return false;
    const int64_t positions = (image / patch) * (image / patch);
    a.extra_params = channels * patch * patch * width + width  // patch embedding conv with bias
                     + positions * width                      // position embedding
                     + vit_layers(layers, width, mlp) + 2 * width  // encoder, post LayerNorm
                     + width * a.hidden + width;  // Gemma 3 projector: soft-embedding norm + projection
    return true;
}

/// Qwen3-Next: Gated DeltaNet linear attention in three of every four layers, gated full attention
/// with q/k norms in the rest, MoE with a shared expert.
bool read_qwen3_next(const json&, const json& c, ModelArch& a, std::string& err) {
    int interval = 4;
    if (!detail::read_int(c, "full_attention_interval", 1, a.layers, interval, err)) return false;
    if (has(c, "layer_types")) {
        std::vector<std::string> types;
        if (!read_layer_list(c, "layer_types", a.layers, types, err)) return false;
        for (size_t i = 0; i < types.size(); ++i)
            a.layer_kinds[i] =
                types[i] == "linear_attention" ? LayerKind::linear_attention : LayerKind::full_attention;
    } else {
        for (int i = 0; i < a.layers; ++i)
            if ((i + 1) % interval != 0) a.layer_kinds[size_t(i)] = LayerKind::linear_attention;
    }
    a.attn_output_gate = true;
    a.qk_norm = true;
    int64_t k_heads = 0, v_heads = 0, k_dim = 0, v_dim = 0, conv = 4;
    if (!detail::read_int(c, "linear_num_key_heads", 1, 4096, k_heads, err, true) ||
        !detail::read_int(c, "linear_num_value_heads", 1, 4096, v_heads, err, true) ||
        !detail::read_int(c, "linear_key_head_dim", 1, 65536, k_dim, err, true) ||
        !detail::read_int(c, "linear_value_head_dim", 1, 65536, v_dim, err, true) ||
        !detail::read_int(c, "linear_conv_kernel_dim", 1, 1024, conv, err))
        return false;
    const int64_t h = a.hidden, key_dim = k_heads * k_dim, value_dim = v_heads * v_dim;
    const int64_t conv_dim = 2 * key_dim + value_dim;
    RecurrentSpec& r = a.recurrent;
    r.state_elements = v_heads * k_dim * v_dim;
    r.conv_elements = conv_dim * (conv - 1);
    r.params_per_layer = h * (2 * key_dim + 2 * value_dim)  // in_proj_qkvz
                         + h * 2 * v_heads                  // in_proj_ba (beta, alpha)
                         + conv_dim * conv                  // depthwise conv, no bias
                         + 2 * v_heads                      // dt_bias, A_log
                         + v_dim                            // gated RMSNorm over a head
                         + value_dim * h;                   // out_proj
    return true;
}

/// Llama 4: MoE every `interleave_moe_layer_step`-th layer (routed experts of intermediate_size plus
/// one shared expert of the same width), dense layers of intermediate_size_mlp; chunked attention in
/// the RoPE layers, global attention in every fourth (NoPE) layer; the vision tower.
bool read_llama4(const json& outer, const json& c, ModelArch& a, std::string& err) {
    MoeSpec& m = a.moe;
    int step = 1;
    if (!detail::read_int(c, "interleave_moe_layer_step", 1, a.layers, step, err)) return false;
    if (m.experts > 0) {
        m.shared_experts = 1;
        m.shared_expert_ffn = m.expert_ffn;
        m.moe_layer_step = step;
        m.moe_layer_offset = step - 1;  // moe_layers = step-1, 2*step-1, ...
        if (!detail::read_int(c, "intermediate_size_mlp", 1, kMaxDim, a.ffn, err)) return false;
    }
    int chunk = 0, nope_interval = 4;
    if (!detail::read_int(c, "attention_chunk_size", 1, kMaxContext, chunk, err) ||
        !detail::read_int(c, "no_rope_layer_interval", 1, a.layers, nope_interval, err))
        return false;
    if (chunk > 0 && (a.max_context == 0 || chunk < a.max_context)) {
        // A chunked layer attends at most within its chunk: its cache is bounded like a window.
        a.sliding_window = chunk;
        for (int i = 0; i < a.layers; ++i)
            if ((i + 1) % nope_interval != 0) a.layer_kinds[size_t(i)] = LayerKind::sliding_attention;
    }
    auto v = outer.find("vision_config");
    if (v == outer.end() || !v->is_object()) return true;
    int64_t layers = 0, width = 0, mlp = 0, patch = 0, image = 0, channels = 3, proj_in = 0, proj_out = 0,
            out_dim = 0;
    if (!read_vision_dims(*v, layers, width, mlp, patch, image, channels, err) ||
        !detail::read_int(*v, "projector_input_dim", 1, kMaxDim, proj_in, err, true) ||
        !detail::read_int(*v, "projector_output_dim", 1, kMaxDim, proj_out, err, true) ||
        !detail::read_int(*v, "vision_output_dim", 1, kMaxDim, out_dim, err, true))
        return false;
    const int64_t positions = (image / patch) * (image / patch) + 1;  // patches + class token
    a.extra_params = channels * patch * patch * width  // unfold + linear patch embedding, no bias
                     + width + positions * width       // class embedding, positional embedding
                     + 4 * width                       // LayerNorms before and after the encoder
                     + vit_layers(layers, width, mlp)
                     + mlp * proj_in + proj_out * proj_out  // pixel-shuffle adapter MLP
                     + out_dim * a.hidden;                  // projector into the text model
    return true;
}

/// LFM2: gated short-convolution blocks, attention (with q/k norms) at full_attn_idxs; the FFN width is
/// auto-adjusted like Llama's (2/3, multiplier, rounded up to block_multiple_of).
bool read_lfm2(const json&, const json& c, ModelArch& a, std::string& err) {
    std::vector<int> attn;
    if (has(c, "layer_types")) {
        std::vector<std::string> types;
        if (!read_layer_list(c, "layer_types", a.layers, types, err)) return false;
        for (int i = 0; i < a.layers; ++i)
            if (types[size_t(i)] != "conv") attn.push_back(i);
    } else if (!read_index_list(c, "full_attn_idxs", a.layers, attn, err)) {
        return false;
    }
    std::fill(a.layer_kinds.begin(), a.layer_kinds.end(), LayerKind::linear_attention);
    for (int i : attn) a.layer_kinds[size_t(i)] = LayerKind::full_attention;
    a.qk_norm = true;
    bool adjust = false, conv_bias = false;
    double multiplier = 1.0;
    int64_t multiple = 256, cache = 3;
    if (!detail::read_bool(c, "block_auto_adjust_ff_dim", adjust, err) ||
        !detail::read_number(c, "block_ffn_dim_multiplier", 0.01, 100.0, multiplier, err) ||
        !detail::read_int(c, "block_multiple_of", 1, 1 << 16, multiple, err) ||
        !detail::read_int(c, "conv_L_cache", 1, 1024, cache, err) ||
        !detail::read_bool(c, "conv_bias", conv_bias, err))
        return false;
    if (has(c, "block_ff_dim") && !detail::read_int(c, "block_ff_dim", 1, kMaxDim, a.ffn, err))
        return false;
    if (adjust) {
        int64_t ff = 2 * int64_t(a.ffn) / 3;
        ff = static_cast<int64_t>(multiplier * double(ff));
        a.ffn = static_cast<int>(multiple * ((ff + multiple - 1) / multiple));
    }
    const int64_t h = a.hidden;
    a.recurrent.conv_elements = h * (cache - 1);
    a.recurrent.params_per_layer = h * 3 * h + (conv_bias ? 3 * h : 0)  // in_proj to B, C, x
                                   + h * cache + (conv_bias ? h : 0)   // depthwise conv
                                   + h * h + (conv_bias ? h : 0);      // out_proj
    return true;
}

/// Jamba: one attention layer per attn_layer_period, Mamba elsewhere; MoE every expert_layer_period.
bool read_jamba(const json&, const json& c, ModelArch& a, std::string& err) {
    int attn_period = 8, attn_offset = 4, exp_period = 2, exp_offset = 1;
    if (!detail::read_int(c, "attn_layer_period", 1, a.layers, attn_period, err) ||
        !detail::read_int(c, "attn_layer_offset", 0, a.layers, attn_offset, err) ||
        !detail::read_int(c, "expert_layer_period", 1, a.layers, exp_period, err) ||
        !detail::read_int(c, "expert_layer_offset", 0, a.layers, exp_offset, err))
        return false;
    for (int i = 0; i < a.layers; ++i)
        a.layer_kinds[size_t(i)] =
            i % attn_period == attn_offset ? LayerKind::full_attention : LayerKind::state_space;
    a.moe.moe_layer_step = exp_period;
    a.moe.moe_layer_offset = exp_offset;
    Mamba1 m{0, 16, 4, 0, true, false, true};
    int64_t expand = 2;
    if (!detail::read_int(c, "mamba_expand", 1, 64, expand, err) ||
        !detail::read_int(c, "mamba_d_state", 1, 1 << 16, m.d_state, err) ||
        !detail::read_int(c, "mamba_d_conv", 1, 1024, m.d_conv, err) ||
        !detail::read_bool(c, "mamba_conv_bias", m.conv_bias, err) ||
        !detail::read_bool(c, "mamba_proj_bias", m.proj_bias, err) ||
        !detail::read_bool(c, "mamba_inner_layernorms", m.inner_norms, err))
        return false;
    m.dt_rank = (a.hidden + 15) / 16;  // "auto": ceil(hidden / 16)
    if (has(c, "mamba_dt_rank") && c["mamba_dt_rank"].is_number() &&
        !detail::read_int(c, "mamba_dt_rank", 1, kMaxDim, m.dt_rank, err))
        return false;
    m.d_inner = expand * a.hidden;
    a.recurrent = mamba1_spec(a.hidden, m);
    return true;
}

/// ERNIE 4.5 MoE: experts from moe_layer_start_index to moe_layer_end_index every moe_layer_interval;
/// the shared experts form one MLP of moe_num_shared_experts x moe_intermediate_size.
bool read_ernie_moe(const json&, const json& c, ModelArch& a, std::string& err) {
    MoeSpec& m = a.moe;
    if (!detail::read_int(c, "moe_num_experts", 1, 1 << 16, m.experts, err, true) ||
        !detail::read_int(c, "moe_k", 1, m.experts, m.active_experts, err, true) ||
        !detail::read_int(c, "moe_intermediate_size", 1, kMaxDim, m.expert_ffn, err, true) ||
        !detail::read_int(c, "moe_num_shared_experts", 0, 1024, m.shared_experts, err))
        return false;
    int start = 0, end = a.layers - 1, interval = 1;
    if (!detail::read_int(c, "moe_layer_start_index", 0, a.layers, start, err) ||
        !detail::read_int(c, "moe_layer_end_index", -1, a.layers, end, err) ||
        !detail::read_int(c, "moe_layer_interval", 1, a.layers, interval, err))
        return false;
    m.leading_dense_layers = start;
    m.last_moe_layer = end < 0 ? a.layers - 1 : end;
    m.moe_layer_step = interval;
    m.moe_layer_offset = interval - 1;  // (layer + 1) % interval == 0
    return read_sliding(c, "", a, err);
}

/// Hunyuan MoE: per-layer lists of expert width, top-k and shared experts (uniform in released models).
bool read_hunyuan_moe(const json&, const json& c, ModelArch& a, std::string& err) {
    MoeSpec& m = a.moe;
    auto uniform = [&](const char* key, int lo, int hi, int& out, bool required) {
        auto it = c.find(key);
        if (it == c.end() || it->is_null()) {
            if (required) err = std::string("missing field '") + key + "'";
            return !required;
        }
        if (it->is_number()) return detail::read_int(c, key, lo, hi, out, err, true);
        if (!it->is_array() || it->size() != size_t(a.layers) || !(*it)[0].is_number_integer()) {
            err = std::string("field '") + key + "' must be a number or one per layer";
            return false;
        }
        for (const json& v : *it)
            if (v != (*it)[0]) {
                err = std::string("field '") + key + "' differs between layers (not supported)";
                return false;
            }
        json one = json::object();
        one[key] = (*it)[0];
        return detail::read_int(one, key, lo, hi, out, err, true);
    };
    int shared = 0;
    if (!detail::read_int(c, "num_experts", 1, 1 << 16, m.experts, err, true) ||
        !uniform("moe_topk", 1, m.experts, m.active_experts, true) ||
        !uniform("moe_intermediate_size", 1, kMaxDim, m.expert_ffn, true) ||
        !uniform("num_shared_expert", 0, 1024, shared, false))
        return false;
    m.shared_experts = shared;
    m.shared_expert_ffn = a.ffn;  // the shared MLP is intermediate_size x num_shared_expert wide
    bool qk_norm = true;
    if (!detail::read_bool(c, "use_qk_norm", qk_norm, err)) return false;
    a.qk_norm = qk_norm;
    return read_sliding(c, "", a, err);
}

/// Granite 4.0 (granitemoehybrid): Mamba-2 or attention per layer_types; every layer's FFN is MoE
/// plus a shared MLP of shared_intermediate_size, or, without experts, a dense MLP.
bool read_granite_hybrid(const json&, const json& c, ModelArch& a, std::string& err) {
    std::vector<std::string> types;
    if (!read_layer_list(c, "layer_types", a.layers, types, err)) return false;
    bool any_mamba = false;
    for (size_t i = 0; i < types.size(); ++i) {
        if (types[i] == "mamba") {
            a.layer_kinds[i] = LayerKind::state_space;
            any_mamba = true;
        } else if (types[i] != "attention") {
            err = "layer_types entry '" + types[i] + "' is not 'mamba' or 'attention'";
            return false;
        }
    }
    MoeSpec& m = a.moe;
    int shared_ffn = 0;
    if (!detail::read_int(c, "shared_intermediate_size", 0, kMaxDim, shared_ffn, err)) return false;
    if (m.experts > 0) {
        m.shared_experts = shared_ffn > 0 ? 1 : 0;
        m.shared_expert_ffn = shared_ffn;
    } else if (shared_ffn > 0) {
        a.ffn = shared_ffn;  // no experts: the shared MLP is the whole FFN
    }
    if (!any_mamba) return true;
    return read_mamba2(c, a,
                       {"mamba_n_heads", "mamba_d_head", "mamba_n_groups", "mamba_d_state", "mamba_d_conv",
                        "mamba_conv_bias", "mamba_proj_bias", nullptr, true, nullptr},
                       a.recurrent, err);
}

/// Nemotron-H: hybrid_override_pattern lists one block per character: 'M' Mamba-2, '*' attention,
/// '-' MLP. Each MLP block is folded into the mixer block before it, so a layer here is one mixer
/// with or without an FFN; weights, KV and state come out exactly as in the checkpoint.
bool read_nemotron_h(const json&, const json& c, ModelArch& a, std::string& err) {
    std::string pattern;
    if (!detail::read_string(c, "hybrid_override_pattern", pattern, err, true)) return false;
    if (pattern.size() != size_t(a.layers)) {
        err = "hybrid_override_pattern has " + std::to_string(pattern.size()) + " blocks for " +
              std::to_string(a.layers) + " layers";
        return false;
    }
    std::vector<LayerKind> kinds;
    std::vector<LayerParts> parts;
    for (char ch : pattern) {
        if (ch == '-') {
            if (kinds.empty() || parts.back().ffn) {
                err = "hybrid_override_pattern: an MLP block must follow a mixer block";
                return false;
            }
            parts.back().ffn = true;
        } else if (ch == 'M' || ch == '*') {
            kinds.push_back(ch == 'M' ? LayerKind::state_space : LayerKind::full_attention);
            parts.push_back(LayerParts{false, false});
        } else {
            err = std::string("hybrid_override_pattern has an unknown block '") + ch + "'";
            return false;
        }
    }
    a.layers = static_cast<int>(kinds.size());
    a.layer_kinds = std::move(kinds);
    a.layer_parts = std::move(parts);
    return read_mamba2(c, a,
                       {"mamba_num_heads", "mamba_head_dim", first_key(c, {"n_groups", "mamba_num_groups"}),
                        "ssm_state_size", "conv_kernel", "use_conv_bias", "use_bias", nullptr, true, nullptr},
                       a.recurrent, err);
}

/// Falcon-H1: attention and a Mamba-2 mixer side by side in every layer, then a gated MLP.
bool read_falcon_h1(const json&, const json& c, ModelArch& a, std::string& err) {
    if (has(c, "attn_layer_indices")) {
        err = "Falcon-H1 attn_layer_indices is not supported";
        return false;
    }
    a.layer_parts.assign(size_t(a.layers), LayerParts{true, true});
    return read_mamba2(c, a,
                       {"mamba_n_heads", "mamba_d_head", "mamba_n_groups", "mamba_d_state", "mamba_d_conv",
                        "mamba_conv_bias", "mamba_proj_bias", "mamba_d_ssm", false, "mamba_rms_norm"},
                       a.recurrent, err);
}

/// DeepSeek V3 layout (also Kimi K2): multi-token-prediction layers are part of the checkpoint.
bool read_mtp(const json&, const json& c, ModelArch& a, std::string& err) {
    int mtp = 0;
    if (!detail::read_int(c, "num_nextn_predict_layers", 0, 64, mtp, err)) return false;
    a.extra_params = mtp_params(a, mtp);
    return read_sliding(c, "", a, err);
}

/// GLM-4.5 / 4.6: DeepSeek-style MoE placement and MTP, q/k norms when use_qk_norm.
bool read_glm4_moe(const json& outer, const json& c, ModelArch& a, std::string& err) {
    bool qk_norm = false;
    if (!detail::read_bool(c, "use_qk_norm", qk_norm, err)) return false;
    a.qk_norm = qk_norm;
    return read_mtp(outer, c, a, err);
}

/// MiniCPM3: DeepSeek-V2-style MLA in a dense model; its value heads are hidden / heads wide.
bool read_minicpm3(const json&, const json& c, ModelArch& a, std::string& err) {
    if (a.mla.kv_lora_rank == 0) {
        err = "missing field 'kv_lora_rank'";
        return false;
    }
    a.mla.v_head_dim = a.hidden / a.heads;
    return read_sliding(c, "", a, err);
}

bool read_qk_norm(const json&, const json& c, ModelArch& a, std::string& err) {
    a.qk_norm = true;  // Qwen3: per-head RMSNorm on queries and keys
    return read_sliding(c, "", a, err);
}

/// Llama 3.2 Vision (mllama): cross-attention layers among the decoder layers attend to the image
/// tokens (a fixed-size cache, kept here as a window of max_num_tiles x patches tokens); the tiled
/// ViT-H vision encoder with its gated global layers and the projector are counted in extra_params.
bool read_mllama(const json& outer, const json& c, ModelArch& a, std::string& err) {
    std::vector<int> cross = {3, 8, 13, 18, 23, 28, 33, 38};  // MllamaTextConfig default
    if (has(c, "cross_attention_layers")) {
        cross.clear();
        if (!read_index_list(c, "cross_attention_layers", a.layers, cross, err)) return false;
    }
    const int64_t h = a.hidden;
    // Cross layers add q/k norms and two tanh gates; the embedding has 8 extra rows for image tokens.
    a.extra_params = int64_t(cross.size()) * (2 * int64_t(a.head_dim) + 2) + 8 * h;
    auto v = outer.find("vision_config");
    if (v == outer.end() || !v->is_object()) return true;
    // MllamaVisionConfig defaults.
    int64_t layers = 32, width = 1280, mlp = 5120, patch = 14, image = 448, channels = 3, global = 8,
            tiles = 4, out_dim = 7680, ratios = 8;
    if (!read_vision_dims(*v, layers, width, mlp, patch, image, channels, err) ||
        !detail::read_int(*v, "num_global_layers", 0, kMaxLayers, global, err) ||
        !detail::read_int(*v, "max_num_tiles", 1, 64, tiles, err) ||
        !detail::read_int(*v, "vision_output_dim", 1, kMaxDim, out_dim, err))
        return false;
    if (auto r = v->find("supported_aspect_ratios"); r != v->end() && r->is_array())
        ratios = static_cast<int64_t>(r->size());
    const int64_t patches = (image / patch) * (image / patch) + 1;  // + class token
    const int64_t layer = 4 * width * width  // q, k, v, o without bias
                          + width * mlp + mlp + mlp * width + width + 4 * width;
    const int64_t tile_positions = (ratios + 1) * tiles * patches * width;
    a.extra_params += channels * patch * patch * width + width  // patch conv (no bias), class embedding
                      + 1 + patches * width + tile_positions    // gated position + tile position embeddings
                      + 2 * ((ratios + 1) * tiles * width + 1)  // pre/post tile aspect-ratio embeddings
                      + 4 * width                               // LayerNorms before and after
                      + layers * layer + global * (layer + 2)   // local and gated global encoder layers
                      + out_dim * h + h;                        // projector with bias
    if (!cross.empty()) {
        a.sliding_window = static_cast<int>(tiles * patches);
        for (int i : cross) a.layer_kinds[size_t(i)] = LayerKind::sliding_attention;
    }
    return true;
}

/// Qwen3-VL (qwen3_vl, qwen3_vl_moe): a Qwen3 / Qwen3-MoE decoder in text_config, the vision tower
/// counted in extra_params.
bool read_qwen3_vl(const json& outer, const json& c, ModelArch& a, std::string& err) {
    if (!read_qk_norm(outer, c, a, err)) return false;
    // The wrapper decides whether the lm_head is tied; printouts of a loaded config also show the text
    // class's own default inside text_config (Qwen3-VL-235B: true there, false outside, and the
    // checkpoint has an lm_head).
    if (!detail::read_bool(outer, "tie_word_embeddings", a.tied_embeddings, err)) return false;
    return qwen3_vl_vision(outer, a.extra_params, err);
}

/// Qwen3.5 (qwen3_5, qwen3_5_moe): the Qwen3-Next hybrid (Gated DeltaNet + gated full attention),
/// dense or MoE with a shared expert, its MTP layer (sharing the embeddings) and the Qwen3-VL vision tower.
/// Reproduces the safetensors censuses of Qwen3.5-0.8B-Base, Qwen3.5-4B, Qwen3.6-27B and Qwen3.5-35B-A3B
/// to the unit.
bool read_qwen3_5(const json& outer, const json& c, ModelArch& a, std::string& err) {
    if (!read_qwen3_next(outer, c, a, err)) return false;
    int mtp = 0;
    bool own_embeddings = false;
    if (!detail::read_int(c, "mtp_num_hidden_layers", 0, 64, mtp, err) ||
        !detail::read_bool(c, "mtp_use_dedicated_embeddings", own_embeddings, err))
        return false;
    int64_t vision = 0;
    if (!qwen3_vl_vision(outer, vision, err)) return false;
    // Each MoE layer (MTP included) also gates its shared expert with a hidden -> 1 projection.
    const int64_t shared_gates = a.moe.shared_experts > 0 ? int64_t(a.layers + mtp) * a.hidden : 0;
    a.extra_params = mtp_params(a, mtp, own_embeddings) + vision + shared_gates;
    return true;
}

/// ChatGLM (2 and 3): grouped-query attention as multi_query_group_num KV groups of kv_channels,
/// biases on the fused QKV projection only.
bool read_chatglm(const json&, const json& c, ModelArch& a, std::string& err) {
    bool grouped = false;
    if (!detail::read_bool(c, "multi_query_attention", grouped, err) ||
        !detail::read_int(c, "kv_channels", 1, 65536, a.head_dim, err) ||
        !detail::read_bool(c, "add_qkv_bias", a.attention_bias, err))
        return false;
    if (grouped && !detail::read_int(c, "multi_query_group_num", 1, a.heads, a.kv_heads, err, true))
        return false;
    return read_sliding(c, "", a, err);
}

/// DeepSeek-V3.2 sparse attention (deepseek_v32, GLM-5's glm_moe_dsa): each MLA layer, and each MTP
/// layer, also holds a lightning indexer: wq_b from the query latent to index_n_heads x index_head_dim,
/// wk from the hidden state to one index_head_dim key, its LayerNorm, and a per-head weight projection.
/// It runs per token but is small (~2% of an attention layer); it is counted in extra_params with the
/// MTP layers, which store their own embedding and head in DeepSeek's checkpoint and share the main
/// ones in GLM-5's. With that, GLM-5.1's census (753,864,139,008) is reproduced to within the 19,456
/// expert-score biases core does not count.
bool read_dsa(const json& c, ModelArch& a, bool mtp_own_embeddings, std::string& err) {
    bool qk_norm = false;
    int64_t heads = 0, dim = 0;
    int mtp = 0;
    if (!detail::read_bool(c, "use_qk_norm", qk_norm, err) ||
        !detail::read_int(c, "index_n_heads", 1, 4096, heads, err, true) ||
        !detail::read_int(c, "index_head_dim", 1, 65536, dim, err, true) ||
        !detail::read_int(c, "num_nextn_predict_layers", 0, 64, mtp, err))
        return false;
    if (a.mla.q_lora_rank == 0) {
        err = "the sparse-attention indexer needs q_lora_rank";
        return false;
    }
    a.qk_norm = qk_norm;
    const int64_t h = a.hidden;
    const int64_t indexer = int64_t(a.mla.q_lora_rank) * heads * dim + h * dim + 2 * dim + h * heads;
    a.extra_params = mtp_params(a, mtp, mtp_own_embeddings) + (a.layers + mtp) * indexer;
    return read_sliding(c, "", a, err);
}
bool read_deepseek_v32(const json&, const json& c, ModelArch& a, std::string& err) {
    return read_dsa(c, a, true, err);
}
bool read_glm_moe_dsa(const json&, const json& c, ModelArch& a, std::string& err) {
    return read_dsa(c, a, false, err);
}

/// Kimi K2.5: the Kimi K2 decoder (DeepSeek V3 layout) and a MoonViT vision tower: a patch-embedding
/// conv with bias, learned init_pos_emb_height x init_pos_emb_width position embeddings, ViT layers, a
/// final LayerNorm, and the patch-merger projector (LayerNorm, then merged -> merged -> text width MLP
/// with biases), laid out as in Kimi-VL.
bool read_kimi_k25(const json& outer, const json& c, ModelArch& a, std::string& err) {
    if (!read_mtp(outer, c, a, err)) return false;
    auto v = outer.find("vision_config");
    if (v == outer.end() || !v->is_object()) return true;
    int64_t layers = 0, width = 0, mlp = 0, patch = 14, pos_h = 64, pos_w = 64, channels = 3;
    if (!detail::read_int(*v, "vt_num_hidden_layers", 1, kMaxLayers, layers, err, true) ||
        !detail::read_int(*v, "vt_hidden_size", 1, kMaxDim, width, err, true) ||
        !detail::read_int(*v, "vt_intermediate_size", 1, kMaxDim, mlp, err, true) ||
        !detail::read_int(*v, "patch_size", 1, 4096, patch, err) ||
        !detail::read_int(*v, "init_pos_emb_height", 1, 4096, pos_h, err) ||
        !detail::read_int(*v, "init_pos_emb_width", 1, 4096, pos_w, err))
        return false;
    int64_t merge = 4;  // merge_kernel_size [2, 2]
    if (auto k = v->find("merge_kernel_size"); k != v->end() && k->is_array() && k->size() == 2 &&
                                               (*k)[0].is_number_integer() && (*k)[1].is_number_integer()) {
        merge = (*k)[0].get<int64_t>() * (*k)[1].get<int64_t>();
        if (merge < 1 || merge > 256) {
            err = "vision_config merge_kernel_size is out of range";
            return false;
        }
    }
    const int64_t merged = width * merge;
    if (double(merged) * double(merged) + double(layers) * double(width) * (4.0 * double(width) + 2.0 * double(mlp)) >
        kMaxParams) {
        err = "vision_config describes more weights than any real model";
        return false;
    }
    a.extra_params += channels * patch * patch * width + width + pos_h * pos_w * width +
                      vit_layers(layers, width, mlp) + 2 * width  // encoder, final LayerNorm
                      + 2 * width + merged * merged + merged + merged * a.hidden + a.hidden;  // projector
    return true;
}

/// GLM-4.5V (glm4v_moe): the GLM-4.5-Air decoder in text_config and the GLM-4.1V vision tower: Conv3d
/// patch embedding, RMSNorm, learned positions for image_size / patch_size squared patches, layers of
/// unbiased QKV attention and a SwiGLU MLP out_hidden_size wide, a 2x2 downsampling conv, and a
/// merger (projection, LayerNorm, SwiGLU intermediate_size wide). Reproduces the GLM-4.5V census
/// (107,710,933,120) to within the 5,760 expert-score biases core does not count.
bool read_glm4v_moe(const json& outer, const json& c, ModelArch& a, std::string& err) {
    if (!read_glm4_moe(outer, c, a, err)) return false;
    auto v = outer.find("vision_config");
    if (v == outer.end() || !v->is_object()) return true;
    int64_t depth = 0, width = 0, mlp = 0, patch = 14, temporal = 2, channels = 3, image = 336, out_width = 0,
            merge = 2;
    bool bias = false;
    if (!detail::read_int(*v, "depth", 1, kMaxLayers, depth, err, true) ||
        !detail::read_int(*v, "hidden_size", 1, kMaxDim, width, err, true) ||
        !detail::read_int(*v, "intermediate_size", 1, kMaxDim, mlp, err, true) ||
        !detail::read_int(*v, "patch_size", 1, 4096, patch, err) ||
        !detail::read_int(*v, "temporal_patch_size", 1, 64, temporal, err) ||
        !detail::read_int(*v, "in_channels", 1, 16, channels, err) ||
        !detail::read_int(*v, "image_size", 1, 1 << 16, image, err) ||
        !detail::read_int(*v, "out_hidden_size", 1, kMaxDim, out_width, err, true) ||
        !detail::read_int(*v, "spatial_merge_size", 1, 16, merge, err) ||
        !detail::read_bool(*v, "attention_bias", bias, err))
        return false;
    const int64_t w = width, positions = (image / patch) * (image / patch);
    const int64_t layer = 2 * w + w * 3 * w + (bias ? 3 * w : 0) + w * w + 3 * w * out_width;
    a.extra_params += channels * temporal * patch * patch * w + w  // patch embedding
                      + w + positions * w                          // post-conv RMSNorm, positions
                      + depth * layer + w                          // encoder, post LayerNorm
                      + w * merge * merge * out_width + out_width  // downsampling conv
                      + out_width * out_width + 2 * out_width + 3 * out_width * mlp;  // merger
    return true;
}

/// MiniMax-M2: full attention in every layer (attn_type_list all 1; MiniMax-01's lightning layers are
/// not supported), q/k RMSNorm, 256 routed experts without a shared one. Its norms span all heads
/// (qk_norm_type per_layer) where core counts one head's width: 7,168 weights a layer, negligible.
bool read_minimax_m2(const json&, const json& c, ModelArch& a, std::string& err) {
    if (auto t = c.find("attn_type_list"); t != c.end() && t->is_array()) {
        for (const json& x : *t)
            if (!(x.is_number_integer() && x.get<int64_t>() == 1)) {
                err = "attn_type_list: only full-attention layers (1) are supported";
                return false;
            }
    }
    bool qk_norm = false;
    if (!detail::read_bool(c, "use_qk_norm", qk_norm, err)) return false;
    a.qk_norm = qk_norm;
    return read_sliding(c, "", a, err);
}

// Defaults of configuration classes for keys released config.json files leave out.
// Gemma3TextConfig (transformers models/gemma3/configuration_gemma3.py).
constexpr const char* kGemma3TextDefaults =
    R"({"vocab_size": 262208, "hidden_size": 2304, "intermediate_size": 9216, "num_hidden_layers": 26,
        "num_attention_heads": 8, "num_key_value_heads": 4, "head_dim": 256, "max_position_embeddings": 131072,
        "sliding_window": 4096, "sliding_window_pattern": 6})";
// Phi3Config (transformers models/phi3/configuration_phi3.py).
constexpr const char* kPhi3Defaults = R"({"vocab_size": 32064})";

const std::array kFamilies = {
    FamilyTraits{"llama", false, true},       FamilyTraits{"mistral", false, true},
    FamilyTraits{"mixtral", false, true},     FamilyTraits{"qwen2", false, true, true},
    FamilyTraits{"qwen2_moe", false, true, true},
    FamilyTraits{"qwen3", false, true, false, read_qk_norm},
    FamilyTraits{"qwen3_moe", false, true, false, read_qk_norm},
    FamilyTraits{"qwen3_next", false, true, false, read_qwen3_next},
    FamilyTraits{"gemma", true, true},        FamilyTraits{"gemma2", true, true},
    FamilyTraits{"gemma3_text", true, true, false, read_gemma3, kGemma3TextDefaults},
    FamilyTraits{"gemma3", true, true, false, read_gemma3, kGemma3TextDefaults},
    FamilyTraits{"phi3", false, true, false, nullptr, kPhi3Defaults},
    FamilyTraits{"granite", true, true},      FamilyTraits{"olmo2", false, true},
    FamilyTraits{"cohere", true, true},       FamilyTraits{"cohere2", true, true},
    FamilyTraits{"glm4", false, true},        FamilyTraits{"deepseek_v2", false, true},
    FamilyTraits{"deepseek_v3", false, true, false, read_mtp},
    FamilyTraits{"minicpm3", false, true, false, read_minicpm3},
    FamilyTraits{"kimi_k2", false, true, false, read_mtp},
    FamilyTraits{"glm4_moe", false, true, true, read_glm4_moe},
    FamilyTraits{"gpt_oss", false, true},     FamilyTraits{"smollm3", true, true},
    FamilyTraits{"exaone", false, true},      FamilyTraits{"internlm2", false, true},
    FamilyTraits{"internlm3", false, true},   FamilyTraits{"seed_oss", false, true, true},
    FamilyTraits{"starcoder2", false, false}, FamilyTraits{"gpt_neox", false, false},
    FamilyTraits{"falcon", true, false},      FamilyTraits{"stablelm", false, true},
    FamilyTraits{"phimoe", false, true},
    FamilyTraits{"llama4_text", false, true, false, read_llama4},
    FamilyTraits{"llama4", false, true, false, read_llama4},
    FamilyTraits{"mllama", false, true, false, read_mllama},
    FamilyTraits{"lfm2", true, true, false, read_lfm2},
    FamilyTraits{"jamba", false, true, false, read_jamba},
    FamilyTraits{"ernie4_5_moe", true, true, false, read_ernie_moe},
    FamilyTraits{"hunyuan_v1_moe", false, true, false, read_hunyuan_moe},
    FamilyTraits{"granitemoehybrid", true, true, false, read_granite_hybrid},
    FamilyTraits{"nemotron_h", false, false, false, read_nemotron_h},
    FamilyTraits{"falcon_h1", false, true, false, read_falcon_h1},
    FamilyTraits{"minicpm", false, true},
    FamilyTraits{"chatglm", false, true, false, read_chatglm},
    FamilyTraits{"qwen3_vl", false, true, false, read_qwen3_vl},
    FamilyTraits{"qwen3_vl_moe", false, true, false, read_qwen3_vl},
    FamilyTraits{"qwen3_5", false, true, false, read_qwen3_5},
    FamilyTraits{"qwen3_5_moe", false, true, false, read_qwen3_5},
    FamilyTraits{"deepseek_v32", false, true, false, read_deepseek_v32},
    FamilyTraits{"glm_moe_dsa", false, true, false, read_glm_moe_dsa},
    FamilyTraits{"glm4_moe_lite", false, true, false, read_mtp},
    FamilyTraits{"kimi_k25", false, true, false, read_kimi_k25},
    FamilyTraits{"glm4v_moe", false, true, true, read_glm4v_moe},
    FamilyTraits{"minimax_m2", false, true, false, read_minimax_m2},
};

const FamilyTraits* find_family(std::string_view model_type) {
    for (const auto& f : kFamilies)
        if (f.model_type == model_type) return &f;
    return nullptr;
}

int64_t mtp_params(const ModelArch& a, int64_t mtp_layers, bool own_embeddings) {
    if (mtp_layers <= 0) return 0;
    // One decoder layer like the main stack's last (MoE) one, counted by the same tensor description.
    ModelArch one = a;
    one.layers = 1;
    one.layer_kinds.assign(1, a.layer_kinds.empty() ? LayerKind::full_attention : a.layer_kinds.back());
    one.layer_parts.clear();
    one.moe.leading_dense_layers = 0;
    one.moe.moe_layer_step = 1;
    one.moe.moe_layer_offset = 0;
    one.moe.last_moe_layer = -1;
    int64_t layer = 0;
    for (const TensorGroup& g : arch_tensors(one))
        if (g.layer == 0) layer += g.params;
    const int64_t h = a.hidden, embed = int64_t(a.vocab) * h;
    return mtp_layers * (layer + 2 * h * h + 3 * h + (own_embeddings ? 2 * embed : 0));
}

bool qwen3_vl_vision(const json& outer, int64_t& out, std::string& err) {
    out = 0;
    auto v = outer.find("vision_config");
    if (v == outer.end() || !v->is_object()) return true;
    int64_t depth = 0, width = 0, mlp = 0, patch = 16, temporal = 2, channels = 3, positions = 0, out_width = 0,
            merge = 2;
    if (!detail::read_int(*v, "depth", 1, kMaxLayers, depth, err, true) ||
        !detail::read_int(*v, "hidden_size", 1, kMaxDim, width, err, true) ||
        !detail::read_int(*v, "intermediate_size", 1, kMaxDim, mlp, err, true) ||
        !detail::read_int(*v, "patch_size", 1, 4096, patch, err) ||
        !detail::read_int(*v, "temporal_patch_size", 1, 64, temporal, err) ||
        !detail::read_int(*v, "in_channels", 1, 16, channels, err) ||
        !detail::read_int(*v, "num_position_embeddings", 0, 1 << 20, positions, err) ||
        !detail::read_int(*v, "out_hidden_size", 1, kMaxDim, out_width, err, true) ||
        !detail::read_int(*v, "spatial_merge_size", 1, 16, merge, err))
        return false;
    int64_t deepstack = 0;
    if (auto d = v->find("deepstack_visual_indexes"); d != v->end() && d->is_array())
        deepstack = static_cast<int64_t>(d->size());
    if (deepstack > depth) {
        err = "vision_config lists more deepstack layers than it has layers";
        return false;
    }
    const int64_t merged = width * merge * merge;
    // Bound the count in double first, so that absurd widths are refused instead of overflowing.
    if (double(merged) * double(merged) * double(deepstack + 1) +
            double(depth) * double(width) * (4.0 * double(width) + 2.0 * double(mlp)) >
        kMaxParams) {
        err = "vision_config describes more weights than any real model";
        return false;
    }
    // A merger: LayerNorm (over `norm_width`), fc1 merged -> merged and fc2 merged -> text width, with biases.
    auto merger = [&](int64_t norm_width) {
        return 2 * norm_width + merged * merged + merged + merged * out_width + out_width;
    };
    out = channels * temporal * patch * patch * width + width  // patch embedding
          + positions * width                                  // position embedding
          + vit_layers(depth, width, mlp)                      // encoder
          + merger(width) + deepstack * merger(merged);
    return true;
}

/// Fields every decoder shares, with the synonyms families use.
bool read_common(const json& c, const FamilyTraits& fam, ModelArch& a, std::string& err) {
    if (!detail::read_int(c, first_key(c, {"num_hidden_layers", "n_layer", "num_layers"}), 1, kMaxLayers,
                          a.layers, err, true))
        return false;
    if (!detail::read_int(c, first_key(c, {"hidden_size", "n_embd", "d_model", "block_dim"}), 1, kMaxDim,
                          a.hidden, err, true))
        return false;
    if (!detail::read_int(c, first_key(c, {"num_attention_heads", "n_head", "num_heads"}), 1, 4096, a.heads,
                          err, true))
        return false;
    a.kv_heads = a.heads;
    if (!detail::read_int(c, first_key(c, {"num_key_value_heads", "num_kv_heads"}), 1, 4096, a.kv_heads,
                          err))
        return false;
    bool multi_query = false;
    if (!detail::read_bool(c, "multi_query", multi_query, err)) return false;
    if (multi_query && !c.contains("num_kv_heads")) a.kv_heads = 1;
    if (a.kv_heads > a.heads) {
        err = "num_key_value_heads is larger than num_attention_heads";
        return false;
    }
    a.head_dim = a.hidden / a.heads;
    if (!detail::read_int(c, "head_dim", 1, 65536, a.head_dim, err)) return false;
    if (a.head_dim < 1) {
        err = "num_attention_heads is larger than hidden_size and no head_dim is given";
        return false;
    }
    a.ffn = fam.gated_ffn ? 0 : 4 * a.hidden;
    // Configs whose every layer is MoE (Qwen3.5-MoE) may have no dense FFN width at all.
    const bool all_moe = has(c, "moe_intermediate_size") && !has(c, "first_k_dense_replace");
    if (!detail::read_int(c, first_key(c, {"intermediate_size", "ffn_hidden_size", "n_inner", "block_ff_dim"}),
                          1, kMaxDim, a.ffn, err, fam.gated_ffn && !all_moe))
        return false;
    if (!detail::read_int(c, first_key(c, {"vocab_size", "padded_vocab_size"}), 1, kMaxVocab, a.vocab, err,
                          true))
        return false;
    a.tied_embeddings = fam.tied_default;
    if (!detail::read_bool(c, first_key(c, {"tie_word_embeddings", "tie_embedding"}), a.tied_embeddings, err))
        return false;
    a.gated_ffn = fam.gated_ffn;
    a.attention_bias = fam.qkv_bias_default;
    if (!detail::read_bool(c, first_key(c, {"attention_bias", "qkv_bias"}), a.attention_bias, err))
        return false;
    a.max_context = 0;
    if (!detail::read_int(c, first_key(c, {"max_position_embeddings", "n_positions", "seq_length", "n_ctx"}),
                          1, kMaxContext, a.max_context, err))
        return false;

    // Mixture of experts: the families spell the same numbers differently.
    MoeSpec& m = a.moe;
    if (!detail::read_int(c, first_key(c, {"num_local_experts", "num_experts", "n_routed_experts"}), 0,
                          1 << 16, m.experts, err))
        return false;
    if (m.experts > 0) {
        if (!detail::read_int(c, first_key(c, {"num_experts_per_tok", "experts_per_token"}), 1, m.experts,
                              m.active_experts, err))
            return false;
        m.expert_ffn = a.ffn;
        if (c.contains("moe_intermediate_size") && c["moe_intermediate_size"].is_number() &&
            !detail::read_int(c, "moe_intermediate_size", 1, kMaxDim, m.expert_ffn, err))
            return false;
        if (!detail::read_int(c, "n_shared_experts", 0, 1024, m.shared_experts, err)) return false;
        if (!detail::read_int(c, "shared_expert_intermediate_size", 0, kMaxDim, m.shared_expert_ffn, err))
            return false;
        if (m.shared_expert_ffn > 0 && m.shared_experts == 0) m.shared_experts = 1;
        if (!detail::read_int(c, "first_k_dense_replace", 0, a.layers, m.leading_dense_layers, err))
            return false;
        if (has(c, "decoder_sparse_step")) {  // Qwen MoE: (layer + 1) % step == 0
            if (!detail::read_int(c, "decoder_sparse_step", 1, a.layers, m.moe_layer_step, err)) return false;
            m.moe_layer_offset = m.moe_layer_step - 1;
        } else if (!detail::read_int(c, "moe_layer_freq", 1, a.layers, m.moe_layer_step, err)) {
            return false;  // DeepSeek: layer % freq == 0
        }
    }

    // Multi-head latent attention.
    MlaSpec& mla = a.mla;
    if (has(c, "kv_lora_rank")) {
        if (!detail::read_int(c, "kv_lora_rank", 1, kMaxDim, mla.kv_lora_rank, err, true) ||
            !detail::read_int(c, "q_lora_rank", 0, kMaxDim, mla.q_lora_rank, err) ||
            !detail::read_int(c, "qk_rope_head_dim", 1, 65536, mla.qk_rope_head_dim, err, true) ||
            !detail::read_int(c, "qk_nope_head_dim", 1, 65536, mla.qk_nope_head_dim, err, true) ||
            !detail::read_int(c, "v_head_dim", 1, 65536, mla.v_head_dim, err))
            return false;
    }
    a.layer_kinds.assign(static_cast<size_t>(a.layers),
                         mla.kv_lora_rank > 0 ? LayerKind::mla : LayerKind::full_attention);
    return true;
}

/// `c` with the family's defaults filled in where absent.
json with_defaults(const json& c, const char* defaults) {
    json out = c;
    json d = json::parse(defaults);
    for (auto it = d.begin(); it != d.end(); ++it)
        if (!has(out, it.key().c_str())) out[it.key()] = it.value();
    return out;
}


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

    std::string outer_type, inner_type;
    if (!detail::read_string(cfg, "model_type", outer_type, err, true)) return false;
    if (!detail::read_string(*text, "model_type", inner_type, err)) return false;
    a.model_type = outer_type;
    // The outer type decides where it has its own reader (vision towers live outside text_config).
    const FamilyTraits* fam = find_family(outer_type);
    if (!fam || (!fam->reader && !inner_type.empty())) {
        if (const FamilyTraits* inner = find_family(inner_type)) fam = inner;
    }
    if (!fam) {
        err = "unsupported model_type '" + outer_type + "'";
        return false;
    }
    const json filled = fam->defaults ? with_defaults(*text, fam->defaults) : json();
    const json& c = fam->defaults ? filled : *text;

    if (!read_common(c, *fam, a, err)) return false;
    if (!c.contains("tie_word_embeddings") && cfg.contains("tie_word_embeddings") &&
        !detail::read_bool(cfg, "tie_word_embeddings", a.tied_embeddings, err))
        return false;
    // A family's reader sets its own layout; the others follow the sliding-window rules.
    if (!(fam->reader ? fam->reader(cfg, c, a, err) : read_sliding(c, fam->model_type, a, err)))
        return false;
    if (a.mla.kv_lora_rank > 0 && a.mla.v_head_dim == 0) {
        err = "missing field 'v_head_dim'";
        return false;
    }
    if (a.moe.experts > 0 && a.moe.active_experts == 0) {
        err = "missing field 'num_experts_per_tok'";
        return false;
    }
    if (a.ffn == 0 || (a.moe.experts > 0 && a.moe.expert_ffn == 0)) {
        bool dense_layer = false;
        for (int i = 0; i < a.layers && !dense_layer; ++i) dense_layer = !is_moe_layer(a, i);
        if (dense_layer || a.moe.expert_ffn == 0) {
            err = "missing field 'intermediate_size'";
            return false;
        }
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
