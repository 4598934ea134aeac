// profile.h: a headroom-probe profile (measured hardware) read back as hardware to predict with.
#pragma once

#include <string>
#include <string_view>

#include "headroom/hardware.h"

namespace headroom {

/// Schema tag a profile carries; bumped when a field changes meaning.
inline constexpr std::string_view kProfileSchema = "headroom-profile/1";

struct ProfileResult {
    Hardware hardware;  ///< the first device of the profile (a GPU if any, else the CPU)
    std::string error;
    bool ok() const { return error.empty(); }
};

/// Reads a probe profile (JSON text) into hardware with `measured` set. Missing or absurd
/// measurements give an error naming the field.
ProfileResult hardware_from_profile(std::string_view profile_json);

}  // namespace headroom
