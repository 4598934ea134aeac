// profile_writer.h: the probe's measurements as a versioned profile JSON, and the page link.
#pragma once

#include <string>

#include "cpu_bandwidth.h"
#include "gpu.h"
#include "system_info.h"

namespace headroom::probe {

struct ProbeRun {
    std::string created_utc;  ///< ISO 8601
    bool quick = false;
    SystemInfo system;
    CpuBandwidth cpu;
    GpuProbe gpus;
};

/// The profile document (schema headroom-profile/1): host, devices (GPUs first, then the CPU), and
/// every measurement with its method.
std::string profile_json(const ProbeRun& run);

/// `page_url` + "#profile=" + base64url(profile), the link that opens the page on this machine's numbers.
std::string profile_link(const std::string& page_url, const std::string& profile);

/// RFC 4648 base64url without padding (what the page decodes).
std::string base64url(const std::string& bytes);

}  // namespace headroom::probe
