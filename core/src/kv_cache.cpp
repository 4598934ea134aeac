// kv_cache.cpp: KV cache and recurrent-state bytes, layer by layer.
#include "headroom/kv_cache.h"

#include <algorithm>
#include <cmath>

namespace headroom {

bool parse_kv_type(std::string_view name, KvType& out) {
    if (name == "f16") out = KvType::f16;
    else if (name == "bf16") out = KvType::bf16;
    else if (name == "q8_0") out = KvType::q8_0;
    else if (name == "q4_0") out = KvType::q4_0;
    else if (name == "fp8") out = KvType::fp8;
    else return false;
    return true;
}

double kv_element_bytes(KvType type) {
    switch (type) {
        case KvType::f16:
        case KvType::bf16: return 2.0;
        case KvType::q8_0: return 34.0 / 32;  // ggml block: fp16 scale + 32 int8
        case KvType::q4_0: return 18.0 / 32;  // fp16 scale + 32 nibbles
        case KvType::fp8: return 1.0;
    }
    return 2.0;
}

namespace {

/// Elements cached per token by one attention layer of `kind`.
double per_token_elements(const ModelArch& a, LayerKind kind) {
    switch (kind) {
        case LayerKind::full_attention:
        case LayerKind::sliding_attention: return 2.0 * a.kv_heads * a.head_dim;
        case LayerKind::mla: return double(a.mla.kv_lora_rank) + a.mla.qk_rope_head_dim;
        default: return 0;
    }
}

LayerKind layer_kind(const ModelArch& a, int i) {
    return a.layer_kinds.empty() ? LayerKind::full_attention : a.layer_kinds[i];
}

}  // namespace

int64_t kv_cache_bytes(const ModelArch& a, int64_t context, int sequences, KvType type) {
    const double elem = kv_element_bytes(type);
    double bytes = 0;
    for (int i = 0; i < a.layers; ++i) {
        const LayerKind kind = layer_kind(a, i);
        if (kind == LayerKind::linear_attention || kind == LayerKind::state_space) {
            // Recurrent state is kept in F32 whatever the KV type.
            bytes += 4.0 * double(a.recurrent.state_elements + a.recurrent.conv_elements) * sequences;
            continue;
        }
        int64_t cells = context;
        if (kind == LayerKind::sliding_attention && a.sliding_window > 0)
            cells = std::min<int64_t>(context, a.sliding_window);
        bytes += per_token_elements(a, kind) * double(cells) * elem * sequences;
    }
    // A context no device could hold still gives a number: cap it far below int64's range, so sums
    // of several such byte counts cannot overflow either.
    constexpr double kMaxBytes = double(int64_t(1) << 60);
    return static_cast<int64_t>(std::llround(std::min(bytes, kMaxBytes)));
}

double kv_bytes_per_token(const ModelArch& a, KvType type) {
    double elems = 0;
    for (int i = 0; i < a.layers; ++i) {
        const LayerKind kind = layer_kind(a, i);
        if (kind != LayerKind::sliding_attention) elems += per_token_elements(a, kind);
    }
    return elems * kv_element_bytes(type);
}

}  // namespace headroom
