// config_test.cpp: reading Hugging Face configs, family quirks and bad input.
#include <gtest/gtest.h>

#include <algorithm>

#include "arch_tensors.h"
#include "headroom/config.h"
#include "headroom/params.h"
#include "test_support.h"

using namespace headroom;

TEST(Config, ReadsLlamaStyleConfig) {
    ArchResult r = parse_hf_config(R"({"model_type": "llama", "num_hidden_layers": 32, "hidden_size": 4096,
        "num_attention_heads": 32, "num_key_value_heads": 8, "intermediate_size": 14336,
        "vocab_size": 128256, "max_position_embeddings": 8192, "tie_word_embeddings": false})");
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.arch.layers, 32);
    EXPECT_EQ(r.arch.kv_heads, 8);
    EXPECT_EQ(r.arch.head_dim, 128);  // hidden / heads when head_dim is absent
    EXPECT_FALSE(r.arch.tied_embeddings);
    ASSERT_EQ(r.arch.layer_kinds.size(), 32u);
    EXPECT_EQ(r.arch.layer_kinds[0], LayerKind::full_attention);
}

TEST(Config, KvHeadsDefaultToAttentionHeads) {
    ArchResult r = parse_hf_config(R"({"model_type": "llama", "num_hidden_layers": 2, "hidden_size": 64,
        "num_attention_heads": 4, "intermediate_size": 128, "vocab_size": 100})");
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.arch.kv_heads, 4);
}

TEST(Config, NestedTextConfigOfMultimodalModels) {
    ArchResult r = parse_hf_config(R"({"model_type": "gemma3", "text_config": {"model_type": "gemma3_text",
        "num_hidden_layers": 12, "hidden_size": 1152, "num_attention_heads": 4, "num_key_value_heads": 1,
        "head_dim": 256, "intermediate_size": 6912, "vocab_size": 262144, "sliding_window": 512,
        "max_position_embeddings": 32768}})");
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.arch.layers, 12);
    EXPECT_EQ(r.arch.head_dim, 256);
    EXPECT_TRUE(r.arch.tied_embeddings);  // Gemma ties by default
    // Gemma 3: five sliding-window layers, then one global.
    EXPECT_EQ(r.arch.layer_kinds[4], LayerKind::sliding_attention);
    EXPECT_EQ(r.arch.layer_kinds[5], LayerKind::full_attention);
}

TEST(Config, SlidingWindowDisabledByFlag) {
    ArchResult r = parse_hf_config(R"({"model_type": "qwen2", "num_hidden_layers": 2, "hidden_size": 64,
        "num_attention_heads": 4, "intermediate_size": 128, "vocab_size": 100,
        "sliding_window": 32, "use_sliding_window": false, "max_position_embeddings": 4096})");
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.arch.sliding_window, 0);
    EXPECT_EQ(r.arch.layer_kinds[1], LayerKind::full_attention);
    EXPECT_TRUE(r.arch.attention_bias);  // Qwen2 has q/k/v biases
}

TEST(Config, MixtureOfExperts) {
    ArchResult r = parse_hf_config(R"({"model_type": "mixtral", "num_hidden_layers": 32, "hidden_size": 4096,
        "num_attention_heads": 32, "num_key_value_heads": 8, "intermediate_size": 14336, "vocab_size": 32000,
        "num_local_experts": 8, "num_experts_per_tok": 2, "max_position_embeddings": 32768})");
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.arch.moe.experts, 8);
    EXPECT_EQ(r.arch.moe.active_experts, 2);
    EXPECT_EQ(r.arch.moe.expert_ffn, 14336);
}

TEST(Config, UnknownModelTypeIsNamed) {
    ArchResult r = parse_hf_config(R"({"model_type": "frobnicator", "num_hidden_layers": 2})");
    EXPECT_FALSE(r.ok());
    EXPECT_NE(r.error.find("frobnicator"), std::string::npos);
}

