// gguf.h: GGUF tensor types, llama.cpp's GGUF file types with their per-tensor type rules, and the
// tensor list llama.cpp builds for an architecture: what a GGUF file of a model weighs, tensor by
// tensor, and which part of it llama.cpp puts on the accelerator.
//
// The data (block sizes, rules) lives in catalog/quants.json under "gguf"; its "_doc" documents the
// rule format and its sources (ggml-common.h, src/llama-quant.cpp).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "headroom/model.h"

namespace headroom {

/// A ggml tensor type: `bytes` per block of `block` elements.
struct GgufTensorType {
    std::string name;  ///< "Q4_K", "F16"...
    int id = 0;        ///< ggml_type
    int block = 1;
    int bytes = 0;
};

/// Broad tensor categories of llama-quant.cpp's tensor_get_category.
enum class GgufCategory {
    output,       ///< output.weight; token_embd.weight too when the model has no output.weight
    token_embd,
    attn_qkv,
    attn_kv_b,
    attn_v,
    attn_k,
    attn_q,
    attn_output,
    ffn_up,
    ffn_gate,
    ffn_down,
    other,
};

/// Conditions of one rule; an unset field is not tested. See "_doc.conditions" in quants.json.
struct GgufRuleCondition {
    std::vector<std::string> arch, arch_not, from_types;
    std::optional<bool> ncols_not_divisible, imatrix, more_bits, layer_below_eighth,
        layer_below_sixteenth, layer_middle, counter_below_eighth, expert_tensor;
    std::optional<int> gqa_min, experts_min, experts_eq, index_below;
    std::string size_class;
};

/// `categories` get `type` (empty: keep the running type) when `when` holds.
struct GgufRule {
    std::vector<GgufCategory> categories;
    bool any_category = false;  ///< "any": every category but output
    std::string type;
    GgufRuleCondition when;
};

/// A llama.cpp file type (llama_ftype): default tensor type and rule stages.
struct GgufFtype {
    std::string name;  ///< "Q4_K_M"
    int ftype = 0;
    std::string default_type;
    std::vector<std::vector<GgufRule>> stages;  ///< first matching rule of each stage applies
};

/// Everything under "gguf" in catalog/quants.json.
struct GgufTables {
    std::vector<GgufTensorType> tensor_types;
    std::vector<GgufFtype> file_types;
    std::map<std::string, std::string> fallback;  ///< row-size fallback type per type
    std::map<std::string, std::string> aliases;   ///< "MXFP4" -> "MXFP4_MOE"...
    std::vector<std::string> imatrix_required;    ///< file types that cannot be made without one
};

struct GgufTablesResult {
    GgufTables tables;
    std::string error;
    bool ok() const { return error.empty(); }
};

/// Parses the "gguf" object (JSON text of that object alone). Unknown rule keys are errors.
GgufTablesResult parse_gguf_tables(std::string_view gguf_json);

/// The tables compiled into the binary (catalog/quants.json "gguf"); parsed once.
const GgufTables& builtin_gguf_tables();

/// Lookups; nullptr when absent. File type names are case-insensitive and accept the aliases.
const GgufTensorType* find_tensor_type(const GgufTables& t, std::string_view name);
const GgufFtype* find_file_type(const GgufTables& t, std::string_view name);

/// Bytes of `elements` elements of `type` (elements a multiple of its block).
int64_t gguf_tensor_bytes(const GgufTensorType& type, int64_t elements);

/// One tensor of a llama.cpp model, its GGUF type once assigned.
struct GgufTensor {
    std::string name;            ///< "blk.3.attn_v.weight"
    std::array<int64_t, 3> ne{}; ///< ne[0] is the row length; unused dimensions are 1
    int dims = 1;
    int layer = -1;              ///< block number; -1 outside the blocks
    GgufCategory category = GgufCategory::other;
    bool quantizable = false;    ///< llama-quantize may change its type (tensor_allows_quantization)
    std::string type;            ///< converter's type before quantization ("F32", "F16")
    int64_t elements() const { return ne[0] * ne[1] * ne[2]; }
};

/// The tensors llama.cpp's converter writes for `arch`, in llama-quantize's order (non-block tensors
/// first, then by block number and name).
std::vector<GgufTensor> gguf_tensor_list(const ModelArch& arch);

/// llama.cpp architecture name used by the rules ("llama" for Llama/Mistral/Mixtral, "falcon"...).
std::string llama_cpp_arch(const ModelArch& arch);

/// Options of a quantization run.
struct GgufQuantOptions {
    /// An importance matrix was used. Unset: exactly for the file types that require one.
    std::optional<bool> imatrix;
};

/// Assigns every tensor its type in `file_type` (llama_tensor_get_type + fallback).
std::vector<GgufTensor> gguf_assign_types(const ModelArch& arch, const GgufFtype& file_type,
                                          const GgufTables& tables, const GgufQuantOptions& opt = {});

/// What a GGUF file of a model weighs.
struct GgufWeights {
    int64_t tensor_bytes = 0;      ///< tensor data, each tensor aligned to 32 bytes ("model size")
    int64_t metadata_bytes = 0;    ///< header, key-value pairs, tensor infos (estimated)
    int64_t file_bytes = 0;        ///< tensor_bytes + metadata_bytes
    int64_t token_embd_bytes = 0;  ///< the input embedding table, kept in host memory by llama.cpp
    int64_t device_bytes = 0;      ///< llama.cpp's model buffer on the accelerators
    int64_t params = 0;            ///< elements of every tensor (llama-bench's "params")
    int64_t expert_bytes = 0;      ///< routed-expert tensors (3-D)
};

/// Bytes of `arch` as a GGUF file of `file_type`; nullopt when the file type is unknown.
std::optional<GgufWeights> gguf_weights(const ModelArch& arch, std::string_view file_type,
                                        const GgufTables& tables = builtin_gguf_tables(),
                                        const GgufQuantOptions& opt = {});

/// Estimated GGUF metadata bytes: header, tokenizer arrays, tensor infos.
int64_t gguf_metadata_bytes(const ModelArch& arch, const std::vector<GgufTensor>& tensors);

}  // namespace headroom
