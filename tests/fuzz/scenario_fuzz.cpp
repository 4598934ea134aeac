// scenario_fuzz.cpp: libFuzzer target for the scenario parser (see fuzz_entries.h).
#include "fuzz_entries.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    headroom::fuzz::scenario_entry(std::string_view(reinterpret_cast<const char*>(data), size));
    return 0;
}
