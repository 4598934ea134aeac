// config.h: reading a Hugging Face config.json into the architecture core computes with.
#pragma once

#include <string>
#include <string_view>

#include "headroom/model.h"

namespace headroom {

/// The architecture read from a config, or why it could not be read.
struct ArchResult {
    ModelArch arch;
    std::string error;  ///< empty on success
    bool ok() const { return error.empty(); }
};

/// Parses the text of a Hugging Face config.json. Unknown `model_type`, missing or absurd fields
/// give an error naming them; nothing throws.
ArchResult parse_hf_config(std::string_view config_json);

}  // namespace headroom
