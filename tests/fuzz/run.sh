#!/usr/bin/env bash
# run.sh: runs every libFuzzer target (built by the fuzz preset) for FUZZ_SECONDS each, starting
# from its seed corpus (tests/fuzz/corpus/<target>) and the inputs that once crashed
# (tests/fuzz/regressions/<target>). New corpus entries go to build/fuzz-work, never into the repo;
# a crash leaves its input in build/fuzz-work/<target>/crashes/ (copy it into regressions/).
# Prints "fuzz <target>: N executions, N crashes" per target and ends with
# "fuzz: N passed, N failed" (a target passes when it ran and found nothing).
# Usage: tests/fuzz/run.sh [target...]   (FUZZ_SECONDS, default 60; FUZZ_BIN, default build/fuzz/bin)
set -uo pipefail
cd "$(dirname "$0")/../.."
seconds=${FUZZ_SECONDS:-60}
bin=${FUZZ_BIN:-build/fuzz/bin}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(config profile scenario share_state)
# The GGUF target exists once core has the GGUF reader (core/include/headroom/gguf.h).
[ $# -gt 0 ] || [ ! -x "$bin/gguf_fuzz" ] || targets+=(gguf)
passed=0
failed=0
for t in "${targets[@]}"; do
  work=build/fuzz-work/$t
  rm -rf "$work/crashes"  # findings of an earlier run were copied out or are stale
  mkdir -p "$work/corpus" "$work/crashes"
  seeds=(tests/fuzz/corpus/$t)
  [ -d tests/fuzz/regressions/$t ] && seeds+=(tests/fuzz/regressions/$t)
  log=$work/fuzz.log
  # -rss_limit_mb and -timeout make a memory blow-up or a hang a failure, like a crash.
  "$bin/${t}_fuzz" "$work/corpus" "${seeds[@]}" -max_total_time="$seconds" -max_len=65536 \
    -dict=tests/fuzz/json.dict -timeout=25 -report_slow_units=5 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$work/crashes/" >"$log" 2>&1
  rc=$?
  execs=$(grep -E "^stat::number_of_executed_units:" "$log" | awk '{print $2}')
  # Crashes, leaks, timeouts, out-of-memory and slow units (-report_slow_units) all count.
  crashes=$(find "$work/crashes" -type f | wc -l)
  echo "fuzz $t: ${execs:-0} executions in ${seconds} s, $crashes crashes (log: $log)"
  if [ $rc = 0 ] && [ "$crashes" = 0 ] && [ -n "$execs" ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    grep -E "ERROR|runtime error|invariant failed|SUMMARY|Test unit written" "$log" | head -n 20
  fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" = 0 ]
