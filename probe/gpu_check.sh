#!/usr/bin/env bash
# gpu_check.sh: on a machine with an NVIDIA GPU (e.g. through the `device` tool), build the probe in
# Release for this GPU's architecture, run it (timed: issue #8 wants at most 20 s per GPU), print its
# table and the matrix figures, then the CPU side next to the reference triad.
# Usage: bash probe/gpu_check.sh [--quick]   (writes into $OUT when set, else build/gpu-check)
# HEADROOM_PROBE_BIN=DIR runs the headroom-probe and bench_triad already built in DIR instead of
# building them (a machine without the build's dependencies, e.g. the device tool's GPU machine).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${OUT:-build/gpu-check}"
mkdir -p "$out"
export PATH="/usr/local/cuda/bin:$PATH"

nvidia-smi --query-gpu=name,memory.total,memory.used,clocks.max.memory,driver_version --format=csv || true
bin="${HEADROOM_PROBE_BIN:-}"
if [ -z "$bin" ]; then
  # Only this GPU's architecture: a build for all seven takes minutes.
  arch="$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader | head -n1 | tr -d ' .')"
  cmake --preset release -DCMAKE_CUDA_ARCHITECTURES="${arch:-90}-real" >/dev/null
  cmake --build --preset release -j"$(nproc)" --target headroom-probe bench_triad
  bin=build/release/bin
fi

start=$(date +%s.%N)
"$bin/headroom-probe" "$@" --out "$out/headroom-profile.json" | tee "$out/probe-table.txt"
end=$(date +%s.%N)
python3 - "$out/headroom-profile.json" "$start" "$end" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
gpus = [d for d in p["devices"] if d["kind"] == "gpu"]
print(f"whole run: {float(sys.argv[3]) - float(sys.argv[2]):.1f} s for {len(gpus)} GPU(s) (target <= 20 s per GPU)")
for d in gpus:
    m = d["measurements"]
    theo = d.get("theoretical_bandwidth_gbs") or 0
    read = m["read_bandwidth_gbs"]
    share = f"{100 * read['median'] / theo:.1f}% of {theo:.0f} GB/s theoretical" if theo else "theoretical unknown"
    print(f"{d['name']}: read {read['median']:.0f} GB/s median, {read['best']:.0f} best ({share}; target >= 90%),"
          f" cache artefact: {d['cache_artefact']}")
    for key in ("copy_bandwidth_gbs", "triad_bandwidth_gbs", "fp16_tflops", "bf16_tflops", "int8_tops",
                "h2d_bandwidth_gbs", "d2h_bandwidth_gbs", "launch_latency_us"):
        if key in m:
            print(f"  {key:22s} median {m[key]['median']:10.2f}   ({m[key].get('method', '')})")
PY
"$bin/bench_triad" | tee "$out/bench-triad.txt"
