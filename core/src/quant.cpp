// quant.cpp: weight formats and their per-tensor bits. GGUF file types are the catalog's (gguf.h,
// catalog/quants.json "gguf"); the table below is the per-role summary the speed model reads.
#include "headroom/quant.h"

#include "headroom/gguf.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>

namespace headroom {
namespace {

// Bits per weight of GGUF block types: bytes per block * 8 / weights per block (ggml-common.h).
constexpr double kF16 = 16.0;
constexpr double kQ8_0 = 34.0 * 8 / 32;    // 8.5
constexpr double kQ6_K = 210.0 * 8 / 256;  // 6.5625
constexpr double kQ5_K = 176.0 * 8 / 256;  // 5.5
constexpr double kQ4_K = 144.0 * 8 / 256;  // 4.5
constexpr double kQ3_K = 110.0 * 8 / 256;  // 3.4375
constexpr double kQ2_K = 84.0 * 8 / 256;   // 2.625
constexpr double kQ4_0 = 18.0 * 8 / 32;    // 4.5
constexpr double kQ5_0 = 22.0 * 8 / 32;    // 5.5
constexpr double kQ4_1 = 20.0 * 8 / 32;    // 5.0
constexpr double kQ5_1 = 24.0 * 8 / 32;    // 6.0
constexpr double kIQ4_XS = 136.0 * 8 / 256;   // 4.25
constexpr double kIQ4_NL = 18.0 * 8 / 32;     // 4.5
constexpr double kIQ3_S = 110.0 * 8 / 256;    // 3.4375
constexpr double kIQ3_XXS = 98.0 * 8 / 256;   // 3.0625
constexpr double kIQ2_S = 82.0 * 8 / 256;     // 2.5625
constexpr double kIQ2_XS = 74.0 * 8 / 256;    // 2.3125
constexpr double kIQ2_XXS = 66.0 * 8 / 256;   // 2.0625
constexpr double kIQ1_M = 56.0 * 8 / 256;     // 1.75
constexpr double kIQ1_S = 50.0 * 8 / 256;     // 1.5625

/// A GGUF file type: the base block type and the higher types llama.cpp picks for sensitive tensors.
struct GgufFileType {
    std::string_view name;
    double base;
    double output;        ///< output.weight
    double attn_v_more;   ///< attn_v in use_more_bits layers
    double ffn_down_more; ///< ffn_down in use_more_bits layers
};

constexpr std::array kGgufFileTypes = {
    GgufFileType{"F16", kF16, kF16, kF16, kF16},
    GgufFileType{"BF16", kF16, kF16, kF16, kF16},
    GgufFileType{"Q8_0", kQ8_0, kQ8_0, kQ8_0, kQ8_0},
    GgufFileType{"Q6_K", kQ6_K, kQ6_K, kQ6_K, kQ6_K},
    GgufFileType{"Q5_K_M", kQ5_K, kQ6_K, kQ6_K, kQ6_K},
    GgufFileType{"Q5_K_S", kQ5_K, kQ6_K, kQ5_K, kQ5_K},
    GgufFileType{"Q5_0", kQ5_0, kQ6_K, kQ5_0, kQ5_0},
    GgufFileType{"Q4_K_M", kQ4_K, kQ6_K, kQ6_K, kQ6_K},
    GgufFileType{"Q4_K_S", kQ4_K, kQ6_K, kQ4_K, kQ4_K},
    GgufFileType{"Q4_0", kQ4_0, kQ6_K, kQ4_0, kQ4_0},
    GgufFileType{"Q3_K_M", kQ3_K, kQ6_K, kQ5_K, kQ5_K},
    GgufFileType{"Q2_K", kQ2_K, kQ6_K, kQ3_K, kQ3_K},
    GgufFileType{"Q2_K_S", kQ2_K, kQ6_K, kQ2_K, kQ2_K},
    GgufFileType{"Q3_K_S", kQ3_K, kQ6_K, kQ3_K, kQ3_K},
    GgufFileType{"Q3_K_L", kQ3_K, kQ6_K, kQ5_K, kQ5_K},
    GgufFileType{"Q4_1", kQ4_1, kQ6_K, kQ4_1, kQ4_1},
    GgufFileType{"Q5_1", kQ5_1, kQ6_K, kQ5_1, kQ5_1},
    GgufFileType{"IQ4_XS", kIQ4_XS, kQ6_K, kIQ4_XS, kIQ4_XS},
    GgufFileType{"IQ4_NL", kIQ4_NL, kQ6_K, kIQ4_NL, kIQ4_NL},
    GgufFileType{"IQ3_M", kIQ3_S, kQ6_K, kQ4_K, kQ4_K},
    GgufFileType{"IQ3_S", kIQ3_S, kQ6_K, kIQ3_S, kIQ3_S},
    GgufFileType{"IQ3_XS", kIQ3_XXS, kQ6_K, kIQ3_S, kIQ3_S},
    GgufFileType{"IQ3_XXS", kIQ3_XXS, kQ6_K, kIQ3_XXS, kIQ3_XXS},
    GgufFileType{"IQ2_M", kIQ2_S, kQ5_K, kIQ3_S, kIQ3_S},
    GgufFileType{"IQ2_S", kIQ2_XS, kQ5_K, kIQ3_S, kIQ3_S},
    GgufFileType{"IQ2_XS", kIQ2_XS, kQ5_K, kQ2_K, kQ2_K},
    GgufFileType{"IQ2_XXS", kIQ2_XXS, kQ5_K, kQ2_K, kQ2_K},
    GgufFileType{"IQ1_M", kIQ1_M, kQ5_K, kQ2_K, kQ2_K},
    GgufFileType{"IQ1_S", kIQ1_S, kQ5_K, kQ2_K, kQ2_K},
};

/// Other engines' formats: bits of a quantized matrix, scales and zeros included.
struct OtherFormat {
    std::string_view name;
    double bits;
};
constexpr std::array kOtherFormats = {
    OtherFormat{"FP16", 16.0},
    OtherFormat{"FP8", 8.0},
    OtherFormat{"GPTQ 4-bit", 4.0 + (16.0 + 4.0) / 128},  // fp16 scale + 4-bit zero per 128
    OtherFormat{"AWQ 4-bit", 4.0 + (16.0 + 4.0) / 128},
    OtherFormat{"GPTQ 8-bit", 8.0 + (16.0 + 8.0) / 128},
    OtherFormat{"MLX 4-bit", 4.0 + 32.0 / 64},  // fp16 scale + fp16 bias per 64
    OtherFormat{"MLX 8-bit", 8.0 + 32.0 / 64},
    OtherFormat{"NF4", 4.0 + 8.0 / 64},         // 8-bit double-quantised absmax per 64
    OtherFormat{"MXFP4", 4.0 + 8.0 / 32},       // E8M0 scale per 32
    OtherFormat{"NVFP4", 4.0 + 8.0 / 16},       // E4M3 scale per 16
};

std::string upper(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

const GgufFileType* find_gguf(std::string_view name) {
    for (const auto& t : kGgufFileTypes)
        if (t.name == name) return &t;
    return nullptr;
}

/// llama.cpp's use_more_bits(): the first and last eighth of the layers, and every third between.
bool use_more_bits(int layer, int layers) {
    return layer < layers / 8 || layer >= 7 * layers / 8 || (layer - layers / 8) % 3 == 2;
}

}  // namespace

FormatResult find_weight_format(std::string_view name) {
    FormatResult r;
    const std::string key = upper(name);
    if (const GgufFileType* t = find_gguf(key)) {
        r.format = {std::string(t->name), true, t->base};
        return r;
    }
    if (const GgufFtype* ft = find_file_type(builtin_gguf_tables(), key)) {
        const GgufTensorType* t = find_tensor_type(builtin_gguf_tables(), ft->default_type);
        r.format = {ft->name, true, t ? 8.0 * t->bytes / t->block : 16.0};
        return r;
    }
    for (const auto& f : kOtherFormats) {
        if (upper(f.name) == key) {
            r.format = {std::string(f.name), false, f.bits};
            return r;
        }
    }
    // "EXL2 4.65 bpw": the bits are in the name.
    if (key.rfind("EXL2 ", 0) == 0) {
        char* end = nullptr;
        const std::string num = key.substr(5);
        double bpw = std::strtod(num.c_str(), &end);
        if (end != num.c_str() && bpw >= 2.0 && bpw <= 8.5) {
            r.format = {std::string(name), false, bpw};
            return r;
        }
    }
    r.error = "unknown weight format '" + std::string(name.substr(0, 64)) + "'";
    return r;
}

double tensor_bits_per_weight(const WeightFormat& f, TensorRole role, int layer, int layers) {
    if (role == TensorRole::norm) return 32.0;  // norms stay F32 in GGUF, fp16/fp32 elsewhere
    if (f.gguf) {
        const GgufFileType* t = find_gguf(f.name);
        if (!t) return f.bits_per_weight;
        switch (role) {
            case TensorRole::output_head: return t->output;
            case TensorRole::attn_v: return use_more_bits(layer, layers) ? t->attn_v_more : t->base;
            case TensorRole::ffn_down:
                return use_more_bits(layer, layers) ? t->ffn_down_more : t->base;
            default: return t->base;
        }
    }
    // GPTQ, AWQ and FP8 checkpoints keep embeddings and the output head in 16 bits.
    if (role == TensorRole::token_embedding || role == TensorRole::output_head) {
        return f.name.rfind("MLX", 0) == 0 ? f.bits_per_weight : 16.0;
    }
    return f.bits_per_weight;
}

}  // namespace headroom
