// gguf.cpp: a bounded GGUF header reader (ggml docs/gguf.md) and the model it describes.
#include "headroom/gguf.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <map>
#include <set>

#include "headroom/config.h"
#include "json_read.h"

namespace headroom {
namespace {

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

/// Sequential little-endian reads over the span. A read past its end records how many more bytes
/// the header needs; a value that breaks a limit records an error. Either stops the parse.
class Reader {
public:
    Reader(const uint8_t* data, uint64_t size) : data_(data), size_(size) {}

    uint64_t pos() const { return pos_; }
    uint64_t need() const { return need_; }
    const std::string& error() const { return error_; }
    bool failed() const { return need_ > 0 || !error_.empty(); }

    bool fail(std::string message) {
        if (!failed()) error_ = std::move(message);
        return false;
    }

    /// Points `out` at the next `n` bytes and moves past them.
    bool take(uint64_t n, const uint8_t*& out) {
        if (failed()) return false;
        if (n > kGgufMaxHeaderBytes || pos_ + n > kGgufMaxHeaderBytes)
            return fail("header larger than the " + std::to_string(kGgufMaxHeaderBytes >> 20) +
                        " MiB limit");
        if (pos_ + n > size_) {
            need_ = pos_ + n - size_;
            return false;
        }
        out = data_ + pos_;
        pos_ += n;
        return true;
    }

    bool u8(uint8_t& v) {
        const uint8_t* p = nullptr;
        if (!take(1, p)) return false;
        v = p[0];
        return true;
    }
    bool u32(uint32_t& v) {
        const uint8_t* p = nullptr;
        if (!take(4, p)) return false;
        v = load32(p);
        return true;
    }
    bool u64(uint64_t& v) {
        const uint8_t* p = nullptr;
        if (!take(8, p)) return false;
        v = load64(p);
        return true;
    }

    /// A gguf_string_t: u64 length, then the bytes. `out` may be null to skip it.
    bool string(std::string* out, uint64_t max_bytes, const std::string& what) {
        uint64_t len = 0;
        if (!u64(len)) return false;
        if (len > max_bytes)
            return fail(what + " is " + std::to_string(len) + " bytes long (limit " +
                        std::to_string(max_bytes) + ")");
        const uint8_t* p = nullptr;
        if (!take(len, p)) return false;
        if (out) out->assign(reinterpret_cast<const char*>(p), static_cast<size_t>(len));
        return true;
    }

