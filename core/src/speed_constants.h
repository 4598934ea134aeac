// speed_constants.h (private): efficiencies and fixed costs of the speed model, in one place.
// Until they are fitted to shared/calibration/speed.jsonl these are first-order values.
#pragma once

namespace headroom::speed_constants {

/// Share of peak memory bandwidth a decode step reaches (llama.cpp matrix-vector kernels).
inline constexpr double kDecodeBandwidthEfficiency = 0.6;

/// Fixed cost per layer per generated token: kernel launches and synchronisation (seconds).
inline constexpr double kPerLayerTokenSeconds = 8e-6;

/// Share of dense FP16 matrix peak that prompt processing reaches.
inline constexpr double kPrefillComputeEfficiency = 0.35;

}  // namespace headroom::speed_constants
