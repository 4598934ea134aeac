// model.h: the architecture of a language model, as the memory and speed models need it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace headroom {

/// How one decoder layer keeps its context: what its KV cache or recurrent state looks like.
enum class LayerKind {
    full_attention,     ///< K and V for every token of the context
    sliding_attention,  ///< K and V for at most `sliding_window` tokens
    mla,                ///< multi-head latent attention: one compressed latent + rope key per token
    linear_attention,   ///< fixed-size recurrent state (Gated DeltaNet, Lightning attention...)
    state_space,        ///< fixed-size SSM state (Mamba, Mamba2)
};

/// Mixture-of-experts shape of the feed-forward part. `experts == 0` means dense.
struct MoeSpec {
    int experts = 0;              ///< routed experts per MoE layer
    int active_experts = 0;       ///< routed experts each token uses
    int expert_ffn = 0;           ///< intermediate size of one routed expert
    int shared_experts = 0;       ///< always-on experts per MoE layer
    int shared_expert_ffn = 0;    ///< intermediate size of one shared expert (0: expert_ffn)
    int leading_dense_layers = 0; ///< first layers that use a dense FFN instead of experts
    int moe_layer_step = 1;       ///< every Nth layer (after the leading dense ones) is MoE
    int moe_layer_offset = 0;     ///< ...namely those with layer % moe_layer_step == moe_layer_offset
    int last_moe_layer = -1;      ///< layers after this one are dense again (-1: none are)

    bool operator==(const MoeSpec&) const = default;
};

/// Multi-head latent attention ranks (DeepSeek V2/V3, Kimi K2). All zero when unused.
struct MlaSpec {
    int q_lora_rank = 0;   ///< 0: queries are projected directly
    int kv_lora_rank = 0;  ///< width of the cached latent
    int qk_rope_head_dim = 0;
    int qk_nope_head_dim = 0;
    int v_head_dim = 0;

    bool operator==(const MlaSpec&) const = default;
};

/// Fixed-size recurrent state of linear-attention and state-space layers.
struct RecurrentSpec {
    int64_t state_elements = 0;  ///< per layer per sequence, elements of the recurrent state
    int64_t conv_elements = 0;   ///< per layer per sequence, elements of the short-conv cache
    int64_t params_per_layer = 0;///< weights of one such mixer layer (replaces attention weights)

    bool operator==(const RecurrentSpec&) const = default;
};

/// Per-layer makeup of hybrids whose layers differ in more than their context kind.
struct LayerParts {
    bool ffn = true;            ///< false: a mixer-only block (Nemotron-H's Mamba-2 and attention blocks)
    bool parallel_ssm = false;  ///< a Mamba-2 mixer runs beside the attention (Falcon-H1): keeps the
                                ///< `recurrent` state as well as K and V, and adds its weights

    bool operator==(const LayerParts&) const = default;
};

/// Everything core needs to know about a model's shape. Built from a Hugging Face config.json
/// (see config.h) or a GGUF header; all sizes are element counts, never bytes.
struct ModelArch {
    std::string model_type;  ///< Hugging Face `model_type`, e.g. "llama"
    int layers = 0;
    int hidden = 0;
    int heads = 0;
    int kv_heads = 0;
    int head_dim = 0;        ///< per head, for both K and V unless MLA
    int ffn = 0;             ///< intermediate size of a dense FFN layer
    int vocab = 0;
    bool tied_embeddings = false;
    bool gated_ffn = true;   ///< SwiGLU/GeGLU (3 matrices) or plain MLP (2 matrices)
    bool attention_bias = false;   ///< biases on the q, k and v projections
    bool attn_output_gate = false; ///< q projection also yields a sigmoid gate per head (Qwen3-Next)
    bool qk_norm = false;          ///< per-head RMSNorm weights on queries and keys
    int max_context = 0;
    int sliding_window = 0;  ///< tokens kept by sliding_attention layers
    MoeSpec moe;
    MlaSpec mla;
    RecurrentSpec recurrent;
    std::vector<LayerKind> layer_kinds;  ///< one per layer; size() == layers
    std::vector<LayerParts> layer_parts; ///< empty (every layer: its mixer and an FFN) or one per layer
    int64_t extra_params = 0;            ///< vision tower, audio encoder, MTP heads: counted, not run per token

    bool operator==(const ModelArch&) const = default;
};

/// A hash of the architecture's fields for caches of per-shape results (arch_memo.h): equal
/// shapes hash alike. The caches compare whole architectures (operator==) on a hit, so a field
/// added above and left out here costs only collisions, never a wrong result.
uint64_t arch_hash(const ModelArch& arch);

}  // namespace headroom
