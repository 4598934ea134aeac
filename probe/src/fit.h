// fit.h: `headroom-probe fit`: the catalog models that run well on this machine for a workload.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "headroom/catalog.h"
#include "headroom/recommend.h"

namespace headroom::probe {

/// `fit [--profile FILE | --hardware ID] [--workload NAME] [--top N] [--engine E] [--json]`;
/// without --profile or --hardware it measures this machine first (a quick run).
int cmd_fit(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

/// What runs well on `hardware` for `workload` with `engine`: core's recommend_models on a setup
/// of one device with every other field at the estimate contract's defaults (as the page's).
std::vector<ModelPick> fit_picks(const Catalog& catalog, const Hardware& hardware, const Workload& workload,
                                 const std::string& engine, size_t top);

/// The picks as a table: model, format, verdict, decode tok/s, time to first token, headroom.
void print_fit_table(std::ostream& out, const Hardware& hardware, const Workload& workload,
                     const std::string& engine, const std::vector<ModelPick>& picks);

}  // namespace headroom::probe
