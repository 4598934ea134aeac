// model.cpp: the architecture's fingerprint, the key of per-shape caches.
#include "headroom/model.h"

namespace headroom {

std::string arch_fingerprint(const ModelArch& a) {
    std::string k = a.model_type;
    k.reserve(256 + 2 * a.layer_kinds.size());
    auto add = [&k](int64_t v) {
        k += ',';
        k += std::to_string(v);
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
                      a.recurrent.conv_elements, a.recurrent.params_per_layer, a.extra_params})
        add(v);
    k += '|';
    for (LayerKind kind : a.layer_kinds) k += char('0' + int(kind));
    k += '|';
    for (const LayerParts& p : a.layer_parts) k += char('0' + (p.ffn ? 1 : 0) + (p.parallel_ssm ? 2 : 0));
    return k;
}

}  // namespace headroom