TEST(Config, BadInputGivesErrorsNotCrashes) {
    EXPECT_FALSE(parse_hf_config("").ok());
    EXPECT_FALSE(parse_hf_config("{").ok());
    EXPECT_FALSE(parse_hf_config("[1,2,3]").ok());
    EXPECT_FALSE(parse_hf_config(std::string(100, '[') + std::string(100, ']')).ok());
    ArchResult neg = parse_hf_config(R"({"model_type": "llama", "num_hidden_layers": -3, "hidden_size": 64,
        "num_attention_heads": 4, "intermediate_size": 128, "vocab_size": 100})");
    EXPECT_FALSE(neg.ok());
    EXPECT_NE(neg.error.find("num_hidden_layers"), std::string::npos);
    ArchResult str = parse_hf_config(R"({"model_type": "llama", "num_hidden_layers": "32", "hidden_size": 64,
        "num_attention_heads": 4, "intermediate_size": 128, "vocab_size": 100})");
    EXPECT_FALSE(str.ok());
    ArchResult huge = parse_hf_config(R"({"model_type": "llama", "num_hidden_layers": 2, "hidden_size": 1e300,
        "num_attention_heads": 4, "intermediate_size": 128, "vocab_size": 100})");
    EXPECT_FALSE(huge.ok());
    ArchResult flag = parse_hf_config(R"({"model_type": "falcon", "num_hidden_layers": 2, "hidden_size": 64,
        "num_attention_heads": 4, "vocab_size": 100, "multi_query": "yes"})");
    EXPECT_FALSE(flag.ok());
}

// ---- Families with their own readers. Expected values are worked out by hand from each family's
// modeling code (the formulas are written out next to each expectation).

TEST(ConfigFamilies, Gemma3FillsTransformersDefaultsAndCountsTheVisionTower) {
    // gemma-3-4b-it's text_config leaves heads, KV heads, head_dim and vocab to Gemma3TextConfig.
    ArchResult r = parse_hf_config(R"({"model_type": "gemma3", "text_config": {"model_type": "gemma3_text",
        "hidden_size": 2560, "intermediate_size": 10240, "num_hidden_layers": 34, "sliding_window": 1024},
        "vision_config": {"hidden_size": 1152, "image_size": 896, "intermediate_size": 4304,
        "model_type": "siglip_vision_model", "num_attention_heads": 16, "num_hidden_layers": 27,
        "patch_size": 14, "vision_use_head": false}})");
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.arch.heads, 8);
    EXPECT_EQ(r.arch.kv_heads, 4);
    EXPECT_EQ(r.arch.head_dim, 256);
    EXPECT_EQ(r.arch.vocab, 262208);
    EXPECT_TRUE(r.arch.qk_norm);
    // SigLIP: patch conv 3*14*14*1152 + 1152, positions (896/14)^2 * 1152, 27 layers of
    // 4*(1152^2 + 1152) + (1152*4304 + 4304) + (4304*1152 + 1152) + 4*1152, post LayerNorm 2*1152;
    // projector 1152*2560 + soft-embedding norm 1152.
    EXPECT_EQ(r.arch.extra_params, 678528 + 4718592 + 27LL * 15239504 + 2304 + 2950272);
}

TEST(ConfigFamilies, Phi3WithoutVocabUsesPhi3ConfigDefault) {
    ArchResult r = parse_hf_config(R"({"model_type": "phi3", "num_hidden_layers": 2, "hidden_size": 64,
        "num_attention_heads": 4, "intermediate_size": 128})");
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.arch.vocab, 32064);
}

TEST(ConfigFamilies, Qwen3NextGatedDeltaNetLayers) {
    ArchResult r = parse_hf_config(R"({"model_type": "qwen3_next", "num_hidden_layers": 4, "hidden_size": 8,
        "num_attention_heads": 2, "num_key_value_heads": 1, "head_dim": 4, "intermediate_size": 16,
        "vocab_size": 10, "num_experts": 4, "num_experts_per_tok": 2, "moe_intermediate_size": 2,
        "shared_expert_intermediate_size": 2, "decoder_sparse_step": 1, "full_attention_interval": 4,
        "linear_num_key_heads": 1, "linear_num_value_heads": 2, "linear_key_head_dim": 2,
        "linear_value_head_dim": 3, "linear_conv_kernel_dim": 4})");
    ASSERT_TRUE(r.ok()) << r.error;
    const ModelArch& a = r.arch;
    EXPECT_EQ(a.layer_kinds[0], LayerKind::linear_attention);
    EXPECT_EQ(a.layer_kinds[2], LayerKind::linear_attention);
    EXPECT_EQ(a.layer_kinds[3], LayerKind::full_attention);
    EXPECT_TRUE(a.attn_output_gate);
    // key dim 1*2 = 2, value dim 2*3 = 6, conv dim 2*2 + 6 = 10.
    // in_proj_qkvz 8*(4+12) + in_proj_ba 8*4 + conv 10*4 + dt_bias, A_log 4 + norm 3 + out_proj 6*8
    EXPECT_EQ(a.recurrent.params_per_layer, 128 + 32 + 40 + 4 + 3 + 48);
    EXPECT_EQ(a.recurrent.state_elements, 2 * 2 * 3);  // value heads x key dim x value dim
    EXPECT_EQ(a.recurrent.conv_elements, 10 * 3);      // conv dim x (kernel - 1)
    EXPECT_EQ(a.moe.shared_experts, 1);
}

