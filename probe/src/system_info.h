// system_info.h: what the host is: CPU model, cores, memory, cache, name.
#pragma once

#include <cstddef>
#include <string>

namespace headroom::probe {

struct SystemInfo {
    std::string hostname;
    std::string os;
    std::string cpu_model;
    int cpu_threads = 1;
    double memory_bytes = 0;
    double available_memory_bytes = 0;
    size_t last_level_cache_bytes = 0;
};

/// Reads /proc and sysconf; fields it cannot read stay empty or zero.
SystemInfo read_system_info();

}  // namespace headroom::probe
