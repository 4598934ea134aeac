// model.cpp: the architecture's fingerprint, the key of per-shape caches.
#include "headroom/model.h"

#include <cstring>

namespace headroom {

std::string arch_fingerprint(const ModelArch& a) {
    // Raw bytes of each field, not decimal text: it is built on every weights_bytes call (sweeps
    // make millions), and formatting numbers was a third of a prediction's time. The model type
    // comes last, after the fixed-size fields, so no two shapes give the same bytes.
    std::string k;
    k.reserve(a.model_type.size() + 8 * 32 + 2 * a.layer_kinds.size() + 4);
    auto add = [&k](int64_t v) {
        char bytes[sizeof v];
        std::memcpy(bytes, &v, sizeof v);
        k.append(bytes, sizeof v);
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
    add(int64_t(a.layer_kinds.size()));
    add(int64_t(a.layer_parts.size()));
    for (LayerKind kind : a.layer_kinds) k += char('0' + int(kind));
    for (const LayerParts& p : a.layer_parts) k += char('0' + (p.ffn ? 1 : 0) + (p.parallel_ssm ? 2 : 0));
    k += a.model_type;
    return k;
}

}  // namespace headroom