TEST(ConfigFamilies, Llama4InterleavedMoeChunkedAttentionAndVisionTower) {
    ArchResult r = parse_hf_config(R"({"model_type": "llama4", "text_config": {"model_type": "llama4_text",
        "num_hidden_layers": 4, "hidden_size": 8, "num_attention_heads": 2, "num_key_value_heads": 1,
        "head_dim": 4, "intermediate_size": 6, "intermediate_size_mlp": 12, "vocab_size": 10,
        "num_local_experts": 4, "num_experts_per_tok": 1, "interleave_moe_layer_step": 2,
        "attention_chunk_size": 8192, "max_position_embeddings": 1048576},
        "vision_config": {"num_hidden_layers": 1, "hidden_size": 4, "intermediate_size": 8, "patch_size": 2,
        "image_size": 4, "num_channels": 3, "projector_input_dim": 6, "projector_output_dim": 6,
        "vision_output_dim": 6}})");
    ASSERT_TRUE(r.ok()) << r.error;
    const ModelArch& a = r.arch;
    EXPECT_EQ(a.ffn, 12);  // dense layers use intermediate_size_mlp
    EXPECT_EQ(a.moe.expert_ffn, 6);
    EXPECT_EQ(a.moe.shared_experts, 1);
    EXPECT_EQ(a.moe.shared_expert_ffn, 6);
    EXPECT_FALSE(is_moe_layer(a, 0));  // moe_layers = 1, 3
    EXPECT_TRUE(is_moe_layer(a, 1));
    EXPECT_FALSE(is_moe_layer(a, 2));
    EXPECT_TRUE(is_moe_layer(a, 3));
    EXPECT_EQ(a.sliding_window, 8192);  // chunked layers; every fourth layer is global
    EXPECT_EQ(a.layer_kinds[2], LayerKind::sliding_attention);
    EXPECT_EQ(a.layer_kinds[3], LayerKind::full_attention);
    // patch linear 3*2*2*4, class 4, positions ((4/2)^2 + 1)*4, two LayerNorms 16, one layer
    // 4*(16+4) + (4*8+8) + (8*4+4) + 16, adapter 8*6 + 6*6, projector 6*8.
    EXPECT_EQ(a.extra_params, 48 + 4 + 20 + 16 + 172 + 48 + 36 + 48);
}

TEST(ConfigFamilies, Lfm2ShortConvLayersAndAdjustedFfn) {
    ArchResult r = parse_hf_config(R"({"model_type": "lfm2", "num_hidden_layers": 4, "hidden_size": 8,
        "num_attention_heads": 2, "num_key_value_heads": 1, "vocab_size": 10, "block_ff_dim": 36,
        "block_auto_adjust_ff_dim": true, "block_ffn_dim_multiplier": 1.0, "block_multiple_of": 16,
        "conv_L_cache": 3, "conv_bias": false, "full_attn_idxs": [1, 3]})");
    ASSERT_TRUE(r.ok()) << r.error;
    const ModelArch& a = r.arch;
    EXPECT_EQ(a.ffn, 32);  // 2*36/3 = 24, rounded up to a multiple of 16
    EXPECT_TRUE(a.tied_embeddings);
    EXPECT_EQ(a.layer_kinds[0], LayerKind::linear_attention);
    EXPECT_EQ(a.layer_kinds[1], LayerKind::full_attention);
    EXPECT_EQ(a.recurrent.params_per_layer, 3 * 64 + 8 * 3 + 64);  // in_proj, depthwise conv, out_proj
    EXPECT_EQ(a.recurrent.conv_elements, 8 * 2);
    EXPECT_EQ(a.recurrent.state_elements, 0);
}

