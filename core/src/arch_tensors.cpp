// arch_tensors.cpp: the weight tensors of an architecture, as Hugging Face and llama.cpp lay them out.
#include "arch_tensors.h"

namespace headroom {

bool is_moe_layer(const ModelArch& arch, int i) {
    const MoeSpec& m = arch.moe;
    if (m.experts == 0 || i < m.leading_dense_layers) return false;
    if (m.last_moe_layer >= 0 && i > m.last_moe_layer) return false;
    const int step = m.moe_layer_step > 0 ? m.moe_layer_step : 1;
    return i % step == m.moe_layer_offset % step;  // step 1: every layer
}

std::vector<TensorGroup> arch_tensors(const ModelArch& a) {
    std::vector<TensorGroup> out;
    const int64_t h = a.hidden;
    auto add = [&](TensorRole role, int layer, int64_t params, int64_t active, int64_t row) {
        if (params > 0) out.push_back({role, layer, params, active, row});
    };
    auto add_dense = [&](TensorRole role, int layer, int64_t params, int64_t row) {
        add(role, layer, params, params, row);
    };

    const int64_t embed = int64_t(a.vocab) * h;
    add(TensorRole::token_embedding, -1, embed, embed, h);
    if (!a.tied_embeddings) add_dense(TensorRole::output_head, -1, embed, h);
    add_dense(TensorRole::norm, -1, h, h);

    const int64_t q_width = int64_t(a.heads) * a.head_dim;
    const int64_t kv_width = int64_t(a.kv_heads) * a.head_dim;
    // Attention with a per-head output gate projects queries twice as wide.
    const int64_t q_proj_width = a.attn_output_gate ? 2 * q_width : q_width;
    const int64_t qk_norm = a.qk_norm ? 2 * int64_t(a.head_dim) : 0;
    for (int i = 0; i < a.layers; ++i) {
        const LayerKind kind = a.layer_kinds.empty() ? LayerKind::full_attention : a.layer_kinds[i];
        const LayerParts parts =
            size_t(i) < a.layer_parts.size() ? a.layer_parts[size_t(i)] : LayerParts{};
        add_dense(TensorRole::norm, i, parts.ffn ? 2 * h : h, h);
        if (parts.parallel_ssm) add_dense(TensorRole::other, i, a.recurrent.params_per_layer, h);
        if (kind == LayerKind::linear_attention || kind == LayerKind::state_space) {
            add_dense(TensorRole::other, i, a.recurrent.params_per_layer, h);
        } else if (kind == LayerKind::mla) {
            const MlaSpec& m = a.mla;
            const int64_t qk_head = m.qk_nope_head_dim + m.qk_rope_head_dim;
            if (m.q_lora_rank > 0) {
                add_dense(TensorRole::attn_q, i,
                          h * m.q_lora_rank + m.q_lora_rank + int64_t(m.q_lora_rank) * a.heads * qk_head,
                          h);
            } else {
                add_dense(TensorRole::attn_q, i, h * a.heads * qk_head, h);
            }
            add_dense(TensorRole::attn_k, i,
                      h * (m.kv_lora_rank + m.qk_rope_head_dim) + m.kv_lora_rank, h);
            add_dense(TensorRole::attn_v, i,
                      int64_t(m.kv_lora_rank) * a.heads * (m.qk_nope_head_dim + m.v_head_dim),
                      m.kv_lora_rank);
            add_dense(TensorRole::attn_output, i, int64_t(a.heads) * m.v_head_dim * h,
                      int64_t(a.heads) * m.v_head_dim);
        } else {
            const int64_t bias = a.attention_bias ? 1 : 0;
            add_dense(TensorRole::norm, i, qk_norm, a.head_dim);
            add_dense(TensorRole::attn_q, i, h * q_proj_width + bias * q_proj_width, h);
            add_dense(TensorRole::attn_k, i, h * kv_width + bias * kv_width, h);
            add_dense(TensorRole::attn_v, i, h * kv_width + bias * kv_width, h);
            add_dense(TensorRole::attn_output, i, q_width * h, q_width);
        }

        if (!parts.ffn) continue;
        if (is_moe_layer(a, i)) {
            const MoeSpec& m = a.moe;
            const int64_t one = h * m.expert_ffn;
            add(TensorRole::other, i, h * m.experts, h * m.experts, h);  // router
            add(TensorRole::ffn_gate, i, one * m.experts, one * m.active_experts, h);
            add(TensorRole::ffn_up, i, one * m.experts, one * m.active_experts, h);
            add(TensorRole::ffn_down, i, one * m.experts, one * m.active_experts, m.expert_ffn);
            if (m.shared_experts > 0) {
                const int64_t sffn = m.shared_expert_ffn > 0 ? m.shared_expert_ffn : m.expert_ffn;
                const int64_t shared = h * sffn * m.shared_experts;
                add_dense(TensorRole::ffn_gate, i, shared, h);
                add_dense(TensorRole::ffn_up, i, shared, h);
                add_dense(TensorRole::ffn_down, i, shared, sffn);
            }
        } else {
            const int64_t one = h * a.ffn;
            if (a.gated_ffn) add_dense(TensorRole::ffn_gate, i, one, h);
            add_dense(TensorRole::ffn_up, i, one, h);
            add_dense(TensorRole::ffn_down, i, one, a.ffn);
        }
    }
    return out;
}

}  // namespace headroom
