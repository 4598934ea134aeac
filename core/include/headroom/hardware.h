// hardware.h: a device as the estimator sees it, from the catalog, a custom entry or a probe profile.
#pragma once

#include <string>

namespace headroom {

/// One accelerator (or a CPU system). Rates are per device, in bytes/s and FLOP/s.
struct Hardware {
    std::string id;
    std::string name;
    std::string backend = "cuda";   ///< cuda, rocm, metal, vulkan, sycl, cpu
    double memory_bytes = 0;        ///< memory of one device
    double bandwidth_bytes_s = 0;   ///< peak (datasheet) or measured memory bandwidth
    double fp16_flops = 0;          ///< dense FP16 matrix throughput; 0 when unknown
    bool unified_memory = false;
    double gpu_memory_share = 1.0;  ///< share of memory_bytes the GPU may use (Metal working set)
    /// Memory the operating system and the desktop keep on the device that drives the displays
    /// (compositor surfaces, WDDM's share): the engine cannot have it. Catalog default by kind and
    /// segment (default_desktop_reserve_bytes); 0 for a headless or datacenter device.
    double desktop_reserve_bytes = 0;
    bool measured = false;          ///< figures come from a headroom-probe profile
    double price_usd = 0;           ///< launch or list price of one device; 0 when unknown
};

/// Share of unified memory Metal lets the GPU wire (recommendedMaxWorkingSetSize): about 2/3 below
/// 64 GiB and 3/4 from 64 GiB up, as logged by llama.cpp on Apple machines of 8 to 128 GB
/// (catalog/hardware/apple-*.json cite the reports).
double metal_working_set_share(double memory_bytes);

/// Desktop memory a device keeps by default: a discrete GPU sold for desktops and workstations
/// ("consumer", "workstation", "desktop" segments) is taken to drive the displays; datacenter and
/// server cards, laptops' discrete GPUs (the integrated GPU drives the panel) and unified-memory
/// chips (the OS's share is their GPU memory share) keep none.
double default_desktop_reserve_bytes(const std::string& kind, const std::string& segment, bool unified_memory);

}  // namespace headroom
