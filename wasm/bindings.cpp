// bindings.cpp: the module's functions, registered with Embind; nothing else lives here.
#include <emscripten/bind.h>

#include "convert.h"

EMSCRIPTEN_BINDINGS(headroom) {
    using namespace headroom::wasm;
    emscripten::function("catalogError", &catalog_error);
    emscripten::function("catalogModels", &catalog_models);
    emscripten::function("catalogHardware", &catalog_hardware);
    emscripten::function("catalogWorkloads", &catalog_workloads);
    emscripten::function("weightFormats", &weight_formats);
    emscripten::function("estimate", &estimate);
    emscripten::function("advise", &advise);
    emscripten::function("estimateSeries", &estimate_series);
    emscripten::function("profileHardware", &profile_hardware);
    emscripten::function("inspectGguf", &inspect_gguf);
    emscripten::function("decodeShareLink", &decode_share_link);
    emscripten::function("parseConfig", &parse_config);
    emscripten::function("recommendModels", &recommend_models);
    emscripten::function("recommendHardware", &recommend_hardware);
}