TEST(ConfigFamilies, JambaMambaLayersAndAlternatingExperts) {
    ArchResult r = parse_hf_config(R"({"model_type": "jamba", "num_hidden_layers": 8, "hidden_size": 8,
        "num_attention_heads": 2, "num_key_value_heads": 1, "intermediate_size": 16, "vocab_size": 10,
        "num_experts": 4, "num_experts_per_tok": 2, "attn_layer_period": 4, "attn_layer_offset": 2,
        "expert_layer_period": 2, "expert_layer_offset": 1, "mamba_d_state": 4, "mamba_d_conv": 4,
        "mamba_expand": 2, "mamba_dt_rank": 2, "mamba_conv_bias": true, "mamba_proj_bias": false,
        "mamba_inner_layernorms": true, "n_ctx": 4096})");
    ASSERT_TRUE(r.ok()) << r.error;
    const ModelArch& a = r.arch;
    EXPECT_EQ(a.layer_kinds[0], LayerKind::state_space);
    EXPECT_EQ(a.layer_kinds[2], LayerKind::full_attention);
    EXPECT_EQ(a.layer_kinds[6], LayerKind::full_attention);
    EXPECT_FALSE(is_moe_layer(a, 0));
    EXPECT_TRUE(is_moe_layer(a, 7));
    EXPECT_EQ(a.max_context, 4096);
    // d_inner 16: in_proj 8*32, conv 16*4+16, x_proj 16*(2+8), dt_proj 2*16+16, A_log+D 16*4+16,
    // out_proj 16*8, dt/B/C layernorms 2+4+4.
    EXPECT_EQ(a.recurrent.params_per_layer, 256 + 80 + 160 + 48 + 80 + 128 + 10);
    EXPECT_EQ(a.recurrent.state_elements, 16 * 4);
    EXPECT_EQ(a.recurrent.conv_elements, 16 * 3);
}

TEST(ConfigFamilies, Ernie45MoeRangeAndSharedExperts) {
    ArchResult r = parse_hf_config(R"({"model_type": "ernie4_5_moe", "num_hidden_layers": 4, "hidden_size": 8,
        "num_attention_heads": 2, "num_key_value_heads": 1, "intermediate_size": 16, "vocab_size": 10,
        "moe_num_experts": 8, "moe_k": 2, "moe_intermediate_size": 4, "moe_num_shared_experts": 2,
        "moe_layer_start_index": 1, "moe_layer_end_index": 2, "moe_layer_interval": 1})");
    ASSERT_TRUE(r.ok()) << r.error;
    const ModelArch& a = r.arch;
    EXPECT_TRUE(a.tied_embeddings);
    EXPECT_EQ(a.moe.shared_experts, 2);
    EXPECT_FALSE(is_moe_layer(a, 0));
    EXPECT_TRUE(is_moe_layer(a, 1));
    EXPECT_TRUE(is_moe_layer(a, 2));
    EXPECT_FALSE(is_moe_layer(a, 3));  // past moe_layer_end_index
}

TEST(ConfigFamilies, HunyuanPerLayerListsMustAgree) {
    const char* ok = R"({"model_type": "hunyuan_v1_moe", "num_hidden_layers": 2, "hidden_size": 8,
        "num_attention_heads": 2, "num_key_value_heads": 1, "head_dim": 4, "intermediate_size": 6,
        "vocab_size": 10, "num_experts": 4, "moe_topk": [2, 2], "moe_intermediate_size": [6, 6],
        "num_shared_expert": [1, 1]})";
    ArchResult r = parse_hf_config(ok);
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.arch.moe.active_experts, 2);
    EXPECT_EQ(r.arch.moe.expert_ffn, 6);
    EXPECT_EQ(r.arch.moe.shared_experts, 1);
    EXPECT_EQ(r.arch.moe.shared_expert_ffn, 6);
    ArchResult bad = parse_hf_config(R"({"model_type": "hunyuan_v1_moe", "num_hidden_layers": 2,
        "hidden_size": 8, "num_attention_heads": 2, "intermediate_size": 6, "vocab_size": 10,
        "num_experts": 4, "moe_topk": [2, 4], "moe_intermediate_size": [6, 6]})");
    EXPECT_FALSE(bad.ok());
    EXPECT_NE(bad.error.find("moe_topk"), std::string::npos);
}

TEST(ConfigFamilies, GraniteHybridMamba2AndSharedExpert) {
    ArchResult r = parse_hf_config(R"({"model_type": "granitemoehybrid", "num_hidden_layers": 4,
        "hidden_size": 8, "num_attention_heads": 2, "num_key_value_heads": 1, "intermediate_size": 6,
        "shared_intermediate_size": 10, "vocab_size": 10, "num_local_experts": 4, "num_experts_per_tok": 2,
        "layer_types": ["mamba", "attention", "mamba", "mamba"], "mamba_n_heads": 4, "mamba_d_head": 4,
        "mamba_n_groups": 1, "mamba_d_state": 2, "mamba_d_conv": 4, "mamba_conv_bias": true,
        "mamba_proj_bias": false})");
    ASSERT_TRUE(r.ok()) << r.error;
    const ModelArch& a = r.arch;
    EXPECT_EQ(a.layer_kinds[0], LayerKind::state_space);
    EXPECT_EQ(a.layer_kinds[1], LayerKind::full_attention);
    EXPECT_EQ(a.moe.shared_expert_ffn, 10);
    // d_inner 16, conv dim 16 + 2*1*2 = 20, in_proj width 16 + 20 + 4 = 40:
    // in_proj 8*40, conv 20*4 + 20, dt_bias/A_log/D 3*4, gated norm 16, out_proj 16*8.
    EXPECT_EQ(a.recurrent.params_per_layer, 320 + 80 + 20 + 12 + 16 + 128);
    EXPECT_EQ(a.recurrent.state_elements, 16 * 2);
    EXPECT_EQ(a.recurrent.conv_elements, 20 * 3);
}

