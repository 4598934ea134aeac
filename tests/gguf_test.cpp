// gguf_test.cpp: the GGUF header reader: a hand-worked tiny file, every truncation, corrupted and
// hostile headers, and architectures of real model families checked against the catalog.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "gguf_writer.h"
#include "headroom/estimate.h"
#include "headroom/gguf.h"
#include "test_support.h"

using namespace headroom;
using headroom::test::GgufWriter;

namespace {

std::string fixture_path() { return std::string(HEADROOM_TEST_DATA) + "/tiny-llama.gguf"; }

std::string read_binary(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

/// A header with `tensor_count`/`kv_count` as given and nothing after them.
std::string bare_header(uint32_t version, uint64_t tensors, uint64_t kvs) {
    std::string out = "GGUF";
    GgufWriter::put32(out, version);
    GgufWriter::put64(out, tensors);
    GgufWriter::put64(out, kvs);
    return out;
}

/// One metadata entry written by hand (key, type, then raw value bytes).
std::string raw_kv(const std::string& key, uint32_t type, const std::string& value) {
    std::string out;
    GgufWriter::putstr(out, key);
    GgufWriter::put32(out, type);
    return out + value;
}

std::string raw_tensor(const std::string& name, const std::vector<uint64_t>& dims, uint32_t type, uint64_t offset,
                       uint32_t n_dims_override = 0) {
    std::string out;
    GgufWriter::putstr(out, name);
    GgufWriter::put32(out, n_dims_override ? n_dims_override : uint32_t(dims.size()));
    for (uint64_t d : dims) GgufWriter::put64(out, d);
    GgufWriter::put32(out, type);
    GgufWriter::put64(out, offset);
    return out;
}

std::string u32le(uint32_t v) {
    std::string s;
    GgufWriter::put32(s, v);
    return s;
}
std::string u64le(uint64_t v) {
    std::string s;
    GgufWriter::put64(s, v);
    return s;
}

void expect_error(const std::string& bytes, const std::string& fragment) {
    const GgufParseResult r = parse_gguf_header(bytes);
    EXPECT_EQ(r.need_bytes, 0u) << fragment;
    EXPECT_NE(r.error.find(fragment), std::string::npos) << "error was: '" << r.error << "', wanted: " << fragment;
}

}  // namespace

// --- the hand-worked tiny file ------------------------------------------------------------------

TEST(GgufTypes, BlockAndTypeSizesFromGgufPy) {
    // (block size, bytes per block), gguf-py GGML_QUANT_SIZES with QK_K = 256.
    EXPECT_EQ(ggml_type_info(0)->type_size, 4);
    EXPECT_EQ(ggml_type_info(2)->type_size, 18);    // Q4_0: 2 + 16
    EXPECT_EQ(ggml_type_info(8)->type_size, 34);    // Q8_0: 2 + 32
    EXPECT_EQ(ggml_type_info(10)->type_size, 84);   // Q2_K: 2 + 2 + 16 + 64
    EXPECT_EQ(ggml_type_info(11)->type_size, 110);  // Q3_K: 2 + 64 + 32 + 12
    EXPECT_EQ(ggml_type_info(12)->type_size, 144);  // Q4_K: 2 + 2 + 128 + 12
    EXPECT_EQ(ggml_type_info(13)->type_size, 176);  // Q5_K: 2 + 2 + 128 + 32 + 12
    EXPECT_EQ(ggml_type_info(14)->type_size, 210);  // Q6_K: 2 + 128 + 64 + 16
    EXPECT_EQ(ggml_type_info(23)->type_size, 136);  // IQ4_XS: 2 + 2 + 128 + 4
    EXPECT_EQ(ggml_type_info(39)->block_size, 32);  // MXFP4
    EXPECT_EQ(ggml_type_info(39)->type_size, 17);
    EXPECT_EQ(ggml_type_info(12)->block_size, 256);
    EXPECT_EQ(ggml_type_info(4), nullptr);   // Q4_2, removed
    EXPECT_EQ(ggml_type_info(31), nullptr);  // Q4_0_4_4, removed from GGUF files
    EXPECT_EQ(ggml_type_info(42), nullptr);
    EXPECT_EQ(ggml_type_info(0xFFFFFFFFu), nullptr);
    EXPECT_EQ(gguf_file_type_name(15), "Q4_K_M");
    EXPECT_EQ(gguf_file_type_name(7), "Q8_0");
    EXPECT_EQ(gguf_file_type_name(32), "BF16");
    EXPECT_EQ(gguf_file_type_name(38), "MXFP4_MOE");
    EXPECT_EQ(gguf_file_type_name(5), "");
    EXPECT_EQ(gguf_file_type_name(-1), "");
    EXPECT_EQ(gguf_file_type_name(1024), "");
}

TEST(GgufFixture, CommittedFileIsWhatTheWriterWrites) {
    const std::string bytes = test::tiny_llama_gguf();
    if (std::getenv("HEADROOM_WRITE_FIXTURES")) {
        std::ofstream(fixture_path(), std::ios::binary) << bytes;
    }
    EXPECT_EQ(read_binary(fixture_path()), bytes) << "regenerate with HEADROOM_WRITE_FIXTURES=1";
    EXPECT_LT(bytes.size(), 100u * 1024);
}

TEST(GgufParse, TinyLlamaTensorBytesWorkedByHand) {
    const std::string bytes = test::tiny_llama_gguf();
    const GgufParseResult r = parse_gguf_header(bytes);
    ASSERT_TRUE(r.ok()) << r.error << " need " << r.need_bytes;
    const GgufHeader& h = r.header;
    EXPECT_EQ(h.version, 3u);
    EXPECT_EQ(h.kv_count, 19u);
    EXPECT_EQ(h.tensor_count, 12u);
    ASSERT_EQ(h.tensors.size(), 12u);
    // ggml_nbytes = ne[0] / block * type_size * ne[1]...
    const std::pair<const char*, int64_t> want[] = {
        {"token_embd.weight", 144 * 32},         // Q4_K, 1 block a row, 32 rows = 4608
        {"output_norm.weight", 4 * 256},         // F32 = 1024
        {"output.weight", 210 * 32},             // Q6_K = 6720
        {"blk.0.attn_norm.weight", 4 * 256},     // 1024
        {"blk.0.attn_q.weight", 144 * 32},       // Q4_K = 4608
        {"blk.0.attn_k.weight", 176 * 16},       // Q5_K = 2816
        {"blk.0.attn_v.weight", 210 * 16},       // Q6_K = 3360
        {"blk.0.attn_output.weight", 34 * 256},  // Q8_0, 1 block a row of 32 = 8704
        {"blk.0.ffn_norm.weight", 4 * 256},      // 1024
        {"blk.0.ffn_gate.weight", 144 * 64},     // Q4_K = 9216
        {"blk.0.ffn_up.weight", 144 * 64},       // 9216
        {"blk.0.ffn_down.weight", 2 * 18 * 256}, // Q4_0, 2 blocks a row of 64 = 9216
    };
    int64_t sum = 0;
    uint64_t offset = 0;
    for (size_t i = 0; i < 12; ++i) {
        EXPECT_EQ(h.tensors[i].name, want[i].first);
        EXPECT_EQ(h.tensors[i].bytes, want[i].second) << want[i].first;
        EXPECT_EQ(h.tensors[i].offset, offset) << want[i].first;
        offset += uint64_t(want[i].second);  // every size is a multiple of 32: no padding
        sum += want[i].second;
    }
    EXPECT_EQ(sum, 61536);
    EXPECT_EQ(h.tensor_bytes, 61536);
    EXPECT_EQ(h.tensors[7].dims[0], 32);
    EXPECT_EQ(h.tensors[7].dims[1], 256);
    EXPECT_EQ(h.tensors[7].elements, 32 * 256);
    EXPECT_EQ(h.alignment, 32u);
    EXPECT_EQ(h.data_offset % 32, 0u);
    EXPECT_GE(h.data_offset, h.header_bytes);
    EXPECT_LT(h.data_offset - h.header_bytes, 32u);
    EXPECT_EQ(h.expected_file_bytes, bytes.size());

    ASSERT_NE(h.find("tokenizer.ggml.tokens"), nullptr);
    EXPECT_EQ(h.find("tokenizer.ggml.tokens")->array_type, GgufType::string);
    EXPECT_EQ(h.find("tokenizer.ggml.tokens")->array_length, 32u);
    EXPECT_EQ(h.find("tokenizer.ggml.scores")->array_numbers.size(), 32u);
    EXPECT_FLOAT_EQ(float(h.find("llama.attention.layer_norm_rms_epsilon")->float_value), 1e-5f);
    EXPECT_EQ(h.find("general.name")->string_value, "Tiny Llama");
    EXPECT_EQ(h.find("tokenizer.ggml.add_bos_token")->int_value, 1);
    EXPECT_EQ(h.find("no.such.key"), nullptr);
}

TEST(GgufDescribe, TinyLlamaModel) {
    const GgufParseResult r = parse_gguf_header(test::tiny_llama_gguf());
    ASSERT_TRUE(r.ok());
    const GgufModel m = describe_gguf(r.header);
    EXPECT_EQ(m.architecture, "llama");
    EXPECT_EQ(m.name, "Tiny Llama");
    EXPECT_EQ(m.file_type, "Q4_K_M");
    EXPECT_EQ(m.dominant_type, "Q4_K");
    EXPECT_EQ(m.tensor_bytes, 61536);
    EXPECT_EQ(m.embedding_bytes, 4608);
    EXPECT_EQ(m.device_bytes, 61536 - 4608);
    EXPECT_EQ(m.split_count, 1);
    ASSERT_EQ(m.by_type.size(), 6u);
    EXPECT_EQ(m.by_type[0].type, "Q4_K");
    EXPECT_EQ(m.by_type[0].tensors, 4);
    EXPECT_EQ(m.by_type[0].bytes, 4608 + 4608 + 9216 + 9216);
    EXPECT_EQ(m.by_type[1].type, "Q6_K");
    EXPECT_EQ(m.by_type[1].bytes, 6720 + 3360);
    EXPECT_EQ(m.by_type[4].type, "F32");
    EXPECT_EQ(m.by_type[4].bytes, 3 * 1024);
    EXPECT_EQ(m.by_type[5].type, "Q5_K");

    ASSERT_TRUE(m.arch_error.empty()) << m.arch_error;
    const ModelArch& a = m.arch;
    EXPECT_EQ(a.model_type, "llama");
    EXPECT_EQ(a.layers, 1);
    EXPECT_EQ(a.hidden, 256);
    EXPECT_EQ(a.heads, 2);
    EXPECT_EQ(a.kv_heads, 1);
    EXPECT_EQ(a.head_dim, 16);
    EXPECT_EQ(a.ffn, 64);
    EXPECT_EQ(a.vocab, 32);
    EXPECT_EQ(a.max_context, 2048);
    EXPECT_FALSE(a.tied_embeddings);
    EXPECT_FALSE(a.attention_bias);
    EXPECT_EQ(a.moe.experts, 0);
    ASSERT_EQ(a.layer_kinds.size(), 1u);
    EXPECT_EQ(a.layer_kinds[0], LayerKind::full_attention);
}

// --- truncation ---------------------------------------------------------------------------------

TEST(GgufParse, EveryPrefixAsksForMoreOrParses) {
    const std::string bytes = test::tiny_llama_gguf();
    const uint64_t header = parse_gguf_header(bytes).header.header_bytes;
    for (uint64_t n = 0; n <= header + 40; ++n) {
        const GgufParseResult r = parse_gguf_header(std::string_view(bytes).substr(0, n));
        if (n < header) {
            ASSERT_TRUE(r.error.empty()) << "prefix " << n << ": " << r.error;
            ASSERT_GT(r.need_bytes, 0u) << "prefix " << n;
            // What it asks for never runs past the real header.
            ASSERT_LE(n + r.need_bytes, header) << "prefix " << n;
            // Reading what it asks for always makes progress.
            const GgufParseResult next = parse_gguf_header(std::string_view(bytes).substr(0, n + r.need_bytes));
            ASSERT_TRUE(next.error.empty()) << "prefix " << n + r.need_bytes << ": " << next.error;
        } else {
            ASSERT_TRUE(r.ok()) << "prefix " << n << ": " << r.error << " need " << r.need_bytes;
            EXPECT_EQ(r.header.tensor_bytes, 61536);
        }
    }
}

TEST(GgufParse, GrowingReadsReachTheWholeHeader) {
    // What a caller does: start small, read what the result asks for, until it parses.
    const std::string bytes = test::tiny_llama_gguf();
    uint64_t have = 1, rounds = 0;
    GgufParseResult r = parse_gguf_header(std::string_view(bytes).substr(0, have));
    while (r.need_bytes > 0 && rounds < 10000) {
        have += r.need_bytes;
        r = parse_gguf_header(std::string_view(bytes).substr(0, have));
        ++rounds;
    }
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(have, r.header.header_bytes);
}

TEST(GgufParse, EmptyAndNonGguf) {
    EXPECT_EQ(parse_gguf_header(std::string_view()).need_bytes, 4u);
    EXPECT_EQ(parse_gguf_header(std::string_view("GG")).need_bytes, 2u);
    expect_error("GGML", "not a GGUF file");
    EXPECT_GT(parse_gguf_header(std::string_view("G")).need_bytes, 0u);
    expect_error("{\"model_type\": \"llama\"}", "not a GGUF file");
    expect_error("PK\x03\x04", "not a GGUF file");
}

// --- corrupted and hostile headers --------------------------------------------------------------

TEST(GgufParse, VersionsOtherThanTwoAndThree) {
    expect_error(bare_header(1, 0, 0), "version 1");
    expect_error(bare_header(4, 0, 0), "unsupported GGUF version 4");
    expect_error(bare_header(0, 0, 0), "unsupported GGUF version 0");
    expect_error(bare_header(0x03000000, 0, 0), "big-endian");
    EXPECT_TRUE(parse_gguf_header(bare_header(2, 0, 0)).ok());
    EXPECT_TRUE(parse_gguf_header(bare_header(3, 0, 0)).ok());
}

TEST(GgufParse, HugeCountsAreRefusedBeforeAnyAllocation) {
    expect_error(bare_header(3, uint64_t(1) << 40, 0), "tensor count");
    expect_error(bare_header(3, 0, ~uint64_t(0)), "metadata count");
    expect_error(bare_header(3, kGgufMaxTensors + 1, 0), "tensor count");
    // Within the limits but with nothing after them: ask for more, do not reserve memory.
    EXPECT_GT(parse_gguf_header(bare_header(3, kGgufMaxTensors, kGgufMaxKeyValues)).need_bytes, 0u);
}

TEST(GgufParse, CorruptedLengths) {
    // Key length far beyond any limit.
    expect_error(bare_header(3, 0, 1) + u64le(~uint64_t(0)), "key is");
    expect_error(bare_header(3, 0, 1) + u64le(kGgufMaxKeyBytes + 1), "key is");
    // String value longer than the string limit.
    expect_error(bare_header(3, 0, 1) + raw_kv("a.b", 8, u64le(kGgufMaxStringBytes + 1)), "'a.b' is");
    // A string value within the limit but past the span: asks for exactly what is missing.
    const GgufParseResult r = parse_gguf_header(bare_header(3, 0, 1) + raw_kv("a.b", 8, u64le(1000) + "xyz"));
    EXPECT_EQ(r.need_bytes, 997u);
    // Array lengths.
    expect_error(bare_header(3, 0, 1) + raw_kv("a.b", 9, u32le(4) + u64le(~uint64_t(0))), "array of");
    expect_error(bare_header(3, 0, 1) + raw_kv("a.b", 9, u32le(8) + u64le(kGgufMaxArrayLength + 1)), "array of");
    EXPECT_EQ(parse_gguf_header(bare_header(3, 0, 1) + raw_kv("a.b", 9, u32le(4) + u64le(100))).need_bytes, 400u);
    // Tensor names.
    expect_error(bare_header(3, 1, 0) + u64le(kGgufMaxTensorNameBytes + 1), "tensor 0 name is");
}

TEST(GgufParse, CorruptedTypes) {
    expect_error(bare_header(3, 0, 1) + raw_kv("a.b", 13, u32le(0)), "unknown value type 13");
    expect_error(bare_header(3, 0, 1) + raw_kv("a.b", 0xFFFFFFFF, ""), "unknown value type");
    expect_error(bare_header(3, 0, 1) + raw_kv("a.b", 9, u32le(77) + u64le(1)), "unknown array element type 77");
    expect_error(bare_header(3, 0, 1) + raw_kv("a.b", 7, std::string(1, '\x02')), "neither 0 nor 1");
    expect_error(bare_header(3, 0, 1) + raw_kv("a.b", 9, u32le(7) + u64le(2) + std::string("\x01\x05", 2)),
                 "neither 0 nor 1");
    expect_error(bare_header(3, 0, 1) + raw_kv("", 4, u32le(1)), "empty key");
    // Arrays of arrays are read (and skipped) up to the depth limit.
    std::string nested = u32le(9) + u64le(1) + u32le(9) + u64le(1) + u32le(4) + u64le(1) + u32le(7);
    EXPECT_TRUE(parse_gguf_header(bare_header(3, 0, 1) + raw_kv("a.b", 9, nested)).ok());
    std::string deep = u32le(9) + u64le(1) + u32le(9) + u64le(1) + u32le(9) + u64le(1) + u32le(4) + u64le(0);
    expect_error(bare_header(3, 0, 1) + raw_kv("a.b", 9, deep), "nested deeper");
}

TEST(GgufParse, CorruptedTensors) {
    const std::string h1 = bare_header(3, 1, 0);
    expect_error(h1 + raw_tensor("w", {}, 0, 0, 0), "0 dimensions");
    expect_error(h1 + raw_tensor("w", {1, 1, 1, 1, 1}, 0, 0), "5 dimensions");
    expect_error(h1 + raw_tensor("w", {uint64_t(1) << 63}, 0, 0), "out of range");
    expect_error(h1 + raw_tensor("w", {256}, 4, 0), "unknown ggml type 4");
    expect_error(h1 + raw_tensor("w", {256}, 99, 0), "unknown ggml type 99");
    expect_error(h1 + raw_tensor("w", {100, 4}, 12, 0), "not a multiple of Q4_K's block of 256");
    expect_error(h1 + raw_tensor("w", {uint64_t(1) << 32, uint64_t(1) << 32}, 0, 0), "element count overflows");
    expect_error(h1 + raw_tensor("w", {uint64_t(1) << 31, uint64_t(1) << 31}, 0, 0), "byte size overflows");
    expect_error(h1 + raw_tensor("w", {32}, 0, 7), "not a multiple of the alignment");
    expect_error(h1 + raw_tensor("w", {uint64_t(1) << 62}, 0, 0), "byte size overflows");  // 2^62 F32 rows
    // Two tensors whose sum overflows int64.
    const uint64_t big = uint64_t(1) << 60;  // F32: 2^62 bytes each, 2^63 together
    expect_error(bare_header(3, 2, 0) + raw_tensor("a", {big}, 0, 0) + raw_tensor("b", {big}, 0, 0),
                 "total tensor size overflows");
    expect_error(bare_header(3, 2, 0) + raw_tensor("a", {32}, 0, 0) + raw_tensor("a", {32}, 0, 128), "appears twice");
    // Found by the gguf fuzz target: Q4_0 holds 32 elements in 18 bytes, so two tensors of 2^62 elements fit
    // the byte total (2^61.2 bytes together) while their element total overflows.
    const uint64_t many = uint64_t(1) << 62;
    expect_error(bare_header(3, 2, 0) + raw_tensor("a", {many}, 2, 0) + raw_tensor("b", {many}, 2, 0),
                 "total element count overflows");
}

TEST(GgufParse, DuplicateKeysAndBadAlignment) {
    expect_error(bare_header(3, 0, 2) + raw_kv("a.b", 4, u32le(1)) + raw_kv("a.b", 4, u32le(2)), "appears twice");
    expect_error(bare_header(3, 0, 1) + raw_kv("general.alignment", 4, u32le(0)), "power of two");
    expect_error(bare_header(3, 0, 1) + raw_kv("general.alignment", 4, u32le(48)), "power of two");
    expect_error(bare_header(3, 0, 1) + raw_kv("general.alignment", 8, u64le(0)), "power of two");
    const GgufParseResult r = parse_gguf_header(bare_header(3, 1, 1) + raw_kv("general.alignment", 4, u32le(64)) +
                                                raw_tensor("w", {32}, 0, 64));
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.header.alignment, 64u);
    EXPECT_EQ(r.header.data_offset % 64, 0u);
    EXPECT_EQ(r.header.expected_file_bytes, r.header.data_offset + 64 + 128);
    expect_error(bare_header(3, 1, 1) + raw_kv("general.alignment", 4, u32le(64)) + raw_tensor("w", {32}, 0, 32),
                 "alignment 64");
}

