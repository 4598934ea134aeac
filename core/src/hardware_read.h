// hardware_read.h (private): hardware from a catalog entry, an inline scenario object or a profile.
#pragma once

#include <string>

#include "headroom/hardware.h"
#include "json_read.h"

namespace headroom::detail {

/// Memory sizes in the catalog and the contract are marketed "GB", which for device memory are GiB.
inline constexpr double kBytesPerMemoryGb = 1024.0 * 1024.0 * 1024.0;

/// {"name", "memory_gb", "bandwidth_gbs", "fp16_tflops", "backend" | "backends", "unified_memory",
///  "gpu_memory_share"} -> Hardware. False with `error` naming the field when bad.
bool hardware_from_json(const json& obj, Hardware& hw, std::string& error);

/// A headroom-probe profile object -> Hardware (profile.cpp).
bool hardware_from_profile_json(const json& profile, Hardware& hw, std::string& error);

}  // namespace headroom::detail