TEST(ConfigFamilies, NemotronHFoldsMlpBlocksIntoTheMixerBefore) {
    ArchResult r = parse_hf_config(R"({"model_type": "nemotron_h", "num_hidden_layers": 5, "hidden_size": 8,
        "num_attention_heads": 2, "num_key_value_heads": 1, "head_dim": 4, "intermediate_size": 12,
        "vocab_size": 10, "hybrid_override_pattern": "M-*M-", "mamba_num_heads": 4, "mamba_head_dim": 4,
        "n_groups": 1, "ssm_state_size": 2, "conv_kernel": 4})");
    ASSERT_TRUE(r.ok()) << r.error;
    const ModelArch& a = r.arch;
    ASSERT_EQ(a.layers, 3);
    EXPECT_EQ(a.layer_kinds[0], LayerKind::state_space);
    EXPECT_EQ(a.layer_kinds[1], LayerKind::full_attention);
    EXPECT_TRUE(a.layer_parts[0].ffn);
    EXPECT_FALSE(a.layer_parts[1].ffn);
    EXPECT_FALSE(a.gated_ffn);  // squared-ReLU MLP: up and down only
    EXPECT_FALSE(parse_hf_config(R"({"model_type": "nemotron_h", "num_hidden_layers": 2, "hidden_size": 8,
        "num_attention_heads": 2, "intermediate_size": 12, "vocab_size": 10,
        "hybrid_override_pattern": "-M", "mamba_num_heads": 4, "ssm_state_size": 2})")
                     .ok());
}

TEST(ConfigFamilies, FalconH1RunsAttentionAndMamba2InParallel) {
    ArchResult r = parse_hf_config(R"({"model_type": "falcon_h1", "num_hidden_layers": 2, "hidden_size": 8,
        "num_attention_heads": 2, "num_key_value_heads": 1, "head_dim": 4, "intermediate_size": 12,
        "vocab_size": 10, "mamba_n_heads": 4, "mamba_d_head": 4, "mamba_d_ssm": 16, "mamba_n_groups": 1,
        "mamba_d_state": 2, "mamba_d_conv": 4, "mamba_rms_norm": false})");
    ASSERT_TRUE(r.ok()) << r.error;
    const ModelArch& a = r.arch;
    EXPECT_EQ(a.layer_kinds[0], LayerKind::full_attention);
    ASSERT_EQ(a.layer_parts.size(), 2u);
    EXPECT_TRUE(a.layer_parts[1].parallel_ssm);
    EXPECT_EQ(a.recurrent.params_per_layer, 320 + 80 + 20 + 12 + 128);  // as Granite's, without the norm
}

TEST(ConfigFamilies, Glm45CountsItsMtpLayer) {
    ArchResult r = parse_hf_config(R"({"model_type": "glm4_moe", "num_hidden_layers": 2, "hidden_size": 4,
        "num_attention_heads": 2, "num_key_value_heads": 1, "head_dim": 2, "intermediate_size": 8,
        "moe_intermediate_size": 2, "n_routed_experts": 2, "num_experts_per_tok": 1, "n_shared_experts": 1,
        "first_k_dense_replace": 1, "vocab_size": 10, "attention_bias": true, "use_qk_norm": true,
        "num_nextn_predict_layers": 1})");
    ASSERT_TRUE(r.ok()) << r.error;
    // One MoE layer: norms 8, q/k norms 4, q 4*4+4, k 4*2+2, v 4*2+2, o 4*4, router 4*2,
    // experts 3*(4*2*2), shared expert 3*(4*2) = 148; then eh_proj 2*4*4, three norms 3*4,
    // its own embedding and head 2*10*4.
    EXPECT_EQ(r.arch.extra_params, 148 + 32 + 12 + 80);
}