    static uint32_t load32(const uint8_t* p) {
        return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
    }
    static uint64_t load64(const uint8_t* p) { return uint64_t(load32(p)) | uint64_t(load32(p + 4)) << 32; }

private:
    const uint8_t* data_;
    uint64_t size_;
    uint64_t pos_ = 0;
    uint64_t need_ = 0;
    std::string error_;
};

/// Bytes of one fixed-size scalar; 0 for string and array.
uint64_t scalar_size(GgufType t) {
    switch (t) {
        case GgufType::uint8: case GgufType::int8: case GgufType::boolean: return 1;
        case GgufType::uint16: case GgufType::int16: return 2;
        case GgufType::uint32: case GgufType::int32: case GgufType::float32: return 4;
        case GgufType::uint64: case GgufType::int64: case GgufType::float64: return 8;
        case GgufType::string: case GgufType::array: return 0;
    }
    return 0;
}

bool valid_type(uint32_t t) { return t <= 12; }

/// Decodes one fixed-size scalar at `p`. Integers also land in `i` (uint64 clamps).
bool decode_scalar(GgufType t, const uint8_t* p, double& f, int64_t& i, bool& clamped, bool& is_int,
                   std::string& err) {
    clamped = false;
    is_int = true;
    switch (t) {
        case GgufType::uint8: i = p[0]; break;
        case GgufType::int8: i = static_cast<int8_t>(p[0]); break;
        case GgufType::boolean:
            if (p[0] > 1) {
                err = "bool value " + std::to_string(p[0]) + " is neither 0 nor 1";
                return false;
            }
            i = p[0];
            break;
        case GgufType::uint16: i = uint16_t(p[0] | p[1] << 8); break;
        case GgufType::int16: i = static_cast<int16_t>(uint16_t(p[0] | p[1] << 8)); break;
        case GgufType::uint32: i = Reader::load32(p); break;
        case GgufType::int32: i = static_cast<int32_t>(Reader::load32(p)); break;
        case GgufType::uint64: {
            const uint64_t u = Reader::load64(p);
            clamped = u > uint64_t(kInt64Max);
            i = clamped ? kInt64Max : int64_t(u);
            f = double(u);
            return true;
        }
        case GgufType::int64: {
            const uint64_t u = Reader::load64(p);
            std::memcpy(&i, &u, 8);
            break;
        }
        case GgufType::float32: {
            const uint32_t u = Reader::load32(p);
            float v;
            std::memcpy(&v, &u, 4);
            f = v;
            is_int = false;
            return true;
        }
        case GgufType::float64: {
            const uint64_t u = Reader::load64(p);
            std::memcpy(&f, &u, 8);
            is_int = false;
            return true;
        }
        case GgufType::string: case GgufType::array: is_int = false; return true;
    }
    f = double(i);
    return true;
}

/// Reads (or skips) an array's body: element type, length, elements. `kv` may be null (nested).
bool read_array(Reader& r, GgufKv* kv, int depth, const std::string& what) {
    if (depth > kGgufMaxArrayDepth) return r.fail(what + ": arrays nested deeper than " + std::to_string(kGgufMaxArrayDepth));
    uint32_t raw_type = 0;
    uint64_t len = 0;
    if (!r.u32(raw_type)) return false;
    if (!valid_type(raw_type)) return r.fail(what + ": unknown array element type " + std::to_string(raw_type));
    if (!r.u64(len)) return false;
    if (len > kGgufMaxArrayLength)
        return r.fail(what + ": array of " + std::to_string(len) + " elements (limit " +
                      std::to_string(kGgufMaxArrayLength) + ")");
    const GgufType type = static_cast<GgufType>(raw_type);
    if (kv) {
        kv->array_type = type;
        kv->array_length = len;
    }
    if (const uint64_t size = scalar_size(type)) {
        const uint8_t* p = nullptr;
        if (!r.take(len * size, p)) return false;
        const bool keep = kv && len <= kGgufKeptArrayItems;
        for (uint64_t k = 0; k < len; ++k) {
            double f = 0;
            int64_t i = 0;
            bool clamped = false, is_int = false;
            std::string err;
            if (!decode_scalar(type, p + k * size, f, i, clamped, is_int, err))
                return r.fail(what + "[" + std::to_string(k) + "]: " + err);
            if (keep) kv->array_numbers.push_back(f);
        }
        return true;
    }
    const std::string item = what + " element";
    for (uint64_t k = 0; k < len; ++k) {
        if (type == GgufType::string) {
            if (!r.string(nullptr, kGgufMaxStringBytes, item)) return false;
        } else if (!read_array(r, nullptr, depth + 1, item)) {
            return false;
        }
    }
    return true;
}

bool read_kv(Reader& r, GgufKv& kv, uint64_t index) {
    const std::string where = "metadata entry " + std::to_string(index);
    if (!r.string(&kv.key, kGgufMaxKeyBytes, where + " key")) return false;
    if (kv.key.empty()) return r.fail(where + " has an empty key");
    const std::string what = "metadata '" + kv.key.substr(0, 80) + "'";
    uint32_t raw_type = 0;
    if (!r.u32(raw_type)) return false;
    if (!valid_type(raw_type)) return r.fail(what + ": unknown value type " + std::to_string(raw_type));
    kv.type = static_cast<GgufType>(raw_type);
    if (kv.type == GgufType::string) return r.string(&kv.string_value, kGgufMaxStringBytes, what);
    if (kv.type == GgufType::array) return read_array(r, &kv, 1, what);
    const uint8_t* p = nullptr;
    if (!r.take(scalar_size(kv.type), p)) return false;
    std::string err;
    if (!decode_scalar(kv.type, p, kv.float_value, kv.int_value, kv.int_clamped, kv.is_integer, err))
        return r.fail(what + ": " + err);
    return true;
}

bool mul_overflows(int64_t a, int64_t b, int64_t& out) { return __builtin_mul_overflow(a, b, &out); }

bool read_tensor(Reader& r, GgufTensor& t, uint64_t index, uint32_t alignment) {
    const std::string where = "tensor " + std::to_string(index);
    if (!r.string(&t.name, kGgufMaxTensorNameBytes, where + " name")) return false;
    const std::string what = "tensor '" + t.name.substr(0, 80) + "'";
    if (!r.u32(t.n_dims)) return false;
    if (t.n_dims == 0 || t.n_dims > kGgufMaxDims)
        return r.fail(what + " has " + std::to_string(t.n_dims) + " dimensions (1 to " +
                      std::to_string(kGgufMaxDims) + " allowed)");
    for (uint32_t d = 0; d < t.n_dims; ++d) {
        uint64_t n = 0;
        if (!r.u64(n)) return false;
        if (n > uint64_t(kInt64Max)) return r.fail(what + ": dimension " + std::to_string(d) + " is out of range");
        t.dims[d] = int64_t(n);
    }
    if (!r.u32(t.type)) return false;
    if (!r.u64(t.offset)) return false;
    const GgmlTypeInfo* info = ggml_type_info(t.type);
    if (!info) return r.fail(what + " has unknown ggml type " + std::to_string(t.type));
    if (t.dims[0] % info->block_size != 0)
        return r.fail(what + ": first dimension " + std::to_string(t.dims[0]) + " is not a multiple of " +
                      std::string(info->name) + "'s block of " + std::to_string(info->block_size));
    int64_t elements = 1;
    for (int64_t n : t.dims)
        if (mul_overflows(elements, n, elements)) return r.fail(what + ": element count overflows");
    // ggml_nbytes: the rows are whole blocks.
    int64_t bytes = 0;
    if (mul_overflows(t.dims[0] / info->block_size, info->type_size, bytes))
        return r.fail(what + ": byte size overflows");
    for (uint32_t d = 1; d < kGgufMaxDims; ++d)
        if (mul_overflows(bytes, t.dims[d], bytes)) return r.fail(what + ": byte size overflows");
    if (t.offset % alignment != 0)
        return r.fail(what + ": data offset " + std::to_string(t.offset) + " is not a multiple of the alignment " +
                      std::to_string(alignment));
    t.elements = elements;
    t.bytes = bytes;
    return true;
}

bool parse(Reader& r, uint64_t size, const uint8_t* data, GgufHeader& h) {
    // Magic: refuse early even from fewer than four bytes when they already differ.
    static const char kMagic[4] = {'G', 'G', 'U', 'F'};
    for (uint64_t i = 0; i < std::min<uint64_t>(size, 4); ++i)
        if (data[i] != uint8_t(kMagic[i])) return r.fail("not a GGUF file (it does not start with \"GGUF\")");
    const uint8_t* magic = nullptr;
    if (!r.take(4, magic)) return false;
    if (!r.u32(h.version)) return false;
    if (h.version == 1) return r.fail("GGUF version 1 is not supported (convert the model again)");
    if (h.version > 0xFFFF) return r.fail("big-endian GGUF files are not supported");
    if (h.version != 2 && h.version != 3) return r.fail("unsupported GGUF version " + std::to_string(h.version));
    if (!r.u64(h.tensor_count) || !r.u64(h.kv_count)) return false;
    if (h.tensor_count > kGgufMaxTensors)
        return r.fail("tensor count " + std::to_string(h.tensor_count) + " exceeds the limit of " +
                      std::to_string(kGgufMaxTensors));
    if (h.kv_count > kGgufMaxKeyValues)
        return r.fail("metadata count " + std::to_string(h.kv_count) + " exceeds the limit of " +
                      std::to_string(kGgufMaxKeyValues));

    std::set<std::string> keys;
    for (uint64_t i = 0; i < h.kv_count; ++i) {
        GgufKv kv;
        if (!read_kv(r, kv, i)) return false;
        if (!keys.insert(kv.key).second) return r.fail("metadata key '" + kv.key.substr(0, 80) + "' appears twice");
        h.metadata.push_back(std::move(kv));
    }
    if (const GgufKv* a = h.find("general.alignment")) {
        if (!a->is_integer || a->type == GgufType::boolean || a->int_value <= 0 || a->int_value > (1 << 30) ||
            (a->int_value & (a->int_value - 1)) != 0)
            return r.fail("general.alignment must be a power of two");
        h.alignment = uint32_t(a->int_value);
    }

    std::set<std::string> names;
    uint64_t data_end = 0;
    // Low-bit types hold up to ~5 elements per byte, so the element total can overflow where the byte
    // total does not; describe_gguf sums both.
    int64_t total_elements = 0;
    for (uint64_t i = 0; i < h.tensor_count; ++i) {
        GgufTensor t;
        if (!read_tensor(r, t, i, h.alignment)) return false;
        if (!names.insert(t.name).second) return r.fail("tensor '" + t.name.substr(0, 80) + "' appears twice");
        if (h.tensor_bytes > kInt64Max - t.bytes) return r.fail("total tensor size overflows");
        h.tensor_bytes += t.bytes;
        if (total_elements > kInt64Max - t.elements) return r.fail("total element count overflows");
        total_elements += t.elements;
        if (t.offset > uint64_t(kInt64Max) - uint64_t(t.bytes)) return r.fail("tensor data offsets overflow");
        data_end = std::max(data_end, t.offset + uint64_t(t.bytes));
        h.tensors.push_back(std::move(t));
    }
    h.header_bytes = r.pos();
    h.data_offset = (h.header_bytes + h.alignment - 1) / h.alignment * h.alignment;
    h.expected_file_bytes = h.data_offset + data_end;
    return true;
}

}  // namespace

const GgufKv* GgufHeader::find(std::string_view key) const {
    for (const GgufKv& kv : metadata)
        if (kv.key == key) return &kv;
    return nullptr;
}

std::string_view gguf_type_name(GgufType type) {
    static constexpr std::string_view kNames[] = {"uint8",  "int8",  "uint16", "int16", "uint32",
                                                  "int32",  "float32", "bool", "string", "array",
                                                  "uint64", "int64", "float64"};
    const auto i = static_cast<uint32_t>(type);
    return i < 13 ? kNames[i] : "unknown";
}

GgufParseResult parse_gguf_header(std::span<const uint8_t> bytes) {
    GgufParseResult result;
    Reader r(bytes.data(), bytes.size());
    if (!parse(r, bytes.size(), bytes.data(), result.header)) {
        result.header = GgufHeader{};
        if (!r.error().empty()) {
            result.error = r.error();
        } else if (bytes.size() + r.need() > kGgufMaxHeaderBytes) {
            result.error = "header larger than the " + std::to_string(kGgufMaxHeaderBytes >> 20) + " MiB limit";
        } else {
            result.need_bytes = r.need();
        }
    }
    return result;
}

GgufParseResult parse_gguf_header(std::string_view bytes) {
    return parse_gguf_header(
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
}

const GgmlTypeInfo* ggml_type_info(uint32_t type) {
    // gguf-py/gguf/constants.py GGML_QUANT_SIZES (block size, type size), QK_K = 256.
    constexpr int64_t K = 256;
    static const GgmlTypeInfo kTypes[] = {
        {"F32", 1, 4},                                      // 0
        {"F16", 1, 2},                                      // 1
        {"Q4_0", 32, 2 + 16},                               // 2
        {"Q4_1", 32, 2 + 2 + 16},                           // 3
        {"", 0, 0},                                         // 4 Q4_2, removed
        {"", 0, 0},                                         // 5 Q4_3, removed
        {"Q5_0", 32, 2 + 4 + 16},                           // 6
        {"Q5_1", 32, 2 + 2 + 4 + 16},                       // 7
        {"Q8_0", 32, 2 + 32},                               // 8
        {"Q8_1", 32, 4 + 4 + 32},                           // 9
        {"Q2_K", K, 2 + 2 + K / 16 + K / 4},                // 10
        {"Q3_K", K, 2 + K / 4 + K / 8 + 12},                // 11
        {"Q4_K", K, 2 + 2 + K / 2 + 12},                    // 12
        {"Q5_K", K, 2 + 2 + K / 2 + K / 8 + 12},            // 13
        {"Q6_K", K, 2 + K / 2 + K / 4 + K / 16},            // 14
        {"Q8_K", K, 4 + K + K / 8},                         // 15
        {"IQ2_XXS", K, 2 + K / 4},                          // 16
        {"IQ2_XS", K, 2 + K / 4 + K / 32},                  // 17
        {"IQ3_XXS", K, 2 + K / 4 + K / 8},                  // 18
        {"IQ1_S", K, 2 + K / 8 + K / 16},                   // 19
        {"IQ4_NL", 32, 2 + 16},                             // 20
        {"IQ3_S", K, 2 + K / 4 + K / 8 + K / 32 + 4},       // 21
        {"IQ2_S", K, 2 + K / 4 + K / 16},                   // 22
        {"IQ4_XS", K, 2 + 2 + K / 2 + K / 64},              // 23
        {"I8", 1, 1},                                       // 24
        {"I16", 1, 2},                                      // 25
        {"I32", 1, 4},                                      // 26
        {"I64", 1, 8},                                      // 27
        {"F64", 1, 8},                                      // 28
        {"IQ1_M", K, K / 8 + K / 16 + K / 32},              // 29
        {"BF16", 1, 2},                                     // 30
        {"", 0, 0},                                         // 31 Q4_0_4_4, removed from GGUF files
        {"", 0, 0},                                         // 32 Q4_0_4_8, removed
        {"", 0, 0},                                         // 33 Q4_0_8_8, removed
        {"TQ1_0", K, 2 + 4 * 13},                           // 34
        {"TQ2_0", K, 2 + 64},                               // 35
        {"", 0, 0},                                         // 36 IQ4_NL_4_4, removed
        {"", 0, 0},                                         // 37 IQ4_NL_4_8, removed
        {"", 0, 0},                                         // 38 IQ4_NL_8_8, removed
        {"MXFP4", 32, 1 + 16},                              // 39
        {"NVFP4", 64, 4 + 32},                              // 40
        {"Q1_0", 128, 2 + 16},                              // 41
    };
    if (type >= std::size(kTypes) || kTypes[type].block_size == 0) return nullptr;
    return &kTypes[type];
}

std::string_view gguf_file_type_name(int64_t file_type) {
    // llama.h llama_ftype, mirrored by gguf-py LlamaFileType (ALL_F32 = 0 ... MOSTLY_Q1_0 = 40).
    static constexpr std::string_view kNames[] = {
        "F32",     "F16",    "Q4_0",   "Q4_1",    "Q4_1_SOME_F16", "",        "",       "Q8_0",
        "Q5_0",    "Q5_1",   "Q2_K",   "Q3_K_S",  "Q3_K_M",        "Q3_K_L",  "Q4_K_S", "Q4_K_M",
        "Q5_K_S",  "Q5_K_M", "Q6_K",   "IQ2_XXS", "IQ2_XS",        "Q2_K_S",  "IQ3_XS", "IQ3_XXS",
        "IQ1_S",   "IQ4_NL", "IQ3_S",  "IQ3_M",   "IQ2_S",         "IQ2_M",   "IQ4_XS", "IQ1_M",
        "BF16",    "Q4_0_4_4", "Q4_0_4_8", "Q4_0_8_8", "TQ1_0",    "TQ2_0",   "MXFP4_MOE", "NVFP4",
        "Q1_0",
    };
    if (file_type < 0 || file_type >= int64_t(std::size(kNames))) return "";
    return kNames[file_type];
}

// --- the model a header describes ---------------------------------------------------------------

namespace {

using detail::json;

/// GGUF architecture name (llama.cpp llama-arch.cpp) -> the Hugging Face model_type core reads.
struct ArchMapping {
    std::string_view gguf;
    std::string_view hf;
};
constexpr ArchMapping kArchMappings[] = {
    {"llama", "llama"},         {"qwen2", "qwen2"},     {"qwen2moe", "qwen2_moe"},
    {"qwen3", "qwen3"},         {"qwen3moe", "qwen3_moe"}, {"gemma", "gemma"},
    {"gemma2", "gemma2"},       {"gemma3", "gemma3_text"}, {"deepseek2", "deepseek_v3"},
    {"gpt-oss", "gpt_oss"},     {"phi3", "phi3"},       {"starcoder2", "starcoder2"},
};

/// Integer metadata (scalar, or the largest element of a per-layer array). false when absent or
/// not a whole number in [0, INT32_MAX].
bool meta_int(const GgufHeader& h, const std::string& key, int64_t& out) {
    const GgufKv* kv = h.find(key);
    if (!kv) return false;
    if (kv->type == GgufType::array) {
        if (kv->array_numbers.empty()) return false;
        out = int64_t(*std::max_element(kv->array_numbers.begin(), kv->array_numbers.end()));
        return out >= 0 && out <= std::numeric_limits<int32_t>::max();
    }
    if (!kv->is_integer || kv->type == GgufType::boolean || kv->int_clamped) return false;
    out = kv->int_value;
    return out >= 0 && out <= std::numeric_limits<int32_t>::max();
}

const GgufTensor* find_tensor(const GgufHeader& h, std::string_view name) {
    for (const GgufTensor& t : h.tensors)
        if (t.name == name) return &t;
    return nullptr;
}

/// The architecture as a Hugging Face style config, so that one reader (parse_hf_config) turns
/// both a config.json and a GGUF header into a ModelArch, and scenarios can carry it as
/// `model.config`. Key meanings: gguf-py constants.py Keys.LLM / Keys.Attention; per-family
/// sliding-window layouts: llama.cpp llama-model.cpp load_hparams.
bool config_from_gguf(const GgufHeader& h, const std::string& arch, std::string_view hf_type, json& cfg,
                      std::string& err) {
    const std::string p = arch + ".";
    auto need = [&](const std::string& key, const char* hf_key) {
        int64_t v = 0;
        if (!meta_int(h, p + key, v)) {
            err = "missing or bad '" + p + key + "'";
            return false;
        }
        cfg[hf_key] = v;
        return true;
    };
    auto maybe = [&](const std::string& key, const char* hf_key) {
        int64_t v = 0;
        if (meta_int(h, p + key, v)) cfg[hf_key] = v;
        return true;
    };
    cfg["model_type"] = std::string(hf_type);
    if (!need("block_count", "num_hidden_layers") || !need("embedding_length", "hidden_size") ||
        !need("attention.head_count", "num_attention_heads"))
        return false;
    // MLA files written for the cached-latent layout say head_count_kv = 1; their Hugging Face
    // configs (and core) count key/value heads as the query heads, which is the default below.
    int64_t kv_lora_probe = 0;
    const bool mla = meta_int(h, p + "attention.kv_lora_rank", kv_lora_probe) && kv_lora_probe > 0;
    if (!mla) maybe("attention.head_count_kv", "num_key_value_heads");
    if (cfg.contains("num_key_value_heads") && cfg["num_key_value_heads"] == 0) cfg.erase("num_key_value_heads");
    maybe("context_length", "max_position_embeddings");
    if (cfg.contains("max_position_embeddings") && cfg["max_position_embeddings"] == 0)
        cfg.erase("max_position_embeddings");
    if (arch != "deepseek2") maybe("attention.key_length", "head_dim");

    int64_t ffn = 0, expert_ffn = 0;
    const bool has_ffn = meta_int(h, p + "feed_forward_length", ffn) && ffn > 0;
    const bool has_expert_ffn = meta_int(h, p + "expert_feed_forward_length", expert_ffn) && expert_ffn > 0;
    if (has_ffn) cfg["intermediate_size"] = ffn;
    else if (has_expert_ffn) cfg["intermediate_size"] = expert_ffn;

    // Vocabulary: the explicit key, else the tokenizer's token list, else the embedding's rows.
    int64_t vocab = 0;
    if (!meta_int(h, p + "vocab_size", vocab) || vocab == 0) {
        const GgufKv* tokens = h.find("tokenizer.ggml.tokens");
        if (tokens && tokens->type == GgufType::array && tokens->array_length > 0) {
            vocab = int64_t(std::min<uint64_t>(tokens->array_length, uint64_t(kInt64Max)));
        } else if (const GgufTensor* emb = find_tensor(h, "token_embd.weight"); emb && emb->n_dims >= 2) {
            vocab = emb->dims[1];
        }
    }
    if (vocab <= 0) {
        err = "cannot tell the vocabulary size (no " + p + "vocab_size, tokenizer.ggml.tokens or token_embd.weight)";
        return false;
    }
    cfg["vocab_size"] = vocab;
    // llama.cpp reuses token_embd.weight when there is no output.weight.
    cfg["tie_word_embeddings"] = find_tensor(h, "output.weight") == nullptr;
    cfg["attention_bias"] = find_tensor(h, "blk.0.attn_q.bias") != nullptr || find_tensor(h, "blk.0.attn_qkv.bias") != nullptr;

    // Mixture of experts.
    int64_t experts = 0;
    if (meta_int(h, p + "expert_count", experts) && experts > 0) {
        cfg["num_local_experts"] = experts;
        if (!need("expert_used_count", "num_experts_per_tok")) return false;
        if (has_expert_ffn) cfg["moe_intermediate_size"] = expert_ffn;
        maybe("expert_shared_count", "n_shared_experts");
        maybe("expert_shared_feed_forward_length", "shared_expert_intermediate_size");
        maybe("leading_dense_block_count", "first_k_dense_replace");
    }

    // Multi-head latent attention (DeepSeek V2/V3 and relatives). key_length_mla/value_length_mla
    // are the per-head sizes in files converted with the cache-the-latent layout; older files carry
    // them in key_length/value_length.
    int64_t kv_lora = 0;
    if (meta_int(h, p + "attention.kv_lora_rank", kv_lora) && kv_lora > 0) {
        int64_t q_lora = 0, rope = 0, k_len = 0, v_len = 0;
        meta_int(h, p + "attention.q_lora_rank", q_lora);
        if (!meta_int(h, p + "rope.dimension_count", rope) || rope <= 0) {
            err = "missing or bad '" + p + "rope.dimension_count'";
            return false;
        }
        if (!meta_int(h, p + "attention.key_length_mla", k_len) && !meta_int(h, p + "attention.key_length", k_len)) {
            err = "missing '" + p + "attention.key_length'";
            return false;
        }
        if (!meta_int(h, p + "attention.value_length_mla", v_len) &&
            !meta_int(h, p + "attention.value_length", v_len)) {
            err = "missing '" + p + "attention.value_length'";
            return false;
        }
        if (k_len <= rope) {
            err = "key length " + std::to_string(k_len) + " is not above the rope dimension " + std::to_string(rope);
            return false;
        }
        cfg["kv_lora_rank"] = kv_lora;
        cfg["q_lora_rank"] = q_lora;
        cfg["qk_rope_head_dim"] = rope;
        cfg["qk_nope_head_dim"] = k_len - rope;
        cfg["v_head_dim"] = v_len;
    }

    // Sliding-window layouts, as llama.cpp applies them per family.
    int64_t window = 0;
    const bool has_window = meta_int(h, p + "attention.sliding_window", window) && window > 0;
    const int64_t layers = cfg["num_hidden_layers"].get<int64_t>();
    if (arch == "gemma2") {
        cfg["sliding_window"] = has_window ? window : 4096;  // llama.cpp's Gemma 2 default
    } else if (arch == "gemma3" && has_window) {
        cfg["sliding_window"] = window;
        cfg["sliding_window_pattern"] = 6;  // five local layers, then a global one
    } else if (arch == "gpt-oss" && has_window) {
        cfg["sliding_window"] = window;
        json types = json::array();
        for (int64_t i = 0; i < layers && i < 4096; ++i)
            types.push_back(i % 2 == 0 ? "sliding_attention" : "full_attention");
        cfg["layer_types"] = std::move(types);
    }
    return true;
}

std::string type_name(uint32_t type) {
    const GgmlTypeInfo* info = ggml_type_info(type);
    return info ? std::string(info->name) : "type " + std::to_string(type);
}

}  // namespace

GgufModel describe_gguf(const GgufHeader& h) {
    GgufModel m;
    if (const GgufKv* a = h.find("general.architecture"); a && a->type == GgufType::string)
        m.architecture = a->string_value;
    if (const GgufKv* n = h.find("general.name"); n && n->type == GgufType::string) m.name = n->string_value;
    if (const GgufKv* ft = h.find("general.file_type"); ft && ft->is_integer && ft->type != GgufType::boolean)
        m.file_type = std::string(gguf_file_type_name(ft->int_value));
    int64_t split = 0;
    if (meta_int(h, "split.count", split) && split > 1) m.split_count = int(split);

    std::map<uint32_t, GgufTypeBytes> by_type;
    std::map<uint32_t, int64_t> matrix_bytes;
    for (const GgufTensor& t : h.tensors) {
        GgufTypeBytes& b = by_type[t.type];
        b.type = type_name(t.type);
        b.tensors += 1;
        b.elements += t.elements;
        b.bytes += t.bytes;
        if (t.n_dims >= 2) matrix_bytes[t.type] += t.bytes;
        if (t.name == "token_embd.weight") m.embedding_bytes = t.bytes;
    }
    m.tensor_bytes = h.tensor_bytes;
    m.device_bytes = m.tensor_bytes - m.embedding_bytes;
    for (auto& entry : by_type) m.by_type.push_back(entry.second);
    std::stable_sort(m.by_type.begin(), m.by_type.end(),
                     [](const GgufTypeBytes& a, const GgufTypeBytes& b) { return a.bytes > b.bytes; });
    int64_t best = -1;
    for (const auto& [type, bytes] : matrix_bytes)
        if (bytes > best) {
            best = bytes;
            m.dominant_type = type_name(type);
        }

    if (m.architecture.empty()) {
        m.arch_error = "the file has no general.architecture";
        return m;
    }
    const ArchMapping* mapping = nullptr;
    for (const ArchMapping& a : kArchMappings)
        if (a.gguf == m.architecture) mapping = &a;
    if (!mapping) {
        m.arch_error = "architecture '" + m.architecture.substr(0, 40) + "' is not supported";
        return m;
    }
    json cfg;
    std::string err;
    if (!config_from_gguf(h, m.architecture, mapping->hf, cfg, err)) {
        m.arch_error = err;
        return m;
    }
    m.config_json = cfg.dump(-1, ' ', false, json::error_handler_t::replace);
    ArchResult arch = parse_hf_config(m.config_json);
    if (!arch.ok()) {
        m.arch_error = arch.error;
        m.config_json.clear();
        return m;
    }
    m.arch = std::move(arch.arch);
    return m;
}

}  // namespace headroom