TEST(GgufParse, RandomCorruptionNeverCrashes) {
    // Flip bytes of the header at random (fixed seed); every outcome must be ok, an error or a
    // request for more bytes, never a crash (the ASan leg checks reads past the span).
    const std::string good = test::tiny_llama_gguf();
    const uint64_t header = parse_gguf_header(good).header.header_bytes;
    std::mt19937 rng(1234);
    int errors = 0, needs = 0, oks = 0;
    const char* iterations = std::getenv("HEADROOM_FUZZ_ITERATIONS");  // longer runs by hand
    const int n = iterations ? std::max(1, std::atoi(iterations)) : 3000;
    for (int i = 0; i < n; ++i) {
        std::string bad = good.substr(0, header);
        const int flips = 1 + int(rng() % 4);
        for (int f = 0; f < flips; ++f) bad[rng() % header] = char(rng() & 0xff);
        const GgufParseResult r = parse_gguf_header(bad);
        EXPECT_FALSE(!r.error.empty() && r.need_bytes > 0);
        (r.ok() ? oks : !r.error.empty() ? errors : needs) += 1;
        if (r.ok()) (void)describe_gguf(r.header);
    }
    EXPECT_GT(errors, 0);
    EXPECT_GT(oks + needs, 0);
}

TEST(GgufParse, VersionTwoFilesRead) {
    GgufWriter w(2);
    w.str("general.architecture", "llama").tensor("a", {64, 2}, test::kF16);
    const GgufParseResult r = parse_gguf_header(w.bytes(false));
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.header.version, 2u);
    EXPECT_EQ(r.header.tensor_bytes, 256);
}

