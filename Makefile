# Makefile: the README's commands. Each target installs what is missing first.
.PHONY: deps serve test probe dist release bench bench-native bench-page fuzz clean

PORT ?= 8080
export NODE_PATH := /usr/share/nodejs

deps:
	@bash .ci/install-deps.sh

## serve: build the WASM Release page and serve it on http://127.0.0.1:$(PORT)/
serve: deps
	cmake --preset wasm >/dev/null
	cmake --build --preset wasm
	node web/serve.mjs build/wasm/wasm $(PORT)

## test: build native (Debug, ASan+UBSan), WASM (Release) and run every test
test: deps
	@bash tests/run_all.sh

## fuzz: build the libFuzzer targets (clang-14) and run each for FUZZ_SECONDS (default 300 here)
FUZZ_SECONDS ?= 300
fuzz: deps
	cmake --preset fuzz >/dev/null
	cmake --build --preset fuzz
	FUZZ_SECONDS=$(FUZZ_SECONDS) bash tests/fuzz/run.sh

## probe: build headroom-probe at build/native/bin/headroom-probe
probe: deps
	cmake --preset native >/dev/null
	cmake --build --preset native --target headroom-probe

## dist: the static page in dist/, ready for any static host
dist: deps
	cmake --preset wasm >/dev/null
	cmake --build --preset wasm
	rm -rf dist && mkdir -p dist
	cd build/wasm/wasm && cp index.html style.css page.js sw.js headroom.wasm ../../../dist/
	node tests/web/dist_check.mjs dist

## bench: every benchmark below; each prints its figures (none is pass/fail, none is in `test`)
bench: bench-native bench-page

## bench-page: the page's speed and size in headless Chromium (first answer, redraw, sweep, gzip size)
bench-page: deps
	cmake --preset wasm >/dev/null
	cmake --build --preset wasm
	node tests/web/bench.mjs build/wasm/wasm

## bench-native: Release build of bench/, then print scenarios/s of estimate, the catalog sweep's time, and
## the probe's CPU bandwidth next to a reference OpenMP triad (figures, not pass/fail: not in `test`)
bench-native: deps
	cmake --preset release >/dev/null
	cmake --build --preset release --target bench_estimate bench_recommend bench_triad
	build/release/bin/bench_estimate
	build/release/bin/bench_recommend
	build/release/bin/bench_triad

clean:
	rm -rf build dist
