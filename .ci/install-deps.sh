#!/usr/bin/env bash
# install-deps.sh: installs what headroom's build and tests need and the machine lacks
# (Debian 12 packages, then the npm packages of the browser tests). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Debian packages, by the file each provides, so a machine that has the tool another way is left alone.
declare -A provides=(
  [cmake]=/usr/bin/cmake [g++]=/usr/bin/g++ [make]=/usr/bin/make
  [nlohmann-json3-dev]=/usr/include/nlohmann/json.hpp [libgtest-dev]=/usr/include/gtest/gtest.h
  [emscripten]=/usr/bin/emcc [chromium]=/usr/bin/chromium [python3]=/usr/bin/python3
  [clang-14]=/usr/bin/clang++-14
)
missing=()
for pkg in "${!provides[@]}"; do
  [ -e "${provides[$pkg]}" ] || missing+=("$pkg")
done
# libFuzzer's runtime (the fuzz leg) lies under the clang version's folder.
compgen -G '/usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a' >/dev/null || missing+=(libclang-rt-14-dev)
# node and npm may come from Debian or NodeSource; only install Debian's when there is none.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# playwright-core drives Debian's Chromium; it never downloads a browser of its own.
if [ ! -d tests/web/node_modules/playwright-core ]; then
  echo "install-deps: installing the browser tests' npm packages"
  (cd tests/web && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
fi
