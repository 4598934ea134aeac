// gguf_fuzz.cpp: libFuzzer target for the GGUF header reader (see fuzz_entries.h); built only when
// core has it (core/include/headroom/gguf.h).
#include "fuzz_entries.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    headroom::fuzz::gguf_entry(std::string_view(reinterpret_cast<const char*>(data), size));
    return 0;
}
