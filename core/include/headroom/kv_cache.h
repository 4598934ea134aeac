// kv_cache.h: the KV cache (and recurrent state) a context needs, layer by layer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "headroom/model.h"

namespace headroom {

/// Element type of the KV cache.
enum class KvType { f16, bf16, q8_0, q4_0, fp8 };

/// Parses "f16", "q8_0"...; false when unknown.
bool parse_kv_type(std::string_view name, KvType& out);

/// Bytes one element of `type` takes on average (block scales included).
double kv_element_bytes(KvType type);

/// Bytes of the KV cache for `context` tokens in each of `sequences` sequences: full-attention
/// layers grow with the context, sliding-window layers stop at the window, MLA layers cache the
/// latent, linear-attention and state-space layers hold a fixed state.
int64_t kv_cache_bytes(const ModelArch& arch, int64_t context, int sequences, KvType type);

/// Bytes the cache grows by per token of context once past every sliding window (for speed models).
double kv_bytes_per_token(const ModelArch& arch, KvType type);

}  // namespace headroom
