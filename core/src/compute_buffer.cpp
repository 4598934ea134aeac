// compute_buffer.cpp: llama.cpp's graph-reserve compute buffer as the largest set of f32
// activations alive at once (ggml-alloc reuses memory of tensors that are no longer needed).
#include "headroom/compute_buffer.h"

#include <algorithm>

#include "memory_constants.h"

namespace headroom {

namespace mc = memory_constants;

ComputeBuffer llama_cpp_compute_buffer(const ModelArch& a, int64_t context, int64_t ubatch,
                                       bool flash_attn, int64_t pad) {
    ComputeBuffer c;
    context = std::max<int64_t>(1, context);
    // n_batch = min(n_ctx, n_batch) and n_ubatch = min(n_batch, n_ubatch) (llama-context.cpp).
    const double T = double(std::min(ubatch, context));
    const double kv = double(pad > 1 ? (context + pad - 1) / pad * pad : context);
    const double E = a.hidden, V = a.vocab, H = a.heads;
    // Widest FFN intermediate one micro-batch produces: dense FFN, or the routed experts in use
    // (mul_mat_id writes expert_ffn x active x tokens) plus the shared experts.
    double F = a.ffn;
    if (a.moe.experts > 0) {
        const double shared = a.moe.shared_experts > 0
                                  ? (a.moe.shared_expert_ffn > 0 ? a.moe.shared_expert_ffn
                                                                 : double(a.moe.expert_ffn) * a.moe.shared_experts)
                                  : 0.0;
        F = std::max(F * (a.moe.leading_dense_layers > 0 ? 1.0 : 0.0),
                     double(a.moe.expert_ffn) * a.moe.active_experts + shared);
    }
    const bool fused_qkv = a.model_type == "gpt_neox" || a.model_type == "phi3";
    const double live = fused_qkv ? mc::kAttnLiveActivationsFusedQkv : mc::kAttnLiveActivations;
    // Heads that attend: MLA models in llama.cpp attend with all query heads.
    c.logits_peak = static_cast<int64_t>(mc::kF32 * T * (V + E));
    if (flash_attn) {
        // No score matrix; the mask is f16.
        c.attention_peak = static_cast<int64_t>(2.0 * kv * T + mc::kF32 * live * E * T);
    } else {
        c.attention_peak = static_cast<int64_t>(mc::kF32 * T * (H * kv + kv + live * E));
    }
    c.ffn_peak = static_cast<int64_t>(mc::kF32 * T * (2.0 * F + mc::kFfnLiveActivations * E));
    c.device_bytes = std::max({c.logits_peak, c.attention_peak, c.ffn_peak});
    // Host side: the token embeddings looked up on the CPU (E x T) and the f32 mask (cells x T).
    c.host_bytes = static_cast<int64_t>(mc::kF32 * T * (E + kv));
    return c;
}

}  // namespace headroom
