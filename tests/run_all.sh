#!/usr/bin/env bash
# run_all.sh: builds every configuration and runs every test; ends with "N passed, N failed".
# Legs: native Debug (ctest), native ASan+UBSan (ctest), WASM Release (node tests of the module),
# the page in headless Chromium (node tests with playwright-core), and every libFuzzer target for
# FUZZ_SECONDS (default 60) from its seed corpus, each target counted as one test. Each leg can be
# run by hand with the same commands (see README).
set -uo pipefail
cd "$(dirname "$0")/.."
export NODE_PATH=/usr/share/nodejs   # Emscripten's optimiser needs Debian's acorn

passed=0
failed=0
log_dir=build/test-logs
mkdir -p "$log_dir"

# ctest_leg PRESET: configure, build and ctest one preset; adds its counts.
ctest_leg() {
  local preset=$1 log=$log_dir/$1.log
  echo "== $preset: configure and build"
  if ! { cmake --preset "$preset" && cmake --build --preset "$preset"; } >"$log" 2>&1; then
    tail -n 40 "$log"
    echo "== $preset: BUILD FAILED (log: $log)"
    failed=$((failed + 1))
    return
  fi
  echo "== $preset: ctest"
  ctest --preset "$preset" --output-on-failure >"$log_dir/$preset-ctest.log" 2>&1
  local summary
  summary=$(grep -E "tests passed, [0-9]+ tests? failed out of" "$log_dir/$preset-ctest.log" | tail -n 1)
  echo "   $summary"
  if [[ $summary =~ ([0-9]+)\ tests?\ failed\ out\ of\ ([0-9]+) ]]; then
    failed=$((failed + BASH_REMATCH[1]))
    passed=$((passed + BASH_REMATCH[2] - BASH_REMATCH[1]))
    [ "${BASH_REMATCH[1]}" = 0 ] || grep -E "^\s+[0-9]+ - .*\(Failed|Timeout|SEGFAULT" "$log_dir/$preset-ctest.log"
    [ "${BASH_REMATCH[1]}" = 0 ] || tail -n 60 "$log_dir/$preset-ctest.log"
  else
    tail -n 40 "$log_dir/$preset-ctest.log"
    failed=$((failed + 1))
  fi
}

# node_leg NAME DIR [NODE_FLAGS...]: node's test runner over DIR; adds its counts.
node_leg() {
  local name=$1 dir=$2 log=$log_dir/$1.log
  shift 2
  echo "== $name: node $* --test $dir"
  node "$@" --test "$dir" >"$log" 2>&1
  local p f
  p=$(grep -E "^# pass [0-9]+" "$log" | awk '{print $3}')
  f=$(grep -E "^# fail [0-9]+" "$log" | awk '{print $3}')
  if [ -z "$p" ] || [ -z "$f" ]; then
    tail -n 40 "$log"
    failed=$((failed + 1))
    return
  fi
  echo "   $p passed, $f failed"
  [ "$f" = 0 ] || grep -B2 -A20 "^not ok" "$log" | head -n 80
  passed=$((passed + p))
  failed=$((failed + f))
}

start=$(date +%s)
ctest_leg native
ctest_leg asan
echo "== wasm: configure and build (Release)"
if { cmake --preset wasm && cmake --build --preset wasm; } >"$log_dir/wasm.log" 2>&1; then
  echo "   headroom.wasm: $(stat -c %s build/wasm/wasm/headroom.wasm) bytes, headroom.js: $(stat -c %s build/wasm/wasm/headroom.js) bytes"
  # Emscripten 3.1.6 cannot load its .wasm through node's fetch; playwright needs fetch's Headers.
  node_leg wasm-module tests/wasm/ --no-experimental-fetch
  node_leg browser tests/web/
else
  tail -n 40 "$log_dir/wasm.log"
  echo "== wasm: BUILD FAILED (log: $log_dir/wasm.log)"
  failed=$((failed + 1))
fi
# fuzz_leg: build the fuzz preset (clang-14 + libFuzzer) and run each target for FUZZ_SECONDS.
fuzz_leg() {
  local log=$log_dir/fuzz.log
  echo "== fuzz: configure and build (clang-14, libFuzzer, ASan + UBSan)"
  if ! { cmake --preset fuzz && cmake --build --preset fuzz; } >"$log" 2>&1; then
    tail -n 40 "$log"
    echo "== fuzz: BUILD FAILED (log: $log)"
    failed=$((failed + 1))
    return
  fi
  echo "== fuzz: each target ${FUZZ_SECONDS:-60} s from its corpus"
  bash tests/fuzz/run.sh >"$log_dir/fuzz-run.log" 2>&1
  grep -vE "^fuzz: [0-9]+ passed" "$log_dir/fuzz-run.log" | sed 's/^/   /'
  local summary
  summary=$(grep -E "^fuzz: [0-9]+ passed, [0-9]+ failed" "$log_dir/fuzz-run.log")
  if [[ $summary =~ ([0-9]+)\ passed,\ ([0-9]+)\ failed ]]; then
    passed=$((passed + BASH_REMATCH[1]))
    failed=$((failed + BASH_REMATCH[2]))
  else
    failed=$((failed + 1))
  fi
}
fuzz_leg
echo "== all legs took $(( $(date +%s) - start )) s"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
