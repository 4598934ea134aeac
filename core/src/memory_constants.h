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
