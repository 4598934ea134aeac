// inspect.h: `headroom-probe inspect FILE.gguf`: a GGUF file's header, summed, and an estimate.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace headroom::probe {

/// Runs `inspect` (`args[0]` is "inspect"); returns the exit code (cli.h).
int cmd_inspect(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace headroom::probe
