// convert.h: core results turned into plain JavaScript objects (no handles to delete()).
#pragma once

#include <emscripten/val.h>

#include <string>

namespace headroom::wasm {

/// Catalog listings for the page's pickers.
emscripten::val catalog_models();
emscripten::val catalog_hardware();
emscripten::val catalog_workloads();
emscripten::val weight_formats();

/// One scenario (the estimate contract's JSON text) -> the prediction as an object; a bad scenario
/// gives an object whose `error` says why. Never throws.
emscripten::val estimate(const std::string& scenario_json);

/// As estimate(), plus `suggestions`: changes that improve the verdict, each re-evaluated by core.
emscripten::val advise(const std::string& scenario_json);

/// The chart's sweep in one call: the scenario (parsed once) at each of `points` ([{context,
/// promptTokens, genTokens}], at most kMaxSeriesPoints) -> {error, decodeTokS: [number|null],
/// totalBytes: [], capacityBytes: [], fits: []}, the same figures estimate() gives for the scenario
/// with those three fields changed, without the verdict's capacity searches the chart does not show.
/// A point out of range gives null / false at its place. Never throws.
emscripten::val estimate_series(const std::string& scenario_json, const emscripten::val& points);
inline constexpr unsigned kMaxSeriesPoints = 64;

/// A probe profile (JSON text) -> {error, name, backend, memoryBytes, bandwidthGbs, fp16Tflops}.
emscripten::val profile_hardware(const std::string& profile_json);

/// The first bytes of a GGUF file (a Uint8Array; Embind copies it into the string) ->
/// {error, needBytes, architecture, name, fileType, tensorBytes, embeddingBytes, deviceBytes, byType,
/// arch, archError, scenarioModel: {name, config}, quant, ...}. `needBytes` > 0: pass more of the
/// file's start and call again. Never throws.
emscripten::val inspect_gguf(const std::string& bytes);
/// A share link's fragment (after '#') decoded and checked by core (share_state.h) ->
/// {error, state: {model, quant, hardware, gpus, engine, context, kv, workload, modelName,
/// modelConfig: object|null, modelWeightsBytes, knobs: {promptTokens?, genTokens?, context?, users?,
/// steps?}}, profile: text|null, compare: [{state, profile}] (the pinned setups, at most four)}.
/// `state` holds the defaults when `error` is set; decodeShareLink('') gives the defaults.
emscripten::val decode_share_link(const std::string& fragment);

/// A config.json's text read by core (parse_hf_config) -> {error, modelType, layers, hidden, heads,
/// kvHeads, headDim, vocab, maxContext, experts, activeExperts, params, activeParams}.
emscripten::val parse_config(const std::string& config_json);

/// The catalog models that run well with a scenario's hardware, devices, engine and workload (the
/// scenario's model is not used) -> {error, picks: [{modelId, modelName, format, verdict, decodeTokS,
/// ttftS, headroomBytes, quality, bitsPerWeight, meanKld, deltaPpl}]}, best first, at most `top`
/// (clipped to 1..1000).
emscripten::val recommend_models(const std::string& scenario_json, int top);

/// The smallest and cheapest catalog hardware that runs a scenario's model (in its format, engine
/// and workload) well -> {error, found, smallest: pick|null, cheapest: pick|null}; a pick is
/// {hardwareId, hardwareName, devices, verdict, decodeTokS, memoryBytes, priceUsd}.
emscripten::val recommend_hardware(const std::string& scenario_json);

/// Catalog status: "" when the embedded catalog opened and every entry read so far is valid, else
/// why not (entries are read as they are used; the listings read them all).
std::string catalog_error();

}  // namespace headroom::wasm
