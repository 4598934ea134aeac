// estimate.h: the `estimate` scenario contract (shared/calibration/README.md): a scenario in,
// a prediction out, each as one JSON object.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "headroom/advice.h"
#include "headroom/catalog.h"
#include "headroom/memory.h"
#include "headroom/model.h"
#include "headroom/setup.h"
#include "headroom/speed.h"
#include "headroom/workload.h"

namespace headroom {

/// A scenario with every name resolved against the catalog.
struct Scenario {
    std::string id;
    std::string model_id;  ///< catalog id when the model came from the catalog
    std::string model_name;
    ModelArch arch;
    Setup setup;
    int64_t prompt_tokens = 0;
    int64_t gen_tokens = 0;
    Workload workload;
};

struct ScenarioResult {
    Scenario scenario;
    std::string error;
    bool ok() const { return error.empty(); }
};

/// Parses one scenario object (JSON text). Bad or impossible values give an error naming the field.
ScenarioResult parse_scenario(std::string_view scenario_json, const Catalog& catalog);

/// Everything core predicts for a scenario.
struct Prediction {
    std::string id;
    MemoryBreakdown memory;
    std::vector<DeviceMemory> devices;  ///< device by device, when the setup has more than one
    SpeedEstimate speed;
    Assessment assessment;              ///< judged against the scenario's workload
    std::vector<Suggestion> suggestions;  ///< filled only when asked for (see predict)
    std::string error;  ///< set when the scenario was bad; then no figures
};

/// Runs the memory, speed and verdict models on a parsed scenario; with `suggestions_from` set,
/// also the changes that would improve the verdict (slower: it re-evaluates each candidate).
Prediction predict(const Scenario& scenario, const Catalog* suggestions_from = nullptr);

/// Memory and speed of `scenario` at another context, prompt and output length (a chart's point):
/// what predict() computes for them, without the verdict and its capacity searches. Lengths
/// outside parse_scenario's ranges give ok = false.
struct ScenarioPoint {
    bool ok = false;
    MemoryBreakdown memory;
    SpeedEstimate speed;
};
ScenarioPoint predict_at(const Scenario& scenario, int64_t context, int64_t prompt_tokens, int64_t gen_tokens);

/// The prediction as the contract's JSON object (one line).
std::string prediction_json(const Prediction& prediction);

/// Parse, predict and serialise one scenario line; never throws. Bad lines give an error object.
/// With `with_suggestions` the object also lists suggested changes.
std::string estimate_line(std::string_view scenario_json, const Catalog& catalog, bool with_suggestions = false);

}  // namespace headroom