// --- architectures of real families, checked against the catalog's config.json ---------------------

namespace {

std::vector<std::string> n_tokens(size_t n) { return std::vector<std::string>(n, std::string()); }

void expect_same_arch(const ModelArch& got, const ModelArch& want) {
    EXPECT_EQ(got.layers, want.layers);
    EXPECT_EQ(got.hidden, want.hidden);
    EXPECT_EQ(got.heads, want.heads);
    EXPECT_EQ(got.kv_heads, want.kv_heads);
    EXPECT_EQ(got.head_dim, want.head_dim);
    EXPECT_EQ(got.ffn, want.ffn);
    EXPECT_EQ(got.vocab, want.vocab);
    EXPECT_EQ(got.tied_embeddings, want.tied_embeddings);
    EXPECT_EQ(got.attention_bias, want.attention_bias);
    EXPECT_EQ(got.max_context, want.max_context);
    EXPECT_EQ(got.sliding_window, want.sliding_window);
    EXPECT_EQ(got.moe.experts, want.moe.experts);
    EXPECT_EQ(got.moe.active_experts, want.moe.active_experts);
    EXPECT_EQ(got.moe.expert_ffn, want.moe.expert_ffn);
    EXPECT_EQ(got.moe.shared_experts, want.moe.shared_experts);
    EXPECT_EQ(got.moe.leading_dense_layers, want.moe.leading_dense_layers);
    EXPECT_EQ(got.mla.kv_lora_rank, want.mla.kv_lora_rank);
    EXPECT_EQ(got.mla.q_lora_rank, want.mla.q_lora_rank);
    EXPECT_EQ(got.mla.qk_rope_head_dim, want.mla.qk_rope_head_dim);
    EXPECT_EQ(got.mla.qk_nope_head_dim, want.mla.qk_nope_head_dim);
    EXPECT_EQ(got.mla.v_head_dim, want.mla.v_head_dim);
    EXPECT_EQ(got.layer_kinds, want.layer_kinds);
}

ModelArch arch_of(const GgufWriter& w) {
    const GgufParseResult r = parse_gguf_header(w.bytes(false));
    EXPECT_TRUE(r.ok()) << r.error;
    const GgufModel m = describe_gguf(r.header);
    EXPECT_TRUE(m.arch_error.empty()) << m.arch_error;
    return m.arch;
}

}  // namespace

