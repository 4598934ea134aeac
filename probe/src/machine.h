// machine.h: one measurement run of this machine (CPU always, CUDA GPUs where present), the run a
// profile is written from; shared by the default command and `fit` without a profile.
#pragma once

#include <ostream>
#include <string>

#include "profile_writer.h"

namespace headroom::probe {

/// Now, as the profile's `created` field writes it (ISO 8601, UTC).
std::string utc_now();

/// Measures this machine; progress lines go to `progress`. `quick` is the short run.
ProbeRun measure_machine(bool quick, std::ostream& progress, const std::string& created_utc);

}  // namespace headroom::probe