TEST(ConfigFamilies, KimiK2ReadsAsDeepSeekV3) {
    ArchResult r = parse_hf_config(R"({"model_type": "kimi_k2", "num_hidden_layers": 2, "hidden_size": 64,
        "num_attention_heads": 4, "intermediate_size": 128, "moe_intermediate_size": 16,
        "n_routed_experts": 8, "num_experts_per_tok": 2, "n_shared_experts": 1, "first_k_dense_replace": 1,
        "vocab_size": 100, "kv_lora_rank": 16, "q_lora_rank": 24, "qk_rope_head_dim": 8,
        "qk_nope_head_dim": 16, "v_head_dim": 16, "num_nextn_predict_layers": 0})");
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.arch.layer_kinds[1], LayerKind::mla);
    EXPECT_EQ(r.arch.moe.leading_dense_layers, 1);
    EXPECT_EQ(r.arch.extra_params, 0);
}

TEST(ConfigFamilies, MllamaCrossAttentionLayersAndTiledVisionEncoder) {
    ArchResult r = parse_hf_config(R"({"model_type": "mllama", "text_config": {"model_type":
        "mllama_text_model", "num_hidden_layers": 4, "hidden_size": 8, "num_attention_heads": 2,
        "num_key_value_heads": 1, "intermediate_size": 16, "vocab_size": 10, "cross_attention_layers": [1, 3]},
        "vision_config": {"num_hidden_layers": 1, "num_global_layers": 1, "hidden_size": 4,
        "intermediate_size": 8, "patch_size": 2, "image_size": 4, "max_num_tiles": 2,
        "vision_output_dim": 6, "supported_aspect_ratios": [[1, 1], [1, 2]]}})");
    ASSERT_TRUE(r.ok()) << r.error;
    const ModelArch& a = r.arch;
    EXPECT_EQ(a.layer_kinds[0], LayerKind::full_attention);
    EXPECT_EQ(a.layer_kinds[1], LayerKind::sliding_attention);  // attends to the image tokens only
    EXPECT_EQ(a.sliding_window, 2 * 5);                         // tiles x (patches + class token)
    // Text: 2 cross layers x (q/k norms 2*4 + 2 gates) + 8 image-token embedding rows x 8.
    // Vision: patch conv 3*2*2*4, class 4, gate 1, positions 5*4, tile positions (2+1)*2*5*4,
    // pre/post tile embeddings 2*((2+1)*2*4 + 1), LayerNorms 16, local layer 4*16 + (32+8) + (32+4) + 16,
    // global layer the same + 2 gates, projector 6*8 + 8.
    EXPECT_EQ(a.extra_params, 20 + 64 + 48 + 4 + 1 + 20 + 120 + 50 + 16 + 156 + 158 + 56);
}

TEST(ConfigFamilies, MiniCpm3ValueHeadsAreHiddenOverHeads) {
    ArchResult r = parse_hf_config(R"({"model_type": "minicpm3", "num_hidden_layers": 2, "hidden_size": 64,
        "num_attention_heads": 4, "intermediate_size": 128, "vocab_size": 100, "q_lora_rank": 16,
        "kv_lora_rank": 8, "qk_nope_head_dim": 8, "qk_rope_head_dim": 4})");
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.arch.mla.v_head_dim, 16);
    EXPECT_EQ(r.arch.layer_kinds[0], LayerKind::mla);
    // DeepSeek V2 without v_head_dim is refused.
    EXPECT_FALSE(parse_hf_config(R"({"model_type": "deepseek_v2", "num_hidden_layers": 2, "hidden_size": 64,
        "num_attention_heads": 4, "intermediate_size": 128, "vocab_size": 100, "kv_lora_rank": 8,
        "qk_nope_head_dim": 8, "qk_rope_head_dim": 4})")
                     .ok());
}

TEST(ConfigFamilies, UnsupportedMultimodalTypeStaysNamed) {
    ArchResult r = parse_hf_config(R"({"model_type": "idefics3", "text_config": {"model_type":
        "frobnicator_text", "num_hidden_layers": 2, "hidden_size": 64, "num_attention_heads": 4,
        "intermediate_size": 128, "vocab_size": 100}})");
    EXPECT_FALSE(r.ok());
    EXPECT_NE(r.error.find("idefics3"), std::string::npos);
}

// Families added with the catalog's 2025-2026 models. Each reads the model's own config.json from the
// catalog and checks what the parse must give against that config's numbers or the checkpoint's
// safetensors census (sum of every tensor, quoted in the model file's sources).

