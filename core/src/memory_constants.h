// memory_constants.h (private): the fixed memory costs of engines and runtimes, in one place,
// each with where its value comes from.
#pragma once

#include <cstdint>

namespace headroom::memory_constants {

/// llama.cpp rounds the context it allocates up to a multiple of this (llama-context.cpp, n_ctx
/// padding to 256 since the unified KV cache rework).
inline constexpr int64_t kLlamaCppContextPad = 256;

/// llama.cpp's default micro-batch (n_ubatch), which sizes the compute buffers.
inline constexpr int64_t kLlamaCppUbatch = 512;

/// CUDA context, cuBLAS handles and workspace per device (observed ~300-500 MiB in nvidia-smi
/// for a llama.cpp process before any buffer; 400 MiB taken as a midpoint until fitted).
inline constexpr double kCudaRuntimeBytes = 400.0 * 1024 * 1024;

/// Metal and CPU backends have no separate device context worth counting.
inline constexpr double kMetalRuntimeBytes = 64.0 * 1024 * 1024;

/// vLLM reserves this share of device memory by default (gpu_memory_utilization=0.9).
inline constexpr double kVllmMemoryUtilization = 0.9;

// ---- vLLM (V1 engine) memory model ------------------------------------------------------------
// vLLM loads the weights, runs one profile forward pass of max_num_batched_tokens tokens and one
// sampler pass over max_num_seqs sequences, and then hands everything left of
// gpu_memory_utilization x device memory to the KV cache, in blocks of kVllmBlockTokens tokens.

/// Tokens per KV cache block (vLLM's default block_size on CUDA).
inline constexpr int64_t kVllmBlockTokens = 16;
/// vLLM's defaults for `vllm serve` (EngineArgs.get_batch_defaults, vllm/engine/arg_utils.py):
/// devices of at least 70 GiB that are not an A100 get 8192 batched tokens and 1024 sequences,
/// every other device 2048 and 256.
inline constexpr double kVllmLargeDeviceBytes = 70.0 * 1024 * 1024 * 1024;
inline constexpr int64_t kVllmBatchedTokensLarge = 8192;
inline constexpr int64_t kVllmBatchedTokensSmall = 2048;
inline constexpr int kVllmMaxSeqsLarge = 1024;
inline constexpr int kVllmMaxSeqsSmall = 256;
/// Live hidden-wide bf16 activations per token in the profile pass (residual, norm, attention
/// output, MLP input and output...): an assumption; the fitted constants below absorb its error.
inline constexpr double kVllmActivationWidths = 8;
/// fp32 vocab-wide rows per sequence alive in the sampler's profile pass (logits, their softmax,
/// log-probabilities...) and the rest of vLLM's non-KV memory outside torch's allocator (CUDA
/// context, cuBLAS workspaces, NCCL). Both fitted by least squares to the KV capacities vLLM logged
/// on an H100 NVL (94 GiB, gpu_memory_utilization 0.9, max_num_seqs 1024,
/// max_num_batched_tokens 4096) for Llama-3-8B, Llama-3.1-8B, Qwen3-8B/14B/32B in BF16
/// (helium's constants.py VLLM_CACHE_CAPACITY; tests/data/vllm_kv_capacity.json): the fit
/// reproduces them within 0.1%; its RTX 6000 Ada rows (48 GiB, vLLM's 256-sequence default) are
/// reproduced within 4.5% without being fitted.
inline constexpr double kVllmSamplerRows = 3.2;
inline constexpr double kVllmNonTorchBytes = 0.99 * 1024 * 1024 * 1024;
/// Memory vLLM's CUDA graphs take (logged "Graph capturing finished ..., took 0.11 / 0.31 / 0.96
/// GiB", and "Estimated CUDA graph memory: 1.10 GiB", which recent vLLM subtracts before sizing the
/// KV cache): a midpoint, not fitted.
inline constexpr double kVllmCudaGraphBytes = 0.5 * 1024 * 1024 * 1024;

// ---- the operating system and the desktop ------------------------------------------------------

/// Device memory the OS and the desktop keep on a discrete GPU that drives the displays, before
/// any engine starts. Readings of nvidia-smi / hipMemGetInfo on idle desktops: Windows 11 with an
/// RTX 5090, 1,547-1,612 MiB used, median 1,586 MiB (nibor1896/Crow issue #105); native Windows
/// with a Radeon RX 7900 XTX, ~424 MiB (ggml-org/llama.cpp issue #23999); Linux X11 with GNOME,
/// Xorg 28 MiB + gnome-shell 46 MiB plus the driver's own surfaces (NVIDIA/nvidia-docker issue
/// #1264). 1 GiB sits between the Windows readings and above Linux desktops: an estimate, not a
/// fit (no calibration row measures a desktop). A headless server keeps ~0; a scenario sets
/// "display": false or its own "desktop_reserve_gb". Under WSL2 the reservation is larger (~2.5 GiB
/// on a 24 GiB Radeon, llama.cpp issue #23999) and is not modelled.
inline constexpr double kDesktopReserveBytes = 1.0 * 1024 * 1024 * 1024;

// ---- SGLang ------------------------------------------------------------------------------------
// SGLang sizes two static pools, the weights and the KV cache, to mem_fraction_static x device
// memory, and leaves the rest for activations (one chunked-prefill chunk), CUDA graph buffers and
// the CUDA context. When the fraction is not given it is (memory - reserved) / memory, with the
// reservation set by device size and the tensor/pipeline-parallel size p (ServerArgs.__post_init__
// in sgl-project/sglang python/sglang/srt/server_args.py, 2025): under 35 GiB 2.8 + p/10 GiB
// (chunked prefill 2048), under 90 GiB 9.5 + p/2 GiB (8192), under 160 GiB 12 + p/2 GiB, and
// 32 GiB above (16384). The KV pool is what the fraction leaves after the weights (model_runner's
// profile_max_num_token: free memory after loading less memory x (1 - fraction)), so memory
// others hold on the device (a desktop) comes out of the pool.
inline constexpr double kSglangSmallDeviceBytes = 35.0 * 1024 * 1024 * 1024;
inline constexpr double kSglangMidDeviceBytes = 90.0 * 1024 * 1024 * 1024;
inline constexpr double kSglangLargeDeviceBytes = 160.0 * 1024 * 1024 * 1024;
inline constexpr double kSglangReserveSmallGib = 2.8;    ///< + p / 10
inline constexpr double kSglangReserveMidGib = 9.5;      ///< + p / 2
inline constexpr double kSglangReserveLargeGib = 12.0;   ///< + p / 2
inline constexpr double kSglangReserveHugeGib = 32.0;

// ---- TensorRT-LLM ------------------------------------------------------------------------------
/// TensorRT-LLM gives the KV cache this share of the memory still free once the weights and the
/// engine's activation buffers are allocated (KvCacheConfig.free_gpu_memory_fraction, 0.9 by
/// default; kv_cache_free_gpu_mem_fraction in the Triton backend). The other tenth stays unused.
inline constexpr double kTrtllmKvFreeFraction = 0.9;
/// Tokens per KV cache block (KvCacheConfig.tokens_per_block, 32 by default; catalog/engines.json).
inline constexpr int64_t kTrtllmTokensPerBlock = 32;
/// Tokens the engine's activation buffers are sized for (BuildConfig / LLM API max_num_tokens
/// default 8192). Their bytes per token reuse vLLM's profile-pass model (kVllmActivationWidths),
/// which was fitted to vLLM, not to TensorRT-LLM.
inline constexpr int64_t kTrtllmMaxNumTokens = 8192;

// ---- MLX (mlx_lm) and ExLlamaV2: activations of one prompt chunk --------------------------------
/// mlx_lm processes a prompt in chunks of prefill_step_size = 2048 tokens (mlx_lm generate_step)
/// and grows each layer's cache in steps of 256 tokens (mlx_lm/models/cache.py, KVCache.step).
/// MLX is lazy: a prefill chunk's logits are never evaluated, and its fused
/// scaled_dot_product_attention keeps no score matrix, so the chunk's peak is the FFN.
inline constexpr int64_t kMlxPrefillStep = 2048;
inline constexpr int64_t kMlxCacheStep = 256;
/// ExLlamaV2 allocates its cache for the whole max_seq_len x max_batch_size at load, and its
/// scratch for a forward pass of max_input_len = 2048 tokens (ExLlamaV2Config defaults:
/// max_input_len 2048, max_attention_size 2048^2; exllamav2/config.py); with flash-attn (its
/// default when installed) there is no score matrix either.
inline constexpr int64_t kExllamaV2MaxInputLen = 2048;
/// fp16 hidden-wide activations alive next to the FFN's gate and up outputs in a chunk (residual,
/// norm, attention output, MLP input): an assumption like kVllmActivationWidths, not fitted.
inline constexpr double kChunkLiveHiddenWidths = 4;

/// Bytes of system RAM bandwidth assumed for layers offloaded to the CPU when nothing better is
/// known (dual-channel DDR5-5600: 2 x 5600 MT/s x 8 B = 89.6 GB/s peak, ~60 GB/s achieved).
inline constexpr double kHostBandwidthBytesS = 60e9;

/// Host-to-device copy rate for weights llama.cpp moves to the GPU to multiply a large batch with
/// (experts kept in system RAM, prompt micro-batches): PCIe 4.0 x16 carries 31.5 GB/s per
/// direction (16 GT/s x 16 lanes x 128/130 encoding); pinned copies reach about 25 GB/s. Not fitted.
inline constexpr double kHostToDeviceBytesS = 25e9;

// ---- llama.cpp memory model (memory helper) ----------------------------------------------------

/// GGUF aligns the data of every tensor to this many bytes (GGUF_DEFAULT_ALIGNMENT, gguf.h).
inline constexpr int64_t kGgufAlignment = 32;

/// GGUF metadata estimate (no exact GGUF byte sizes were found to fit these against):
/// header (magic, version, counts) plus the non-tokenizer key-value pairs and a chat template.
inline constexpr double kGgufHeaderAndKvBytes = 24 + 4096;
/// Mean text bytes of a token in tokenizer.ggml.tokens (byte-level BPE pieces, 'Ġ' is 2 bytes).
inline constexpr double kGgufMeanTokenBytes = 6.5;
/// Mean text bytes of one tokenizer.ggml.merges entry ("Ġ t", "ĠĠ ĠĠ"...).
inline constexpr double kGgufMeanMergeBytes = 10;
/// BPE merges per vocabulary entry: ~1 (Qwen2 151387 of 151936, DeepSeek 99757 of 102400,
/// Pythia 50009 of 50304: llama.cpp load logs); the Llama 3 tokenizer is the exception.
inline constexpr double kGgufMergesPerToken = 1.0;
inline constexpr int64_t kLlama3Vocab = 128256;
inline constexpr int64_t kLlama3Merges = 280147;  ///< "tokenizer.ggml.merges arr[str,280147]"

/// Cells of a sliding-window layer's cache: min(n_ctx, PAD(n_swa * n_seq + n_ubatch, 256))
/// (src/llama-kv-cache-iswa.cpp). The pad is kLlamaCppContextPad.

/// Bytes of one f32 activation element in llama.cpp's compute graph.
inline constexpr double kF32 = 4;
/// E-wide (n_embd x n_ubatch) f32 activations alive next to the attention scores: the layer input,
/// its norm, Q and the roped Q (4); fused-QKV models also hold the QKV projection (6).
/// Fitted: Llama-3-8B 560 MiB at n_ctx 8192 = 512 (KQ) + 16 (mask) + 4 x 8; Pythia-2.8B 162 MiB.
inline constexpr double kAttnLiveActivations = 4;
inline constexpr double kAttnLiveActivationsFusedQkv = 6;
/// E-wide activations alive next to the FFN gate and up outputs (input and its norm).
inline constexpr double kFfnLiveActivations = 2;

}  // namespace headroom::memory_constants

namespace headroom::memory_constants {

/// Share of system RAM that offloaded layers may take; the OS, the desktop and the engine's host
/// buffers keep the rest (a rule of thumb, not fitted).
inline constexpr double kHostMemoryUsableShare = 0.8;

/// Smallest context an engine is ever run with; sizing "does the model load at all" uses it.
inline constexpr int64_t kMinimalContext = 512;

}  // namespace headroom::memory_constants