TEST(GgufArch, Qwen3MoeMatchesItsConfig) {
    // Keys as llama.cpp's converter writes them for Qwen/Qwen3-30B-A3B.
    GgufWriter w;
    w.str("general.architecture", "qwen3moe")
        .u32("qwen3moe.block_count", 48).u32("qwen3moe.context_length", 40960)
        .u32("qwen3moe.embedding_length", 2048).u32("qwen3moe.feed_forward_length", 6144)
        .u32("qwen3moe.attention.head_count", 32).u32("qwen3moe.attention.head_count_kv", 4)
        .u32("qwen3moe.attention.key_length", 128).u32("qwen3moe.attention.value_length", 128)
        .u32("qwen3moe.expert_count", 128).u32("qwen3moe.expert_used_count", 8)
        .u32("qwen3moe.expert_feed_forward_length", 768)
        .str_array("tokenizer.ggml.tokens", n_tokens(151936));
    w.tensor("token_embd.weight", {2048, 151936}, test::kQ4_K).tensor("output.weight", {2048, 151936}, test::kQ6_K);
    expect_same_arch(arch_of(w), test::model("Qwen/Qwen3-30B-A3B").arch);
}

TEST(GgufArch, Gemma3SlidingLayersAndTiedEmbedding) {
    GgufWriter w;
    w.str("general.architecture", "gemma3")
        .u32("gemma3.block_count", 26).u32("gemma3.context_length", 32768)
        .u32("gemma3.embedding_length", 1152).u32("gemma3.feed_forward_length", 6912)
        .u32("gemma3.attention.head_count", 4).u32("gemma3.attention.head_count_kv", 1)
        .u32("gemma3.attention.key_length", 256).u32("gemma3.attention.value_length", 256)
        .u32("gemma3.attention.sliding_window", 512)
        .str_array("tokenizer.ggml.tokens", n_tokens(262144));
    w.tensor("token_embd.weight", {1152, 262144}, test::kQ8_0);  // no output.weight: tied
    const ModelArch a = arch_of(w);
    expect_same_arch(a, test::model("google/gemma-3-1b-it").arch);
    EXPECT_EQ(a.layer_kinds[0], LayerKind::sliding_attention);
    EXPECT_EQ(a.layer_kinds[5], LayerKind::full_attention);
    EXPECT_TRUE(a.tied_embeddings);
}

