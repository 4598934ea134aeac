// speed_constants.h (private): every constant of the speed model, in one place, each with what it
// is and where its value comes from. The fitted ones were fitted on shared/calibration/speed.jsonl
// (210 llama-bench rows, llama.cpp of May 2024) by minimising the Huber loss (delta 0.15) of
// ln(predicted / measured), Nelder-Mead on the log of the constants; decode constants on the 140
// decode rows, then prefill constants on the 70 prefill rows. Procedure, scores and data: the
// speed helper's MODEL.md and fit.py (kept with the project notes).
#pragma once

#include <cstdint>

namespace headroom::speed_constants {

// ---- memory side (decode) ----------------------------------------------------------------------

/// Share of peak bandwidth a CUDA/HIP matrix-vector kernel streams weights at. Fitted: 0.9405.
inline constexpr double kBandwidthEfficiencyCuda = 0.9405;
/// Same for Metal. Fitted: 0.8880.
inline constexpr double kBandwidthEfficiencyMetal = 0.8880;

/// Ceiling (bytes/s) of what one batch-1 matrix-vector kernel streams on CUDA, whatever the peak:
/// the kernels are latency bound, so HBM parts (A100, H100) reach about half their peak.
/// Fitted: 1170 GB/s. Combined with the efficiency by a smooth minimum of sharpness kCapSharpness.
inline constexpr double kBandwidthCapCuda = 1170e9;

/// Sharpness p of the smooth minimum (x^-p + cap^-p)^(-1/p). Fixed (not fitted): 4.
inline constexpr double kCapSharpness = 4.0;

/// KV-cache reads run at this share of the weight-streaming rate (non-flash attention: strided
/// K/V reads, softmax round trips). Fitted: CUDA 0.3970, Metal 0.2861.
inline constexpr double kKvEfficiencyCuda = 0.3970;
inline constexpr double kKvEfficiencyMetal = 0.2861;

/// Fixed cost per layer per step: kernel launches and synchronisation (seconds). Fitted: CUDA
/// 81.8 us, Metal 208 us. Newer llama.cpp builds (CUDA graphs, fused kernels) are lower (~30 us).
inline constexpr double kLayerSecondsCuda = 81.82e-6;
inline constexpr double kLayerSecondsMetal = 208.0e-6;

/// Cost per device boundary per step of llama.cpp's layer split (activation copy + sync).
/// Fitted: ~0 (3.6e-12 s): the 2- to 8-GPU rows show no per-hop cost beyond noise.
inline constexpr double kHopSeconds = 0.0;

/// One all-reduce of a token's activations across tensor-parallel devices (vLLM, SGLang,
/// TensorRT-LLM run two per layer: after attention and after the MLP). Messages are a few KB, so
/// latency rules: NCCL's small-message all-reduce takes about 10 us within an NVLink node
/// (nccl-tests all_reduce_perf at 8 B-64 KB). Not fitted: no tensor-parallel rows in the calibration.
inline constexpr double kAllReduceSeconds = 10e-6;
inline constexpr int kAllReducesPerLayer = 2;

// ---- compute side (prefill, batched decode) -----------------------------------------------

/// Share of the dense FP16 matrix peak the prompt GEMMs reach on CUDA (cuBLAS, FP16 compute).
/// Fitted: 0.6009.
inline constexpr double kMatrixEfficiencyCuda = 0.6009;
/// Matrix rate one 512-token micro-batch can fill on CUDA (FLOP/s): tile and wave quantization on
/// the largest GPUs. Fitted: 241.2 TFLOP/s.
inline constexpr double kMatrixCapCuda = 241.2e12;
/// Metal dequantizes inside its GEMM kernels: share of the FP16 peak on quantized and on 16-bit
/// weights. Fitted: 0.6115 and 0.7577.
inline constexpr double kMatrixEfficiencyMetalQuantized = 0.6115;
inline constexpr double kMatrixEfficiencyMetal16 = 0.7577;

/// Bytes moved per weight when CUDA llama.cpp dequantizes a quantized matrix to f16 for cuBLAS,
/// once per micro-batch. Fitted: 2.609 (a Q4_K -> f16 pass moves 2 + 0.56 = 2.56 bytes).
inline constexpr double kDequantBytesPerWeightCuda = 2.609;

/// A quantized matrix multiplied with at least this many tokens is dequantized and sent to cuBLAS;
/// fewer tokens use the quantized MMQ kernels. From llama.cpp ggml-cuda (MMQ_DP4A_MAX_BATCH_SIZE).
inline constexpr int64_t kMmqMaxTokens = 64;

/// f32 activation elements moved in prefill per layer, per token and per unit of row width
/// (hidden + FFN width + attention-score row). Fitted: 7.877.
inline constexpr double kActivationElements = 7.877;

/// FLOP per byte of bandwidth assumed for a device whose matrix throughput is unknown (a probe
/// profile without it): the lowest ratio among the calibration devices (Apple M1 Max, 10.4 TFLOP/s
/// over 400 GB/s = 26), so an unknown device is taken as compute-poor, never compute-rich.
inline constexpr double kFlopsPerByteWhenUnknown = 26.0;

/// llama.cpp's default micro-batch (n_ubatch): the prompt is processed this many tokens at a time.
inline constexpr int64_t kUbatchTokens = 512;

}  // namespace headroom::speed_constants
