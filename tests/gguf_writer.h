// gguf_writer.h: writes small, valid GGUF files (ggml docs/gguf.md) for the tests, plus the tiny
// llama fixture the node and browser tests open (tests/data/tiny-llama.gguf).
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "headroom/gguf.h"

namespace headroom::test {

class GgufWriter {
public:
    explicit GgufWriter(uint32_t version = 3, uint32_t alignment = 32) : version_(version), alignment_(alignment) {}

    GgufWriter& u32(const std::string& key, uint32_t v) { return kv(key, 4, [&](std::string& o) { put32(o, v); }); }
    GgufWriter& i32(const std::string& key, int32_t v) { return kv(key, 5, [&](std::string& o) { put32(o, uint32_t(v)); }); }
    GgufWriter& u64(const std::string& key, uint64_t v) { return kv(key, 10, [&](std::string& o) { put64(o, v); }); }
    GgufWriter& f32(const std::string& key, float v) {
        return kv(key, 6, [&](std::string& o) {
            uint32_t u;
            std::memcpy(&u, &v, 4);
            put32(o, u);
        });
    }
    GgufWriter& boolean(const std::string& key, bool v) { return kv(key, 7, [&](std::string& o) { o.push_back(char(v)); }); }
    GgufWriter& str(const std::string& key, const std::string& v) { return kv(key, 8, [&](std::string& o) { putstr(o, v); }); }
    GgufWriter& str_array(const std::string& key, const std::vector<std::string>& v) {
        return kv(key, 9, [&](std::string& o) {
            put32(o, 8);
            put64(o, v.size());
            for (const auto& s : v) putstr(o, s);
        });
    }
    GgufWriter& i32_array(const std::string& key, const std::vector<int32_t>& v) {
        return kv(key, 9, [&](std::string& o) {
            put32(o, 5);
            put64(o, v.size());
            for (int32_t x : v) put32(o, uint32_t(x));
        });
    }
    GgufWriter& f32_array(const std::string& key, const std::vector<float>& v) {
        return kv(key, 9, [&](std::string& o) {
            put32(o, 6);
            put64(o, v.size());
            for (float x : v) {
                uint32_t u;
                std::memcpy(&u, &x, 4);
                put32(o, u);
            }
        });
    }

    /// A tensor of ggml type `type` with `dims` (ne[0] first); its data offset is assigned in order.
    GgufWriter& tensor(const std::string& name, const std::vector<int64_t>& dims, uint32_t type) {
        const GgmlTypeInfo* info = ggml_type_info(type);
        int64_t bytes = (dims[0] / info->block_size) * info->type_size;
        for (size_t d = 1; d < dims.size(); ++d) bytes *= dims[d];
        putstr(tensors_, name);
        put32(tensors_, uint32_t(dims.size()));
        for (int64_t d : dims) put64(tensors_, uint64_t(d));
        put32(tensors_, type);
        put64(tensors_, data_bytes_);
        data_bytes_ += uint64_t((bytes + alignment_ - 1) / alignment_ * alignment_);
        ++tensor_count_;
        return *this;
    }

    /// The file: header, tensor table, padding and (when `with_data`) zeroed tensor data.
    std::string bytes(bool with_data = true) const {
        std::string out = "GGUF";
        put32(out, version_);
        put64(out, tensor_count_);
        put64(out, kv_count_);
        out += kvs_;
        out += tensors_;
        if (with_data) {
            out.resize((out.size() + alignment_ - 1) / alignment_ * alignment_, '\0');
            out.resize(out.size() + data_bytes_, '\0');
        }
        return out;
    }

    static void put32(std::string& o, uint32_t v) {
        for (int i = 0; i < 4; ++i) o.push_back(char((v >> (8 * i)) & 0xff));
    }
    static void put64(std::string& o, uint64_t v) {
        for (int i = 0; i < 8; ++i) o.push_back(char((v >> (8 * i)) & 0xff));
    }
    static void putstr(std::string& o, const std::string& s) {
        put64(o, s.size());
        o += s;
    }

private:
    template <class F>
    GgufWriter& kv(const std::string& key, uint32_t type, F value) {
        putstr(kvs_, key);
        put32(kvs_, type);
        value(kvs_);
        ++kv_count_;
        return *this;
    }

    uint32_t version_;
    uint32_t alignment_;
    uint64_t kv_count_ = 0;
    uint64_t tensor_count_ = 0;
    uint64_t data_bytes_ = 0;
    std::string kvs_;
    std::string tensors_;
};

/// ggml_type values used below (gguf.md enum ggml_type).
enum : uint32_t { kF32 = 0, kF16 = 1, kQ4_0 = 2, kQ8_0 = 8, kQ4_K = 12, kQ5_K = 13, kQ6_K = 14, kBF16 = 30 };

/// The tiny llama fixture: one layer, hidden 256, 2 heads of 16, 1 KV head, FFN 64, 32 tokens,
/// tensors in six ggml types. Byte sizes worked by hand in gguf_test.cpp.
inline std::string tiny_llama_gguf() {
    GgufWriter w;
    std::vector<std::string> tokens;
    for (int i = 0; i < 32; ++i) tokens.push_back("t" + std::to_string(i));
    w.str("general.architecture", "llama")
        .str("general.name", "Tiny Llama")
        .u32("general.file_type", 15)  // MOSTLY_Q4_K_M
        .u32("general.quantization_version", 2)
        .u32("llama.context_length", 2048)
        .u32("llama.embedding_length", 256)
        .u32("llama.block_count", 1)
        .u32("llama.feed_forward_length", 64)
        .u32("llama.rope.dimension_count", 16)
        .u32("llama.attention.head_count", 2)
        .u32("llama.attention.head_count_kv", 1)
        .u32("llama.attention.key_length", 16)
        .u32("llama.attention.value_length", 16)
        .f32("llama.attention.layer_norm_rms_epsilon", 1e-5f)
        .str("tokenizer.ggml.model", "llama")
        .str_array("tokenizer.ggml.tokens", tokens)
        .f32_array("tokenizer.ggml.scores", std::vector<float>(32, 0.0f))
        .i32_array("tokenizer.ggml.token_type", std::vector<int32_t>(32, 1))
        .boolean("tokenizer.ggml.add_bos_token", true);
    w.tensor("token_embd.weight", {256, 32}, kQ4_K)
        .tensor("output_norm.weight", {256}, kF32)
        .tensor("output.weight", {256, 32}, kQ6_K)
        .tensor("blk.0.attn_norm.weight", {256}, kF32)
        .tensor("blk.0.attn_q.weight", {256, 32}, kQ4_K)
        .tensor("blk.0.attn_k.weight", {256, 16}, kQ5_K)
        .tensor("blk.0.attn_v.weight", {256, 16}, kQ6_K)
        .tensor("blk.0.attn_output.weight", {32, 256}, kQ8_0)
        .tensor("blk.0.ffn_norm.weight", {256}, kF32)
        .tensor("blk.0.ffn_gate.weight", {256, 64}, kQ4_K)
        .tensor("blk.0.ffn_up.weight", {256, 64}, kQ4_K)
        .tensor("blk.0.ffn_down.weight", {64, 256}, kQ4_0);
    return w.bytes();
}

}  // namespace headroom::test