TEST(GgufArch, Gemma2DefaultsItsWindowTo4096) {
    GgufWriter w;
    w.str("general.architecture", "gemma2")
        .u32("gemma2.block_count", 42).u32("gemma2.context_length", 8192)
        .u32("gemma2.embedding_length", 3584).u32("gemma2.feed_forward_length", 14336)
        .u32("gemma2.attention.head_count", 16).u32("gemma2.attention.head_count_kv", 8)
        .u32("gemma2.attention.key_length", 256).u32("gemma2.attention.value_length", 256)
        .u32("gemma2.vocab_size", 256000);
    expect_same_arch(arch_of(w), test::model("google/gemma-2-9b-it").arch);
}

TEST(GgufArch, GptOssAlternatesSlidingLayers) {
    GgufWriter w;
    w.str("general.architecture", "gpt-oss")
        .u32("gpt-oss.block_count", 24).u32("gpt-oss.context_length", 131072)
        .u32("gpt-oss.embedding_length", 2880).u32("gpt-oss.feed_forward_length", 2880)
        .u32("gpt-oss.attention.head_count", 64).u32("gpt-oss.attention.head_count_kv", 8)
        .u32("gpt-oss.attention.key_length", 64).u32("gpt-oss.attention.value_length", 64)
        .u32("gpt-oss.attention.sliding_window", 128)
        .u32("gpt-oss.expert_count", 32).u32("gpt-oss.expert_used_count", 4)
        .u32("gpt-oss.expert_feed_forward_length", 2880)
        .str_array("tokenizer.ggml.tokens", n_tokens(201088));
    w.tensor("blk.0.attn_q.bias", {4096}, test::kF32).tensor("output.weight", {2880, 201088}, test::kQ8_0);
    expect_same_arch(arch_of(w), test::model("openai/gpt-oss-20b").arch);
}