TEST(ConfigFamilies, ChatGlmGroupedKvHeadsFromMultiQueryGroups) {
    const ModelArch& a = test::model("THUDM/chatglm3-6b").arch;
    EXPECT_EQ(a.kv_heads, 2);    // multi_query_group_num
    EXPECT_EQ(a.head_dim, 128);  // kv_channels
    EXPECT_TRUE(a.attention_bias);  // add_qkv_bias
    EXPECT_FALSE(a.tied_embeddings);
}

TEST(ConfigFamilies, MiniCpmMoeExperts) {
    const ModelArch& a = test::model("openbmb/MiniCPM-MoE-8x2B").arch;
    EXPECT_EQ(a.moe.experts, 8);
    EXPECT_EQ(a.moe.active_experts, 2);
    EXPECT_EQ(a.moe.expert_ffn, 5760);  // intermediate_size: every expert is a full MLP
    EXPECT_TRUE(a.tied_embeddings);
}

TEST(ConfigFamilies, Qwen3VlVisionTowerMatchesTheCensus) {
    // Qwen3-VL-8B: the text stack is Qwen3-8B's (8,190,735,360); the census is 8,767,123,696.
    const ModelArch& a = test::model("Qwen/Qwen3-VL-8B-Instruct").arch;
    EXPECT_TRUE(a.qk_norm);
    EXPECT_EQ(a.extra_params, 8767123696 - 8190735360);
    EXPECT_EQ(count_params(a).total, 8767123696);
    // Qwen3-VL-30B-A3B (qwen3_vl_moe): census 31,070,754,032.
    const ModelArch& m = test::model("Qwen/Qwen3-VL-30B-A3B-Instruct").arch;
    EXPECT_EQ(m.moe.experts, 128);
    EXPECT_EQ(count_params(m).total, 31070754032);
}

TEST(ConfigFamilies, Qwen35HybridLayersMtpAndVisionMatchTheCensus) {
    const ModelArch& a = test::model("Qwen/Qwen3.5-4B").arch;
    ASSERT_EQ(a.layer_kinds.size(), 32u);
    EXPECT_EQ(std::count(a.layer_kinds.begin(), a.layer_kinds.end(), LayerKind::linear_attention), 24);
    EXPECT_EQ(a.layer_kinds[3], LayerKind::full_attention);  // layer_types: every fourth is full attention
    EXPECT_EQ(a.recurrent.state_elements, 32 * 128 * 128);   // value heads x key dim x value dim
    EXPECT_TRUE(a.attn_output_gate);
    EXPECT_EQ(count_params(a).total, 4659865088);
    EXPECT_EQ(count_params(test::model("Qwen/Qwen3.6-27B").arch).total, 27781427952);
    // qwen3_5_moe: no dense intermediate_size, 256 experts + a shared one, shared-expert gates.
    const ModelArch& m = test::model("Qwen/Qwen3.5-35B-A3B").arch;
    EXPECT_EQ(m.moe.experts, 256);
    EXPECT_EQ(m.moe.shared_experts, 1);
    EXPECT_EQ(count_params(m).total, 35951822704);
}

TEST(ConfigFamilies, DeepSeekV32AddsTheIndexerToEveryLayer) {
    const ModelArch& v32 = test::model("deepseek-ai/DeepSeek-V3.2").arch;
    const ModelArch& v3 = test::model("deepseek-ai/DeepSeek-V3.1").arch;
    EXPECT_EQ(v32.layer_kinds[0], LayerKind::mla);
    // 61 layers + 1 MTP layer, each: wq_b 1536 x 64 x 128, wk 7168 x 128, LayerNorm 2 x 128, weights 7168 x 64.
    EXPECT_EQ(v32.extra_params - v3.extra_params, 62 * (1536 * 64 * 128 + 7168 * 128 + 2 * 128 + 7168 * 64));
}

TEST(ConfigFamilies, GlmMoeDsaSharesEmbeddingsWithItsMtpLayer) {
    // GLM-5.1 census 753,864,139,008 less the 76 x 256 expert-score biases core does not count.
    EXPECT_EQ(count_params(test::model("zai-org/GLM-5.1").arch).total, 753864139008 - 76 * 256);
}

TEST(ConfigFamilies, Glm47FlashIsMlaWithMtp) {
    const ModelArch& a = test::model("zai-org/GLM-4.7-Flash").arch;
    EXPECT_EQ(a.layer_kinds[0], LayerKind::mla);
    EXPECT_EQ(a.mla.kv_lora_rank, 512);
    // Census 31,221,488,576 less the 47 x 64 expert-score biases.
    EXPECT_EQ(count_params(a).total, 31221488576 - 47 * 64);
}

