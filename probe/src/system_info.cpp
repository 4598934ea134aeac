// system_info.cpp: host facts from /proc, /sys and sysconf (Linux); other systems get what POSIX gives.
#include "system_info.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

namespace headroom::probe {
namespace {

/// "MemTotal:  24576 kB" -> bytes, for the named /proc/meminfo key.
double meminfo_bytes(const std::string& key) {
    std::ifstream f("/proc/meminfo");
    std::string line;
    while (std::getline(f, line)) {
        if (line.rfind(key + ":", 0) == 0) {
            std::istringstream in(line.substr(key.size() + 1));
            double kb = 0;
            in >> kb;
            return kb * 1024.0;
        }
    }
    return 0;
}

std::string cpu_model_name() {
    std::ifstream f("/proc/cpuinfo");
    std::string line;
    while (std::getline(f, line)) {
        if (line.rfind("model name", 0) == 0) {
            auto colon = line.find(':');
            if (colon != std::string::npos) return line.substr(line.find_first_not_of(" \t", colon + 1));
        }
    }
    return "unknown CPU";
}

size_t llc_bytes() {
#ifdef _SC_LEVEL3_CACHE_SIZE
    long l3 = sysconf(_SC_LEVEL3_CACHE_SIZE);
    if (l3 > 0) return static_cast<size_t>(l3);
#endif
    std::ifstream f("/sys/devices/system/cpu/cpu0/cache/index3/size");
    size_t kb = 0;
    if (f >> kb) return kb * 1024;
    return 0;
}

}  // namespace

SystemInfo read_system_info() {
    SystemInfo s;
    char host[256] = {};
    if (gethostname(host, sizeof host - 1) == 0) s.hostname = host;
    struct utsname u {};
    if (uname(&u) == 0) s.os = std::string(u.sysname) + " " + u.release + " " + u.machine;
    s.cpu_model = cpu_model_name();
    s.cpu_threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    s.memory_bytes = meminfo_bytes("MemTotal");
    s.available_memory_bytes = meminfo_bytes("MemAvailable");
    s.last_level_cache_bytes = llc_bytes();
    return s;
}

}  // namespace headroom::probe