TEST(GgufArch, DeepSeekV3InTheCachedLatentLayout) {
    // Files converted for MLA's cached latent: head_count_kv 1, key_length = kv_lora + rope,
    // per-head sizes in key_length_mla / value_length_mla.
    GgufWriter w;
    w.str("general.architecture", "deepseek2")
        .u32("deepseek2.block_count", 61).u32("deepseek2.context_length", 163840)
        .u32("deepseek2.embedding_length", 7168).u32("deepseek2.feed_forward_length", 18432)
        .u32("deepseek2.attention.head_count", 128).u32("deepseek2.attention.head_count_kv", 1)
        .u32("deepseek2.attention.key_length", 576).u32("deepseek2.attention.value_length", 512)
        .u32("deepseek2.attention.key_length_mla", 192).u32("deepseek2.attention.value_length_mla", 128)
        .u32("deepseek2.attention.q_lora_rank", 1536).u32("deepseek2.attention.kv_lora_rank", 512)
        .u32("deepseek2.rope.dimension_count", 64)
        .u32("deepseek2.leading_dense_block_count", 3)
        .u32("deepseek2.expert_count", 256).u32("deepseek2.expert_used_count", 8)
        .u32("deepseek2.expert_shared_count", 1).u32("deepseek2.expert_feed_forward_length", 2048)
        .u32("deepseek2.vocab_size", 129280);
    w.tensor("output.weight", {7168, 129280}, test::kQ6_K);
    expect_same_arch(arch_of(w), test::model("deepseek-ai/DeepSeek-V3").arch);
}

