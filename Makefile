# Makefile: the README's commands. Each target installs what is missing first.
.PHONY: deps serve test probe dist release bench fuzz clean

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
	cp build/wasm/wasm/index.html build/wasm/wasm/app.js build/wasm/wasm/style.css \
	   build/wasm/wasm/headroom.js build/wasm/wasm/headroom.wasm dist/

## bench: Release build of bench/, then print scenarios/s of estimate, the catalog sweep's time, and
## the probe's CPU bandwidth next to a reference OpenMP triad (figures, not pass/fail: not in `test`)
bench: deps
	cmake --preset release >/dev/null
	cmake --build --preset release --target bench_estimate bench_recommend bench_triad
	build/release/bin/bench_estimate
	build/release/bin/bench_recommend
	build/release/bin/bench_triad

clean:
	rm -rf build dist
