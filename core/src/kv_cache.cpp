// kv_cache.cpp: KV cache and recurrent-state bytes, layer by layer, as llama.cpp allocates them
// (src/llama-context.cpp, src/llama-kv-cache.cpp, src/llama-kv-cache-iswa.cpp).
#include "headroom/kv_cache.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace headroom {

bool parse_kv_type(std::string_view name, KvType& out) {
    if (name == "f16") out = KvType::f16;
    else if (name == "bf16") out = KvType::bf16;
    else if (name == "q8_0") out = KvType::q8_0;
    else if (name == "q4_0") out = KvType::q4_0;
    else if (name == "fp8") out = KvType::fp8;
    else if (name == "f32") out = KvType::f32;
    else if (name == "q4_1") out = KvType::q4_1;
    else if (name == "q5_0") out = KvType::q5_0;
    else if (name == "q5_1") out = KvType::q5_1;
    else if (name == "iq4_nl") out = KvType::iq4_nl;
    else return false;
    return true;
}

double kv_element_bytes(KvType type) {
    // ggml block sizes (ggml-common.h): bytes per block of 32 elements.
    switch (type) {
        case KvType::f32: return 4.0;
        case KvType::f16:
        case KvType::bf16: return 2.0;
        case KvType::q8_0: return 34.0 / 32;  // fp16 scale + 32 int8
        case KvType::q4_0: return 18.0 / 32;  // fp16 scale + 32 nibbles
        case KvType::q4_1: return 20.0 / 32;
        case KvType::q5_0: return 22.0 / 32;
        case KvType::q5_1: return 24.0 / 32;
        case KvType::iq4_nl: return 18.0 / 32;
        case KvType::fp8: return 1.0;
    }
    return 2.0;
}

namespace {

LayerKind layer_kind(const ModelArch& a, int i) {
    return a.layer_kinds.empty() ? LayerKind::full_attention : a.layer_kinds[static_cast<size_t>(i)];
}

int64_t pad_to(int64_t x, int64_t pad) { return pad > 1 ? (x + pad - 1) / pad * pad : x; }

/// llama.cpp implements sliding windows only for some architectures; Mistral and Mixtral are
/// converted to the llama architecture, which has none, so their layers cache the whole context.
bool llama_cpp_slides(const ModelArch& a) {
    return !(a.model_type == "mistral" || a.model_type == "mixtral" || a.model_type == "starcoder2");
}

/// K and V elements one token takes in one layer.
void row_elements(const ModelArch& a, LayerKind kind, bool latent, double& k, double& v) {
    if (kind == LayerKind::mla) {
        const MlaSpec& m = a.mla;
        if (latent) {
            k = double(m.kv_lora_rank) + m.qk_rope_head_dim;
            v = m.kv_lora_rank;
        } else {
            k = double(a.heads) * (m.qk_nope_head_dim + m.qk_rope_head_dim);
            v = double(a.heads) * m.v_head_dim;
        }
        return;
    }
    k = v = double(a.kv_heads) * a.head_dim;
}

/// Layers of each kind (a sliding layer counts as sliding here whether or not llama.cpp slides it).
struct LayerCounts {
    int full = 0, sliding = 0, mla = 0, recurrent = 0;
};

LayerCounts count_layers(const ModelArch& a) {
    LayerCounts n;
    if (a.layer_kinds.empty()) {
        n.full = std::max(0, a.layers);
        return n;
    }
    // Comparisons summed rather than a switch: hybrids alternate kinds, which a branch mispredicts.
    for (int i = 0; i < a.layers; ++i) {
        const LayerKind kind = a.layer_kinds[static_cast<size_t>(i)];
        n.full += kind == LayerKind::full_attention;
        n.sliding += kind == LayerKind::sliding_attention;
        n.mla += kind == LayerKind::mla;
        n.recurrent += (kind == LayerKind::linear_attention) | (kind == LayerKind::state_space);
    }
    return n;
}

/// `term` added `n` times to 0, left to right, as a per-layer loop adds it. When every partial sum
/// i * term is exact (the significand of term times n stays within a double's 53 bits: byte counts
/// are small integers times powers of two) that is term * n, bit for bit, at the cost of one
/// multiplication instead of n dependent additions (the cache is sized ~30 times per prediction).
double repeated_sum(double term, int n) {
    if (n <= 0) return 0.0;
    uint64_t bits = 0;
    std::memcpy(&bits, &term, sizeof bits);
    const uint64_t exponent = (bits >> 52) & 0x7ff;
    // Normal numbers only (zero, subnormals, infinities and NaN take the loop).
    if (exponent != 0 && exponent != 0x7ff) {
        uint64_t significand = (bits & ((uint64_t(1) << 52) - 1)) | (uint64_t(1) << 52);
        significand >>= std::countr_zero(significand);
        if (significand <= ((uint64_t(1) << 53) - 1) / uint64_t(n) && std::isfinite(term * n)) return term * n;
    }
    double sum = 0.0;
    for (int i = 0; i < n; ++i) sum += term;
    return sum;
}

}  // namespace

