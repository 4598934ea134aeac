// cli.h: headroom-probe's commands, with streams passed in so tests run them without a process.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace headroom::probe {

/// Exit codes, documented in --help.
enum ExitCode : int {
    kExitOk = 0,
    kExitUsage = 2,    ///< bad command line
    kExitIo = 3,       ///< a file could not be read or written
    kExitCatalog = 4,  ///< the embedded catalog failed to load (a build defect)
    kExitBadFile = 5,  ///< a model file is malformed or truncated
};

/// Runs headroom-probe with `args` (without the program name); returns the exit code.
int run_cli(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace headroom::probe
