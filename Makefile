# tandem: the project's interface. `make demo` and `make test` work on a fresh Debian machine:
# they install what is missing (apt-get), build and run.
SHELL := /bin/bash
.DEFAULT_GOAL := build

BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
TSA_BUILD  ?= build-tsa
JOBS       ?= $(shell nproc)
FUZZ_SECONDS ?= 60

# Debian packages the build, the tests and the benchmarks need.
DEBS := cmake ninja-build ccache g++ pkg-config clang libclang-rt-14-dev clang-format-16 clang-tidy-16 \
        libyaml-cpp-dev nlohmann-json3-dev libcli11-dev libfmt-dev libpcg-cpp-dev \
        libgtest-dev libgmock-dev librapidcheck-dev libbenchmark-dev hyperfine time \
        coinor-libcbc-dev coinor-libclp-dev libhwy-dev
# The peers of `make bench-peers` (bench/peers/): SimPy 3 and NumPy for Debian's /usr/bin/python3.
DEBS += python3-simpy3 python3-numpy

# The web front end (cmake/targets/web.cmake): Node.js >= 20.19 for Vite 8, and Debian's
# Chromium with a font for the browser tests. Debian's npm only where no npm is on the PATH
# (NodeSource's nodejs ships its own npm and conflicts with Debian's).
DEBS += nodejs chromium fonts-dejavu-core $(if $(shell command -v npm 2>/dev/null),,npm)

# The server (cmake/targets/server.cmake): HTTP, SQLite, PostgreSQL (client library, and the
# server itself for the tests' throwaway cluster), libsodium (Argon2id), wrk (load figures),
# libcurl (e-mail of alerts through an SMTP relay, tandem serve --smtp).
DEBS += libcpp-httplib-dev libsqlite3-dev libpq-dev postgresql libsodium-dev wrk libcurl4-openssl-dev

# The Python module (cmake/targets/python.cmake, docs/python.md) for Debian's /usr/bin/python3:
# pybind11, the interpreter's headers, and NumPy, pytest and PyYAML for its tests.
DEBS += pybind11-dev python3-pybind11 python3-dev python3-pytest python3-yaml
# The check over Dask (tandem.dask, docs/scale-out.md): Dask distributed for /usr/bin/python3.
DEBS += python3-distributed

# `make sizes` (.ci/sizes.sh): Universal Ctags finds where each function ends.
DEBS += universal-ctags

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps build python test unit-test asan-test fuzz-test demo bench bench-peers bench-scaling \
        bench-fidelity format format-check lint sizes tsa clean

# Installs only what is missing; a no-op (one dpkg query) when everything is there.
deps:
	@missing=$$(for p in $(DEBS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing: $$missing"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  $(SUDO) apt-get install -y --no-install-recommends $$missing || \
	  { $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends $$missing; }; \
	fi

$(BUILD)/build.ninja: CMakeLists.txt | deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

# The Python package alone: build/python/tandem/ (PYTHONPATH=build/python, then
# `/usr/bin/python3 -c 'import tandem'`; docs/python.md). `make build` builds it too.
python: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS) --target tandem_python

$(ASAN_BUILD)/build.ninja: CMakeLists.txt | deps
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DTANDEM_SANITIZE=address,undefined -DTANDEM_BUILD_BENCH=OFF

$(FUZZ_BUILD)/build.ninja: CMakeLists.txt | deps
	CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DTANDEM_BUILD_FUZZ=ON -DTANDEM_BUILD_TESTS=OFF -DTANDEM_BUILD_BENCH=OFF

# Every test: the format check, the size limits (`sizes`), clang-tidy (`lint`), unit, scenario and property tests in the release build, the same
# suite under ASan+UBSan, and a short run of each parser fuzzer (the fuzz build is clang's: it
# compiles the server and the store with -Wthread-safety -Werror too). A failing test is run once more
# (--repeat until-pass:2) because the end-to-end browser test drives a real server and Chromium
# on a shared machine; a test that fails twice fails the build, and ctest's output shows every
# first failure so that flakiness stays visible.
test: format-check sizes build lint unit-test asan-test fuzz-test

unit-test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --repeat until-pass:2

asan-test: deps $(ASAN_BUILD)/build.ninja
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS) -LE slow --repeat until-pass:2

fuzz-test: deps $(FUZZ_BUILD)/build.ninja
	cmake --build $(FUZZ_BUILD) -j $(JOBS)
	test/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

# For now: the check on every example, as a campaign owner sees it.
# `tandem serve` on a fresh embedded SQLite database with the Greenleaf workspace and one demo
# user per role (credentials printed); runs until Ctrl-C. DEMO_PORT=8081 make demo for another port.
DEMO_PORT ?= 8080
demo: build
	$(BUILD)/tandem demo --db sqlite:$(BUILD)/demo.db --port $(DEMO_PORT)

bench: build
	bench/run.sh $(BUILD)
	bench/recommend.sh $(BUILD)
	bench/followup.sh $(BUILD)

# docs/performance.md: tandem against a SimPy model and a NumPy model of the same scenario
# (## Peers), time and memory as the check grows (## Scaling), fluid against order-level mode
# and closed forms (## Fidelity). Each regenerates its table in the doc and in bench/out/.
bench-peers: build
	bench/peers/run.sh $(BUILD)

bench-scaling: build
	bench/scaling.sh $(BUILD)

bench-fidelity: build
	bench/fidelity.sh $(BUILD)

# clang-tidy-16 with .clang-tidy's checks over src/ and apps/ (and the project headers they
# include), from the release build's compile commands; clean, and part of `make test`. About
# 8 s of CPU per file here, 15.5 CPU-minutes for the 112 files: ~8 min at -j2 on an idle
# 2-core machine, 29 min under a load of 9 (measured 2026-12-06).
lint: build
	.ci/lint.sh $(BUILD) $(JOBS)

# Clang's thread-safety analysis on the annotated code alone (compiles, no tests, no link): the
# store, the server, tandem_core (the engine: the check runner's stop counts, SimulateAll's
# first failure) and `tandem serve`'s log (apps/tandem/command_serve.cc, which no other Clang
# build compiles: the fuzz build has no CLI). The fuzz build checks the libraries in CI too.
$(TSA_BUILD)/build.ninja: CMakeLists.txt | deps
	CXX=clang++ cmake -S . -B $(TSA_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug \
	  -DTANDEM_BUILD_TESTS=OFF -DTANDEM_BUILD_BENCH=OFF -DCMAKE_OPTIMIZE_DEPENDENCIES=ON

tsa: deps $(TSA_BUILD)/build.ninja
	cmake --build $(TSA_BUILD) -j $(JOBS) --target tandem_store tandem_server tandem_core \
	  CMakeFiles/tandem.dir/apps/tandem/command_serve.cc.o

format: deps
	clang-format-16 -i $$(git ls-files '*.cc' '*.h')

format-check: deps
	clang-format-16 --dry-run --Werror $$(git ls-files '*.cc' '*.h')

# Fails on a file over 800 lines or a function over 120 lines in src/, include/, apps/ that is
# not an allowed exception (.ci/sizes-allowed.txt, each with its reason). Part of `make test`.
sizes: deps
	.ci/sizes.sh --check

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) $(TSA_BUILD)