TEST(GgufArch, DeepSeekV2LiteInTheOlderLayout) {
    GgufWriter w;
    w.str("general.architecture", "deepseek2")
        .u32("deepseek2.block_count", 27).u32("deepseek2.context_length", 163840)
        .u32("deepseek2.embedding_length", 2048).u32("deepseek2.feed_forward_length", 10944)
        .u32("deepseek2.attention.head_count", 16).u32("deepseek2.attention.head_count_kv", 16)
        .u32("deepseek2.attention.key_length", 192).u32("deepseek2.attention.value_length", 128)
        .u32("deepseek2.attention.kv_lora_rank", 512).u32("deepseek2.rope.dimension_count", 64)
        .u32("deepseek2.leading_dense_block_count", 1)
        .u32("deepseek2.expert_count", 64).u32("deepseek2.expert_used_count", 6)
        .u32("deepseek2.expert_shared_count", 2).u32("deepseek2.expert_feed_forward_length", 1408)
        .str_array("tokenizer.ggml.tokens", n_tokens(102400));
    w.tensor("output.weight", {2048, 102400}, test::kQ6_K);
    expect_same_arch(arch_of(w), test::model("deepseek-ai/DeepSeek-V2-Lite-Chat").arch);
}

TEST(GgufArch, MixtralIsALlamaWithExperts) {
    GgufWriter w;
    w.str("general.architecture", "llama")
        .u32("llama.block_count", 32).u32("llama.context_length", 32768)
        .u32("llama.embedding_length", 4096).u32("llama.feed_forward_length", 14336)
        .u32("llama.attention.head_count", 32).u32("llama.attention.head_count_kv", 8)
        .u32("llama.expert_count", 8).u32("llama.expert_used_count", 2)
        .str_array("tokenizer.ggml.tokens", n_tokens(32000));
    w.tensor("output.weight", {4096, 32000}, test::kQ6_K);
    expect_same_arch(arch_of(w), test::model("mistralai/Mixtral-8x7B-Instruct-v0.1").arch);
}

