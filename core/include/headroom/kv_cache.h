// kv_cache.h: the KV cache (and recurrent state) a context needs, layer by layer, as llama.cpp
// allocates it: context padded to 256 cells, sliding-window layers capped at window + micro-batch,
// MLA models caching either the latent or per-head K/V depending on their GGUF.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "headroom/model.h"

namespace headroom {

/// Element type of the KV cache.
enum class KvType { f16, bf16, q8_0, q4_0, fp8, f32, q4_1, q5_0, q5_1, iq4_nl };

/// Parses "f16", "q8_0"...; false when unknown.
bool parse_kv_type(std::string_view name, KvType& out);

/// Bytes one element of `type` takes on average (block scales included).
double kv_element_bytes(KvType type);

/// How llama.cpp sizes the cache.
struct KvOptions {
    int64_t ubatch = 512;     ///< n_ubatch: the sliding-window cache holds window + one micro-batch
    int64_t pad = 256;        ///< cells are allocated in multiples of this (0 or 1: no padding)
    bool swa_full = false;    ///< --swa-full: sliding-window layers get the whole context
    bool swa_f16 = true;      ///< the sliding-window part stays F16 whatever the KV type (2026+)
    int mla_latent = -1;      ///< MLA layout: 1 latent, 0 per-head K/V, -1 guess from the model
};

/// The cache, split the way llama.cpp logs it.
struct KvBreakdown {
    int64_t cells = 0;            ///< cells of full-attention layers, all sequences
    int64_t swa_cells = 0;        ///< cells of sliding-window layers, all sequences
    int64_t k_bytes = 0;          ///< K of full-attention and MLA layers
    int64_t v_bytes = 0;          ///< V of full-attention and MLA layers
    int64_t swa_bytes = 0;        ///< K and V of sliding-window layers
    int64_t recurrent_bytes = 0;  ///< fixed recurrent / SSM state
    int64_t total() const { return k_bytes + v_bytes + swa_bytes + recurrent_bytes; }
};

/// True when an MLA model's cache holds the latent (one kv_lora_rank + rope row per token) rather
/// than per-head K and V. llama.cpp decides by the GGUF (split attn_k_b/attn_v_b tensors or not);
/// guess: q_lora_rank > 0 (V2/V3/R1/Kimi, re-converted) latent, q_lora_rank == 0 (V2-Lite) per-head.
bool mla_caches_latent(const ModelArch& arch, const KvOptions& opt = {});

/// The cache for `context` tokens in each of `sequences` sequences (one stream per sequence),
/// K in `k_type` and V in `v_type`.
KvBreakdown llama_cpp_kv_cache(const ModelArch& arch, int64_t context, int sequences, KvType k_type,
                               KvType v_type, const KvOptions& opt = {});

/// Total bytes of llama_cpp_kv_cache with K and V in `type` and default options.
int64_t kv_cache_bytes(const ModelArch& arch, int64_t context, int sequences, KvType type);

/// Bytes the cache grows by per token of context once past every sliding window (for speed models).
double kv_bytes_per_token(const ModelArch& arch, KvType type);

}  // namespace headroom
