// model.cpp: the architecture's hash, the lookup key of per-shape caches.
#include "headroom/model.h"

#include <functional>
#include <string_view>

namespace headroom {

uint64_t arch_hash(const ModelArch& a) {
    // FNV-1a-style mixing of whole fields: no string is built (it is computed on every memoised
    // lookup, several per prediction).
    uint64_t h = 0xcbf29ce484222325ULL;
    auto mix = [&h](int64_t v) {
        h ^= static_cast<uint64_t>(v);
        h *= 0x100000001b3ULL;
        h ^= h >> 29;
    };
    for (int64_t v : {int64_t(a.layers), int64_t(a.hidden), int64_t(a.heads), int64_t(a.kv_heads),
                      int64_t(a.head_dim), int64_t(a.ffn), int64_t(a.vocab), int64_t(a.tied_embeddings),
                      int64_t(a.gated_ffn), int64_t(a.attention_bias), int64_t(a.attn_output_gate),
                      int64_t(a.qk_norm), int64_t(a.max_context), int64_t(a.sliding_window),
                      int64_t(a.moe.experts), int64_t(a.moe.active_experts), int64_t(a.moe.expert_ffn),
                      int64_t(a.moe.shared_experts), int64_t(a.moe.shared_expert_ffn),
                      int64_t(a.moe.leading_dense_layers), int64_t(a.moe.moe_layer_step),
                      int64_t(a.moe.moe_layer_offset), int64_t(a.moe.last_moe_layer),
                      int64_t(a.mla.q_lora_rank), int64_t(a.mla.kv_lora_rank), int64_t(a.mla.qk_rope_head_dim),
                      int64_t(a.mla.qk_nope_head_dim), int64_t(a.mla.v_head_dim), a.recurrent.state_elements,
                      a.recurrent.conv_elements, a.recurrent.params_per_layer, a.extra_params,
                      int64_t(a.layer_kinds.size()), int64_t(a.layer_parts.size())})
        mix(v);
    // The layer kinds as raw bytes, hashed in one pass (a few hundred bytes at most).
    mix(int64_t(std::hash<std::string_view>{}(std::string_view(
        reinterpret_cast<const char*>(a.layer_kinds.data()), a.layer_kinds.size() * sizeof(LayerKind)))));
    for (const LayerParts& p : a.layer_parts) mix((p.ffn ? 1 : 0) + (p.parallel_ssm ? 2 : 0));
    mix(int64_t(std::hash<std::string>{}(a.model_type)));
    return h;
}

}  // namespace headroom