TEST(GgufArch, Qwen2BiasFromTheTensorTable) {
    GgufWriter w;
    w.str("general.architecture", "qwen2")
        .u32("qwen2.block_count", 28).u32("qwen2.context_length", 32768)
        .u32("qwen2.embedding_length", 3584).u32("qwen2.feed_forward_length", 18944)
        .u32("qwen2.attention.head_count", 28).u32("qwen2.attention.head_count_kv", 4)
        .str_array("tokenizer.ggml.tokens", n_tokens(152064));
    w.tensor("blk.0.attn_q.bias", {3584}, test::kF32).tensor("output.weight", {3584, 152064}, test::kQ6_K);
    expect_same_arch(arch_of(w), test::model("Qwen/Qwen2.5-7B-Instruct").arch);
}

TEST(GgufArch, UnsupportedOrIncompleteStillSumsTensors) {
    GgufWriter w;
    w.str("general.architecture", "rwkv7").tensor("token_embd.weight", {64, 10}, test::kF16);
    GgufParseResult r = parse_gguf_header(w.bytes(false));
    ASSERT_TRUE(r.ok());
    GgufModel m = describe_gguf(r.header);
    EXPECT_NE(m.arch_error.find("'rwkv7' is not supported"), std::string::npos);
    EXPECT_EQ(m.tensor_bytes, 1280);
    EXPECT_EQ(m.embedding_bytes, 1280);
    EXPECT_EQ(m.device_bytes, 0);

    GgufWriter missing;
    missing.str("general.architecture", "llama").u32("llama.embedding_length", 64);
    r = parse_gguf_header(missing.bytes(false));
    m = describe_gguf(r.header);
    EXPECT_NE(m.arch_error.find("llama.block_count"), std::string::npos) << m.arch_error;

    GgufWriter none;
    none.u32("general.alignment", 32);
    m = describe_gguf(parse_gguf_header(none.bytes(false)).header);
    EXPECT_NE(m.arch_error.find("general.architecture"), std::string::npos);

    GgufWriter wrong_type;  // a string where a count belongs
    wrong_type.str("general.architecture", "llama").str("llama.block_count", "32");
    m = describe_gguf(parse_gguf_header(wrong_type.bytes(false)).header);
    EXPECT_NE(m.arch_error.find("llama.block_count"), std::string::npos);

    GgufWriter split;
    split.str("general.architecture", "llama").u32("split.count", 3);
    EXPECT_EQ(describe_gguf(parse_gguf_header(split.bytes(false)).header).split_count, 3);
}

// --- the estimate from a GGUF ------------------------------------------------------------------------

TEST(GgufEstimate, ScenarioWithTheFilesConfigAndExactBytes) {
    const GgufModel m = describe_gguf(parse_gguf_header(test::tiny_llama_gguf()).header);
    ASSERT_TRUE(m.arch_error.empty());
    nlohmann::json s = {{"id", "gguf"},
                        {"model", {{"name", m.name}, {"config", nlohmann::json::parse(m.config_json)}}},
                        {"quant", m.file_type},
                        {"hardware", "nvidia-rtx-4090"},
                        {"weights_bytes", m.tensor_bytes},
                        {"embedding_bytes", m.embedding_bytes},
                        {"context", 2048}};
    const nlohmann::json p = nlohmann::json::parse(estimate_line(s.dump(), test::catalog()));
    ASSERT_TRUE(p["error"].is_null()) << p.dump();
    EXPECT_EQ(p["memory"]["weights_bytes"], 61536);
    EXPECT_EQ(p["memory"]["device_weights_bytes"], 61536 - 4608);

    s["embedding_bytes"] = 70000;  // not below weights_bytes
    EXPECT_TRUE(nlohmann::json::parse(estimate_line(s.dump(), test::catalog()))["error"].is_string());
}
