// gguf.h: reading a GGUF file's header (metadata and tensor table, never the tensor data) from
// bytes the caller has read, and what it says about the model: architecture and exact tensor bytes.
//
// Format: ggml's docs/gguf.md (github.com/ggml-org/ggml) and gguf-py/gguf/constants.py
// (github.com/ggml-org/llama.cpp). Core does no I/O: the caller hands in the file's first bytes;
// when they end before the header does, the result asks for more (`need_bytes`).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "headroom/model.h"

namespace headroom {

/// Limits on untrusted headers. Real headers are a few MiB (the tokenizer's vocabulary and merges
/// dominate); anything beyond these is refused as malformed.
inline constexpr uint64_t kGgufMaxHeaderBytes = uint64_t(256) << 20;  ///< metadata + tensor table
inline constexpr uint64_t kGgufMaxStringBytes = uint64_t(64) << 20;   ///< one string value
inline constexpr uint64_t kGgufMaxKeyBytes = 65535;                    ///< gguf.md: keys < 2^16
inline constexpr uint64_t kGgufMaxTensorNameBytes = 1024;
inline constexpr uint64_t kGgufMaxArrayLength = uint64_t(1) << 26;    ///< elements of one array
inline constexpr uint64_t kGgufMaxKeyValues = uint64_t(1) << 20;
inline constexpr uint64_t kGgufMaxTensors = uint64_t(1) << 20;
inline constexpr uint32_t kGgufMaxDims = 4;                            ///< GGML_MAX_DIMS
inline constexpr int kGgufMaxArrayDepth = 3;                           ///< arrays of arrays of arrays
inline constexpr size_t kGgufKeptArrayItems = 65536;  ///< numeric arrays up to this length keep their values

/// Metadata value types (gguf.md `gguf_metadata_value_type`).
enum class GgufType : uint32_t {
    uint8 = 0, int8 = 1, uint16 = 2, int16 = 3, uint32 = 4, int32 = 5, float32 = 6, boolean = 7,
    string = 8, array = 9, uint64 = 10, int64 = 11, float64 = 12,
};

/// "uint32", "string", ... for messages.
std::string_view gguf_type_name(GgufType type);

/// One metadata key/value. Scalars are kept; strings are kept whole (bounded); arrays keep their
/// element type and length, numeric/bool elements when short (`kGgufKeptArrayItems`), and never
/// string elements (a vocabulary is only counted).
struct GgufKv {
    std::string key;
    GgufType type = GgufType::uint8;
    bool is_integer = false;      ///< integer or bool scalar: `int_value` holds it
    int64_t int_value = 0;        ///< integers (uint64 above INT64_MAX clamp and set `int_clamped`)
    bool int_clamped = false;
    double float_value = 0;       ///< every numeric scalar, as a double
    std::string string_value;
    GgufType array_type = GgufType::uint8;
    uint64_t array_length = 0;
    std::vector<double> array_numbers;  ///< numeric/bool elements when array_length <= kGgufKeptArrayItems
};

/// One entry of the tensor table.
struct GgufTensor {
    std::string name;
    uint32_t n_dims = 0;
    std::array<int64_t, kGgufMaxDims> dims = {1, 1, 1, 1};  ///< ne[0] is the contiguous one
    uint32_t type = 0;       ///< ggml_type
    uint64_t offset = 0;     ///< relative to the tensor data section
    int64_t elements = 0;
    int64_t bytes = 0;       ///< exact bytes of its data (ggml_nbytes)
};

struct GgufHeader {
    uint32_t version = 0;
    uint64_t tensor_count = 0;
    uint64_t kv_count = 0;
    std::vector<GgufKv> metadata;
    std::vector<GgufTensor> tensors;
    uint32_t alignment = 32;        ///< general.alignment, default 32
    uint64_t header_bytes = 0;      ///< bytes up to the end of the tensor table
    uint64_t data_offset = 0;       ///< start of the tensor data (header_bytes aligned up)
    int64_t tensor_bytes = 0;       ///< sum of every tensor's exact bytes
    uint64_t expected_file_bytes = 0;  ///< data_offset + end of the last tensor's data

    const GgufKv* find(std::string_view key) const;
};

/// The parse outcome: a header, or an error, or "the bytes end early: read at least `need_bytes`
/// more from the file's start and parse again".
struct GgufParseResult {
    GgufHeader header;
    std::string error;        ///< malformed input (never set together with need_bytes)
    uint64_t need_bytes = 0;  ///< > 0: the span ended inside the header
    bool ok() const { return error.empty() && need_bytes == 0; }
};

/// Parses a GGUF v2/v3 header from the file's first bytes. Never reads past the span, never throws.
GgufParseResult parse_gguf_header(std::span<const uint8_t> bytes);
GgufParseResult parse_gguf_header(std::string_view bytes);

/// A ggml tensor type: name and storage (gguf-py GGML_QUANT_SIZES: block size, bytes per block).
struct GgmlTypeInfo {
    std::string_view name;  ///< "Q4_K", "F16", ...
    int64_t block_size = 0;  ///< elements per block
    int64_t type_size = 0;   ///< bytes per block
};

/// nullptr for types that do not exist or were removed from GGUF files.
const GgmlTypeInfo* ggml_type_info(uint32_t type);

/// general.file_type (llama_ftype) -> "Q4_K_M", "F16", ...; "" when unknown.
std::string_view gguf_file_type_name(int64_t file_type);

/// Bytes and tensors of one ggml type in a file.
struct GgufTypeBytes {
    std::string type;
    int tensors = 0;
    int64_t elements = 0;
    int64_t bytes = 0;
};

/// What a header says about the model, for the estimator.
struct GgufModel {
    std::string architecture;  ///< general.architecture, e.g. "llama"
    std::string name;          ///< general.name (may be empty)
    std::string file_type;     ///< "Q4_K_M"...; "" when general.file_type is absent or unknown
    std::string dominant_type; ///< ggml type holding most bytes among 2-D+ tensors, e.g. "Q4_K"
    int64_t tensor_bytes = 0;     ///< every tensor of this file
    int64_t embedding_bytes = 0;  ///< token_embd.weight (kept in host memory by llama.cpp)
    int64_t device_bytes = 0;     ///< tensor_bytes - embedding_bytes
    int split_count = 1;          ///< split.count: > 1 when this file is one shard of several
    std::vector<GgufTypeBytes> by_type;  ///< ordered by bytes, largest first

    ModelArch arch;            ///< valid when arch_error is empty
    std::string config_json;   ///< the same architecture as a Hugging Face style config.json
    std::string arch_error;    ///< why the architecture could not be read (unsupported, missing keys)
};

/// Reads the model out of a parsed header. Tensor sums always work; the architecture only for the
/// families core knows (llama incl. Mistral/Mixtral, qwen2, qwen2moe, qwen3, qwen3moe, gemma,
/// gemma2, gemma3, deepseek2, gpt-oss, phi3, starcoder2).
GgufModel describe_gguf(const GgufHeader& header);

}  // namespace headroom