bool mla_caches_latent(const ModelArch& a, const KvOptions& opt) {
    if (opt.mla_latent >= 0) return opt.mla_latent == 1;
    return a.mla.q_lora_rank > 0;
}

KvBreakdown llama_cpp_kv_cache(const ModelArch& a, int64_t context, int sequences, KvType k_type,
                               KvType v_type, const KvOptions& opt) {
    KvBreakdown r;
    const int64_t seqs = std::max(1, sequences);
    // llama-context.cpp: n_ctx_seq = GGML_PAD(n_ctx_seq, 256); one stream of that size per sequence.
    const int64_t cells_seq = pad_to(std::max<int64_t>(1, context), opt.pad);
    // llama-kv-cache-iswa.cpp: min(size_base, GGML_PAD(n_swa + n_ubatch, n_pad)) per stream.
    const int64_t swa_seq =
        opt.swa_full ? cells_seq
                     : std::min(cells_seq, pad_to(int64_t(a.sliding_window) + opt.ubatch, opt.pad));
    r.cells = cells_seq * seqs;
    const bool latent = mla_caches_latent(a, opt);
    const bool slides = llama_cpp_slides(a) && a.sliding_window > 0;
    const double kb = kv_element_bytes(k_type), vb = kv_element_bytes(v_type);
    const LayerCounts n = count_layers(a);
    const int sliding = slides ? n.sliding : 0;
    const int full = n.full + (slides ? 0 : n.sliding);
    if (sliding > 0) r.swa_cells = swa_seq * seqs;
    double k = 0, v = 0, swa = 0, rec = 0;
    // Every layer of one kind adds the same term to its sum, so the sums are repeated additions of
    // one term (a model with both MLA and full-attention layers would mix two: add layer by layer).
    if (full > 0 && n.mla > 0) {
        for (int i = 0; i < a.layers; ++i) {
            LayerKind kind = layer_kind(a, i);
            if (kind == LayerKind::linear_attention || kind == LayerKind::state_space) {
                rec += 4.0 * double(a.recurrent.state_elements + a.recurrent.conv_elements) * seqs;
                continue;
            }
            if (kind == LayerKind::sliding_attention && !slides) kind = LayerKind::full_attention;
            double ke = 0, ve = 0;
            row_elements(a, kind, latent, ke, ve);
            if (kind == LayerKind::sliding_attention) {
                const double sk = opt.swa_f16 ? 2.0 : kb, sv = opt.swa_f16 ? 2.0 : vb;
                swa += double(swa_seq * seqs) * (ke * sk + ve * sv);
            } else {
                k += double(r.cells) * ke * kb;
                v += double(r.cells) * ve * vb;
            }
        }
    } else {
        // Recurrent state is kept in F32 whatever the KV type.
        rec = repeated_sum(4.0 * double(a.recurrent.state_elements + a.recurrent.conv_elements) * seqs, n.recurrent);
        double ke = 0, ve = 0;
        if (sliding > 0) {
            row_elements(a, LayerKind::sliding_attention, latent, ke, ve);
            const double sk = opt.swa_f16 ? 2.0 : kb, sv = opt.swa_f16 ? 2.0 : vb;
            swa = repeated_sum(double(swa_seq * seqs) * (ke * sk + ve * sv), sliding);
        }
        const int attending = full + n.mla;
        if (attending > 0) {
            row_elements(a, n.mla > 0 ? LayerKind::mla : LayerKind::full_attention, latent, ke, ve);
            k = repeated_sum(double(r.cells) * ke * kb, attending);
            v = repeated_sum(double(r.cells) * ve * vb, attending);
        }
    }
    // A context no device could hold still gives a number: cap each part far below int64's range,
    // so the total and sums with other byte counts cannot overflow either.
    static constexpr double kMaxBytes = double(int64_t(1) << 60);
    const auto bytes = [](double x) { return static_cast<int64_t>(std::llround(std::min(x, kMaxBytes))); };
    r.k_bytes = bytes(k);
    r.v_bytes = bytes(v);
    r.swa_bytes = bytes(swa);
    r.recurrent_bytes = bytes(rec);
    return r;
}

int64_t kv_cache_bytes(const ModelArch& a, int64_t context, int sequences, KvType type) {
    return llama_cpp_kv_cache(a, context, sequences, type, type).total();
}

double kv_bytes_per_token(const ModelArch& a, KvType type) {
    const bool latent = mla_caches_latent(a);
    double elems = 0;
    for (int i = 0; i < a.layers; ++i) {
        LayerKind kind = layer_kind(a, i);
        if (kind == LayerKind::linear_attention || kind == LayerKind::state_space) continue;
        if (kind == LayerKind::sliding_attention && llama_cpp_slides(a) && a.sliding_window > 0)
            continue;
        if (kind == LayerKind::sliding_attention) kind = LayerKind::full_attention;
        double k = 0, v = 0;
        row_elements(a, kind, latent, k, v);
        elems += k + v;
    }
    return elems * kv_element_bytes(type);
}

}  // namespace headroom