TEST(ConfigFamilies, Glm45vVisionTowerMatchesTheCensus) {
    const ModelArch& a = test::model("zai-org/GLM-4.5V").arch;
    EXPECT_TRUE(a.attention_bias);
    // Census 107,710,933,120 less the 45 x 128 expert-score biases.
    EXPECT_EQ(count_params(a).total, 107710933120 - 45 * 128);
}

TEST(ConfigFamilies, KimiK25CountsItsMoonVitTower) {
    const ModelArch& a = test::model("moonshotai/Kimi-K2.5").arch;
    const ModelArch& k2 = test::model("moonshotai/Kimi-K2-Instruct").arch;
    EXPECT_EQ(a.layer_kinds[0], LayerKind::mla);
    const int64_t w = 1152, merged = 4 * w;
    const int64_t vit = 27 * (4 * (w * w + w) + 2 * w * 4304 + 4304 + w + 4 * w);
    EXPECT_EQ(a.extra_params - k2.extra_params,
              3 * 14 * 14 * w + w + 64 * 64 * w + vit + 2 * w + 2 * w + merged * merged + merged + merged * 7168 + 7168);
}

TEST(ConfigFamilies, MiniMaxM2FullAttentionOnly) {
    const ModelArch& a = test::model("MiniMaxAI/MiniMax-M2.7").arch;
    EXPECT_EQ(a.moe.experts, 256);
    EXPECT_EQ(a.moe.active_experts, 8);
    EXPECT_TRUE(a.qk_norm);
    EXPECT_EQ(std::count(a.layer_kinds.begin(), a.layer_kinds.end(), LayerKind::full_attention), 62);
    // MiniMax-01's lightning-attention layers (type 0) are refused, not miscounted.
    ArchResult r = parse_hf_config(R"({"model_type": "minimax_m2", "num_hidden_layers": 2, "hidden_size": 8,
        "num_attention_heads": 2, "intermediate_size": 4, "vocab_size": 10, "num_local_experts": 2,
        "num_experts_per_tok": 1, "attn_type_list": [0, 1]})");
    EXPECT_FALSE(r.ok());
}

TEST(ConfigFamilies, MoeConfigWithoutDenseWidthIsReadOnlyWhenNoLayerIsDense) {
    const std::string base = R"({"model_type": "qwen3_5_moe", "text_config": {"num_hidden_layers": 4,
        "hidden_size": 8, "num_attention_heads": 2, "vocab_size": 10, "num_experts": 2,
        "num_experts_per_tok": 1, "moe_intermediate_size": 4, "linear_num_key_heads": 1,
        "linear_num_value_heads": 1, "linear_key_head_dim": 2, "linear_value_head_dim": 2)";
    ArchResult all_moe = parse_hf_config(base + "}}");
    ASSERT_TRUE(all_moe.ok()) << all_moe.error;
    EXPECT_EQ(all_moe.arch.moe.expert_ffn, 4);
    // Every second layer dense, but no dense width given: refused, not counted as zero.
    ArchResult half = parse_hf_config(base + R"(, "decoder_sparse_step": 2}})");
    EXPECT_FALSE(half.ok());
    EXPECT_NE(half.error.find("intermediate_size"), std::string::npos);
}

TEST(ConfigFamilies, AbsurdVisionTowersAreRefusedNotOverflowed) {
    // Widths inside each field's own limit whose products would overflow int64.
    ArchResult qwen = parse_hf_config(R"({"model_type": "qwen3_vl", "text_config": {"num_hidden_layers": 2,
        "hidden_size": 8, "num_attention_heads": 2, "intermediate_size": 16, "vocab_size": 10},
        "vision_config": {"depth": 1024, "hidden_size": 4000000, "intermediate_size": 4000000,
        "out_hidden_size": 8, "spatial_merge_size": 16, "deepstack_visual_indexes": [0, 1, 2, 3]}})");
    EXPECT_FALSE(qwen.ok());
    EXPECT_NE(qwen.error.find("vision_config"), std::string::npos);
    ArchResult kimi = parse_hf_config(R"({"model_type": "kimi_k25", "num_hidden_layers": 2, "hidden_size": 8,
        "num_attention_heads": 2, "intermediate_size": 16, "vocab_size": 10, "vision_config":
        {"vt_num_hidden_layers": 1024, "vt_hidden_size": 4000000, "vt_intermediate_size": 4000000,
        "merge_kernel_size": [16, 16]}})");
    EXPECT_FALSE(kimi.ok());
}
